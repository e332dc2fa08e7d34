/// A CIDR block such as the service subnet `10.96.0.0/12`.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    /// Parses `address/prefix`; the address is masked to the network, as Go's `net.ParseCIDR` does.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])),
              parts[1].allSatisfy(\.isNumber), let prefix = Int(parts[1]),
              (0...(address.bytes.count * 8)).contains(prefix) else { return nil }
        var masked = address.bytes
        for index in masked.indices {
            let bitsKept = max(0, min(8, prefix - index * 8))
            masked[index] &= bitsKept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsKept))
        }
        self.address = IPAddress(bytes: masked)!
        self.prefixLength = prefix
    }

    /// The address `offset` places after the network address (kubeadm's `GetIndexedIP`), or nil when it
    /// falls outside the block.
    public func address(at offset: Int) -> IPAddress? {
        var bytes = address.bytes
        var carry = offset
        for index in bytes.indices.reversed() where carry > 0 {
            let sum = Int(bytes[index]) + carry
            bytes[index] = UInt8(sum & 0xFF)
            carry = sum >> 8
        }
        guard carry == 0, let result = IPAddress(bytes: bytes), IPNetwork.contains(self, result) else { return nil }
        return result
    }

    public var description: String { "\(address)/\(prefixLength)" }

    private static func contains(_ network: IPNetwork, _ candidate: IPAddress) -> Bool {
        guard candidate.bytes.count == network.address.bytes.count else { return false }
        for index in candidate.bytes.indices {
            let bitsKept = max(0, min(8, network.prefixLength - index * 8))
            let mask: UInt8 = bitsKept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsKept))
            if candidate.bytes[index] & mask != network.address.bytes[index] { return false }
        }
        return true
    }
}
