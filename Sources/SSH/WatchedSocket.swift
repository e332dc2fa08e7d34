import Foundation

/// A socket watched by a read and a write dispatch source on its host's queue.
///
/// libdispatch re-arms a source after each event for as long as its condition holds, so each source is
/// armed only while its event is wanted (a full buffer must not spin the queue). The descriptor is closed
/// only once both sources are cancelled, so its number cannot be reused under them.
final class WatchedSocket: @unchecked Sendable {  // invariant: used only on the host's queue
    let fd: Int32
    /// Runs on the queue when a wanted event happens.
    var onReady: (@Sendable () -> Void)?
    private let owned: Bool
    private let readable: DispatchSourceRead
    private let writable: DispatchSourceWrite
    private var reading = false
    private var writing = false
    private(set) var isClosed = false
    /// Left once the descriptor is closed (or, for a socket owned elsewhere, no longer watched).
    private let released = DispatchGroup()

    /// Watches `fd`. An `owned` socket is closed when done; otherwise `owner` (the transport holding the
    /// descriptor) is kept alive until the sources are gone.
    init(_ fd: Int32, queue: DispatchQueue, owned: Bool = true, owner: AnyObject? = nil) {
        self.fd = fd
        self.owned = owned
        readable = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        writable = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
        let cancelled = DispatchGroup()
        let keptAlive = KeptAlive(owner)
        released.enter()
        for source in [readable, writable] as [DispatchSourceProtocol] {
            cancelled.enter()
            source.setCancelHandler { cancelled.leave() }
        }
        cancelled.notify(queue: queue) { [released] in
            if owned { Glibc.close(fd) }
            withExtendedLifetime(keptAlive) {}
            released.leave()
        }
        readable.setEventHandler { [weak self] in self?.onReady?() }
        writable.setEventHandler { [weak self] in self?.onReady?() }
    }

    deinit { close() }

    /// Arms the sources for the events wanted now, disarms the others.
    func watch(read: Bool, write: Bool) {
        guard !isClosed else { return }
        if read != reading {
            if read { readable.resume() } else { readable.suspend() }
            reading = read
        }
        if write != writing {
            if write { writable.resume() } else { writable.suspend() }
            writing = write
        }
    }

    /// Stops watching. An owned socket is shut down at once, so its peer sees the end even while an
    /// operation holds the queue, and closed once the sources are gone. Idempotent.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        if owned { shutdown(fd, Int32(SHUT_RDWR)) }
        readable.cancel()
        writable.cancel()
        // A suspended source never runs its cancel handler (and must not be released suspended).
        if !reading { readable.resume() }
        if !writing { writable.resume() }
    }

    /// Returns once the descriptor is closed.
    func waitUntilReleased() async {
        await withCheckedContinuation { continuation in
            released.notify(queue: .global()) { continuation.resume() }
        }
    }
}

/// Holds an object until the closure capturing this is released.
private final class KeptAlive: @unchecked Sendable {  // invariant: `object` is never touched, only held
    let object: AnyObject?
    init(_ object: AnyObject?) { self.object = object }
}

/// A non-blocking TCP listener on 127.0.0.1 (never a wider address: like `ssh -L`, only this machine's
/// own programs may use a forward) at a port the kernel picks.
enum LoopbackListener {
    static func open() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ListenerError(step: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(INADDR_LOOPBACK).bigEndian
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 128) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw ListenerError(step: "bind", code: code)
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Accepts one waiting connection (non-blocking, Nagle off: forwarded requests are small and
    /// latency-bound), with the client's port; nil when none is waiting.
    static func accept(from listener: Int32) -> (fd: Int32, port: Int32)? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(listener, $0, &length) }
        }
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)  // Glibc's module has no accept4
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return (fd, Int32(UInt16(bigEndian: address.sin_port)))
    }

    struct ListenerError: Error {
        let step: String
        let code: Int32
        var reason: String { "\(step): \(String(cString: strerror(code)))" }
    }
}
