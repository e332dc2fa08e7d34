import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Asks an ssh-agent for an rsa-sha2-256 signature by an RSA key it holds.
///
/// libssh2 1.10's agent code always asks for the key's default, SHA-1 ("ssh-rsa"), signature, which
/// OpenSSH 8.8+ refuses; the agent protocol has a flag for SHA-2 (draft-miller-ssh-agent §4.5.1).
/// One short connection per signature, as OpenSSH's own client does per authentication attempt.
struct AgentRSASigner {
    private static let signRequest: UInt8 = 13, signResponse: UInt8 = 14, rsaSHA256Flag: UInt32 = 2

    let socketPath: String
    /// The key as the agent listed it (named "ssh-rsa"); the agent finds its key by this blob.
    let agentBlob: [UInt8]

    /// The same key under the signature algorithm's name, for `libssh2_userauth_publickey`; nil for other types.
    var rsaSHA256Blob: [UInt8]? {
        var reader = SSHWireReader(agentBlob)
        guard reader.readString() == Array("ssh-rsa".utf8) else { return nil }
        var blob = SSHWireWriter()
        blob.write(string: Array(RSAUserKey.algorithm.utf8))
        return blob.bytes + agentBlob.dropFirst(4 + "ssh-rsa".utf8.count)
    }

    struct Failure: Error {}

    func sign(_ data: UnsafeRawBufferPointer) throws -> Data {
        var request = SSHWireWriter()
        request.write(string: [Self.signRequest] + {
            var body = SSHWireWriter()
            body.write(string: agentBlob)
            body.write(string: Array(data))
            body.write(uint32: Self.rsaSHA256Flag)
            return body.bytes
        }())
        let response = try exchange(request.bytes)
        // byte 14, string signature; signature = string "rsa-sha2-256", string bytes.
        guard response.first == Self.signResponse else { throw Failure() }
        var reader = SSHWireReader(Array(response.dropFirst()))
        guard let signature = reader.readString() else { throw Failure() }
        var inner = SSHWireReader(signature)
        guard inner.readString() == Array(RSAUserKey.algorithm.utf8), let bytes = inner.readString() else { throw Failure() }
        return Data(bytes)
    }

    /// Sends one framed message and reads one framed reply (blocking; the agent is local and quick).
    private func exchange(_ message: [UInt8]) throws -> [UInt8] {
        let socket = try connectedSocket()
        defer { close(socket) }
        guard writeAll(socket, message), let header = readExactly(socket, 4) else { throw Failure() }
        let length = header.reduce(0) { $0 << 8 | Int($1) }
        guard length > 0, length < 256 * 1024, let body = readExactly(socket, length) else { throw Failure() }
        return body
    }

    private func connectedSocket() throws -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8)
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { throw Failure() }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure() }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { close(socket); throw Failure() }
        return socket
    }

    private func writeAll(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    private func readExactly(_ socket: Int32, _ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let read = buffer[offset...].withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if read < 0, errno == EINTR { continue }
            guard read > 0 else { return nil }
            offset += read
        }
        return buffer
    }
}
