import Foundation
import Remote

/// One health endpoint of one component, probed by a command run on the component's host (the hosts may be
/// reachable only over SSH), and how to read the answer.
public struct HealthCheck: Sendable {
    /// `etcd`, `kube-apiserver`, …
    public var component: String
    /// The systemd unit whose journal explains a failure.
    public var unit: String
    /// What is probed, for messages (`https://127.0.0.1:2379/health`).
    public var endpoint: String
    /// Shell command run on the host; every value in it is quoted.
    public var command: String
    /// Reads the command's result: nil when healthy, otherwise why not.
    public var evaluate: @Sendable (CommandResult) -> String?

    public init(component: String, unit: String, endpoint: String, command: String,
                evaluate: @escaping @Sendable (CommandResult) -> String?) {
        self.component = component
        self.unit = unit
        self.endpoint = endpoint
        self.command = command
        self.evaluate = evaluate
    }
}

extension HealthCheck {
    /// etcd's health over mTLS with the healthcheck-client certificate, via `etcdctl endpoint health`
    /// (a quorum read: it fails while the cluster has no leader).
    public static func etcd(endpoint: String = "https://127.0.0.1:2379", certificatesDir: String = "/etc/kubernetes/pki",
                            etcdctl: String = "\(BinarySpec.defaultInstallDirectory)/etcdctl") -> HealthCheck {
        let ctl = EtcdCtl(endpoints: [endpoint], certificatesDir: certificatesDir, etcdctl: etcdctl, commandTimeout: .seconds(5))
        return HealthCheck(component: "etcd", unit: "etcd.service", endpoint: "\(endpoint) (etcdctl endpoint health)",
                           command: ctl.command(["endpoint", "health"])) { result in
            EtcdHealth.evaluateEndpointHealth(result)
        }
    }

    /// etcd's `/health` over mTLS with curl (etcd 3.4 has /health; /livez and /readyz came in 3.5.x).
    public static func etcdHTTP(endpoint: String = "https://127.0.0.1:2379", certificatesDir: String = "/etc/kubernetes/pki") -> HealthCheck {
        let pki = "\(certificatesDir)/etcd"
        let url = "\(endpoint)/health"
        let command = ShellQuote.join(["curl", "-sS", "--max-time", "5", "--cacert", "\(pki)/ca.crt",
                                       "--cert", "\(pki)/healthcheck-client.crt", "--key", "\(pki)/healthcheck-client.key", url])
        return HealthCheck(component: "etcd", unit: "etcd.service", endpoint: url, command: command) { result in
            EtcdHealth.evaluateHealthBody(result)
        }
    }

    /// An HTTP(S) endpoint that answers `ok` when healthy (`/livez`, `/readyz`, `/healthz`). The serving
    /// certificates of these components are self-signed or for other names, so curl does not verify them:
    /// this is a liveness probe (as the kubelet's own probes, which skip verification too), not an identity check.
    public static func http(component: String, unit: String, url: String) -> HealthCheck {
        let command = ShellQuote.join(["curl", "-ksS", "--max-time", "5", "-o", "-", "-w", "\\n%{http_code}", url])
        return HealthCheck(component: component, unit: unit, endpoint: url, command: command) { result in
            HTTPHealth.evaluate(result)
        }
    }

    public static func apiServerLivez(address: String = "127.0.0.1", port: Int = 6443) -> HealthCheck {
        http(component: "kube-apiserver", unit: "kube-apiserver.service", url: "https://\(hostPort(address, port))/livez")
    }

    public static func apiServerReadyz(address: String = "127.0.0.1", port: Int = 6443) -> HealthCheck {
        http(component: "kube-apiserver", unit: "kube-apiserver.service", url: "https://\(hostPort(address, port))/readyz")
    }

    public static let controllerManager = http(component: "kube-controller-manager", unit: "kube-controller-manager.service",
                                               url: "https://127.0.0.1:10257/healthz")
    public static let scheduler = http(component: "kube-scheduler", unit: "kube-scheduler.service",
                                       url: "https://127.0.0.1:10259/healthz")
    public static let kubelet = http(component: "kubelet", unit: "kubelet.service", url: "http://127.0.0.1:10248/healthz")

    static func hostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// Reading the answers of the HTTP health endpoints.
public enum HTTPHealth {
    /// `curl -o - -w '\n%{http_code}'` output: body, newline, status. Healthy is 200 with body `ok`.
    public static func evaluate(_ result: CommandResult) -> String? {
        guard result.succeeded else {
            return "curl exited \(result.exitStatus): \(result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
        let text = result.stdoutText
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let status = lines.last.map(String.init) ?? ""
        let body = lines.dropLast().joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if status == "200", body == "ok" { return nil }
        return "HTTP \(status): \(body.split(separator: "\n").suffix(5).joined(separator: " / "))"
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

    /// `/health` body: `{"health":"true"}` (3.4 adds `"reason":""` in later patches).
    public static func evaluateHealthBody(_ result: CommandResult) -> String? {
        guard result.succeeded else {
            return "curl exited \(result.exitStatus): \(result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
        struct Body: Decodable { var health: String; var reason: String? }
        guard let body = try? JSONDecoder().decode(Body.self, from: result.stdout) else {
            return "unexpected answer: \(result.stdoutText.prefix(200))"
        }
        if body.health == "true" { return nil }
        return "health=\(body.health)" + (body.reason.map { $0.isEmpty ? "" : " (\($0))" } ?? "")
    }
}
