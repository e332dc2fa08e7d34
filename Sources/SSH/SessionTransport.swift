import CLibSSH2
import Foundation

/// How a libssh2 session's bytes travel: a TCP socket, or a channel of another session (a bastion).
protocol SessionTransport: AnyObject {
    /// The descriptor handed to `libssh2_session_handshake`.
    var handshakeSocket: Int32 { get }
    /// Installs custom send/recv callbacks if this transport needs them.
    func install(on session: OpaquePointer)
    /// Waits up to `milliseconds` until the session blocked in `directions` may make progress, or one of
    /// `others` (forwarded sockets) is ready. Returns true when the session's own socket is ready (data or
    /// room to write); `others` come back with their `revents`.
    func wait(directions: Int32, milliseconds: Int, others: inout [pollfd]) throws -> Bool
    /// Whether a small packet (a keepalive) would go out whole right now.
    var canTakeSmallPacket: Bool { get }
    /// Cuts the connection at once (no goodbye), from any thread.
    func abort()
}

/// A connected, non-blocking TCP socket with Nagle disabled (SSH's small packets must not wait).
final class TCPTransport: SessionTransport {
    let handshakeSocket: Int32

    private init(socket: Int32) { handshakeSocket = socket }

    deinit { close(handshakeSocket) }

    /// Resolves and connects to `address:port`, trying each resolved address until one answers.
    static func connect(host: String, address: String, port: Int, endpoint: String, timeout: Duration) throws -> TCPTransport {
        let deadline = Deadline.after(timeout)
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw SSHError.nameResolution(host: host, address: address, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var lastError: SSHError = .hostUnreachable(host: host, endpoint: endpoint, reason: "no usable address")
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
            var code: Int32 = 0
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
                code = errno
                if code == EINPROGRESS {
                    var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    var ready: Int32
                    repeat { ready = poll(&descriptor, 1, Int32(deadline.remainingMilliseconds)) } while ready < 0 && errno == EINTR
                    if ready == 0 {
                        close(fd)
                        throw SSHError.connectTimedOut(host: host, endpoint: endpoint, after: timeout)
                    }
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
                }
            }
            if code == 0 { return TCPTransport(socket: fd) }
            close(fd)
            lastError = ConnectRetry.connectError(errno: code, host: host, endpoint: endpoint, timeout: timeout)
        }
        throw lastError
    }

    /// libssh2's own send and recv, plus a count of what arrived (`SessionContext.receivedBytes`).
    func install(on session: OpaquePointer) {
        kf_session_set_transport(session, socketSend, socketReceive)
    }

    func wait(directions: Int32, milliseconds: Int, others: inout [pollfd]) throws -> Bool {
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        if events == 0 { events = Int16(POLLIN) }
        var descriptors = [pollfd(fd: handshakeSocket, events: events, revents: 0)] + others
        let ready = poll(&descriptors, nfds_t(descriptors.count), Int32(clamping: milliseconds))
        others = Array(descriptors.dropFirst())
        // Errors and hang-ups count as progress: the next libssh2 call reports them.
        return ready < 0 || descriptors[0].revents != 0
    }

    var canTakeSmallPacket: Bool {
        var descriptor = pollfd(fd: handshakeSocket, events: Int16(POLLOUT), revents: 0)
        return poll(&descriptor, 1, 0) == 1 && descriptor.revents == Int16(POLLOUT)
    }

    func abort() { shutdown(handshakeSocket, Int32(SHUT_RDWR)) }
}

/// A session carried inside a direct-tcpip channel of the bastion's session.
///
/// libssh2's send/recv callbacks read and write the channel directly, so both sessions run on the same
/// host queue and thread: no socketpair, no pump thread, no extra copy, and libssh2's rule of one thread
/// per session holds by construction. Waiting means waiting on the bastion's socket.
final class TunnelTransport: SessionTransport {
    let outer: SSHSession
    let channel: OpaquePointer

    init(outer: SSHSession, channel: OpaquePointer) {
        self.outer = outer
        self.channel = channel
    }

    deinit {
        _ = kf_channel_close(channel)
        libssh2_channel_free(channel)
    }

    var handshakeSocket: Int32 { outer.transport.handshakeSocket }

    func install(on session: OpaquePointer) {
        kf_session_set_transport(session, tunnelSend, tunnelReceive)
    }

