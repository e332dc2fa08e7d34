import Foundation

/// `/etc/os-release` (os-release(5)): `KEY=value` lines, values optionally quoted.
public struct OSRelease: Sendable, Equatable {
    public var fields: [String: String]

    public init(parsing text: String) {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            var value = String(trimmed[trimmed.index(after: equals)...])
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            fields[String(trimmed[..<equals])] = value.replacingOccurrences(of: #"\""#, with: "\"")
        }
        self.fields = fields
    }

    public var id: String { fields["ID"]?.lowercased() ?? "" }
    public var idLike: [String] { (fields["ID_LIKE"] ?? "").lowercased().split(separator: " ").map(String.init) }
    public var versionID: String { fields["VERSION_ID"] ?? "" }
    public var prettyName: String { fields["PRETTY_NAME"] ?? fields["NAME"] ?? id }

    /// The major version (`7` of `7.9.2009`, `22` of `22.04`).
    public var majorVersion: Int? { Int(versionID.split(separator: ".").first ?? "") }
    public var minorVersion: Int? {
        let parts = versionID.split(separator: ".")
        return parts.count > 1 ? Int(parts[1]) : nil
    }
}
