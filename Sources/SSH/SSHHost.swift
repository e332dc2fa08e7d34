import Foundation
import Remote

/// A `Host` reached over SSH (libssh2): one connection per host, opened on first use (or `connect()`)
/// and reused for every command, file transfer and forwarded port.
///
/// Concurrency: libssh2 allows one thread per session, so the connection (and its bastion's) is touched
/// only on this host's serial queue; async callers hop onto it with a continuation, which keeps Swift's
/// cooperative threads free while libssh2 waits on the network. Different hosts run in parallel.
public final class SSHHost: Remote.Host, @unchecked Sendable {  // invariant: `connection` is touched only on `queue`
    public let configuration: Configuration
    private let queue: DispatchQueue
    private var connection: SSHConnection?
    /// Sends keepalives while no operation is running (queue only).
    private var idleKeepalive: DispatchSourceTimer?
    /// The live transport, for cutting the connection from another thread (cancellation).
    private let abortHandle = AbortHandle()
    /// Forwarded ports and their connections, riding on `connection` (queue only).
    private lazy var forwarder = PortForwarder(queue: queue) { [unowned self] in try self.connectedNow() }

    public var name: String { configuration.name }

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        queue = DispatchQueue(label: "kubeforge.ssh.\(configuration.name)")
    }

    // Nothing can still be queued once the last reference is gone, so the connection is simply freed
    // (the server sees the TCP connection close). Call `disconnect()` for a polite goodbye.
    deinit { idleKeepalive?.cancel() }

    /// Connects and logs in now, retrying (with backoff) only errors a retry can fix.
    public func connect() async throws {
        let retry = ConnectRetry(attempts: configuration.connectAttempts)
        var attempt = 1
        while true {
            do {
                try await onQueue { _ = try self.connectedNow() }
                return
            } catch {
                guard retry.shouldRetry(error, afterAttempt: attempt) else { throw error }
                try await Task.sleep(for: retry.delay(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    /// Closes the connection and every forwarded port (the next operation connects again).
    public func disconnect() async {
        let stopped = try? await onQueue {
            let forwards = self.forwarder.removeAll()
            self.idleKeepalive?.cancel()
            self.idleKeepalive = nil
            self.connection?.close()
            self.connection = nil
            self.abortHandle.set(nil)
            return forwards
        }
        for forward in stopped ?? [] { await forward.listener.waitUntilReleased() }
    }

    public func run(_ command: String, stdin: Data?, timeout: Duration?) async throws -> CommandResult {
        let sudo = SudoCommand(mode: configuration.sudo)
        let password = try sudoPassword()
        let result = try await perform { connection in
            try connection.execute(sudo.wrap(command), displayCommand: command,
                                   stdin: sudo.stdin(stdin, password: password), timeout: timeout)
        }
        if configuration.sudo != .none, let reason = SudoCommand.refusal(in: result) {
            throw SSHError.sudo(host: name, user: configuration.user, reason: reason)
        }
        return result
    }

    public func readFile(_ path: String) async throws -> Data {
        guard configuration.sudo != .none else { return try await perform { try $0.download(path) } }
        let script = "[ -e \(ShellQuote.quote(path)) ] || exit 66; cat -- \(ShellQuote.quote(path))"
        let result = try await run(script, stdin: nil, timeout: nil)
        if result.exitStatus == 66 { throw HostError.fileNotFound(host: name, path: path) }
        guard result.succeeded else { throw HostError.io(host: name, path: path, reason: result.stderrText.trimmed) }
        return result.stdout
    }

    public func writeFile(_ path: String, contents: Data, mode: UInt16) async throws {
        let temporary = Self.temporaryName(for: path)
        guard configuration.sudo == .none else {
            let result = try await run(RemoteScripts.atomicWrite(path: path, temporary: temporary, size: contents.count, mode: mode),
                                       stdin: contents, timeout: nil)
            guard result.succeeded else { throw HostError.io(host: name, path: path, reason: result.stderrText.trimmed) }
            return
        }
        do {
            try await perform { try $0.upload(contents, to: path, temporary: temporary, mode: mode) }
        } catch {
            // The connection may have dropped mid-transfer: reconnect and remove the partial temporary file.
            // A second try covers a connection that died just after the first failure was noticed.
            for _ in 0..<2 {
                if (try? await perform({ try $0.removeQuietly(temporary) })) != nil { break }
            }
            throw error
        }
    }

    public func stat(_ path: String) async throws -> FileStat? {
        guard configuration.sudo != .none else { return try await perform { try $0.statFile(path) } }
        let result = try await run(RemoteScripts.stat(path: path), stdin: nil, timeout: nil)
        guard result.succeeded else { throw HostError.io(host: name, path: path, reason: result.stderrText.trimmed) }
        return RemoteScripts.parseStat(result.stdoutText)
    }

    /// Listens on 127.0.0.1 (a port the kernel picks) and forwards each connection over this host's
    /// connection to `address:port` as the host sees it (`SSHPortForward`). Connects first, so an
    /// unreachable host fails here.
    public func forwardPort(_ port: Int, on address: String) async throws -> any PortForward {
        guard (1...65_535).contains(port), !address.isEmpty else {
            throw SSHError.configuration(host: name, reason: "cannot forward to '\(address)' port \(port): "
                + "give an address and a port from 1 to 65535")
        }
        try await connect()
        try Task.checkCancellation()
        return try await onQueue { try self.forwarder.listen(host: self, address: address, port: port) }
    }

    /// Stops `forward` (`SSHPortForward.close`) and returns once its port is free.
    func closeForward(_ forward: SSHPortForward) async {
        _ = try? await onQueue { self.forwarder.remove(forward) }
        await forward.listener.waitUntilReleased()
    }

    public func removeFile(_ path: String) async throws {
        let result = try await run("rm -f -- \(ShellQuote.quote(path))", stdin: nil, timeout: nil)
        guard result.succeeded else { throw HostError.io(host: name, path: path, reason: result.stderrText.trimmed) }
    }

    public func makeDirectory(_ path: String, mode: UInt16) async throws {
        let command = "mkdir -p -- \(ShellQuote.quote(path)) && chmod \(String(mode, radix: 8)) -- \(ShellQuote.quote(path))"
        let result = try await run(command, stdin: nil, timeout: nil)
        guard result.succeeded else { throw HostError.io(host: name, path: path, reason: result.stderrText.trimmed) }
    }

    /// Cuts the connection at once from any thread; the operation in progress fails with connectionLost.
    /// The next operation connects again.
    public func abortConnection() {
        abortHandle.abort()
    }

    // MARK: plumbing

    /// Runs `body` on the queue with a live connection, connecting (with retries) first if needed.
    private func perform<T: Sendable>(_ body: @escaping @Sendable (SSHConnection) throws -> T) async throws -> T {
        try await connect()
        return try await withTaskCancellationHandler {
            try await onQueue {
                let connection = try self.connectedNow()
                defer { self.forwarder.pump() }  // libssh2 may hold forwarded data the operation read
                do { return try body(connection) } catch {
                    if connection.isBroken || (error as? SSHError)?.isRetryable == true {
                        self.dropConnection(because: error)
                    }
                    throw error
                }
            }
        } onCancel: {
            self.abortHandle.abort()
        }
    }

    /// The current connection, opening one if there is none. Call on the queue.
    func connectedNow() throws -> SSHConnection {
        if let connection, !connection.isBroken { return connection }
        dropConnection(because: nil)
        let fresh = try SSHConnection.open(configuration)
        connection = fresh
        abortHandle.set(fresh.session.transport)
        forwarder.attach(fresh)
        startIdleKeepalive()
        return fresh
    }

    /// Forgets a broken connection; the forwarded connections riding on it are cut, with `error` (what
    /// broke it) kept for their forwards' `lastFailure`. Call on the queue.
    private func dropConnection(because error: (any Error)?) {
        let failure = error.map { $0 as? SSHError ?? .connectionLost(host: name, reason: "\($0)") }
        forwarder.detach(failure: failure ?? .connectionLost(host: name, reason: "the connection dropped"))
        connection = nil
        abortHandle.set(nil)
    }

    /// Keeps an idle connection alive between operations (NAT and firewall state, server timeouts).
    /// The timer runs on the host's queue, so it never overlaps an operation.
    private func startIdleKeepalive() {
        idleKeepalive?.cancel()
        guard let interval = configuration.keepaliveInterval else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let nanoseconds = Int(interval.timeInterval * 1e9)
        timer.schedule(deadline: .now() + .nanoseconds(nanoseconds), repeating: .nanoseconds(nanoseconds))
        timer.setEventHandler { [weak self] in self?.keepIdleConnectionAlive() }
        timer.resume()
        idleKeepalive = timer
    }

    /// Between operations: a keepalive; and while forwarded channels read the connection, a peer that has
    /// answered nothing for three intervals is given up on (their clients would wait forever). Queue only.
    private func keepIdleConnectionAlive() {
        guard let connection, !connection.isBroken else { return }
        connection.session.sendKeepalive()
        if forwarder.readsBetweenOperations, let silence = connection.session.silenceFailure() {
            forwarder.connectionLost(silence)
        }
    }

    private func onQueue<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private func sudoPassword() throws -> String? {
        guard configuration.sudo == .password else { return nil }
        guard let password = configuration.secrets.sudoPassword(user: configuration.user, host: name) else {
            throw SSHError.configuration(host: name, reason: "sudo needs a password for '\(configuration.user)': "
                + "set KUBEFORGE_SUDO_PASSWORD (or KUBEFORGE_SSH_PASSWORD) or run from a terminal")
        }
        return password
    }

    /// `.NAME.kubeforge-XXXXXXXX` beside `path`, so the final rename stays within one filesystem.
    static func temporaryName(for path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        let file = (path as NSString).lastPathComponent
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return (directory.isEmpty ? "" : directory + "/") + "." + file + ".kubeforge-" + suffix
    }
}

/// Holds the live transport so another thread can cut it; holding it also keeps its descriptor from
/// being closed (and reused) while an abort may be under way.
private final class AbortHandle: @unchecked Sendable {  // invariant: `transport` under `lock`
    private let lock = NSLock()
    private var transport: SessionTransport?

    func set(_ transport: SessionTransport?) {
        lock.lock()
        self.transport = transport
        lock.unlock()
    }

    func abort() {
        lock.lock()
        transport?.abort()
        lock.unlock()
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
