import CLibSSH2
import Foundation
import Remote

/// An authenticated SSH connection to one host (through its bastion, if any), with a lazily opened SFTP
/// session. Used only on the owning `SSHHost`'s queue.
final class SSHConnection: @unchecked Sendable {  // invariant: used only on its host's queue
    let configuration: SSHHost.Configuration
    let session: SSHSession
    /// Keeps the bastion's session (which carries ours) alive as long as we are.
    private let bastion: SSHConnection?
    private var sftpHandle: OpaquePointer?
    /// Set once the transport failed; the host then connects afresh for the next operation.
    private(set) var isBroken = false

    private var host: String { configuration.name }

    private init(configuration: SSHHost.Configuration, session: SSHSession, bastion: SSHConnection?) {
        self.configuration = configuration
        self.session = session
        self.bastion = bastion
    }

    deinit {
        if let sftpHandle { libssh2_sftp_shutdown(sftpHandle) }
    }

    /// Connects, verifies the host key and logs in. Blocking; call on the host's queue.
    static func open(_ configuration: SSHHost.Configuration) throws -> SSHConnection {
        let host = configuration.name
        let transport: SessionTransport
        var bastion: SSHConnection?
        if let jump = configuration.bastion {
            let outer = try SSHConnection.open(jump)
            bastion = outer
            transport = try outer.openTunnel(to: configuration)
        } else {
            transport = try TCPTransport.connect(host: host, address: configuration.address, port: configuration.port,
                                                 endpoint: configuration.endpoint, timeout: configuration.connectTimeout)
        }
        let session = try SSHSession(host: host, transport: transport)
        let knownHostsPath = SSHHost.Configuration.expandTilde(configuration.knownHostsFile)
        let knownHosts: KnownHosts
        do { knownHosts = try KnownHosts.load(path: knownHostsPath) } catch {
            throw SSHError.knownHostsFile(host: host, path: knownHostsPath, reason: error.reason)
        }
        session.preferMethods(hostKeyKinds: knownHosts.knownKinds(host: configuration.address, port: configuration.port))
        do {
            try session.handshake(deadline: .after(configuration.connectTimeout))
        } catch is DeadlineExceeded {
            throw SSHError.connectTimedOut(host: host, endpoint: configuration.endpoint, after: configuration.connectTimeout)
        }
        try verifyHostKey(session: session, knownHosts: knownHosts, path: knownHostsPath, configuration: configuration)
        do {
            try Authenticator(configuration: configuration, session: session).authenticate()
        } catch is DeadlineExceeded {
            throw SSHError.connectTimedOut(host: host, endpoint: configuration.endpoint, after: configuration.connectTimeout)
        }
        if let interval = configuration.keepaliveInterval {
            libssh2_keepalive_config(session.raw, 1, UInt32(max(1, interval.components.seconds)))
            session.keepaliveInterval = interval
        }
        return SSHConnection(configuration: configuration, session: session, bastion: bastion)
    }

