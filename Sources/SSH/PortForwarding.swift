import CLibSSH2
import Foundation
import Remote

/// A port of a host reached from this machine, as `ssh -L 127.0.0.1:0:ADDRESS:PORT` does: every
/// connection to 127.0.0.1:`localPort` gets its own direct-tcpip channel, over the host's one SSH
/// connection (through its bastion when it has one), to `address:port` as the host sees it.
///
/// A connection the host cannot complete (nothing listens there, the server refuses forwarding, the SSH
/// connection dropped) is closed at once, and `lastFailure` says why.
public final class SSHPortForward: PortForward, @unchecked Sendable {  // invariant: `failure` under `lock`; the rest is immutable
    public let localAddress = "127.0.0.1"
    public let localPort: Int
    /// Where connections go, as the host sees it.
    public let address: String
    public let port: Int
    let host: SSHHost
    let listener: WatchedSocket
    private let lock = NSLock()
    private var failure: SSHError?

    init(host: SSHHost, address: String, port: Int, listener: WatchedSocket, localPort: Int) {
        self.host = host
        self.address = address
        self.port = port
        self.listener = listener
        self.localPort = localPort
    }

    /// Why the last forwarded connection could not be opened or was cut, for error messages; nil while
    /// none has failed. A client that sees its connection closed early can say why with this.
    public var lastFailure: SSHError? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    /// Stops listening, cuts the open connections and frees the port. Idempotent.
    public func close() async {
        await host.closeForward(self)
    }

    /// "forwarding a connection to 127.0.0.1:6443", for messages.
    var operation: String {
        "forwarding a connection to " + (address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)")
    }

    func record(_ failure: SSHError) {
        lock.lock()
        self.failure = failure
        lock.unlock()
    }

    /// Records the server's refusal to open a channel, explained.
    func recordRefusal(_ message: String) {
        let reason = if message.contains("connect failed") {
            "\(host.name) could not connect there: nothing listens, or it is unreachable from \(host.name) (the server said: \(message))"
        } else if message.contains("administratively prohibited") {
            "the SSH server refuses port forwarding; allow it with 'AllowTcpForwarding yes' in \(host.name)'s sshd_config "
                + "(the server said: \(message))"
        } else {
            message
        }
        record(.channel(host: host.name, operation: operation, reason: reason))
    }
}

/// The ports forwarded over one host's SSH connection, and the pump that moves their bytes. Used only on
/// the host's queue.
///
/// libssh2 allows one thread per session, so forwarded channels have no thread of their own. Between
/// operations, dispatch sources (the listeners, the client sockets, the SSH socket) run `pump` on the
/// host's queue, and so does the end of every operation (libssh2 may hold channel data the operation
/// read); during an operation the session's waiting loop runs it (`ChannelPump`), so forwarded
/// connections keep flowing through a long command or an upload.
final class PortForwarder: ChannelPump, @unchecked Sendable {  // invariant: used only on the host's queue
    private let queue: DispatchQueue
    /// The host's live connection, connecting again if it dropped (`SSHHost.connectedNow`, which attaches).
    private let reconnect: () throws -> SSHConnection
    private var forwards: [SSHPortForward] = []
    private var connections: [ForwardedConnection] = []
    private var connection: SSHConnection?
    private var sessionWatch: WatchedSocket?
    private var isPumping = false
    private var turnScheduled = false

    /// Passes over the connections in one turn before queued operations get theirs.
    private static let passesPerTurn = 16

    init(queue: DispatchQueue, reconnect: @escaping () throws -> SSHConnection) {
        self.queue = queue
        self.reconnect = reconnect
    }

    deinit { sessionWatch?.close() }

    // MARK: forwards

    func listen(host: SSHHost, address: String, port: Int) throws -> SSHPortForward {
        let listener: (fd: Int32, port: Int)
        do { listener = try LoopbackListener.open() } catch let error as LoopbackListener.ListenerError {
            throw SSHError.channel(host: host.name, operation: "listening on 127.0.0.1 to forward to \(address):\(port)",
                                   reason: error.reason)
        }
        let socket = WatchedSocket(listener.fd, queue: queue)
        let forward = SSHPortForward(host: host, address: address, port: port, listener: socket, localPort: listener.port)
        socket.onReady = { [weak self, weak forward] in
            if let self, let forward { self.clientsWaiting(at: forward) }
        }
        socket.watch(read: true, write: false)
        forwards.append(forward)
        return forward
    }

    /// Stops `forward`: no new connections, its open ones cut (their channels close).
    func remove(_ forward: SSHPortForward) {
        guard let index = forwards.firstIndex(where: { $0 === forward }) else { return }
        forwards.remove(at: index)
        forward.listener.close()
        for forwarded in connections where forwarded.forward === forward { forwarded.close() }
        pump()
    }

    /// Stops every forward and cuts every connection (the host disconnects); returns the forwards stopped.
    func removeAll() -> [SSHPortForward] {
        let stopped = forwards
        forwards = []
        for forward in stopped { forward.listener.close() }
        detach()
        return stopped
    }

    // MARK: the SSH connection

