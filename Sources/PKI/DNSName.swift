/// RFC 1123 name rules as Kubernetes applies them (`validation.IsDNS1123Subdomain`).
public enum DNSName {
    /// Lower-case labels of `[a-z0-9-]`, not starting or ending with `-`, joined by dots, at most 253 characters.
    public static func isSubdomain(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isLabel)
    }

    /// `*.` followed by a valid subdomain (`validation.IsWildcardDNS1123Subdomain`).
    public static func isWildcardSubdomain(_ name: String) -> Bool {
        guard name.hasPrefix("*."), name.utf8.count <= 253 else { return false }
        return isSubdomain(String(name.dropFirst(2)))
    }

    private static func isLabel(_ label: Substring) -> Bool {
        guard let first = label.utf8.first, let last = label.utf8.last else { return false }
        let allowed = label.utf8.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
        return allowed && isLowerAlnum(first) && isLowerAlnum(last)
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
