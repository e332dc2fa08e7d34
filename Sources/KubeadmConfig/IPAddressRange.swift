import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 CIDR such as `10.96.0.0/12`, with the address arithmetic kubeadm needs
/// (the kubernetes Service VIP is the 1st address, the cluster DNS IP the 10th).
public struct IPAddressRange: Hashable, Sendable, CustomStringConvertible {
    /// Network address bytes (4 or 16).
    public let bytes: [UInt8]
    public let prefixLength: Int

    public var isIPv6: Bool { bytes.count == 16 }

    /// Parses `a.b.c.d/n` or `x::/n`; the address is masked to its network.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let bytes = IPAddressRange.parseAddress(String(parts[0])),
              let prefix = Int(parts[1]), prefix >= 0, prefix <= bytes.count * 8
        else { return nil }
        var masked = bytes
        for index in masked.indices {
            let bitsBefore = index * 8
            let keep = max(0, min(8, prefix - bitsBefore))
            masked[index] &= keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        self.bytes = masked
        self.prefixLength = prefix
    }

    /// The `n`th address after the network address (n = 1 is the kubernetes Service VIP), or nil past the range.
    public func address(at offset: Int) -> String? {
        let hostBits = bytes.count * 8 - prefixLength
        if hostBits < 63, offset >= (1 << hostBits) { return nil }
        var result = bytes
        var carry = offset
        for index in result.indices.reversed() where carry > 0 {
            let sum = Int(result[index]) + (carry & 0xFF)
            result[index] = UInt8(sum & 0xFF)
            carry = (carry >> 8) + (sum >> 8)
        }
        return IPAddressRange.format(result)
    }

    public var description: String { "\(IPAddressRange.format(bytes))/\(prefixLength)" }

    /// Parses a bare IPv4 or IPv6 address into its bytes.
    public static func parseAddress(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// True when `text` is an IPv4 or IPv6 address.
    public static func isAddress(_ text: String) -> Bool { parseAddress(text) != nil }

    /// True when `text` is an IPv6 address.
    public static func isIPv6Address(_ text: String) -> Bool { parseAddress(text)?.count == 16 }

    /// Canonical text of 4 or 16 address bytes.
    static func format(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        return ok ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }

    /// `host:port` with IPv6 hosts bracketed (Go's net.JoinHostPort).
    public static func joinHostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
