import Foundation
import Remote
import Testing
@testable import Preflight
import KubeTypes

/// The probe run for real on this machine: it must parse under every shell it promises, and the facts
/// must agree with what Foundation says about this machine.
@Suite struct ProbeOnLocalHostTests {
    static let target = PreflightTarget(name: "local", address: "127.0.0.1", roles: [.controlPlane],
                                        kubernetesVersion: KubernetesVersion("v1.28.0"), podSubnet: "10.244.0.0/16")

    @Test func probeRunsThroughLocalHostAndFactsAreSane() async throws {
        let gathered = try await Preflight.gather(Self.target, on: LocalHost())
        let facts = gathered.facts
        #expect(facts.probeVersion == ProbeScript.version)
        #expect(facts.nodename == ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init))
        #expect(facts.cpus == ProcessInfo.processInfo.activeProcessorCount)
        let memory = try #require(facts.memTotalKiB)
        #expect(abs(Double(memory * 1024) - Double(ProcessInfo.processInfo.physicalMemory)) < 64 * 1_048_576)
        #expect(facts.uid == Int(getuid()))
        #expect(try await facts.kernelRelease == Self.uname("-r"))
        #expect(try await facts.machine == Self.uname("-m"))
        #expect(facts.osRelease?.id.isEmpty == false)
        #expect(facts.binaries["sh"] == nil && facts.binaries["mount"] != nil)
        #expect(facts.varLibDisk.map { $0.totalKiB > 0 } == true)
        #expect(!facts.interfaces.isEmpty && !facts.addresses.isEmpty)
        let epoch = try #require(facts.epoch)
        #expect(epoch >= gathered.operatorBefore - 0.01 && epoch <= gathered.operatorAfter + 0.01)
        #expect(epoch != epoch.rounded(), "sub-second precision expected from date +%s.%N")
        #expect(facts.fileValues["/proc/sys/net/ipv4/ip_forward"] != nil)
    }

    @Test(arguments: ["dash", "bash", "sh"])
    func probeParsesUnderEachShell(shell: String) async throws {
        let host = LocalHost()
        guard try await host.run("command -v \(shell)").succeeded else {
            Issue.record("\(shell) is not installed")
            return
        }
        let result = try await host.run("\(shell) -s", stdin: Data(ProbeScript.text.utf8), timeout: .seconds(30))
        #expect(result.succeeded, "\(result.stderrText)")
        #expect(result.stderrText.isEmpty, "the probe must not print errors: \(result.stderrText)")
        let facts = try HostFacts(probeOutput: result.stdoutText)
        #expect(facts.cpus != nil && facts.memTotalKiB != nil && !facts.nodename.isEmpty)
    }

    @Test func wholeRunOnLocalHostJudgesEveryCheck() async throws {
        let report = await Preflight.run([(Self.target, LocalHost())], concurrency: 1)
        if ProcessInfo.processInfo.environment["KUBEFORGE_PRINT_REPORT"] != nil { print(report.table()); print(report.json()) }
        let host = try #require(report.hosts.first)
        #expect(host.reachable && host.error == nil)
        let names = Set(host.checks.map(\.name))
        for expected in ["IsPrivilegedUser", "NumCPU", "Mem", "Swap", "Port-6443", "Port-10250", "Port-2379",
                         "FileContent--proc-sys-net-ipv4-ip_forward", "FileExisting-conntrack", "DirAvailable--var-lib-etcd",
                         "SystemVerification", "Hostname", "HTTPProxy", "HTTPProxyCIDR", "CRI", "SELinux", "TimeSync",
                         "ClockSkew", "KernelModules", "Firewalld", "UniqueHostname", "UniqueMAC", "CgroupDriver", "OSRelease",
                         "FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml"] {
            #expect(names.contains(expected), "missing \(expected)")
        }
        #expect(host.checks.first { $0.name == "ClockSkew" }?.status == .pass)
        #expect(host.checks.first { $0.name == "IsPrivilegedUser" }?.status == (getuid() == 0 ? .pass : .fail))
    }

    /// A custom API server port that is taken is named with its process, like the standard ports.
    @Test func customAPIServerPortInUseNamesItsProcess() async throws {
        let listener = Process()
        listener.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        listener.arguments = ["python3", "-c", """
            import socket, time
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
            print(s.getsockname()[1], flush=True); time.sleep(60)
            """]
        let out = Pipe()
        listener.standardOutput = out
        try listener.run()
        // SIGKILL: the test process blocks SIGTERM on its threads and children inherit that mask.
        defer { kill(listener.processIdentifier, SIGKILL); listener.waitUntilExit() }
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        let port = try #require(Int(line.trimmingCharacters(in: .whitespacesAndNewlines)))
        var target = Self.target
        target.apiServerPort = port

        #expect(ProbeScript.text(for: target).hasPrefix("KUBEFORGE_APISERVER_PORT=\(port)\n"))
        #expect(ProbeScript.text(for: Self.target) == ProbeScript.text)
        let gathered = try await Preflight.gather(target, on: LocalHost())
        let check = try #require(HostChecks.ports(target, gathered.facts).first { $0.name == "Port-\(port)" })
        #expect(check.status == .fail)
        #expect(check.message.contains("python3"), "\(check.message)")
    }

    /// Used by scripts/capture-preflight-fixture: writes this machine's real probe output to a file.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["KUBEFORGE_CAPTURE_PROBE"] != nil))
    func capture() async throws {
        let path = try #require(ProcessInfo.processInfo.environment["KUBEFORGE_CAPTURE_PROBE"])
        let result = try await LocalHost().run(ProbeScript.text)
        #expect(result.succeeded)
        _ = try HostFacts(probeOutput: result.stdoutText)
        try result.stdout.write(to: URL(fileURLWithPath: path))
    }

    static func uname(_ flag: String) async throws -> String {
        try await LocalHost().run("uname \(flag)").stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
