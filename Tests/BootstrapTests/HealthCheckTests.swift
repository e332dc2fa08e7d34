import Foundation
import KubeAPI
import Remote
import Testing
@testable import Bootstrap

/// Health answers as real etcd 3.4.23 / etcdctl print them.
struct HealthCheckTests {
    static func result(_ stdout: String, _ stderr: String = "", _ status: Int32 = 0) -> CommandResult {
        CommandResult(stdout: Data(stdout.utf8), stderr: Data(stderr.utf8), exitStatus: status)
    }

    @Test func etcdctlEndpointHealth() {
        #expect(EtcdHealth.evaluateEndpointHealth(Self.result("", "https://127.0.0.1:2379 is healthy: successfully committed proposal: took = 2.13129ms\n")) == nil)
        let unhealthy = Self.result("", #"""
        {"level":"warn","ts":"2026-11-22T03:10:48.681Z","caller":"clientv3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"endpoint://client-a5ef/127.0.0.1:23795","attempt":0,"error":"rpc error: code = DeadlineExceeded desc = context deadline exceeded"}
        http://127.0.0.1:23795 is unhealthy: failed to commit proposal: context deadline exceeded
        Error: unhealthy cluster
        """#, 1)
        #expect(EtcdHealth.evaluateEndpointHealth(unhealthy)?.contains("is unhealthy: failed to commit proposal") == true)
    }

    @Test func httpAnswers() {
        #expect(HealthCheck.Probe.outcome(body: "ok", error: nil) == .healthy)
        #expect(HealthCheck.Probe.outcome(body: "[+]ping ok", error: nil) == .notYet("HTTP 200: [+]ping ok"))
        let starting = KubeAPIError.unexpectedResponse(code: 500, request: "get /readyz", body: "[-]etcd failed: reason withheld\nreadyz check failed")
        #expect(HealthCheck.Probe.outcome(body: nil, error: starting) == .notYet("HTTP 500: [-]etcd failed: reason withheld / readyz check failed"))
        let refused = KubeAPIError.transport(request: "get /livez", endpoint: "https://127.0.0.1:6443", reason: "connection refused")
        #expect(HealthCheck.Probe.outcome(body: nil, error: refused) == .notYet("connection refused"))
        let forbidden = KubeAPIError.status(KubeStatus(reason: "Forbidden", code: 403), request: "get /livez")
        guard case .refused = HealthCheck.Probe.outcome(body: nil, error: forbidden) else { Issue.record("a 403 is a refusal"); return }
    }

    @Test func commandsThatCannotRunFailAtOnce() {
        let missing = Self.result("", "sh: 1: etcdctl: not found", 127)
        #expect(HealthCheck.Probe.outcome(of: missing) { _ in "unhealthy" } == .cannotRun("the probe could not run (exit 127): sh: 1: etcdctl: not found"))
        #expect(HealthCheck.Probe.outcome(of: Self.result("x", "", 1)) { _ in "unhealthy" } == .notYet("unhealthy"))
    }

    @Test func componentEndpoints() {
        #expect(HealthCheck.apiServerLivez().endpoint == "https://127.0.0.1:6443/livez")
        #expect(HealthCheck.apiServerReadyz(address: "fd00::1").endpoint == "https://[fd00::1]:6443/readyz")
        #expect(HealthCheck.controllerManager.endpoint == "https://127.0.0.1:10257/healthz")
        #expect(HealthCheck.scheduler.endpoint == "https://127.0.0.1:10259/healthz")
        #expect(HealthCheck.kubelet.endpoint == "http://127.0.0.1:10248/healthz")
        #expect(HealthCheck.kubelet.unit == "kubelet.service")
    }

    @Test func unitStateFromSystemctlShow() {
        let state = UnitState.parse("ActiveState=activating\nSubState=auto-restart\nNRestarts=2\nResult=exit-code\n")
        #expect(state == UnitState(activeState: "activating", subState: "auto-restart", restarts: 2, result: "exit-code"))
        #expect(state.summary == "activating (auto-restart), restarted 2 times, result exit-code")
    }

    /// The waiter against a real local command: healthy at once, and a failure that reports the unit state.
    @Test func waiterGivesUpAtTheDeadlineWithWhatItSaw() async throws {
        let check = HealthCheck(component: "demo", unit: "kubeforge-no-such-unit.service", endpoint: "demo", probe: .command("echo not yet; exit 1") { result in
            result.succeeded ? nil : result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        })
        let waiter = HealthWaiter(timeout: .milliseconds(300), interval: .milliseconds(100))
        let error = await #expect(throws: HealthCheckFailure.self) { try await waiter.wait(for: check, on: LocalHost(name: "here")) }
        #expect(error?.lastProbe == "not yet")
        #expect(error?.host == "here")
        let ok = HealthCheck(component: "demo", unit: "x", endpoint: "demo", probe: .command("true") { $0.succeeded ? nil : "no" })
        _ = try await waiter.wait(for: ok, on: LocalHost())
    }

    /// A probe whose tool is missing fails in well under a second, not after the timeout.
    @Test func missingToolFailsAtOnce() async throws {
        let check = HealthCheck(component: "demo", unit: "kubeforge-no-such-unit.service", endpoint: "demo",
                                probe: .command("kubeforge-no-such-tool --health") { _ in "unhealthy" })
        let waiter = HealthWaiter(timeout: .seconds(120), interval: .milliseconds(100))
        let error = await #expect(throws: HealthCheckFailure.self) { try await waiter.wait(for: check, on: LocalHost()) }
        // Given up on the first probe, not at the deadline (generous: the machine may be busy).
        #expect((error?.waited ?? .seconds(999)) < .seconds(30))
        #expect(error?.lastProbe.contains("exit 127") == true)
    }

    /// kubeforge's own HTTP probe of a port nothing listens on: "not yet" until the deadline, with the reason.
    @Test func httpProbeOfAClosedPortWaitsUntilTheDeadline() async throws {
        let check = HealthCheck.http(component: "demo", unit: "kubeforge-no-such-unit.service", port: 1, path: "/healthz", https: false)
        let waiter = HealthWaiter(timeout: .milliseconds(400), interval: .milliseconds(100))
        let error = await #expect(throws: HealthCheckFailure.self) { try await waiter.wait(for: check, on: LocalHost()) }
        #expect(error?.lastProbe.lowercased().contains("refused") == true, "\(error?.lastProbe ?? "")")
    }
}
