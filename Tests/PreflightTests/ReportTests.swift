import Foundation
import Remote
import Testing
@testable import Preflight

@Suite struct ReportTests {
    let sample = PreflightReport(hosts: [
        .init(name: "k8s-master", address: "192.168.2.201", reachable: true, checks: [
            .fail("Swap", "swap is on: /dev/dm-1", fix: "swapoff -a"),
            .pass("NumCPU", "2 CPUs"),
            .warn("Firewalld", "firewalld is \"active\"\n", fix: "open 6443/tcp"),
        ]),
        .init(name: "k8s-node1", address: "192.168.2.202", reachable: false, error: "connect: no route to host"),
    ])

    @Test func jsonIsExactlyTheContract() throws {
        let json = sample.json()
        #expect(json == #"{"hosts":[{"name":"k8s-master","address":"192.168.2.201","reachable":true,"error":null,"checks":["#
            + #"{"name":"Swap","status":"fail","message":"swap is on: /dev/dm-1","fix":"swapoff -a"},"#
            + #"{"name":"NumCPU","status":"pass","message":"2 CPUs","fix":""},"#
            + #"{"name":"Firewalld","status":"warn","message":"firewalld is \"active\"\n","fix":"open 6443/tcp"}]},"#
            + #"{"name":"k8s-node1","address":"192.168.2.202","reachable":false,"error":"connect: no route to host","checks":[]}],"#
            + #""summary":{"hosts":2,"unreachable":1,"failed":1,"warnings":1}}"#)
        // And it is valid JSON that a generic parser reads back.
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let hosts = try #require(parsed["hosts"] as? [[String: Any]])
        #expect(hosts[0]["error"] is NSNull && (hosts[1]["reachable"] as? Bool) == false)
        #expect(((hosts[0]["checks"] as? [[String: Any]])?[2]["message"] as? String) == "firewalld is \"active\"\n")
        #expect(PreflightReport.quote("\u{1}") == #""\u0001""#)
    }

    @Test func tableShowsEveryHostAndASummary() {
        let table = sample.table()
        #expect(table.contains("k8s-master (192.168.2.201)"))
        #expect(table.contains("  CHECK      STATUS  FOUND"))
        #expect(table.contains("  Swap       fail    swap is on: /dev/dm-1  |  fix: swapoff -a"))
        #expect(table.contains("  NumCPU     pass    2 CPUs\n"))
        #expect(table.contains("k8s-node1 (192.168.2.202)\n  UNREACHABLE: connect: no route to host"))
        #expect(table.hasSuffix("2 hosts, 1 unreachable, 1 failed check, 1 warning\n"))
    }

    @Test func exitCodeRule() {
        #expect(sample.exitCode == 1)
        var report = sample
        report.hosts.removeLast()
        #expect(report.exitCode == 1, "a failed check")
        report.hosts[0].checks[0].status = .ignored
        #expect(report.exitCode == 0, "warnings and ignored checks do not fail the run")
        report.hosts.append(.init(name: "n", address: "a", reachable: false, error: "timeout"))
        #expect(report.exitCode == 1, "an unreachable host")
        report.hosts[1] = .init(name: "n", address: "a", reachable: true, error: "probe output is incomplete")
        #expect(report.exitCode == 1, "a host whose probe could not be used")
    }

    @Test func ignoreListSemantics() throws {
        let list = try IgnoreList(parsing: ["swap,NUMCPU", " Port-6443 "])
        #expect(list.ignores("Swap") && list.ignores("numcpu") && list.ignores("port-6443") && !list.ignores("Mem"))
        #expect(list.apply(.fail("Swap", "on", fix: "off")).status == .ignored)
        #expect(list.apply(.warn("Swap", "on", fix: "off")).status == .warn, "only failures become ignored")
        #expect(list.apply(.fail("Mem", "low", fix: "more")).status == .fail)
        #expect(try IgnoreList(parsing: ["ALL"]) == .everything)
        #expect(IgnoreList.everything.apply(.fail("Anything", "x", fix: "y")).status == .ignored)
        #expect(throws: IgnoreList.ParseError.allCombined) { try IgnoreList(parsing: ["all,Swap"]) }
        #expect(throws: IgnoreList.ParseError.empty) { try IgnoreList(parsing: ["Swap,"]) }
        #expect(try IgnoreList(parsing: []) == .none)
    }
}

