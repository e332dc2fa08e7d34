import CLibSSH2
import Foundation

/// One non-blocking libssh2 session and the transport under it.
///
/// Not thread-safe: libssh2 allows one thread per session (and its channels), so an `SSHSession` is
/// created and used only on its host's serial queue. Every call goes through `call`, which retries on
/// EAGAIN after waiting on the socket — so every step has a deadline, sends keepalives while it waits,
/// notices a peer that has gone silent, and keeps forwarded channels flowing (`channelPump`).
final class SSHSession {
    let raw: OpaquePointer
    let host: String
    let transport: SessionTransport
    private let context = SessionContext()
    /// Keepalive interval; the session is declared lost after three silent intervals.
    var keepaliveInterval: Duration?
    private var lastActivity = DispatchTime.now()
    private var bytesSeen: UInt64 = 0
    /// Forwarded channels of this session, run while an operation waits (their thread is this one).
    weak var channelPump: ChannelPump?
    /// Set while an operation opens a channel: libssh2 keeps one channel open in flight per session.
    private(set) var isOpeningChannel = false

    init(host: String, transport: SessionTransport) throws {
        LibSSH2.ensureInitialized()
        let abstract = Unmanaged.passUnretained(context).toOpaque()
        guard let raw = libssh2_session_init_ex(nil, nil, nil, abstract) else {
            throw SSHError.handshakeFailed(host: host, reason: "libssh2 could not allocate a session")
        }
        self.raw = raw
        self.host = host
        self.transport = transport
        if let tunnel = transport as? TunnelTransport { context.tunnel = tunnel }
        libssh2_session_set_blocking(raw, 0)
        transport.install(on: raw)
    }

    deinit {
        libssh2_session_free(raw)
    }

    /// Sets algorithm preferences: fast key exchange first, then host key types we can verify.
    func preferMethods(hostKeyKinds: [HostKey.Kind]) {
        let hostKeys = hostKeyKinds.map(\.rawValue) + HostKey.Kind.allCases.map(\.rawValue).filter { name in
            !hostKeyKinds.contains { $0.rawValue == name }
        }
        let preferences: [(Int32, String)] = [
            (LIBSSH2_METHOD_KEX, "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
                + "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
                + "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"),
            (LIBSSH2_METHOD_HOSTKEY, hostKeys.joined(separator: ",")),
            (LIBSSH2_METHOD_CRYPT_CS, "aes128-ctr,aes256-ctr,aes192-ctr"),
            (LIBSSH2_METHOD_CRYPT_SC, "aes128-ctr,aes256-ctr,aes192-ctr"),
            (LIBSSH2_METHOD_MAC_CS, "hmac-sha2-256,hmac-sha2-512"),
            (LIBSSH2_METHOD_MAC_SC, "hmac-sha2-256,hmac-sha2-512"),
        ]
        for (method, list) in preferences { _ = libssh2_session_method_pref(raw, method, list) }
    }

    /// The last error libssh2 recorded, as text (never contains secrets: libssh2 does not echo them).
    var lastErrorMessage: String {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        _ = libssh2_session_last_error(raw, &message, &length, 0)
        return message.map { String(cString: $0) } ?? "unknown libssh2 error"
    }

    var lastErrno: Int32 { libssh2_session_last_errno(raw) }

    /// Whether `code` means the connection itself is gone.
    static func isTransportFailure(_ code: Int32) -> Bool {
        [LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_DISCONNECT,
         LIBSSH2_ERROR_SOCKET_TIMEOUT, LIBSSH2_ERROR_BANNER_RECV, LIBSSH2_ERROR_BANNER_SEND,
         LIBSSH2_ERROR_TIMEOUT].contains(code)
    }

    /// Calls `body` until it stops answering EAGAIN, waiting on the socket in between.
    /// Returns libssh2's final (non-EAGAIN) result; throws only for deadline and dead-peer conditions.
    @discardableResult
    func call<Result: BinaryInteger>(deadline: Deadline?, _ body: () -> Result) throws -> Result {
        while true {
            let result = body()
            if result != Result(LIBSSH2_ERROR_EAGAIN) {
                lastActivity = DispatchTime.now()
                return result
            }
            try waitForSocket(deadline: deadline)
        }
    }

