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

    /// A configuration for a second sshd a test started on `name` at `port`, with a known_hosts file in
    /// `directory` that trusts it (the host's recorded ed25519 key at that port).
    static func configuration(_ name: String, secondSSHDPort port: Int, directory: String) throws -> SSHHost.Configuration {
        var configuration = try configuration(name)
        configuration.port = port
        configuration.knownHostsFile = directory + "/known_hosts"
        let key = try recordedKey(address: configuration.address, type: "ssh-ed25519")
        try "[\(configuration.address)]:\(port) ssh-ed25519 \(key)\n".write(toFile: configuration.knownHostsFile, atomically: true, encoding: .utf8)
        return configuration
    }

    /// Starts a second sshd on lab host `name` at `port` with `options`, runs `body`, and stops it whatever happens.
    static func withSecondSSHD(on name: String, port: Int, options: String, _ body: () async throws -> Void) async throws {
        let root = SSHHost(try configuration(name))
        let pidFile = "/run/kubeforge-ssh-test-\(port).pid"
        let started = try await root.run("/usr/sbin/sshd -p \(port) -o PidFile=\(pidFile) \(options)")
        guard started.succeeded else { throw TestFailure("starting sshd on \(name):\(port): \(started.stderrText)") }
        let outcome = await Result(catchingAsync: body)
        _ = try? await root.run("kill $(cat \(pidFile))")
        await root.disconnect()
        try outcome.get()
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

extension Result where Failure == any Error {
    /// `Result(catching:)` for async work: lets clean-up run before a failure is rethrown.
    init(catchingAsync body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
