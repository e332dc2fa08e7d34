#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as bytes (4 or 16), parsed strictly with inet_pton.
struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    let bytes: [UInt8]
    private let text: String

    var isIPv4: Bool { bytes.count == 4 }
    var bitCount: Int { bytes.count * 8 }
    var description: String { text }

    init?(_ text: String) {
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
        self.text = text
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.count == 4 {
            text = bytes.map(String.init).joined(separator: ".")
        } else {
            var groups: [String] = []
            for index in stride(from: 0, to: bytes.count, by: 2) {
                groups.append(String(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]), radix: 16))
            }
            text = groups.joined(separator: ":")
        }
    }

    /// True for text that can only have been meant as an IP address (digits and dots, or a colon),
    /// so "192.168.2.300" is reported as a bad IP rather than accepted as a host name.
    static func looksLikeAddress(_ text: String) -> Bool {
        if text.contains(":") { return true }
        return !text.isEmpty && text.allSatisfy { $0 == "." || $0.isASCII && $0.isNumber }
    }
}
