#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as bytes (4 or 16), parsed strictly with inet_pton.
///
/// A strictly parsed address keeps its text as written (messages quote what the user wrote); one made from
/// bytes or parsed with ``init(sloppy:)`` is written canonically. Equality compares the bytes only, as Go's
/// `net.IP.Equal` does.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]
    public let description: String

    public var isIPv4: Bool { bytes.count == 4 }
    public var isIPv6: Bool { bytes.count == 16 }
    public var bitCount: Int { bytes.count * 8 }
    public var isLoopback: Bool { isIPv4 ? bytes[0] == 127 : bytes == [UInt8](repeating: 0, count: 15) + [1] }
    public var isLinkLocal: Bool { isIPv4 ? bytes[0] == 169 && bytes[1] == 254 : bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 }

    public init?(_ text: String) {
        // inet_pton reads a C string: an embedded NUL would truncate it silently.
        guard !text.isEmpty, text.utf8.count <= 64, !text.utf8.contains(0) else { return nil }
        if text.contains(":") {
            var storage = in6_addr()
            guard inet_pton(AF_INET6, text, &storage) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &storage) { Array($0) }
        } else {
            var storage = in_addr()
            guard inet_pton(AF_INET, text, &storage) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &storage) { Array($0) }
        }
        description = text
    }

    /// An address as a host field may write it: `[fd00::1]` and `fe80::1%eth0` are read as the bare address.
    public init?(host text: String) {
        var trimmed = text
        if trimmed.hasPrefix("["), trimmed.hasSuffix("]") { trimmed = String(trimmed.dropFirst().dropLast()) }
        if let percent = trimmed.firstIndex(of: "%") { trimmed = String(trimmed[..<percent]) }
        self.init(trimmed)
    }

    /// Go's `ParseIPSloppy`, as kubeadm reads SANs and the advertise address: IPv4 octets may carry leading zeros
    /// (`010.000.000.009` is 10.0.0.9) and an IPv4-mapped IPv6 address becomes plain IPv4, as Go stores it in
    /// certificates. Written canonically.
    public init?(sloppy text: String) {
        if let v4 = Self.parseSloppyIPv4(text) {
            self.init(bytes: v4)
            return
        }
        guard let parsed = IPAddress(text), parsed.isIPv6 else { return nil }
        let raw = parsed.bytes
        let mapped = raw[0..<10].allSatisfy { $0 == 0 } && raw[10] == 0xFF && raw[11] == 0xFF
        self.init(bytes: mapped ? Array(raw[12...]) : raw)
    }

    /// 4 or 16 bytes, written canonically (`10.96.0.1`, `fd00:10:96::a`).
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 4 || bytes.count == 16, "an IP address has 4 or 16 bytes, not \(bytes.count)")
        self.bytes = bytes
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        description = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Raw bytes from elsewhere (a certificate's iPAddress SAN): nil unless there are 4 or 16 of them.
    public init?(validating bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.init(bytes: bytes)
    }

    public static func == (lhs: IPAddress, rhs: IPAddress) -> Bool { lhs.bytes == rhs.bytes }

    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }

    /// True for text that can only have been meant as an IP address (digits and dots, or a colon),
    /// so "192.168.2.300" is reported as a bad IP rather than accepted as a host name.
    public static func looksLikeAddress(_ text: String) -> Bool {
        if text.contains(":") { return true }
        return !text.isEmpty && text.allSatisfy { $0 == "." || $0.isASCII && $0.isNumber }
    }

    /// `host:port` with IPv6 hosts bracketed (Go's net.JoinHostPort).
    public static func joinHostPort(_ host: String, _ port: some CustomStringConvertible) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func parseSloppyIPv4(_ text: String) -> [UInt8]? {
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