    /// Rides on `connection` from now on (the host's fresh connection).
    func attach(_ connection: SSHConnection) {
        detach()
        self.connection = connection
        connection.session.channelPump = self
        let transport = connection.session.transport
        let watch = WatchedSocket(transport.handshakeSocket, queue: queue, owned: false, owner: transport)
        watch.onReady = { [weak self] in self?.pump() }
        sessionWatch = watch
    }

    /// Leaves the connection (dropped or closing): every forwarded connection is cut, with `failure`
    /// recorded on its forward.
    func detach(failure: SSHError? = nil) {
        for forwarded in connections {
            if let failure { forwarded.forward.record(failure) }
            forwarded.cutOff()
        }
        connections = []
        sessionWatch?.close()
        sessionWatch = nil
        connection?.session.channelPump = nil
        connection = nil
    }

    /// The connection failed under forwarded channels: theirs are cut. Clients whose channel had not
    /// opened yet lost nothing (a connection that died while idle fails its next open): they move to a
    /// fresh connection, made once the queue is free (this may run inside an operation).
    func connectionLost(_ error: SSHError) {
        connection?.markBroken()
        let unopened = connections.filter { $0.rewind() }
        connections.removeAll { forwarded in unopened.contains { $0 === forwarded } }
        detach(failure: error)
        guard !unopened.isEmpty else { return }
        queue.async { [weak self] in self?.carryOver(unopened, lost: error) }
    }

    private func carryOver(_ clients: [ForwardedConnection], lost: SSHError) {
        // Their forward may have been closed meanwhile (or the host disconnected).
        let (kept, dropped) = (clients.filter(isListening), clients.filter { !isListening($0) })
        for client in dropped { client.cutOff() }
        guard !kept.isEmpty else { return }
        do { _ = try reconnect() } catch {
            for client in kept {
                client.forward.record(error as? SSHError ?? lost)
                client.cutOff()
            }
            return
        }
        connections += kept
        pump()
    }

    private func isListening(_ client: ForwardedConnection) -> Bool { forwards.contains { $0 === client.forward } }

    /// Whether channels read the connection between operations (so a silent peer is noticed).
    var readsBetweenOperations: Bool { connections.contains { $0.wantsSessionInput } }

    // MARK: the pump

    func pump() {
        guard !isPumping, let connection, !connection.isBroken else { return }
        let session = connection.session
        guard !session.hasHalfSentPacket else { return }  // its sender finishes it first
        isPumping = true
        defer {
            isPumping = false
            updateWatches()
        }
        for forward in forwards { acceptClients(of: forward) }
        do {
            var moved = true
            var passes = 0
            while moved, passes < Self.passesPerTurn {
                moved = false
                for forwarded in connections {
                    let mayOpen = !session.isOpeningChannel && !connections.contains { $0.phase == .opening }
                    if try forwarded.step(session, mayOpen: mayOpen) { moved = true }
                }
                connections.removeAll { $0.phase == .closed }
                passes += 1
            }
            if moved { scheduleTurn() }
        } catch {
            connectionLost(error as? SSHError ?? .connectionLost(host: session.host, reason: "\(error)"))
        }
    }

    func descriptors() -> [pollfd] {
        guard let connection, !connection.session.hasHalfSentPacket else { return [] }
        return forwards.map { pollfd(fd: $0.listener.fd, events: Int16(POLLIN), revents: 0) } + connections.compactMap(\.pollRequest)
    }

    func finishChannelOpen(deadline: Deadline?) throws {
        guard let connection, let opening = connections.first(where: { $0.phase == .opening }) else { return }
        let session = connection.session
        do {
            while opening.phase == .opening {
                if try opening.step(session, mayOpen: false) { continue }
                if let deadline, deadline.hasPassed { throw DeadlineExceeded() }
                var none: [pollfd] = []
                _ = try session.transport.wait(directions: libssh2_session_block_directions(session.raw),
                                               milliseconds: min(deadline?.remainingMilliseconds ?? 1000, 1000), others: &none)
            }
        } catch let error as SSHError {
            connectionLost(error)
            throw error
        }
    }

    /// Still moving: queued operations get their turn, then this goes on.
    private func scheduleTurn() {
        guard !turnScheduled else { return }
        turnScheduled = true
        queue.async { [weak self] in
            self?.turnScheduled = false
            self?.pump()
        }
    }

    /// The listener has clients waiting: with no live connection, connect first (as any operation
    /// would); when that fails, each waiting client is closed at once and the forward says why.
    private func clientsWaiting(at forward: SSHPortForward) {
        if connection?.isBroken ?? true {
            do { _ = try reconnect() } catch {
                forward.record(error as? SSHError ?? .connectionLost(host: forward.host.name, reason: "\(error)"))
                while let client = LoopbackListener.accept(from: forward.listener.fd) { Glibc.close(client.fd) }
                return
            }
        }
        pump()
    }

    private func acceptClients(of forward: SSHPortForward) {
        while let client = LoopbackListener.accept(from: forward.listener.fd) {
            let socket = WatchedSocket(client.fd, queue: queue)
            socket.onReady = { [weak self] in self?.pump() }
            connections.append(ForwardedConnection(forward: forward, client: socket, clientPort: client.port))
        }
    }

    private func updateWatches() {
        for forwarded in connections { forwarded.updateWatch() }
        sessionWatch?.watch(read: readsBetweenOperations, write: false)
    }
}