    private static func verifyHostKey(session: SSHSession, knownHosts: KnownHosts, path: String,
                                      configuration: SSHHost.Configuration) throws {
        let (key, fingerprint) = try session.hostKey()
        let host = configuration.name
        let endpoint = KnownHosts.hostField(host: configuration.address, port: configuration.port)
        switch knownHosts.check(host: configuration.address, port: configuration.port, key: key) {
        case .trusted:
            return
        case let .changed(line):
            throw SSHError.hostKeyChanged(host: host, endpoint: endpoint, keyType: key.kind.rawValue, fingerprint: fingerprint,
                                          knownHostsFile: path, line: line, revoked: false)
        case let .revoked(line):
            throw SSHError.hostKeyChanged(host: host, endpoint: endpoint, keyType: key.kind.rawValue, fingerprint: fingerprint,
                                          knownHostsFile: path, line: line, revoked: true)
        case .unknown:
            guard configuration.hostKeyPolicy == .acceptNew else {
                throw SSHError.hostKeyUnknown(host: host, endpoint: endpoint, keyType: key.kind.rawValue,
                                              fingerprint: fingerprint, knownHostsFile: path)
            }
            do {
                // Re-checked under the writer's lock: another connection may have just recorded (or changed) it.
                var conflict: KnownHosts.Verdict?
                try KnownHostsWriter.append(KnownHosts.entryLine(host: configuration.address, port: configuration.port, key: key),
                                            to: path) { current in
                    let verdict = KnownHosts(text: current).check(host: configuration.address, port: configuration.port, key: key)
                    if verdict != .unknown { conflict = verdict }
                    return verdict != .unknown
                }
                if case let .changed(line)? = conflict {
                    throw SSHError.hostKeyChanged(host: host, endpoint: endpoint, keyType: key.kind.rawValue,
                                                  fingerprint: fingerprint, knownHostsFile: path, line: line, revoked: false)
                }
            } catch let error as KnownHostsLoadError {
                throw SSHError.knownHostsFile(host: host, path: path, reason: error.reason)
            }
        }
    }

    /// Opens a direct-tcpip channel from this (bastion) host to `target`.
    private func openTunnel(to target: SSHHost.Configuration) throws -> TunnelTransport {
        let deadline = Deadline.after(target.connectTimeout)
        let channel: OpaquePointer?
        do {
            channel = try session.openChannel(deadline: deadline) {
                kf_channel_direct_tcpip_ex(session.raw, target.address, Int32(target.port))
            }
        } catch is DeadlineExceeded {
            throw SSHError.connectTimedOut(host: target.name, endpoint: target.endpoint, after: target.connectTimeout)
        }
        guard let channel else {
            let message = session.lastErrorMessage
            if SSHSession.isTransportFailure(session.lastErrno) { throw SSHError.connectionLost(host: host, reason: message) }
            // sshd answers "Connect failed" when the target refuses; retrying may help as with a direct refusal.
            throw SSHError.connectionRefused(host: target.name, endpoint: "\(target.endpoint) (through bastion \(host): \(message))")
        }
        return TunnelTransport(outer: session, channel: channel)
    }

    /// Cuts the connection at once (from any thread); the operation in progress fails.
    func abort() { session.transport.abort() }

    /// Closes politely.
    func close() {
        if let sftpHandle {
            _ = try? session.call(deadline: .after(.milliseconds(500))) { libssh2_sftp_shutdown(sftpHandle) }
            self.sftpHandle = nil
        }
        session.disconnect()
        bastion?.close()
    }

    /// Turns a libssh2 failure into an error, marking the connection broken when the transport failed.
    func failure(_ operation: String, code: Int32? = nil) -> SSHError {
        let code = code ?? session.lastErrno
        if SSHSession.isTransportFailure(code) || code == LIBSSH2_ERROR_SOCKET_DISCONNECT {
            isBroken = true
            return .connectionLost(host: host, reason: "\(operation): \(session.lastErrorMessage)")
        }
        return .channel(host: host, operation: operation, reason: session.lastErrorMessage)
    }

    func markBroken() { isBroken = true }

    // MARK: SFTP

    /// Drops the SFTP session (after its channel failed); the next SFTP call opens a new one.
    func resetSFTP() {
        guard let sftpHandle else { return }
        _ = try? session.call(deadline: .after(.seconds(1))) { libssh2_sftp_shutdown(sftpHandle) }
        self.sftpHandle = nil
    }

    /// The connection's SFTP session, opened on first use and reused.
    func sftp(deadline: Deadline?) throws -> OpaquePointer {
        if let sftpHandle { return sftpHandle }
        guard let handle = try session.openChannel(deadline: deadline, { libssh2_sftp_init(session.raw) }) else {
            throw failure("starting SFTP")
        }
        sftpHandle = handle
        return handle
    }
}
