/// RFC 1123 names, as Kubernetes validates them (IsDNS1123Subdomain / IsDNS1123Label).
enum DNSName {
    static let maxSubdomainLength = 253
    static let maxLabelLength = 63

    static func isLabel(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.count <= maxLabelLength,
              let first = text.first, let last = text.last,
              isLowerAlphanumeric(first), isLowerAlphanumeric(last) else { return false }
        return text.allSatisfy { isLowerAlphanumeric($0) || $0 == "-" }
    }

    /// A Kubernetes node name: lowercase labels joined by dots, at most 253 characters.
    static func isSubdomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.count <= maxSubdomainLength else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isLabel)
    }

    /// A host name for connecting (case-insensitive, so upper case is allowed).
    static func isHostName(_ text: String) -> Bool {
        isSubdomain(text.lowercased())
    }

    /// The closest valid node name, for the "how to fix" line.
    static func suggestion(for text: String) -> String {
        let mapped = text.lowercased().map { character -> Character in
            isLowerAlphanumeric(character) || character == "." || character == "-" ? character : "-"
        }
        var result = String(mapped)
        while result.hasPrefix("-") || result.hasPrefix(".") { result.removeFirst() }
        while result.hasSuffix("-") || result.hasSuffix(".") { result.removeLast() }
        return result.isEmpty ? "node-1" : String(result.prefix(maxSubdomainLength))
    }

    private static func isLowerAlphanumeric(_ character: Character) -> Bool {
        character.isASCII && (character.isLowercase || character.isNumber)
    }
}
