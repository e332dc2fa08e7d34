import Foundation
import LabSupport
import Testing

/// `kubeforge run` and `kubeforge preflight` over real SSH against the lab's systemd hosts.
@Suite(.enabled(if: Lab.enabled, "needs the lab: KUBEFORGE_LAB=1 after scripts/lab up"))
struct RunLabTests {
    @Test func printsEveryHostsHostnamePrefixed() throws {
        let outcome = try KubeforgeBinary.run(["run", "-i", try Lab.inventory(), "--", "hostname"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for (name, _, _) in Lab.hosts {
            #expect(outcome.stdout.contains("\(name) | \(name)\n"), "\(outcome.stdout)")
        }
        #expect(outcome.stderr.contains("3 hosts: 3 succeeded, 0 failed"))
    }

    @Test func selectsHostsByRole() throws {
        let outcome = try KubeforgeBinary.run(["run", "-i", try Lab.inventory(), "--hosts", "role=worker", "-o", "json", "--", "hostname"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let hosts = try #require(document["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["name"] as? String } == ["k8s-node1", "k8s-node2"])
        #expect(hosts.map { $0["stdout"] as? String } == ["k8s-node1\n", "k8s-node2\n"])
    }

    /// One unreachable host is reported while the others succeed, and the run exits 1.
    @Test func unreachableHostFailsAloneAndQuickly() throws {
        let inventory = try Lab.inventory(extra: ["  - {name: ghost, address: 10.213.0.99, roles: [worker]}"])
        let start = Date()
        let outcome = try KubeforgeBinary.run(["run", "-i", inventory, "--connect-timeout", "3", "--", "hostname"])
        #expect(outcome.status == 1)
        for (name, _, _) in Lab.hosts { #expect(outcome.stdout.contains("\(name) | \(name)\n")) }
        #expect(outcome.stderr.contains("4 hosts: 3 succeeded, 1 failed"))
        #expect(outcome.stderr.contains("ghost:"))
        #expect(Date().timeIntervalSince(start) < 40)
    }

    @Test func failingCommandOnOneHostExitsOne() throws {
        let outcome = try KubeforgeBinary.run(["run", "-i", try Lab.inventory(), "--", "test \"$(hostname)\" != k8s-node1"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("k8s-node1: exit status 1"))
    }

    @Test func preflightJSONFollowsTheContract() throws {
        let outcome = try KubeforgeBinary.run(["preflight", "-i", try Lab.inventory(), "-o", "json"])
        #expect([0, 1].contains(outcome.status), "\(outcome.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let hosts = try #require(document["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["name"] as? String } == Lab.hosts.map(\.0))
        for host in hosts {
            #expect(host["reachable"] as? Bool == true)
            let checks = try #require(host["checks"] as? [[String: Any]])
            let names = Set(checks.compactMap { $0["name"] as? String })
            #expect(names.isSuperset(of: ["Swap", "NumCPU", "FileContent--proc-sys-net-ipv4-ip_forward", "ClockSkew", "UniqueProductUUID"]))
            for check in checks {
                #expect(["pass", "warn", "fail", "ignored", "skip"].contains(check["status"] as? String ?? ""))
            }
        }
        let summary = try #require(document["summary"] as? [String: Int])
        #expect(summary["hosts"] == 3 && summary["unreachable"] == 0)
        let product = hosts.map { host in
            ((host["checks"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == "UniqueProductUUID" }?["status"] as? String
        }
        #expect(product == ["pass", "pass", "pass"], "the lab gives every host its own product_uuid")
    }
}
