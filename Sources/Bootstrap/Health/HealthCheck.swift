import Foundation
import KubeAPI
import Remote

/// One health endpoint of one component and how to probe it: kubeforge's own HTTP(S) request to a port of the
/// component's host (reached through `Host.forwardPort`, so over SSH nothing is needed on the host and ports
/// bound to its loopback are reachable), or a command run there (etcdctl, which kubeforge installs with etcd).
public struct HealthCheck: Sendable {
    public enum Probe: Sendable {
        /// GET `path` on `address:port` as the host sees it; healthy on 200 `ok`. `https` endpoints of the control
        /// plane serve self-signed or other-named certificates, so TLS is not verified: this is a liveness
        /// probe, as the kubelet's own probes are, not an identity check.
        case http(address: String, port: Int, path: String, https: Bool)
        /// A shell command (every value in it quoted) and how to read its result: nil when healthy.
        case command(String, evaluate: @Sendable (CommandResult) -> String?)
    }

    /// `etcd`, `kube-apiserver`, …
    public var component: String
    /// The systemd unit whose journal explains a failure.
    public var unit: String
    /// What is probed, for messages (`https://127.0.0.1:6443/livez`).
    public var endpoint: String
    public var probe: Probe

    public init(component: String, unit: String, endpoint: String, probe: Probe) {
        self.component = component
        self.unit = unit
        self.endpoint = endpoint
        self.probe = probe
    }
}

extension HealthCheck {
    /// etcd's health over mTLS with the healthcheck-client certificate, via `etcdctl endpoint health`
    /// (a quorum read: it fails while the cluster has no leader).
    public static func etcd(endpoint: String = "https://127.0.0.1:2379", certificatesDir: String = "/etc/kubernetes/pki",
                            etcdctl: String = "\(BinarySpec.defaultInstallDirectory)/etcdctl") -> HealthCheck {
        let ctl = EtcdCtl(endpoints: [endpoint], certificatesDir: certificatesDir, etcdctl: etcdctl, commandTimeout: .seconds(5))
        return HealthCheck(component: "etcd", unit: "etcd.service", endpoint: "\(endpoint) (etcdctl endpoint health)",
                           probe: .command(ctl.command(["endpoint", "health"]), evaluate: EtcdHealth.evaluateEndpointHealth))
    }

    /// An endpoint of the host (its loopback unless said) that answers `ok` when healthy (`/livez`, `/readyz`, `/healthz`).
    public static func http(component: String, unit: String, address: String = "127.0.0.1", port: Int, path: String, https: Bool = true) -> HealthCheck {
        HealthCheck(component: component, unit: unit, endpoint: "\(https ? "https" : "http")://\(hostPort(address, port))\(path)",
                    probe: .http(address: address, port: port, path: path, https: https))
    }

    /// The API server where kubeadm's static Pod probes it: the advertise address and bind port.
    public static func apiServerLivez(address: String = "127.0.0.1", port: Int = 6443) -> HealthCheck {
        http(component: "kube-apiserver", unit: "kube-apiserver.service", address: address, port: port, path: "/livez")
    }

    public static func apiServerReadyz(address: String = "127.0.0.1", port: Int = 6443) -> HealthCheck {
        http(component: "kube-apiserver", unit: "kube-apiserver.service", address: address, port: port, path: "/readyz")
    }

    public static let controllerManager = http(component: "kube-controller-manager", unit: "kube-controller-manager.service",
                                               port: 10257, path: "/healthz")
    public static let scheduler = http(component: "kube-scheduler", unit: "kube-scheduler.service", port: 10259, path: "/healthz")
    public static let kubelet = http(component: "kubelet", unit: "kubelet.service", port: 10248, path: "/healthz", https: false)

    static func hostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// What one probe found.
enum ProbeOutcome: Equatable {
    case healthy
    /// Not yet: worth probing again (connection refused, 500 while starting, not `ok`).
    case notYet(String)
    /// The probe itself cannot work (a missing tool, a refused forward): waiting is pointless.
    case cannotRun(String)
    /// The endpoint refused kubeforge (401/403). Permanent on a running server, but a kube-apiserver that has
    /// just started answers 403 until its RBAC bootstrap policy exists, so this is waited out briefly.
    case refused(String)
}

extension HealthCheck.Probe {
    /// Exit statuses of a shell that could not run the command at all.
    static let cannotExecute: Set<Int32> = [126, 127]

    /// Reads a command's result: 126/127 (not executable, not found) cannot become healthy by waiting.
    static func outcome(of result: CommandResult, _ evaluate: (CommandResult) -> String?) -> ProbeOutcome {
        if cannotExecute.contains(result.exitStatus) {
            let why = result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            return .cannotRun("the probe could not run (exit \(result.exitStatus))\(why.isEmpty ? "" : ": \(why)")")
        }
        return evaluate(result).map(ProbeOutcome.notYet) ?? .healthy
    }

    /// Reads an HTTP answer: 200 `ok` is healthy; 401/403 mean the endpoint refuses kubeforge; anything else
    /// (refused, reset, 500 while starting) may pass.
    static func outcome(body: String?, error: (any Error)?) -> ProbeOutcome {
        if let body {
            let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
            return text == "ok" ? .healthy : .notYet("HTTP 200: \(text.prefix(200))")
        }
        guard let error else { return .notYet("no answer") }
        if let api = error as? KubeAPIError {
            if api.isUnauthorized || api.isForbidden { return .refused("\(api)") }
            if case let .unexpectedResponse(code, _, body) = api {
                return .notYet("HTTP \(code): \(body.split(separator: "\n").suffix(5).joined(separator: " / "))")
            }
            if case let .transport(_, _, reason) = api { return .notYet(reason) }
        }
        return .notYet("\(error)")
    }
}

/// Reading etcd's health answers.
public enum EtcdHealth {
    /// `etcdctl endpoint health`: `<url> is healthy: successfully committed proposal: took = …` on stdout
    /// (stderr for `is unhealthy`), exit status 1 when any endpoint is unhealthy.
    public static func evaluateEndpointHealth(_ result: CommandResult) -> String? {
        let all = (result.stdoutText + "\n" + result.stderrText).trimmingCharacters(in: .whitespacesAndNewlines)
        if result.succeeded, all.contains(" is healthy") { return nil }
        let lines = all.split(separator: "\n").filter { !$0.hasPrefix("Error: unhealthy cluster") }
        return lines.isEmpty ? "etcdctl exited \(result.exitStatus)" : lines.joined(separator: " / ")
    }
}
