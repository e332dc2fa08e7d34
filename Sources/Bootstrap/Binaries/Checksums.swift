import Foundation

/// sha256 checksum files: `SHA256SUMS` in a bundle directory (`<hex>  <name>` per line, `*name` for binary
/// mode, as sha256sum writes) and the `<name>.sha256` files published beside each Kubernetes binary (the bare hex).
public enum Checksums {
    /// File name → lower-case hex digest. Lines that are not `<64 hex> <name>` are ignored.
    public static func parseSums(_ text: String) -> [String: String] {
        var sums: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard fields.count == 2, let digest = normalizedDigest(fields[0]) else { continue }
            var name = fields[1].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("*") { name.removeFirst() }
            // `./etcd` and `bin/etcd` both name etcd.
            if let slash = name.lastIndex(of: "/") { name = String(name[name.index(after: slash)...]) }
            sums[name] = digest
        }
        return sums
    }

    /// The digest in a `.sha256` file: the first word, if it is 64 hex characters.
    public static func parseSingle(_ text: String) -> String? {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).first.flatMap(normalizedDigest)
    }

    /// `sha256sum` output for one file → its digest.
    public static func parseSha256sumOutput(_ text: String) -> String? {
        parseSingle(text)
    }

    static func normalizedDigest(_ word: Substring) -> String? {
        let lower = word.lowercased()
        guard lower.count == 64, lower.allSatisfy({ $0.isHexDigit }) else { return nil }
        return lower
    }
}