    /// Calls a libssh2 function that returns a pointer (nil with EAGAIN means "again").
    func callPointer(deadline: Deadline?, _ body: () -> OpaquePointer?) throws -> OpaquePointer? {
        while true {
            if let pointer = body() {
                lastActivity = DispatchTime.now()
                return pointer
            }
            guard lastErrno == LIBSSH2_ERROR_EAGAIN else { return nil }
            try waitForSocket(deadline: deadline)
        }
    }

    /// Opens a channel. libssh2 keeps one channel open in flight per session, so a forwarded connection's
    /// open finishes first, and none starts until this one is done.
    func openChannel(deadline: Deadline?, _ body: () -> OpaquePointer?) throws -> OpaquePointer? {
        try channelPump?.finishChannelOpen(deadline: deadline)
        isOpeningChannel = true
        defer { isOpeningChannel = false }
        return try callPointer(deadline: deadline, body)
    }

    /// Waits until the socket is ready in the direction libssh2 blocked on, or `deadline` passes.
    /// Forwarded channels move meanwhile; when their reads took input from the connection, it may hold
    /// what the caller waits for, so the caller looks again before anything waits.
    func waitForSocket(deadline: Deadline?) throws {
        let directions = libssh2_session_block_directions(raw)
        while true {
            if let deadline, deadline.hasPassed { throw DeadlineExceeded() }
            if let channelPump {
                let before = context.receivedBytes
                channelPump.pump()
                if context.receivedBytes != before { return }
            }
            var slice = deadline?.remainingMilliseconds ?? 1000
            if let keepaliveInterval { slice = min(slice, Int(keepaliveInterval.timeInterval * 1000)) }
            var forwarded = channelPump?.descriptors() ?? []
            if try transport.wait(directions: directions, milliseconds: min(slice, 1000), others: &forwarded) {
                lastActivity = DispatchTime.now()
                return
            }
            if forwarded.contains(where: { $0.revents != 0 }) { continue }  // only forwarded sockets: pump them
            try keepAliveWhileWaiting(directions: directions)
        }
    }

    /// Whether a packet is half-sent: until its sender finishes it, libssh2 refuses every other send.
    var hasHalfSentPacket: Bool { libssh2_session_block_directions(raw) & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 }

    /// Repeats `attempt` (true when its libssh2 call answered anything but EAGAIN) while it leaves a packet
    /// half-sent, so the next caller (another channel, an operation) finds the session free. The retry
    /// comes from the same call site: libssh2 knows its packet by the buffer's address.
    func completingSend(_ attempt: () -> Bool) throws {
        let deadline = Deadline.after(keepaliveInterval.map { $0 * 3 } ?? .seconds(30))
        while !attempt(), hasHalfSentPacket {
            if deadline.hasPassed { throw SSHError.connectionLost(host: host, reason: "the connection takes no more data") }
            var none: [pollfd] = []
            _ = try transport.wait(directions: libssh2_session_block_directions(raw),
                                   milliseconds: min(deadline.remainingMilliseconds, 1000), others: &none)
        }
    }

    /// Sends a keepalive when one is due, and gives up on a peer that has answered nothing for three intervals.
    private func keepAliveWhileWaiting(directions: Int32) throws {
        // A keepalive must not be interleaved with a half-sent packet.
        if keepaliveInterval != nil, directions & LIBSSH2_SESSION_BLOCK_OUTBOUND == 0 { sendKeepalive() }
        if let silence = silenceFailure() { throw silence }
    }

    /// The error for a peer that has sent nothing for three keepalive intervals (each keepalive asks for
    /// an answer), or nil.
    func silenceFailure() -> SSHError? {
        guard let keepaliveInterval else { return nil }
        if context.receivedBytes != bytesSeen {
            bytesSeen = context.receivedBytes
            lastActivity = DispatchTime.now()
        }
        let silentFor = Double(DispatchTime.now().uptimeNanoseconds - lastActivity.uptimeNanoseconds) / 1e9
        guard silentFor > 3 * keepaliveInterval.timeInterval else { return nil }
        return .connectionLost(host: host, reason: "no answer for \(Int(silentFor))s")
    }

