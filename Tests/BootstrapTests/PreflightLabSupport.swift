import Foundation
import Inventory
import KubeTypes
import LabSupport
import Preflight
import Remote
import SSH
import Testing

/// The shared lab (scripts/lab): enabled with KUBEFORGE_LAB=1, state in KUBEFORGE_LAB_DIR (default
/// `<repo>/.lab`). Every lab test goes through the same library path as `kubeforge preflight` / `prepare`.
enum LabHosts {
    static var enabled: Bool { LabEnvironment.enabled }
    static var directory: String { LabEnvironment.directory }

    static let names = ["k8s-master", "k8s-node1", "k8s-node2"]
    static let unreachableAddress = "10.213.0.99"

    /// The lab inventory (absolute paths), optionally with a host nobody answers for.
    static func inventory(withUnreachable: Bool = false) throws -> Inventory {
        guard FileManager.default.fileExists(atPath: directory + "/ready"),
              let hosts = try? String(contentsOfFile: directory + "/hosts", encoding: .utf8) else {
            throw LabFailure("KUBEFORGE_LAB=1 but the lab at \(directory) is not up (no ready/hosts): run scripts/lab up")
        }
        var lines = [
            "apiVersion: kubeforge/v1alpha1", "kind: Inventory",
            "ssh: {user: root, identityFile: \(directory)/id_ed25519, knownHostsFile: \(directory)/known_hosts, hostKeyPolicy: strict}",
            "hosts:",
        ]
        for line in hosts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 2, names.contains(String(fields[0])) else { continue }
            lines.append("  - {name: \(fields[0]), address: \(fields[1]), roles: [\(fields[0] == "k8s-master" ? "control-plane" : "worker")]}")
        }
        if withUnreachable { lines.append("  - {name: k8s-ghost, address: \(unreachableAddress), roles: [worker]}") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kf-lab-\(UUID().uuidString).yaml").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let inventory = try InventoryLoader.load(path: path).inventory
        guard inventory.hosts.count >= 3 else { throw LabFailure("the lab's hosts file lists \(inventory.hosts.count) of \(names)") }
        return inventory
    }

    static func sshHost(_ host: InventoryHost, connectTimeout: Duration = .seconds(5), user: String = "root",
                        sudo: SSHHost.Configuration.Sudo = .none) -> SSHHost {
        SSHHost(SSHHost.Configuration(
            name: host.name, address: host.address, user: user, identityFiles: [directory + "/id_ed25519"], useAgent: false,
            knownHostsFile: directory + "/known_hosts", hostKeyPolicy: .strict, sudo: sudo, connectTimeout: connectTimeout,
            connectAttempts: 1, secrets: SSHSecrets()))
    }

    /// Runs a command on a lab host as root; a non-zero exit fails the test with its output.
    @discardableResult
    static func run(_ command: String, on name: String) async throws -> String {
        let inventory = try inventory()
        guard let host = inventory.hosts.first(where: { $0.name == name }) else { throw LabFailure("no lab host \(name)") }
        let ssh = sshHost(host)
        defer { Task { await ssh.disconnect() } }
        let result = try await ssh.run(command, timeout: .seconds(60))
        guard result.succeeded else {
            throw LabFailure("\(name): `\(command)` exited \(result.exitStatus): \(result.stderrText)\(result.stdoutText)")
        }
        return result.stdoutText
    }

    /// `kubeforge preflight -i` as a library call: connect every host first, then probe them all at once.
    static func preflight(_ inventory: Inventory) async -> PreflightReport {
        let transports = inventory.hosts.map { sshHost($0, connectTimeout: .seconds(3)) }
        let connected = await FanOut.map(transports) { transport -> any Remote.Host in
            try await transport.connect()
            return transport
        }
        let connections = zip(inventory.hosts, connected).map { host, result in
            Preflight.Connection(target: target(host, inventory), host: result)
        }
        let report = await Preflight.run(connections: connections)
        for transport in transports { await transport.disconnect() }
        return report
    }

    /// The same mapping as `kubeforge preflight` (KubeforgeCLI's PreflightCommand.target).
    static func target(_ host: InventoryHost, _ inventory: Inventory) -> PreflightTarget {
        PreflightTarget(name: host.name, address: host.address,
                        roles: Set(host.roles.compactMap { PreflightTarget.Role(rawValue: $0.rawValue) }),
                        kubernetesVersion: inventory.cluster.kubernetesVersion.flatMap { KubernetesVersion($0) },
                        podSubnet: inventory.cluster.networking.podSubnet, serviceSubnet: inventory.cluster.networking.serviceSubnet,
                        apiServerPort: ClusterSettings.defaultAPIServerPort)
    }
}

extension PreflightReport {
    func check(_ name: String, on host: String) throws -> CheckResult {
        guard let report = hosts.first(where: { $0.name == host }) else { throw LabFailure("no report for \(host)") }
        guard let check = report.checks.first(where: { $0.name == name }) else {
            throw LabFailure("\(host) has no \(name) check (reachable: \(report.reachable), error: \(report.error ?? "none"))")
        }
        return check
    }
}

struct LabFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Lab tests change shared hosts, so they run one at a time (the trait applies to the nested suites).
@Suite(.serialized, .enabled(if: LabHosts.enabled, "set KUBEFORGE_LAB=1 with the lab up"))
struct LabSerial {}
