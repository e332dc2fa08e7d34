import Foundation

/// An IPv4 or IPv6 address as bytes, parsed with inet_pton.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public var bytes: [UInt8]
    public let description: String

    public init?(_ text: String) {
        var trimmed = text
        if trimmed.hasPrefix("["), trimmed.hasSuffix("]") { trimmed = String(trimmed.dropFirst().dropLast()) }
        if let percent = trimmed.firstIndex(of: "%") { trimmed = String(trimmed[..<percent]) }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, trimmed, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, trimmed, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
        description = trimmed
    }

    public var isIPv4: Bool { bytes.count == 4 }
    public var isLoopback: Bool { isIPv4 ? bytes[0] == 127 : bytes == [UInt8](repeating: 0, count: 15) + [1] }
    public var isLinkLocal: Bool { isIPv4 ? bytes[0] == 169 && bytes[1] == 254 : bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 }
}

/// A CIDR block such as `10.96.0.0/12`.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public var address: IPAddress
    public var prefixLength: Int

    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/")
        guard parts.count == 2, let address = IPAddress(String(parts[0])), let length = Int(parts[1]),
              length >= 0, length <= address.bytes.count * 8 else { return nil }
        self.address = address
        self.prefixLength = length
    }

    public func contains(_ other: IPAddress) -> Bool {
        guard other.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for index in address.bytes.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if address.bytes[index] & mask != other.bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// The first address after the network address (kubeadm probes this one for HTTPProxyCIDR).
    public var firstHost: IPAddress {
        var bytes = address.bytes
        var remaining = prefixLength
        for index in bytes.indices {
            let bits = min(8, max(0, remaining))
            bytes[index] &= UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            remaining -= 8
        }
        bytes[bytes.count - 1] |= 1
        var copy = address
        copy.bytes = bytes
        return IPAddress(Self.format(bytes)) ?? copy
    }

    public var description: String { "\(address)/\(prefixLength)" }

    private static func format(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
