/// Where binaries come from (the inventory's `cluster.binaries`).
public enum BinarySource: Sendable, Equatable {
    /// A local directory (air-gapped installs): `<dir>/<name>`, `<dir>/bin/<name>` or
    /// `<dir>/linux/amd64/<name>`; an optional `<dir>/SHA256SUMS` is verified.
    case directory(String)
    /// Downloaded once on the operator's machine into a cache, sha256-verified, then pushed to hosts.
    case download(DownloadSource)
}

/// `<baseURL>/<name>` with its checksum at `<baseURL>/<name>.sha256` (the layout of dl.k8s.io's
/// `release/vX.Y.Z/bin/linux/amd64/`); each mirror has the same layout and is tried in order after the base.
public struct DownloadSource: Sendable, Equatable {
    public var baseURL: String
    public var mirrors: [String]
    /// Where downloads are kept between runs, one subdirectory per base URL.
    public var cacheDirectory: String
    /// Known-good digests by binary name; they win over the published `.sha256` files.
    public var pinnedChecksums: [String: String]

    public init(baseURL: String, mirrors: [String] = [], cacheDirectory: String, pinnedChecksums: [String: String] = [:]) {
        self.baseURL = baseURL
        self.mirrors = mirrors
        self.cacheDirectory = cacheDirectory
        self.pinnedChecksums = pinnedChecksums
    }

    /// `~/.cache/kubeforge/binaries` (XDG_CACHE_HOME honoured).
    public static func defaultCacheDirectory(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/kubeforge/binaries" }
        return (environment["HOME"] ?? "/root") + "/.cache/kubeforge/binaries"
    }

    /// Base URL followed by the mirrors, each without a trailing slash.
    var bases: [String] {
        ([baseURL] + mirrors).map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    /// The cache folder for one base URL: its characters outside [A-Za-z0-9.-] turned into `_`.
    func cacheFolder() -> String {
        let base = bases[0]
        let safe = String(base.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
        return cacheDirectory + "/" + safe
    }
}
