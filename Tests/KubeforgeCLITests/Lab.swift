import Foundation
import LabSupport

/// The running lab (scripts/lab), when `KUBEFORGE_LAB=1`.
enum Lab {
    static var enabled: Bool { LabEnvironment.enabled }
    static var directory: String { LabEnvironment.directory }

    static let hosts = [("k8s-master", "10.213.0.11", "control-plane"), ("k8s-node1", "10.213.0.12", "worker"),
                        ("k8s-node2", "10.213.0.13", "worker")]

    /// Writes an inventory of the lab hosts (plus `extra` host lines) into a temporary file.
    static func inventory(extra: [String] = []) throws -> String {
        let lines = hosts.map { "  - {name: \($0.0), address: \($0.1), roles: [\($0.2)]}" } + extra
        let text = """
            apiVersion: kubeforge/v1alpha1
            kind: Inventory
            ssh: {user: root, identityFile: \(directory)/id_ed25519, knownHostsFile: \(directory)/known_hosts, hostKeyPolicy: strict}
            hosts:
            \(lines.joined(separator: "\n"))

            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kf-lab-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
