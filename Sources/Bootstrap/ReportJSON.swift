import Foundation

/// What `prepare -o json` and `reset -o json` share: how the document is encoded and how hosts are counted.
enum ReportJSON {
    /// Pretty, keys sorted, slashes unescaped (paths read as written), ending in a newline.
    static func encode(_ document: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    /// How many hosts have each status; every status in `all` is present, zeros included.
    static func summary(_ statuses: [String], all: [String]) -> [String: Int] {
        Dictionary(grouping: statuses) { $0 }.mapValues(\.count).merging(all.map { ($0, 0) }) { counted, _ in counted }
    }
}
