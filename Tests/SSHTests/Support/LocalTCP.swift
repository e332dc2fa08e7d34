import Foundation

/// A plain TCP client on this machine, for talking through forwarded ports. Its blocking work runs on a
/// thread of its own, so many connections at once cannot starve Swift's cooperative pool.
enum LocalTCP {
    /// Connects to 127.0.0.1:`port` (or `address`); the connected socket, or the connect's errno.
    static func connect(port: Int, address: String = "127.0.0.1") -> Result<Int32, POSIXError> {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, address, &target.sin_addr)
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = POSIXErrorCode(rawValue: errno) ?? .EIO
            close(fd)
            return .failure(POSIXError(code))
        }
        return .success(fd)
    }

    static func open(port: Int) throws -> Int32 {
        switch connect(port: port) {
        case let .success(fd): return fd
        case let .failure(error): throw TestFailure("connecting to 127.0.0.1:\(port) failed: \(error.code)")
        }
    }

    /// Sends `payload`, half-closes, and reads until the far end closes; both at once (an echo answers
    /// while we still send). Throws when `timeout` passes first.
    static func exchange(port: Int, sending payload: Data, timeout: Duration = .seconds(60)) async throws -> Data {
        try await onThread {
            let fd = try open(port: port)
            defer { close(fd) }
            return try exchange(on: fd, sending: payload, timeout: timeout)
        }
    }

    static func exchange(on fd: Int32, sending payload: Data, timeout: Duration) throws -> Data {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let deadline = ContinuousClock.now + timeout
        var sent = 0
        var halfClosed = false
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            if !halfClosed, sent == payload.count {
                shutdown(fd, Int32(SHUT_WR))
                halfClosed = true
            }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN) | (halfClosed ? 0 : Int16(POLLOUT)), revents: 0)
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw TestFailure("no end of the exchange within \(timeout): sent \(sent), received \(received.count)") }
            _ = poll(&descriptor, 1, Int32(min(left.components.seconds * 1000 + 1, 1000)))
            if !halfClosed, descriptor.revents & Int16(POLLOUT) != 0 {
                let written = payload.withUnsafeBytes { raw in
                    send(fd, raw.baseAddress!.advanced(by: sent), min(payload.count - sent, 64 << 10), Int32(MSG_NOSIGNAL))
                }
                if written > 0 { sent += written } else if errno != EAGAIN { throw TestFailure("send failed: \(errno)") }
            }
            if descriptor.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count == 0 { return received }
                if count > 0 { received.append(contentsOf: buffer[0..<count]) } else if errno != EAGAIN {
                    throw TestFailure("recv failed: \(errno)")
                }
            }
        }
    }

    /// Reads until the far end closes the connection; what arrived and how long until the close.
    static func readUntilClosed(_ fd: Int32, timeout: Duration) async throws -> (data: Data, after: Duration) {
        try await onThread {
            let start = ContinuousClock.now
            var tv = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count > 0 { data.append(contentsOf: buffer[0..<count]); continue }
                if count < 0, errno == EAGAIN { throw TestFailure("the connection stayed open for \(timeout)") }
                return (data, ContinuousClock.now - start)
            }
        }
    }

    /// `count` sequential round trips of `size` bytes through an echo at `port`; each one's duration.
    static func roundTrips(port: Int, count: Int, size: Int) async throws -> [Duration] {
        try await onThread {
            let fd = try open(port: port)
            defer { close(fd) }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            var tv = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var times: [Duration] = []
            var message = [UInt8](repeating: 0, count: size)
            var answer = [UInt8](repeating: 0, count: size)
            for index in 0..<count {
                for position in message.indices { message[position] = UInt8(truncatingIfNeeded: index &+ position) }
                let start = ContinuousClock.now
                guard send(fd, message, size, Int32(MSG_NOSIGNAL)) == size else { throw TestFailure("send failed: \(errno)") }
                var got = 0
                while got < size {
                    let count = answer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!.advanced(by: got), size - got, 0) }
                    guard count > 0 else { throw TestFailure("round trip \(index): connection ended (\(count), errno \(errno))") }
                    got += count
                }
                times.append(ContinuousClock.now - start)
                guard answer == message else { throw TestFailure("round trip \(index): the echo differs") }
            }
            return times
        }
    }

    /// Runs blocking `work` on a new thread.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
