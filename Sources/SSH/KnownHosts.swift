import CLibSSH2
import Foundation

/// The entries of an OpenSSH known_hosts file, checked with libssh2's known-host functions (plain and
/// hashed `|1|salt|hash` names), remembering which line each entry came from so errors can point at it.
///
/// `@revoked` lines are honoured; `@cert-authority` lines and lines libssh2 cannot parse are skipped
/// (host certificates are not supported).
final class KnownHosts {
    /// What known_hosts says about a presented key.
    enum Verdict: Equatable {
        case trusted
        /// No entry for this host with this key type.
        case unknown
        /// An entry for this host and key type holds a different key, on `line` (1-based).
        case changed(line: Int)
        /// The key is listed under `@revoked`, on `line`.
        case revoked(line: Int)
    }

    private let scratch: OpaquePointer
    private let entries: OpaquePointer
    private let revokedEntries: OpaquePointer
    private var lineOfEntry: [UnsafeMutableRawPointer: Int] = [:]
    private var lineOfRevoked: [UnsafeMutableRawPointer: Int] = [:]
    private var entriesTail: UnsafeMutablePointer<libssh2_knownhost>?
    private var revokedTail: UnsafeMutablePointer<libssh2_knownhost>?

    /// Parses known_hosts text.
    init(text: String) {
        LibSSH2.ensureInitialized()
        // libssh2 ties a known-hosts collection to a session; an unconnected one is enough.
        scratch = libssh2_session_init_ex(nil, nil, nil, nil)
        entries = libssh2_knownhost_init(scratch)
        revokedEntries = libssh2_knownhost_init(scratch)
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("@revoked") {
                let rest = line.dropFirst("@revoked".count).trimmingCharacters(in: .whitespaces)
                add(rest, line: number, to: revokedEntries, tail: &revokedTail, index: &lineOfRevoked)
            } else if line.hasPrefix("@") {
                continue
            } else {
                add(line, line: number, to: entries, tail: &entriesTail, index: &lineOfEntry)
            }
        }
    }

    deinit {
        libssh2_knownhost_free(entries)
        libssh2_knownhost_free(revokedEntries)
        libssh2_session_free(scratch)
    }

    /// Reads `path`; a missing file has no entries.
    static func load(path: String) throws(KnownHostsLoadError) -> KnownHosts {
        guard FileManager.default.fileExists(atPath: path) else { return KnownHosts(text: "") }
        guard let data = FileManager.default.contents(atPath: path) else { throw KnownHostsLoadError(reason: "cannot read it") }
        return KnownHosts(text: String(decoding: data, as: UTF8.self))
    }

    /// Checks `key` presented by `host` on `port`.
    func check(host: String, port: Int, key: HostKey) -> Verdict {
        let name = Self.hostField(host: host, port: port)
        let (revokedResult, revokedEntry) = lookup(revokedEntries, name: name, key: key.blob, kind: key.kind)
        if revokedResult == LIBSSH2_KNOWNHOST_CHECK_MATCH, let entry = revokedEntry {
            return .revoked(line: lineOfRevoked[entry] ?? 0)
        }
        let (result, entry) = lookup(entries, name: name, key: key.blob, kind: key.kind)
        switch result {
        case LIBSSH2_KNOWNHOST_CHECK_MATCH: return .trusted
        case LIBSSH2_KNOWNHOST_CHECK_MISMATCH: return .changed(line: entry.flatMap { lineOfEntry[$0] } ?? 0)
        default: return .unknown
        }
    }

    /// Key types recorded for `host`, so the handshake can ask for a key we can verify.
    func knownKinds(host: String, port: Int) -> [HostKey.Kind] {
        let name = Self.hostField(host: host, port: port)
        let probe = Data([0])  // never a real key: any entry for the host and type reports a mismatch
        return HostKey.Kind.allCases.filter { kind in
            let (result, _) = lookup(entries, name: name, key: probe, kind: kind)
            return result == LIBSSH2_KNOWNHOST_CHECK_MISMATCH || result == LIBSSH2_KNOWNHOST_CHECK_MATCH
        }
    }

    /// The known_hosts line recording `key` for `host` (`[host]:port` when the port is not 22).
    static func entryLine(host: String, port: Int, key: HostKey) -> String {
        "\(hostField(host: host, port: port)) \(key.kind.rawValue) \(key.base64)"
    }

    static func hostField(host: String, port: Int) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    /// Adds one line's entries (a line naming several hosts adds several) and notes their line number.
    private func add(_ line: String, line number: Int, to collection: OpaquePointer,
                     tail: inout UnsafeMutablePointer<libssh2_knownhost>?, index: inout [UnsafeMutableRawPointer: Int]) {
        let added = line.withCString { libssh2_knownhost_readline(collection, $0, strlen($0), KF_KNOWNHOST_FILE_OPENSSH) }
        guard added == 0 else { return }
        var cursor: UnsafeMutablePointer<libssh2_knownhost>?
        while libssh2_knownhost_get(collection, &cursor, tail) == 0, let entry = cursor {
            index[UnsafeMutableRawPointer(entry)] = number
            tail = entry
        }
    }

    private func lookup(_ collection: OpaquePointer, name: String, key: Data, kind: HostKey.Kind)
        -> (Int32, UnsafeMutableRawPointer?)
    {
        var found: UnsafeMutablePointer<libssh2_knownhost>?
        let typemask = KF_KNOWNHOST_TYPE_PLAIN | KF_KNOWNHOST_KEYENC_RAW | kind.knownHostMask
        let result = key.withUnsafeBytes { raw in
            libssh2_knownhost_checkp(collection, name, -1, raw.baseAddress?.assumingMemoryBound(to: CChar.self),
                                     raw.count, typemask, &found)
        }
        return (result, found.map(UnsafeMutableRawPointer.init))
    }
}

struct KnownHostsLoadError: Error {
    var reason: String
}

/// Appends accept-new entries; one writer at a time in this process, so concurrent connects never
/// interleave partial lines or record the same host twice.
enum KnownHostsWriter {
    private static let lock = NSLock()

    /// Appends `line` unless `alreadyThere` (evaluated on the file's current text) says it is recorded.
    static func append(_ line: String, to path: String, alreadyThere: (String) -> Bool) throws(KnownHostsLoadError) {
        lock.lock()
        defer { lock.unlock() }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch { throw KnownHostsLoadError(reason: "cannot create \(directory): \(error.localizedDescription)") }
        }
        let current = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if alreadyThere(current) { return }
        let text = (current.isEmpty || current.hasSuffix("\n") ? "" : "\n") + line + "\n"
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw KnownHostsLoadError(reason: "cannot open for writing: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            throw KnownHostsLoadError(reason: "cannot append: \(String(cString: strerror(errno)))")
        }
    }
}
