import Foundation

/// The text edits `prepare` makes, each a pure function from a file's current content to its desired
/// content. Applying one to its own output changes nothing, which is what makes `prepare` idempotent.
public enum PrepareEdits {
    public static let blockEnd = "# END kubeforge"

    /// Comments out every active swap entry of /etc/fstab (third field `swap`), keeping everything else.
    public static func fstabWithoutSwap(_ content: String) -> String {
        mapLines(content) { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard !trimmed.hasPrefix("#") else { return line }
            let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 3, fields[2] == "swap" else { return line }
            return "#" + line
        }
    }

    /// `SELINUX=enforcing` → `SELINUX=permissive` in /etc/selinux/config; `disabled` and `permissive` stay.
    public static func selinuxPermissive(_ content: String) -> String {
        mapLines(content) { line in
            let trimmed = line.trimmingWhitespace
            guard trimmed.hasPrefix("SELINUX="), !trimmed.hasPrefix("SELINUXTYPE") else { return line }
            let value = trimmed.dropFirst("SELINUX=".count).trimmingWhitespace
                .trimmingCharacters(in: ["\"", "'"]).lowercased()
            return value == "enforcing" ? "SELINUX=permissive" : line
        }
    }

    /// /etc/hosts with a marked block listing every inventory host, replacing an earlier block in place
    /// (or appended at the end). Lines outside the block are never touched.
    public static func hostsWithBlock(_ content: String, entries: [PrepareSettings.HostEntry]) -> String {
        let width = entries.map(\.address.count).max() ?? 0
        let body = entries.map { $0.address.padding(toLength: max(width, $0.address.count), withPad: " ", startingAt: 0) + " " + $0.name }
        return replacingBlock(in: content, named: "hosts", with: body)
    }

    /// chrony's config using exactly `servers`: existing `server`/`pool` lines outside kubeforge's block are
    /// commented out and a marked block lists the servers. No servers: the file is left as it is.
    public static func chronyWithServers(_ content: String, servers: [String]) -> String {
        guard !servers.isEmpty else { return content }
        let begin = beginMarker("ntp servers")
        var inside = false
        let disabled = mapLines(content) { line in
            if line == begin { inside = true } else if line == blockEnd { inside = false; return line }
            guard !inside else { return line }
            let word = line.trimmingWhitespace.split(separator: " ").first ?? ""
            return word == "server" || word == "pool" || word == "peer" ? "#" + line : line
        }
        return replacingBlock(in: disabled, named: "ntp servers", with: servers.map { "server \($0) iburst" })
    }

    public static func beginMarker(_ name: String) -> String { "# BEGIN kubeforge \(name) (managed by kubeforge prepare)" }

    /// Replaces the lines between `# BEGIN kubeforge NAME…` and `# END kubeforge` (inclusive) with a new
    /// block, or appends one. The result always ends with a newline.
    static func replacingBlock(in content: String, named name: String, with body: [String]) -> String {
        let begin = beginMarker(name)
        let block = [begin] + body + [blockEnd]
        var lines = splitLines(content)
        if let start = lines.firstIndex(of: begin) {
            let end = lines[start...].firstIndex(of: blockEnd) ?? lines.count - 1
            lines.replaceSubrange(start...end, with: block)
        } else {
            lines += block
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func splitLines(_ content: String) -> [String] {
        var lines = content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    static func mapLines(_ content: String, _ transform: (String) -> String) -> String {
        let lines = splitLines(content)
        guard !lines.isEmpty else { return content }
        return lines.map(transform).joined(separator: "\n") + "\n"
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
