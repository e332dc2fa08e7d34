import CLibSSH2
import Foundation

/// One local TCP connection carried by its own direct-tcpip channel, as `ssh -L` carries it: bytes both
/// ways, each side's EOF passed on to the other (half-close), and bounded buffers. A side is read only
/// while the other can take more, so a slow reader slows its writer instead of filling memory; libssh2
/// itself holds at most the window the channel granted.
///
/// Driven by `PortForwarder.pump` on the host's queue; `step` never waits, and never leaves a packet
/// half-sent (`SSHSession.completingSend`).
final class ForwardedConnection: @unchecked Sendable {  // invariant: used only on the host's queue
    enum Phase {
        /// Accepted; its channel waits its turn (libssh2 opens one channel at a time per session).
        case waiting
        case opening
        case open
        /// Both directions are done, or the connection was cut: the channel's close is under way.
        case closing
        case closed
    }

    let forward: SSHPortForward
    private(set) var phase = Phase.waiting
    private let client: WatchedSocket
    private let clientPort: Int32
    private var channel: OpaquePointer?
    private var openDeadline: Deadline?
    /// Cut while its channel was still opening: libssh2 cannot cancel an open, so it closes once open.
    private var abandoned = false
    /// Already moved once to a fresh SSH connection (`rewind`).
    private var rewound = false
    private var toChannel = ByteQueue(capacity: 128 << 10)
    private var toClient = ByteQueue(capacity: 128 << 10)
    /// The client sent its FIN / the channel has been told (EOF).
    private var clientDone = false
    private var eofSent = false
    /// The far end sent EOF / the client has been told (SHUT_WR).
    private var channelDone = false
    private var clientShutDown = false

    init(forward: SSHPortForward, client: WatchedSocket, clientPort: Int32) {
        self.forward = forward
        self.client = client
        self.clientPort = clientPort
    }

    /// Moves what can move now; true when anything did. Throws only when the SSH connection failed.
    func step(_ session: SSHSession, mayOpen: Bool) throws -> Bool {
        switch phase {
        case .waiting:
            guard mayOpen else { return false }
            phase = .opening
            openDeadline = .after(forward.host.configuration.connectTimeout)
            _ = try continueOpening(session)
            return true
        case .opening: return try continueOpening(session)
        case .open: return try exchange(session)
        case .closing: return try continueClosing(session)
        case .closed: return false
        }
    }

    /// Ends this connection (done, or cut): the client's socket closes now, the channel's close follows.
    func close() {
        client.close()
        switch phase {
        case .waiting: phase = .closed
        case .opening: abandoned = true
        case .open: phase = .closing
        case .closing, .closed: break
        }
    }

    /// The SSH connection is gone before this connection's channel opened: nothing was lost, so it may
    /// wait for a fresh one, once. Returns whether it will.
    func rewind() -> Bool {
        guard !rewound, !abandoned, phase == .waiting || phase == .opening else { return false }
        rewound = true
        phase = .waiting
        return true
    }

    /// The SSH connection is gone: the client's socket closes, and the channel goes with its session.
    func cutOff() {
        client.close()
        channel = nil
        phase = .closed
    }

    /// Whether input from the SSH connection can give this connection work: the answer to its open,
    /// channel data it has room for, a window adjust for data it holds, the far end's close.
    var wantsSessionInput: Bool {
        switch phase {
        case .opening, .closing: true
        case .open: !toChannel.isEmpty || (channelDone ? clientShutDown : toClient.hasRoom)
        case .waiting, .closed: false
        }
    }

    /// Arms the client socket's dispatch sources for what `step` can use.
    func updateWatch() {
        client.watch(read: wantsClientData, write: phase == .open && !toClient.isEmpty)
    }

    /// The client socket and the events `step` can use, for the session's waiting loop; nil for none.
    var pollRequest: pollfd? {
        var events: Int16 = 0
        if wantsClientData { events |= Int16(POLLIN) }
        if phase == .open, !toClient.isEmpty { events |= Int16(POLLOUT) }
        return events == 0 ? nil : pollfd(fd: client.fd, events: events, revents: 0)
    }

    private var wantsClientData: Bool { phase == .open && !clientDone && toChannel.hasRoom }

    // MARK: phases

    private func continueOpening(_ session: SSHSession) throws -> Bool {
        var opened: OpaquePointer?
        try session.completingSend {
            opened = libssh2_channel_direct_tcpip_ex(session.raw, forward.address, Int32(forward.port), "127.0.0.1", clientPort)
            return opened != nil || session.lastErrno != LIBSSH2_ERROR_EAGAIN
        }
        if let opened {
            channel = opened
            phase = abandoned ? .closing : .open
            return true
        }
        let code = session.lastErrno
        if code == LIBSSH2_ERROR_EAGAIN {
            guard !abandoned, let openDeadline, openDeadline.hasPassed else { return false }
            let limit = forward.host.configuration.connectTimeout.secondsText
            forward.record(.channel(host: forward.host.name, operation: forward.operation,
                                    reason: "the SSH server did not answer within \(limit)"))
            close()
            return true
        }
        // libssh2 gives up on an unanswered open by itself after a minute; the connection is fine then.
        if SSHSession.isTransportFailure(code), code != LIBSSH2_ERROR_TIMEOUT {
            throw SSHError.connectionLost(host: forward.host.name, reason: "\(forward.operation): \(session.lastErrorMessage)")
        }
        forward.recordRefusal(session.lastErrorMessage)
        client.close()
        phase = .closed
        return true
    }

