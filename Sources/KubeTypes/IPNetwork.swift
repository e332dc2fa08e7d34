/// A CIDR block such as 10.96.0.0/12, with the address arithmetic kubeadm needs
/// (the kubernetes Service VIP is the 1st address, the cluster DNS IP the 10th).
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network address (host bits cleared).
    public let network: IPAddress
    public let prefixLength: Int
    /// True when the text had host bits set (10.96.0.1/12); the block still means the masked network.
    public let hadHostBits: Bool

    public var isIPv4: Bool { network.isIPv4 }
    public var isIPv6: Bool { network.isIPv6 }
    public var hostBits: Int { network.bitCount - prefixLength }
    public var description: String { "\(network)/\(prefixLength)" }

    /// Parses `a.b.c.d/n` or `x::/n` strictly (a decimal prefix of at most 3 digits, nothing around it).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])),
              parts[1].count <= 3, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
              let prefix = Int(parts[1]), prefix <= address.bitCount else { return nil }
        let masked = IPNetwork.mask(address.bytes, prefix: prefix)
        network = IPAddress(bytes: masked)
        prefixLength = prefix
        hadHostBits = masked != address.bytes
    }

    /// Number of addresses, saturating at Int.max for wide IPv6 blocks.
    public var size: Int {
        hostBits >= Int.bitWidth - 1 ? Int.max : 1 << hostBits
    }

    public func contains(_ address: IPAddress) -> Bool {
        address.bytes.count == network.bytes.count
            && IPNetwork.mask(address.bytes, prefix: prefixLength) == network.bytes
    }

    public func overlaps(_ other: IPNetwork) -> Bool {
        guard isIPv4 == other.isIPv4 else { return false }
        return contains(other.network) || other.contains(network)
    }

    /// The `offset`th address after the network address (1 is the kubernetes Service VIP), or nil past the block.
    public func address(at offset: Int) -> IPAddress? {
        if hostBits < 63, offset >= (1 << hostBits) { return nil }
        var result = network.bytes
        var carry = offset
        for index in result.indices.reversed() where carry > 0 {
            let sum = Int(result[index]) + (carry & 0xFF)
            result[index] = UInt8(sum & 0xFF)
            carry = (carry >> 8) + (sum >> 8)
        }
        return IPAddress(bytes: result)
    }

    /// The network address with its lowest bit set (kubeadm probes this one for HTTPProxyCIDR).
    public var firstHost: IPAddress {
        var bytes = network.bytes
        bytes[bytes.count - 1] |= 1
        return IPAddress(bytes: bytes)
    }

    private static func mask(_ bytes: [UInt8], prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bitsBefore = index * 8
            if prefix >= bitsBefore + 8 { return byte }
            if prefix <= bitsBefore { return 0 }
            return byte & ~(UInt8.max >> UInt8(prefix - bitsBefore))
        }
    }
}
