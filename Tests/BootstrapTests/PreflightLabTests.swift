import Foundation
import Inventory
import Preflight
import Testing

/// Hosts that really differ: each test changes one lab host over SSH, checks that preflight reports it on
/// that host only (the others still judged), and restores the host whatever happens.
extension LabSerial {
    @Suite struct PreflightLabTests {
        /// Runs `body`, then `restore` even when `body` threw.
        func withRestore(_ restore: () async throws -> Void, _ body: () async throws -> Void) async throws {
            do { try await body() } catch {
                try? await restore()
                throw error
            }
            try await restore()
        }

        @Test func ipForwardOffOnOneHost() async throws {
            let inventory = try LabHosts.inventory()
            var original: [String: String] = [:]
            for name in LabHosts.names {
                original[name] = try await LabHosts.run("cat /proc/sys/net/ipv4/ip_forward", on: name).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            try await withRestore({
                for (name, value) in original { try await LabHosts.run("sysctl -qw net.ipv4.ip_forward=\(value)", on: name) }
            }) {
                for name in LabHosts.names {
                    try await LabHosts.run("sysctl -qw net.ipv4.ip_forward=\(name == "k8s-node1" ? 0 : 1)", on: name)
                }
                let report = await LabHosts.preflight(inventory)
                let name = "FileContent--proc-sys-net-ipv4-ip_forward"
                let node1 = try report.check(name, on: "k8s-node1")
                #expect(node1.status == .fail)
                #expect(node1.message.contains("net.ipv4.ip_forward = 0"))
                #expect(try report.check(name, on: "k8s-master").status == .pass)
                #expect(try report.check(name, on: "k8s-node2").status == .pass)
                #expect(report.exitCode == 1)
            }
        }

        @Test func duplicatedProductUUID() async throws {
            let inventory = try LabHosts.inventory()
            let override = "/etc/kubeforge-lab/sys-class/dmi/id/product_uuid"
            let node1UUID = try await LabHosts.run("cat /sys/class/dmi/id/product_uuid", on: "k8s-node1").trimmingCharacters(in: .whitespacesAndNewlines)
            let node2UUID = try await LabHosts.run("cat \(override)", on: "k8s-node2").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(node1UUID != node2UUID, "the lab should start with distinct product_uuids")
            try await withRestore({
                try await LabHosts.run("printf '%s\\n' \(node2UUID) > \(override)", on: "k8s-node2")
            }) {
                try await LabHosts.run("printf '%s\\n' \(node1UUID) > \(override)", on: "k8s-node2")
                #expect(try await LabHosts.run("cat /sys/class/dmi/id/product_uuid", on: "k8s-node2").contains(node1UUID))
                let report = await LabHosts.preflight(inventory)
                for name in ["k8s-node1", "k8s-node2"] {
                    let check = try report.check("UniqueProductUUID", on: name)
                    #expect(check.status == .fail, "\(name): \(check)")
                    #expect(check.message.contains(name == "k8s-node1" ? "k8s-node2" : "k8s-node1"), "\(name): \(check.message)")
                }
                #expect(try report.check("UniqueProductUUID", on: "k8s-master").status == .pass)
            }
        }

        @Test func occupiedAPIServerPort() async throws {
            let inventory = try LabHosts.inventory()
            let pid = try await LabHosts.run(
                "nohup setsid socat TCP-LISTEN:6443,fork,reuseaddr SYSTEM:true </dev/null >/dev/null 2>&1 & echo $!", on: "k8s-master")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try await withRestore({ try await LabHosts.run("kill \(pid)", on: "k8s-master") }) {
                // socat may take a moment to bind.
                try await LabHosts.run("for i in 1 2 3 4 5 6 7 8 9 10; do ss -ltn | grep -q ':6443 ' && exit 0; sleep 0.2; done; exit 1", on: "k8s-master")
                let report = await LabHosts.preflight(inventory)
                let port = try report.check("Port-6443", on: "k8s-master")
                #expect(port.status == .fail)
                #expect(port.message.contains("socat"), "\(port.message)")
                #expect(try report.check("Port-10250", on: "k8s-master").status == .pass)
                for name in ["k8s-node1", "k8s-node2"] {
                    #expect(try report.check("Port-10250", on: name).status == .pass)
                    #expect(report.hosts.first { $0.name == name }?.checks.contains { $0.name == "Port-6443" } == false)
                }
            }
        }

        @Test func chronyStoppedOnOneHost() async throws {
            let inventory = try LabHosts.inventory()
            try await withRestore({ try await LabHosts.run("systemctl start chrony", on: "k8s-node2") }) {
                try await LabHosts.run("systemctl stop chrony", on: "k8s-node2")
                let report = await LabHosts.preflight(inventory)
                let stopped = try report.check("TimeSync", on: "k8s-node2")
                // The lab's chronyd runs with -x and no reachable server, so running hosts warn too, but for a
                // different reason: their chronyd answers.
                #expect(stopped.status == .warn)
                #expect(stopped.message.contains("chronyc: "), "\(stopped.message)")
                #expect(!stopped.message.contains("leap status"), "\(stopped.message)")
                for name in ["k8s-master", "k8s-node1"] {
                    let running = try report.check("TimeSync", on: name)
                    #expect(running.message.contains("chrony leap status"), "\(name): \(running.message)")
                }
            }
        }

        @Test func unreachableHostIsReportedAndOthersJudged() async throws {
            let inventory = try LabHosts.inventory(withUnreachable: true)
            let started = ContinuousClock.now
            let report = await LabHosts.preflight(inventory)
            let ghost = try #require(report.hosts.first { $0.name == "k8s-ghost" })
            #expect(!ghost.reachable)
            #expect(ghost.address == LabHosts.unreachableAddress)
            #expect(ghost.error != nil && ghost.checks.isEmpty)
            for name in LabHosts.names {
                let host = try #require(report.hosts.first { $0.name == name })
                #expect(host.reachable && host.error == nil, "\(name): \(host.error ?? "")")
                #expect(host.checks.count > 30)
            }
            #expect(report.summary.unreachable == 1)
            #expect(report.exitCode == 1)
            #expect(ContinuousClock.now - started < .seconds(15), "one dead host must not hold the others up")
        }
    }
}
