import Foundation

/// A machine that phases, checks and installers act on: this one (`LocalHost`) or one reached over SSH.
///
/// Everything kubeforge does to a machine goes through these four operations, so each piece of logic is
/// written once and runs the same on a node (`kubeforge init`) and from an operator's machine (`up -i`).
public protocol Host: Sendable {
    /// The name used in output and errors (the inventory name, or "localhost").
    var name: String { get }

    /// Runs `command` with `/bin/sh -c` semantics. A non-zero exit status is a result, not an error;
    /// errors are for failing to run at all (connection lost, timeout).
    /// Every value interpolated into `command` must go through `ShellQuote.quote`.
    func run(_ command: String, stdin: Data?, timeout: Duration?) async throws -> CommandResult

    /// Reads a whole file.
    func readFile(_ path: String) async throws -> Data

    /// Writes a file atomically (a temporary name beside it, then rename) with the given mode,
    /// creating missing parent directories (0755). A failure never leaves a partial file at `path`.
    func writeFile(_ path: String, contents: Data, mode: UInt16) async throws

    /// Describes a path, or returns nil when nothing exists there.
    func stat(_ path: String) async throws -> FileStat?

    /// Removes a file; nothing happens when there is none.
    func removeFile(_ path: String) async throws

    /// Creates a directory and its missing parents (0755 for the parents).
    func makeDirectory(_ path: String, mode: UInt16) async throws

    /// A local TCP endpoint that reaches `port` at `address` as this host itself sees it (so a port bound to
    /// the host's loopback is reachable): `LocalHost` hands back the address itself, `SSHHost` forwards
    /// each connection over its existing SSH connection (as `ssh -L` does, through the bastion when there is
    /// one). Close it when done.
    func forwardPort(_ port: Int, on address: String) async throws -> any PortForward
}

/// Where a local client connects to reach a host's port (`Host.forwardPort`); always this machine.
public protocol PortForward: Sendable {
    var localAddress: String { get }
    var localPort: Int { get }
    /// Stops accepting connections and closes the ones still open. Idempotent.
    func close() async
}

/// A port this machine reaches directly: nothing to forward, nothing to close.
public struct DirectPortForward: PortForward {
    public let localAddress: String
    public let localPort: Int
    public init(address: String, port: Int) {
        localAddress = address
        localPort = port
    }
    public func close() async {}
}

extension Host {
    public func run(_ command: String, timeout: Duration? = nil) async throws -> CommandResult {
        try await run(command, stdin: nil, timeout: timeout)
    }
}

/// What a command printed and how it ended.
public struct CommandResult: Sendable, Equatable {
    public var stdout: Data
    public var stderr: Data
    public var exitStatus: Int32

    public init(stdout: Data, stderr: Data, exitStatus: Int32) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitStatus = exitStatus
    }

    public var succeeded: Bool { exitStatus == 0 }
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// The parts of `stat(2)` that kubeforge looks at.
public struct FileStat: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case file, directory, symlink, other }
    public var kind: Kind
    /// Permission bits only (for example 0o600).
    public var mode: UInt16
    public var size: UInt64

    public init(kind: Kind, mode: UInt16, size: UInt64) {
        self.kind = kind
        self.mode = mode
        self.size = size
    }
}

/// Errors any `Host` can raise. Transport-specific errors live in their own modules.
public enum HostError: Error, Equatable, CustomStringConvertible {
    case timedOut(host: String, command: String, after: Duration)
    case fileNotFound(host: String, path: String)
    case io(host: String, path: String, reason: String)

    public var description: String {
        switch self {
        case let .timedOut(host, command, after):
            "\(host): command timed out after \(after): \(command)"
        case let .fileNotFound(host, path):
            "\(host): \(path): no such file"
        case let .io(host, path, reason):
            "\(host): \(path): \(reason)"
        }
    }
}