    /// Sends a keepalive if one is due, only when it can go out whole: libssh2 drops a keepalive's EAGAIN,
    /// and a keepalive left half-sent would block every other send for good.
    func sendKeepalive() {
        guard !hasHalfSentPacket, transport.canTakeSmallPacket else { return }
        var next: Int32 = 0
        _ = libssh2_keepalive_send(raw, &next)
    }

    /// Performs the SSH handshake.
    func handshake(deadline: Deadline) throws {
        let socket = transport.handshakeSocket
        let result = try call(deadline: deadline) { libssh2_session_handshake(raw, socket) }
        guard result == 0 else {
            if Self.isTransportFailure(result) {
                throw SSHError.connectionLost(host: host, reason: "closed during the handshake: \(lastErrorMessage)")
            }
            throw SSHError.handshakeFailed(host: host, reason: lastErrorMessage)
        }
    }

    /// The host key the server presented, with its SHA-256 fingerprint.
    func hostKey() throws -> (HostKey, fingerprint: String) {
        var length = 0
        var type: Int32 = 0
        guard let bytes = libssh2_session_hostkey(raw, &length, &type), let kind = HostKey.Kind(libssh2Type: type) else {
            throw SSHError.handshakeFailed(host: host, reason: "the server's host key type is not supported")
        }
        let blob = Data(bytes: bytes, count: length)
        guard let digest = libssh2_hostkey_hash(raw, LIBSSH2_HOSTKEY_HASH_SHA256) else {
            throw SSHError.handshakeFailed(host: host, reason: "cannot hash the host key")
        }
        let fingerprint = HostKeyFingerprint.sha256(digest: Data(bytes: digest, count: 32))
        return (HostKey(kind: kind, blob: blob), fingerprint)
    }

    /// Sets the password keyboard-interactive prompts are answered with, for the duration of `body`.
    func withKeyboardInteractivePassword<T>(_ password: String, _ body: () throws -> T) rethrows -> T {
        context.keyboardInteractivePassword = password
        defer { context.keyboardInteractivePassword = nil }
        return try body()
    }

    /// Says goodbye politely, without waiting long for a peer that may be gone.
    func disconnect() {
        let deadline = Deadline.after(.milliseconds(500))
        _ = try? call(deadline: deadline) { kf_session_disconnect(raw, "kubeforge done") }
    }
}

/// Channels of a session that move data on their own (forwarded ports). libssh2 allows one thread per
/// session, so they run on its host's queue: between operations from dispatch sources, and during an
/// operation from the session's waiting loop, through this.
protocol ChannelPump: AnyObject {
    /// Moves what can move without waiting. Never leaves a packet half-sent, and sends nothing while
    /// another caller's packet is.
    func pump()
    /// Local sockets (with the events) whose readiness gives `pump` work.
    func descriptors() -> [pollfd]
    /// Completes a channel open of its own that is in flight, before an operation opens one.
    func finishChannelOpen(deadline: Deadline?) throws
}

/// Answers every keyboard-interactive prompt with the password (servers ask "Password: ").
let keyboardInteractiveResponder: @convention(c) (
    UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, Int32, Int32,
    UnsafePointer<LIBSSH2_USERAUTH_KBDINT_PROMPT>?, UnsafeMutablePointer<LIBSSH2_USERAUTH_KBDINT_RESPONSE>?,
    UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> Void = { _, _, _, _, count, _, responses, abstract in
    guard let responses, let pointer = abstract?.pointee else { return }
    let context = Unmanaged<SessionContext>.fromOpaque(pointer).takeUnretainedValue()
    guard let password = context.keyboardInteractivePassword else { return }
    for index in 0..<Int(count) {
        password.withCString { kf_kbdint_set_response(responses, Int32(index), $0) }
    }
}
