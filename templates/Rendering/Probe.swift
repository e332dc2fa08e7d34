import KubeadmConfig
import KubeTypes

/// An HTTP probe as kubeadm's `createHTTPProbe` builds it (util/staticpod/utils.go).
public struct Probe: Equatable, Sendable {
    public enum Kind: Sendable { case liveness, readiness, startup }

    /// nil omits `host` (kubeadm leaves it empty when the API server advertises 0.0.0.0 or ::).
    public var host: String?
    public var path: String
    public var port: Int
    public var scheme: String
    public var initialDelaySeconds: Int
    public var timeoutSeconds: Int
    public var failureThreshold: Int
    public var periodSeconds: Int

    /// liveness 10/15/8/10, readiness 0/15/3/1, startup 10/15/ceil(timeout/10s)/10.
    public init(_ kind: Kind, host: String?, path: String, port: Int, scheme: String, startupTimeout: GoDuration) {
        self.host = host
        self.path = path
        self.port = port
        self.scheme = scheme
        self.timeoutSeconds = 15
        switch kind {
        case .liveness: (initialDelaySeconds, failureThreshold, periodSeconds) = (10, 8, 10)
        case .readiness: (initialDelaySeconds, failureThreshold, periodSeconds) = (0, 3, 1)
        case .startup:
            let period = 10
            (initialDelaySeconds, failureThreshold, periodSeconds) = (10, (startupTimeout.seconds + period - 1) / period, period)
        }
    }

    var context: [String: Any] {
        var values: [String: Any] = [
            "path": YAMLValue.quoted(path), "port": port, "scheme": scheme,
            "timeoutSeconds": timeoutSeconds, "failureThreshold": failureThreshold, "periodSeconds": periodSeconds,
        ]
        if let host, !host.isEmpty { values["host"] = YAMLValue.quoted(host) }
        if initialDelaySeconds > 0 { values["initialDelaySeconds"] = initialDelaySeconds }
        return values
    }
}

/// The liveness, readiness and startup probes of one component (nil where kubeadm sets none).
public struct ComponentProbes: Equatable, Sendable {
    public var liveness: Probe?
    public var readiness: Probe?
    public var startup: Probe?

    public static func probes(for component: ControlPlaneComponentName, config: KubeadmConfiguration) -> ComponentProbes {
        let timeout = config.controlPlaneHealthCheckTimeout
        let c = config.clusterConfiguration
        func https(_ host: String?, _ port: Int, live: String, ready: String?, start: String) -> ComponentProbes {
            ComponentProbes(
                liveness: Probe(.liveness, host: host, path: live, port: port, scheme: "HTTPS", startupTimeout: timeout),
                readiness: ready.map { Probe(.readiness, host: host, path: $0, port: port, scheme: "HTTPS", startupTimeout: timeout) },
                startup: Probe(.startup, host: host, path: start, port: port, scheme: "HTTPS", startupTimeout: timeout))
        }
        switch component {
        case .apiServer:
            let endpoint = config.initConfiguration.localAPIEndpoint
            let address = endpoint.advertiseAddress
            let host: String? = address.isEmpty ? "127.0.0.1" : (address == "0.0.0.0" || address == "::") ? nil : address
            let port = Int(c.apiServer.component.extraArgs.value(of: "secure-port") ?? "") ?? endpoint.bindPort
            return https(host, port, live: "/livez", ready: "/readyz", start: "/livez")
        case .controllerManager:
            let port = Int(c.controllerManager.extraArgs.value(of: "secure-port") ?? "") ?? 10257
            return https(probeHost(c.controllerManager.extraArgs.value(of: "bind-address")), port, live: "/healthz", ready: nil, start: "/healthz")
        case .scheduler:
            let port = Int(c.scheduler.extraArgs.value(of: "secure-port") ?? "") ?? 10259
            return https(probeHost(c.scheduler.extraArgs.value(of: "bind-address")), port, live: "/healthz", ready: nil, start: "/healthz")
        case .etcd:
            let address = config.initConfiguration.localAPIEndpoint.advertiseAddress
            var host = IPAddress(address)?.isIPv6 == true ? "::1" : "127.0.0.1"
            var port = 2381
            var scheme = "HTTP"
            // kubeadm probes the first --listen-metrics-urls entry when one is given.
            if let metrics = c.etcd.local?.extraArgs.value(of: "listen-metrics-urls")?.split(separator: ",").first,
               let url = URLParts(String(metrics)) {
                (host, port, scheme) = (url.host, url.port ?? 2381, url.scheme.uppercased())
            }
            let live: String, ready: String?, start: String
            if c.version.isAtLeast(minor: 31) {  // etcd 3.5.11+ endpoints (kubernetes/kubernetes#124465)
                (live, ready, start) = ("/livez", "/readyz", "/readyz")
            } else {
                (live, ready, start) = ("/health?exclude=NOSPACE&serializable=true", nil, "/health?serializable=false")
            }
            return ComponentProbes(
                liveness: Probe(.liveness, host: host, path: live, port: port, scheme: scheme, startupTimeout: timeout),
                readiness: ready.map { Probe(.readiness, host: host, path: $0, port: port, scheme: scheme, startupTimeout: timeout) },
                startup: Probe(.startup, host: host, path: start, port: port, scheme: scheme, startupTimeout: timeout))
        }
    }

    /// bind-address extraArg when it is a specific address, else loopback.
    private static func probeHost(_ bindAddress: String?) -> String {
        guard let bindAddress, !bindAddress.isEmpty, bindAddress != "0.0.0.0", bindAddress != "::" else { return "127.0.0.1" }
        return bindAddress
    }
}

/// scheme://host:port of a URL, enough for etcd's listen-metrics-urls.
struct URLParts {
    let scheme: String
    let host: String
    let port: Int?

    init?(_ text: String) {
        guard let range = text.range(of: "://") else { return nil }
        scheme = String(text[..<range.lowerBound])
        var rest = String(text[range.upperBound...])
        if let slash = rest.firstIndex(of: "/") { rest = String(rest[..<slash]) }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            port = Int(rest[rest.index(after: close)...].dropFirst())
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            port = Int(rest[rest.index(after: colon)...])
        } else {
            host = rest
            port = nil
        }
    }
}
