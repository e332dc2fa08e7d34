import Foundation
import LabSupport
import Remote
import SSH
import Testing
@testable import Bootstrap

/// Health checks on real lab hosts, which have no curl: kubeforge's own HTTP request reaches a port bound to
/// the host's loopback through its SSH connection, and a check that cannot run fails at once.
@Suite(.enabled(if: LabEnvironment.enabled, "needs the lab (KUBEFORGE_LAB=1)"))
struct HealthLabTests {
    /// An HTTP responder on 127.0.0.1:PORT of the host that answers every request with `body` (as a component's
    /// healthz does), started with systemd-socket-activate and stopped afterwards.
    static func withResponder(on host: SSHHost, status: String = "200 OK", body: String, _ test: (Int) async throws -> Void) async throws {
        let port = Int.random(in: 30_000...39_999)
        let unit = "kubeforge-health-test-\(port)"
        let reply = "printf 'HTTP/1.1 \(status)\\r\\nContent-Type: text/plain\\r\\nContent-Length: \(body.utf8.count)\\r\\nConnection: close\\r\\n\\r\\n\(body)'"
        let started = try await host.run("systemd-run --quiet --unit \(unit) $(command -v systemd-socket-activate || echo /lib/systemd/systemd-socket-activate) "
            + "-l 127.0.0.1:\(port) --inetd -a sh -c \(ShellQuote.quote("sed -u '/^\\r*$/q' >/dev/null; " + reply))")
        #expect(started.succeeded, "\(started.stderrText)")
        for _ in 0..<100 where !(try await host.run("ss -Hltn 'sport = :\(port)'").stdoutText.contains("127.0.0.1:\(port)")) {
            try await Task.sleep(for: .milliseconds(50))
        }
        do {
            try await test(port)
        } catch {
            _ = try? await host.run("systemctl stop \(unit)")
            throw error
        }
        _ = try? await host.run("systemctl stop \(unit)")
    }

    @Test func aHealthCheckOnAHostWithoutCurlPassesThroughItsConnection() async throws {
        let host = try await Lab.host("k8s-node1", "10.213.0.12")
        #expect(try await host.run("command -v curl").exitStatus != 0, "the lab hosts have no curl")
        try await Self.withResponder(on: host, body: "ok") { port in
            // Bound to the host's loopback: unreachable from here directly, reachable through SSH.
            let check = HealthCheck.http(component: "demo", unit: "kubeforge-no-such-unit.service", port: port, path: "/healthz", https: false)
            let waited = try await HealthWaiter(timeout: .seconds(20)).wait(for: check, on: host)
            #expect(waited < .seconds(20))
        }
        await host.disconnect()
    }

    @Test func anUnhealthyAnswerIsReportedWithItsBody() async throws {
        let host = try await Lab.host("k8s-node1", "10.213.0.12")
        try await Self.withResponder(on: host, status: "500 Internal Server Error", body: "[-]etcd failed") { port in
            let check = HealthCheck.http(component: "demo", unit: "kubeforge-no-such-unit.service", port: port, path: "/readyz", https: false)
            let error = await #expect(throws: HealthCheckFailure.self) { try await HealthWaiter(timeout: .seconds(3), interval: .milliseconds(500)).wait(for: check, on: host) }
            #expect(error?.lastProbe.contains("HTTP 500: [-]etcd failed") == true, "\(error?.lastProbe ?? "")")
        }
        await host.disconnect()
    }

    @Test func aCheckThatCannotRunFailsInUnderFiveSeconds() async throws {
        let host = try await Lab.host("k8s-node1", "10.213.0.12")
        let check = HealthCheck.etcd(etcdctl: "/usr/local/bin/kubeforge-no-etcdctl")
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: HealthCheckFailure.self) { try await HealthWaiter(timeout: .seconds(240)).wait(for: check, on: host) }
        #expect(clock.now - start < .seconds(5))
        #expect(error?.lastProbe.contains("exit 127") == true, "\(error?.lastProbe ?? "")")
        await host.disconnect()
    }
}
