/// Reads the version out of what a binary prints for `--version` (or `version`).
public enum BinaryVersion {
    /// The first `X.Y.Z` (optionally `v`-prefixed, with a pre-release suffix) in `output`, without the `v`:
    /// `etcd Version: 3.4.23` → `3.4.23`, `Kubernetes v1.28.0` → `1.28.0`,
    /// `Client Version: v1.28.2` → `1.28.2`.
    public static func parse(_ output: String) -> String? {
        for word in output.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "," || $0 == "\"" }) {
            let candidate = word.hasPrefix("v") ? word.dropFirst() : word[...]
            let core = candidate.split(separator: "-", maxSplits: 1).first ?? candidate
            let parts = core.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
                return String(candidate)
            }
        }
        return nil
    }

    /// Whether `reported` is `expected`, ignoring a leading `v` on either.
    public static func matches(_ reported: String, expected: String) -> Bool {
        normalized(reported) == normalized(expected)
    }

    static func normalized(_ version: String) -> String {
        version.hasPrefix("v") ? String(version.dropFirst()) : version
    }
}
