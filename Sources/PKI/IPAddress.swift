import Foundation

/// An IPv4 or IPv6 address, held as the 4 or 16 bytes an iPAddress subject alternative name carries.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Parses dotted IPv4 (leading zeros allowed, as Go's `ParseIPSloppy`) or textual IPv6.
    /// IPv4-mapped IPv6 addresses become plain IPv4, as Go stores them in certificates.
    public init?(_ text: String) {
        if let v4 = Self.parseIPv4(text) {
            bytes = v4
            return
        }
        var address = in6_addr()
        guard !text.isEmpty, inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        let raw = withUnsafeBytes(of: &address) { Array($0) }
        if raw[0..<10].allSatisfy({ $0 == 0 }), raw[10] == 0xFF, raw[11] == 0xFF {
            bytes = Array(raw[12...])
        } else {
            bytes = raw
        }
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public var isIPv6: Bool { bytes.count == 16 }

    /// Canonical text (`10.96.0.1`, `::1`), the form Go's `net.IP.String` prints.
    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func parseIPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                  let value = UInt8(part) else { return nil }
            result.append(value)
        }
        return result
    }
}
