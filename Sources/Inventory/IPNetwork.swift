/// A CIDR block such as 10.96.0.0/12.
struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network address (host bits cleared).
    let network: IPAddress
    let prefixLength: Int
    /// True when the text had host bits set (10.96.0.1/12); the block still means the masked network.
    let hadHostBits: Bool

    var isIPv4: Bool { network.isIPv4 }
    var hostBits: Int { network.bitCount - prefixLength }
    var description: String { "\(network)/\(prefixLength)" }

    init?(_ text: String) {
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
    var size: Int {
        hostBits >= Int.bitWidth - 1 ? Int.max : 1 << hostBits
    }

    func contains(_ address: IPAddress) -> Bool {
        address.bytes.count == network.bytes.count
            && IPNetwork.mask(address.bytes, prefix: prefixLength) == network.bytes
    }

    func overlaps(_ other: IPNetwork) -> Bool {
        guard isIPv4 == other.isIPv4 else { return false }
        return contains(other.network) || other.contains(network)
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
