import Foundation
import LabSupport
import SSH

/// The lab described in the lab contract: state in `KUBEFORGE_LAB_DIR` (default `<repo>/.lab`).
enum Lab {
    static var enabled: Bool { LabEnvironment.enabled }
    static var directory: String { LabEnvironment.directory }
    static var key: String { LabEnvironment.key }
    static var knownHosts: String { LabEnvironment.knownHosts }

    /// Host name → address, from the lab's `hosts` file. Throws (failing the test) when the lab is not up.
    static func address(of name: String) throws -> String {
        guard let text = try? String(contentsOfFile: directory + "/hosts", encoding: .utf8) else {
            throw TestFailure("KUBEFORGE_LAB=1 but \(directory)/hosts is missing: bring the lab up with scripts/lab up")
        }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, fields[0] == name { return String(fields[1]) }
        }
        throw TestFailure("host \(name) is not in \(directory)/hosts")
    }

    /// A configuration for a lab host: the lab key, the lab known_hosts, strict checking, no agent.
    static func configuration(_ name: String, user: String = "root", identityFiles: [String]? = nil,
                              secrets: SSHSecrets = SSHSecrets()) throws -> SSHHost.Configuration {
        SSHHost.Configuration(name: name, address: try address(of: name), user: user,
                              identityFiles: identityFiles ?? [key], useAgent: false, knownHostsFile: knownHosts,
                              hostKeyPolicy: .strict, connectTimeout: .seconds(10), secrets: secrets)
    }

    /// The lab's recorded key line for `address` of `type` (e.g. "ssh-ed25519").
    static func recordedKey(address: String, type: String) throws -> String {
        let text = try String(contentsOfFile: knownHosts, encoding: .utf8)
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count >= 3, fields[0] == address, fields[1] == type { return String(fields[2]) }
        }
        throw TestFailure("no \(type) key for \(address) in \(knownHosts)")
    }
}