    private func exchange(_ session: SSHSession) throws -> Bool {
        guard let channel else { return false }
        var moved = false

        // Client → channel, then its EOF once everything before it is sent.
        if wantsClientData {
            let received = toChannel.fill { recv(client.fd, $0, $1, 0) }
            if received >= 0 { moved = true }
            if received == 0 { clientDone = true }
            if received < 0, errno != EAGAIN, errno != EINTR {  // the client reset it
                close()
                return true
            }
        }
        while !toChannel.isEmpty {
            var written = 0
            try session.completingSend {
                written = toChannel.drain { libssh2_channel_write_ex(channel, 0, $0, $1) }
                return written != Int(LIBSSH2_ERROR_EAGAIN)
            }
            if written > 0 { moved = true; continue }
            if written < 0, written != Int(LIBSSH2_ERROR_EAGAIN) { return try channelFailed(Int32(written), session) }
            break  // the far end's window is full; its adjust arrives as input
        }
        if toChannel.isEmpty, clientDone, !eofSent {
            var result: Int32 = 0
            try session.completingSend {
                result = libssh2_channel_send_eof(channel)
                return result != LIBSSH2_ERROR_EAGAIN
            }
            if result == 0 { eofSent = true; moved = true }
            if result < 0, result != LIBSSH2_ERROR_EAGAIN { return try channelFailed(result, session) }
        }

        // Channel → client, then a half-close once everything before the far end's EOF is delivered.
        while !channelDone, toClient.hasRoom {
            var count = 0
            try session.completingSend {  // a read may send a window adjust
                count = toClient.fill { libssh2_channel_read_ex(channel, 0, $0, $1) }
                return count != Int(LIBSSH2_ERROR_EAGAIN)
            }
            if count > 0 { moved = true; continue }
            if count == 0, libssh2_channel_eof(channel) != 0 { channelDone = true; moved = true }
            if count < 0, count != Int(LIBSSH2_ERROR_EAGAIN) { return try channelFailed(Int32(count), session) }
            break
        }
        while !toClient.isEmpty {
            let sent = toClient.drain { send(client.fd, $0, $1, Int32(MSG_NOSIGNAL)) }
            if sent > 0 { moved = true; continue }
            if sent < 0, errno == EAGAIN || errno == EINTR { break }
            close()  // the client went away
            return true
        }
        if toClient.isEmpty, channelDone, !clientShutDown {
            shutdown(client.fd, Int32(SHUT_WR))
            clientShutDown = true
            moved = true
        }

        // Done when both sides have ended, or when the far end closed the channel (nothing the client
        // still sends could arrive; ssh -L closes the connection then too).
        guard clientShutDown else { return moved }
        if eofSent {
            close()
            return true
        }
        var closed: Int32 = 0
        try session.completingSend {
            closed = libssh2_channel_wait_closed(channel)  // only looks: the far end's EOF has arrived
            return closed != LIBSSH2_ERROR_EAGAIN
        }
        if closed == 0 {
            close()
            return true
        }
        if closed != LIBSSH2_ERROR_EAGAIN { return try channelFailed(closed, session) }
        return moved
    }

    private func continueClosing(_ session: SSHSession) throws -> Bool {
        guard let channel else {
            phase = .closed
            return true
        }
        var result: Int32 = 0
        try session.completingSend {
            result = libssh2_channel_close(channel)
            return result != LIBSSH2_ERROR_EAGAIN
        }
        if result == LIBSSH2_ERROR_EAGAIN { return false }  // the far end's close is on its way
        if SSHSession.isTransportFailure(result) {
            throw SSHError.connectionLost(host: forward.host.name, reason: "\(forward.operation): \(session.lastErrorMessage)")
        }
        libssh2_channel_free(channel)
        self.channel = nil
        phase = .closed
        return true
    }

    /// A failed channel call: the whole SSH connection when its transport failed, else just this one.
    private func channelFailed(_ code: Int32, _ session: SSHSession) throws -> Bool {
        if SSHSession.isTransportFailure(code) {
            throw SSHError.connectionLost(host: forward.host.name, reason: "\(forward.operation): \(session.lastErrorMessage)")
        }
        close()
        return true
    }
}

/// A fixed-capacity byte buffer: filled at the back, drained from the front.
struct ByteQueue {
    private var storage: [UInt8]
    private var start = 0
    private var end = 0

    init(capacity: Int) { storage = [UInt8](repeating: 0, count: capacity) }

    var isEmpty: Bool { start == end }
    var hasRoom: Bool { end < storage.count || start > 0 }

    /// Lets `read` write into the free space (pointer, room) and keeps what it reports (a positive count).
    /// Returns `read`'s result. Call only when `hasRoom`.
    mutating func fill(_ read: (UnsafeMutablePointer<CChar>, Int) -> Int) -> Int {
        if end == storage.count { compact() }
        let end = self.end
        let result = storage.withUnsafeMutableBytes { raw in
            read(raw.baseAddress!.advanced(by: end).assumingMemoryBound(to: CChar.self), raw.count - end)
        }
        if result > 0 { self.end += result }
        return result
    }

    /// Hands the buffered bytes to `write` and drops what it reports taken (a positive count).
    /// Returns `write`'s result.
    mutating func drain(_ write: (UnsafePointer<CChar>, Int) -> Int) -> Int {
        let (start, end) = (self.start, self.end)
        let result = storage.withUnsafeBytes { raw in
            write(raw.baseAddress!.advanced(by: start).assumingMemoryBound(to: CChar.self), end - start)
        }
        if result > 0 {
            self.start += result
            if self.start == self.end { (self.start, self.end) = (0, 0) }
        }
        return result
    }

    private mutating func compact() {
        let (start, count) = (self.start, end - self.start)
        storage.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            memmove(base, base + start, count)
        }
        (self.start, end) = (0, count)
    }
}
