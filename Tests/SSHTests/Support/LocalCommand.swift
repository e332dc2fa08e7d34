import Foundation

/// Runs a local program (ssh-keygen, ssh-agent, sha256sum) as an independent verifier.
enum LocalCommand {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    @discardableResult
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            try input.fileHandleForWriting.write(contentsOf: stdin)
            try input.fileHandleForWriting.close()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A real ssh-agent listening at `socket`, ready when this returns; stop it with `stopAgent`.
    /// -D keeps the agent in the foreground, so it is our child and no daemon holds our pipes open.
    static func startAgent(at socket: String) async throws -> Process {
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-agent")
        agent.arguments = ["-D", "-a", socket]
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { try await Task.sleep(for: .milliseconds(20)) }
        return agent
    }

    /// SIGKILL: the test process blocks SIGTERM on its threads and children inherit that mask.
    static func stopAgent(_ agent: Process) {
        kill(agent.processIdentifier, SIGKILL)
        agent.waitUntilExit()
    }

    /// A fresh private directory under /tmp.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "kf-ssh-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        return path
    }

    /// Generates a key pair with ssh-keygen; returns the private key path.
    static func generateKey(type: String, in directory: String, name: String, passphrase: String = "",
                            extra: [String] = []) throws -> String {
        let path = directory + "/" + name
        let result = try run(["ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", "kubeforge-ssh-test", "-f", path] + extra)
        guard result.status == 0 else { throw TestFailure("ssh-keygen failed: \(result.stderr)") }
        return path
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
