/// Why a binary could not be found, fetched, verified or installed. Every case names the binary and says
/// what to do about it.
public enum BinaryError: Error, Equatable, CustomStringConvertible {
    /// Absent from the bundle: every place kubeforge looked.
    case notFound(binary: String, searched: [String])
    /// The bundle's SHA256SUMS (or a pinned digest) disagrees with the file.
    case checksumMismatch(binary: String, file: String, expected: String, actual: String, source: String)
    /// Every URL was tried and none gave a verified file.
    case downloadFailed(binary: String, attempts: [String])
    /// Hashing or reading a file failed.
    case unreadable(binary: String, file: String, reason: String)
    /// Installed, but `--version` failed or reported something else.
    case versionCheckFailed(binary: String, host: String, path: String, detail: String)

    public var description: String {
        switch self {
        case let .notFound(binary, searched):
            "binary '\(binary)' is not in the bundle; looked for it at:\n"
                + searched.map { "  - \($0)" }.joined(separator: "\n")
                + "\nput the \(binary) executable at one of these paths (or change cluster.binaries)"
        case let .checksumMismatch(binary, file, expected, actual, source):
            "binary '\(binary)' at \(file) has sha256 \(actual), but \(source) says \(expected); the file is corrupt or from another release — replace it"
        case let .downloadFailed(binary, attempts):
            "could not download a verified '\(binary)':\n" + attempts.map { "  - \($0)" }.joined(separator: "\n")
                + "\ncheck the base URL and mirrors (or use cluster.binaries.dir with a local bundle)"
        case let .unreadable(binary, file, reason):
            "binary '\(binary)': cannot read \(file): \(reason)"
        case let .versionCheckFailed(binary, host, path, detail):
            "\(host): \(path) (\(binary)) failed its version check: \(detail)"
        }
    }
}
