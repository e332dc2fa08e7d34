import Foundation
import Testing
@testable import KubeAPI

/// What a host's port forwarded over SSH looks like when nothing listens behind it: the local end accepts, then
/// closes before TLS is established. That is a connection failure (worth retrying while a server starts), not a
/// TLS verdict on a certificate.
struct ClosedDuringHandshakeTests {
    /// Accepts connections on loopback, reads the client's first bytes (its ClientHello) and closes: a FIN, as
    /// from an SSH forward whose channel failed. (Closing with the hello unread would send a reset instead.)
    final class ClosingListener: @unchecked Sendable {  // invariant: `fd` is only closed by `stop`
        let fd: Int32
        let port: Int

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.fd = fd
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let listening = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            guard listening else { close(fd); throw POSIXError(.EADDRINUSE) }
            port = Int(UInt16(bigEndian: address.sin_port))
            Thread.detachNewThread {
                while true {
                    let client = accept(fd, nil, nil)
                    if client < 0 { return }
                    var wait = timeval(tv_sec: 2, tv_usec: 0)
                    setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
                    var hello = [UInt8](repeating: 0, count: 16384)
                    _ = recv(client, &hello, hello.count, 0)
                    close(client)
                }
            }
        }

        func stop() { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    @Test func aConnectionClosedDuringTheHandshakeIsATransportFailure() async throws {
        let listener = try ClosingListener()
        defer { listener.stop() }
        let connection = try KubeConnection(server: "https://127.0.0.1:\(listener.port)", credentials: .anonymous, trust: .unverified)
        let error = await #expect(throws: KubeAPIError.self) { try await KubeClient.with(connection) { try await $0.health("/livez") } }
        guard case let .transport(_, _, reason)? = error else { Issue.record("expected a transport failure, got \(String(describing: error))"); return }
        #expect(reason == "the connection closed during the TLS handshake (nothing listening there, or not yet)")
        #expect(error?.isRetryable == true)
    }
}