    func wait(directions: Int32, milliseconds: Int, others: inout [pollfd]) throws -> Bool {
        let outerDirections = libssh2_session_block_directions(outer.raw) | directions
        return try outer.transport.wait(directions: outerDirections, milliseconds: milliseconds, others: &others)
    }

    var canTakeSmallPacket: Bool {
        !outer.hasHalfSentPacket && libssh2_channel_window_write_ex(channel, nil) >= 1024 && outer.transport.canTakeSmallPacket
    }

    func abort() { outer.transport.abort() }

    fileprivate func send(_ buffer: UnsafeRawPointer, _ length: Int) -> Int {
        var written = 0
        guard completingOuterPacket({
            written = libssh2_channel_write_ex(channel, 0, buffer.assumingMemoryBound(to: CChar.self), length)
            return written != Int(LIBSSH2_ERROR_EAGAIN)
        }) else { return -Int(ECONNRESET) }
        if written > 0 { return written }
        if written == 0 || written == Int(LIBSSH2_ERROR_EAGAIN) { return -Int(EAGAIN) }
        return -Int(ECONNRESET)
    }

    fileprivate func receive(_ buffer: UnsafeMutableRawPointer, _ length: Int) -> Int {
        var read = 0
        guard completingOuterPacket({  // a read may send a window adjust
            read = libssh2_channel_read_ex(channel, 0, buffer.assumingMemoryBound(to: CChar.self), length)
            return read != Int(LIBSSH2_ERROR_EAGAIN)
        }) else { return -Int(ECONNRESET) }
        if read > 0 { return read }
        if read == Int(LIBSSH2_ERROR_EAGAIN) { return -Int(EAGAIN) }
        if read == 0 { return libssh2_channel_eof(channel) != 0 ? 0 : -Int(EAGAIN) }
        return -Int(ECONNRESET)
    }

    /// Finishes a packet the bastion's session half-sent before returning to ours: our next call may be a
    /// different one (a read's window adjust, then a write), which libssh2 refuses mid-packet. False when
    /// the bastion's connection takes nothing more.
    private func completingOuterPacket(_ attempt: () -> Bool) -> Bool {
        (try? outer.completingSend(attempt)) != nil
    }
}

private func tunnel(from abstract: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> TunnelTransport? {
    context(from: abstract)?.tunnel
}

private func tunnelSend(_ socket: libssh2_socket_t, _ buffer: UnsafeRawPointer?, _ length: Int, _ flags: Int32,
                        _ abstract: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int {
    guard let buffer, let tunnel = tunnel(from: abstract) else { return -Int(EBADF) }
    return tunnel.send(buffer, length)
}

private func tunnelReceive(_ socket: libssh2_socket_t, _ buffer: UnsafeMutableRawPointer?, _ length: Int, _ flags: Int32,
                           _ abstract: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int {
    guard let buffer, let tunnel = tunnel(from: abstract) else { return -Int(EBADF) }
    let received = tunnel.receive(buffer, length)
    if received > 0 { context(from: abstract)?.receivedBytes &+= UInt64(received) }
    return received
}

private func socketSend(_ socket: libssh2_socket_t, _ buffer: UnsafeRawPointer?, _ length: Int, _ flags: Int32,
                        _ abstract: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int {
    let sent = send(socket, buffer, length, flags)
    return sent >= 0 ? sent : -Int(errno)
}

private func socketReceive(_ socket: libssh2_socket_t, _ buffer: UnsafeMutableRawPointer?, _ length: Int, _ flags: Int32,
                           _ abstract: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int {
    let received = recv(socket, buffer, length, flags)
    guard received >= 0 else { return -Int(errno) }
    context(from: abstract)?.receivedBytes &+= UInt64(received)
    return received
}

private func context(from abstract: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> SessionContext? {
    guard let pointer = abstract?.pointee else { return nil }
    return Unmanaged<SessionContext>.fromOpaque(pointer).takeUnretainedValue()
}

/// What libssh2's callbacks reach through the session's abstract pointer.
final class SessionContext {
    weak var tunnel: TunnelTransport?
    /// Bytes that arrived from the peer, whoever's call read them: tells the session's waiting loop whether
    /// forwarded channels took input an operation may be waiting for, and the keepalive that the peer lives.
    var receivedBytes: UInt64 = 0
    /// Answer for keyboard-interactive password prompts, only while authenticating.
    var keyboardInteractivePassword: String?
}
