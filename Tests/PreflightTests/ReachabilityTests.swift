import Foundation
import Remote
import Testing
@testable import Preflight

@Suite struct ReachabilityTests {
    let master = Fixture.target("k8s-master", roles: [.controlPlane], address: "192.168.2.201")
    let node = Fixture.target("k8s-node1", roles: [.worker], address: "192.168.2.202")
    let master2 = Fixture.target("k8s-master2", roles: [.controlPlane], address: "192.168.2.203")

    @Test func probesFollowRoles() {
        let targets = [master, node, master2]
        #expect(Reachability.probes(from: node, in: targets).map(\.port) == [6443, 6443])
        #expect(Reachability.probes(from: master, in: targets).map { "\($0.peer):\($0.port)" }
            == ["k8s-node1:10250", "k8s-master2:6443", "k8s-master2:2379", "k8s-master2:2380", "k8s-master2:10250"])
    }

    @Test func parsesBashDevTcpOutcomes() {
        let probes = [Reachability.Probe(peer: "a", address: "10.0.0.1", port: 6443),
                      Reachability.Probe(peer: "b", address: "10.0.0.2", port: 6443),
                      Reachability.Probe(peer: "c", address: "10.0.0.3", port: 6443),
                      Reachability.Probe(peer: "d", address: "10.0.0.4", port: 6443)]
        // Genuine bash 5 messages for a reset and an ICMP host-prohibited rejection; 124 is timeout(1)'s status.
        let output = """
            ==> 10.0.0.2 6443 rc=1
            _: connect: Connection refused
            _: line 1: /dev/tcp/10.0.0.2/6443: Connection refused
            ==> 10.0.0.1 6443 rc=0

            ==> 10.0.0.3 6443 rc=1
            _: connect: No route to host
            _: line 1: /dev/tcp/10.0.0.3/6443: No route to host
            ==> 10.0.0.4 6443 rc=124

            ==> end
            """
        let outcomes = Reachability.parse(output, probes: probes)
        #expect(outcomes[probes[0]] == .open && outcomes[probes[1]] == .refused)
        #expect(outcomes[probes[2]] == .rejected("No route to host") && outcomes[probes[3]] == .timedOut)
        let checks = Reachability.judge(outcomes)
        #expect(checks.count == 1 && checks[0].name == "Reachable-6443" && checks[0].status == .fail)
        #expect(checks[0].fix.hasPrefix("open 6443/tcp on c, d"))
        #expect(Reachability.judge([probes[0]: .open, probes[1]: .refused])[0].status == .pass)
        #expect(Reachability.parse("==> untested\n", probes: probes).values.allSatisfy {
            if case .untested = $0 { true } else { false }
        })
    }

    @Test func scriptQuotesAddresses() {
        let script = Reachability.script([.init(peer: "x", address: "10.0.0.1; rm -rf /", port: 6443)])
        #expect(script.contains("\nt '10.0.0.1; rm -rf /' 6443\n"))
    }

    /// For real on this machine: one listening port (opened here) and one closed port.
    @Test func runsForRealOnLocalHost() async throws {
        let listener = try Listener()
        defer { close(listener.fd) }
        let probes = [Reachability.Probe(peer: "open", address: "127.0.0.1", port: listener.port),
                      Reachability.Probe(peer: "closed", address: "127.0.0.1", port: 1)]
        let result = try await LocalHost().run(Reachability.script(probes), timeout: .seconds(20))
        let outcomes = Reachability.parse(result.stdoutText, probes: probes)
        #expect(outcomes[probes[0]] == .open, "\(result.stdoutText)")
        #expect(outcomes[probes[1]] == .refused, "\(result.stdoutText)")
    }

    struct Listener {
        let fd: Int32
        let port: Int

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    bind(fd, raw, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, raw, &length) == 0
                }
            }
            guard fd >= 0, bound else { throw POSIXError(.EADDRNOTAVAIL) }
            self.fd = fd
            port = Int(UInt16(bigEndian: address.sin_port))
        }
    }

    @Test func runAppendsReachabilityChecks() async throws {
        let local = Fixture.target("local", roles: [.controlPlane], address: "127.0.0.1")
        let other = Fixture.target("other", roles: [.worker], address: "127.0.0.1")
        let report = await Preflight.run([(local, LocalHost()), (other, LocalHost())], concurrency: 2, reachability: true)
        // The worker reaches the control plane's 6443 (refused: nothing listens); the control plane reaches 10250.
        #expect(report.hosts[1].checks.named("Reachable-6443")?.status == .pass)
        #expect(report.hosts[0].checks.named("Reachable-10250")?.status == .pass)
    }
}
