import Foundation

/// Turns a component's last journal lines into the likely cause of its failure, with the fix. Pure, so it is
/// tested over journals captured from real failing units.
public enum HealthDiagnosis {
    /// The first recognised cause, searching the newest lines first (the latest crash explains the state).
    public static func likelyCause(journal: [String]) -> String? {
        for line in journal.reversed() {
            if let cause = cause(of: line) { return cause }
        }
        return nil
    }

    public static func likelyCause(journal: String) -> String? {
        likelyCause(journal: journal.split(separator: "\n").map(String.init))
    }

    static func cause(of journalLine: String) -> String? {
        let line = message(of: journalLine)
        let lower = line.lowercased()
        if lower.contains("address already in use") {
            if let port = port(in: line) {
                return "port \(port) is already taken by another process (find it with `ss -ltnp 'sport = :\(port)'`); stop it or free the port"
            }
            return "a port this component listens on is already taken by another process (see `ss -ltnp`)"
        }
        if lower.contains("permission denied") {
            if let path = path(in: line) {
                return "permission denied on \(path): check its owner and mode (keys 0600 root, certificates 0644) and the unit's User="
            }
            return "permission denied: a file or directory this component needs is not readable by it"
        }
        if lower.contains("no such file or directory"), let path = path(in: line) {
            if path.hasSuffix(".crt") || path.hasSuffix(".key") || path.hasSuffix(".pem") {
                return "\(path) is missing: generate the certificates first (`kubeforge init phase certs all`)"
            }
            return "\(path) is missing"
        }
        if lower.contains("status=203/exec") || lower.contains("failed to locate executable") || lower.contains("failed at step exec") {
            return "the unit's executable is missing or not executable: install the binaries first"
        }
        if lower.contains("flag provided but not defined") || lower.contains("unknown flag") {
            let flag = line.components(separatedBy: "defined: ").last ?? line.components(separatedBy: "unknown flag: ").last ?? ""
            return "the binary does not know the flag \(flag.trimmingCharacters(in: .whitespaces)): it is older or newer than the configured kubernetesVersion expects"
        }
        if lower.contains("has already been bootstrapped") || lower.contains("member count is unequal")
            || lower.contains("cluster id mismatch") || lower.contains("couldn't find local name") {
            return "the etcd data directory or --initial-cluster does not match the cluster it is joining: remove the data directory (/var/lib/etcd) of this member and add it again"
        }
        if lower.contains("certificate signed by unknown authority") || lower.contains("bad certificate")
            || lower.contains("certificate is valid for") || lower.contains("x509:") {
            return "TLS failure: certificates were issued by a different CA or for other names/addresses (`kubeforge certs check-expiration`, regenerate with the right SANs)"
        }
        if lower.contains("database space exceeded") || lower.contains("no space left on device") {
            return "the disk or etcd's quota is full: free space, then compact and defragment etcd"
        }
        if lower.contains("connection refused") && lower.contains("2379") {
            return "etcd is not answering on 2379: start etcd first (`kubeforge init phase etcd local`)"
        }
        return nil
    }

    /// What the process said, without journalctl's `Nov 22 03:36:38 host etcd[2588]: ` or capnslog's
    /// `2026-11-22 03:07:56.114668 C | etcdmain: ` prefix (their times look like host:port words).
    static func message(of line: String) -> String {
        var text = Substring(line)
        if let range = text.range(of: "]: ") { text = text[range.upperBound...] }
        if let range = text.range(of: " | ") { text = text[range.upperBound...] }
        return String(text)
    }

    /// The port of the address being bound (`listen tcp 127.0.0.1:2379: bind: address already in use` → 2379).
    static func port(in line: String) -> String? {
        let before = line.range(of: "address already in use", options: .caseInsensitive).map { line[..<$0.lowerBound] } ?? Substring(line)
        for word in before.split(whereSeparator: { $0 == " " || $0 == "\"" || $0 == "," }).reversed() {
            var trimmed = word
            while trimmed.hasSuffix(":") { trimmed = trimmed.dropLast() }
            guard let colon = trimmed.lastIndex(of: ":") else { continue }
            let port = trimmed[trimmed.index(after: colon)...]
            if !port.isEmpty, port.count <= 5, port.allSatisfy(\.isNumber) { return String(port) }
        }
        return nil
    }

    /// The first absolute path in the line (`open /etc/kubernetes/pki/etcd/server.key: permission denied`).
    static func path(in line: String) -> String? {
        for word in line.split(whereSeparator: { $0 == " " || $0 == "\"" || $0 == "'" || $0 == "=" || $0 == "(" }) {
            var candidate = Substring(word)
            while let last = candidate.last, last == ":" || last == "," || last == ")" { candidate = candidate.dropLast() }
            if candidate.hasPrefix("/"), candidate.count > 1 { return String(candidate) }
        }
        return nil
    }
}
