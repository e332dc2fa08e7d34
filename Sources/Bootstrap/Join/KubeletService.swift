import Foundation
import Remote

/// What join does to the kubelet: (re)start it with the files just written, and wait until it answers. A seam
/// so tests can put a stand-in in the real kubelet's place (none can run in CI); `SystemdKubelet` is the real one.
public protocol KubeletService: Sendable {
    func restart() async throws
    func waitHealthy() async throws
}

/// The kubelet as a systemd unit on the host: `systemctl daemon-reload; systemctl restart kubelet`, then its
/// healthz on 127.0.0.1:10248 (kubeforge's own request over the host's connection).
public struct SystemdKubelet: KubeletService {
    public let host: any Remote.Host
    public let waiter: HealthWaiter

    public init(host: any Remote.Host, waiter: HealthWaiter = HealthWaiter(timeout: .seconds(240))) {
        self.host = host
        self.waiter = waiter
    }

    public func restart() async throws {
        try await StartUnitsPhase(["kubelet.service"], on: host).run()
    }

    public func waitHealthy() async throws {
        try await waiter.wait(for: .kubelet, on: host)
    }
}