/// The entry point over hosts that fail in different ways.
@Suite struct PreflightRunTests {
    struct Unreachable: Error, CustomStringConvertible {
        var description: String { "k8s-node2: connection refused (port 22)" }
    }

    /// A host that answers every command with fixed output (what a broken shell or a cut-off stream gives).
    struct CannedHost: Remote.Host {
        let name: String
        let stdout: String
        let exitStatus: Int32
        func run(_ command: String, stdin: Data?, timeout: Duration?) async throws -> CommandResult {
            CommandResult(stdout: Data(stdout.utf8), stderr: Data("sh: 1: syntax error".utf8), exitStatus: exitStatus)
        }
        func readFile(_ path: String) async throws -> Data { throw HostError.fileNotFound(host: name, path: path) }
        func writeFile(_ path: String, contents: Data, mode: UInt16) async throws {}
        func stat(_ path: String) async throws -> FileStat? { nil }
        func forwardPort(_ port: Int, on address: String) async throws -> any PortForward { DirectPortForward(address: address, port: port) }
        func removeFile(_ path: String) async throws {}
        func makeDirectory(_ path: String, mode: UInt16) async throws {}
    }

    @Test func unreachableAndBrokenHostsDoNotStopTheOthers() async throws {
        let ignore = try IgnoreList(parsing: ["all"])
        let report = await Preflight.run(connections: [
            .init(target: Fixture.target("local", address: "127.0.0.1"), host: .success(LocalHost())),
            .init(target: Fixture.target("k8s-node2", roles: [.worker]), host: .failure(Unreachable())),
            .init(target: Fixture.target("garbled", roles: [.worker]),
                  host: .success(CannedHost(name: "garbled", stdout: "==> probe\nkubeforge-probe 1\n", exitStatus: 2))),
        ], concurrency: 2, ignore: ignore)
        #expect(report.hosts.map(\.name) == ["local", "k8s-node2", "garbled"])
        #expect(report.hosts[0].reachable && report.hosts[0].error == nil && !report.hosts[0].checks.isEmpty)
        #expect(!report.hosts[0].checks.contains { $0.status == .fail }, "--ignore-preflight-errors=all")
        #expect(report.hosts[1] == .init(name: "k8s-node2", address: "192.168.2.201", reachable: false,
                                         error: "k8s-node2: connection refused (port 22)"))
        #expect(report.hosts[2].reachable && report.hosts[2].error?.contains("probe exited with status 2: sh: 1: syntax error") == true)
        #expect(report.summary.hosts == 3 && report.summary.unreachable == 1)
        #expect(report.exitCode == 1)
    }

    @Test func judgeIsPureOverFixtures() throws {
        func gathered(_ fixture: Fixture, _ name: String, roles: Set<PreflightTarget.Role>) throws -> GatheredHost {
            let facts = try fixture.facts
            let epoch = try #require(facts.epoch)
            return GatheredHost(target: Fixture.target(name, roles: roles), facts: facts,
                                operatorBefore: epoch - 0.01, operatorAfter: epoch + 0.01)
        }
        let report = Preflight.judge([
            (Fixture.target("k8s-master"), .success(try gathered(.centos7, "k8s-master", roles: [.controlPlane]))),
            (Fixture.target("k8s-node1", roles: [.worker]), .success(try gathered(.ubuntu2204, "k8s-node1", roles: [.worker]))),
        ], ignore: try IgnoreList(parsing: ["swap"]))
        #expect(report.hosts[0].checks.named("Swap")?.status == .ignored)
        #expect(report.hosts[1].checks.named("Swap")?.status == .ignored)
        #expect(report.hosts[1].checks.named("SameCgroupDriver")?.status == .pass, "both use cgroupfs")
        #expect(report.hosts[0].checks.named("ClockSkew")?.status == .pass)
        #expect(report.exitCode == 1)
    }
}
