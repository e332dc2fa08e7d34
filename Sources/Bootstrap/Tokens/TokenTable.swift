import Foundation

/// `kubeadm token list`'s output (cmd/kubeadm/app/cmd/token.go): each token's cells padded to fixed widths
/// (TTL 9, USAGES 22, DESCRIPTION 56), then laid out by a tabwriter (minimum width 10, padding 3) of its own
/// per token — the header shares the first token's — and the -o json|yaml form of each token.
public enum TokenTable {
    public static let header = ["TOKEN", "TTL", "EXPIRES", "USAGES", "DESCRIPTION", "EXTRA GROUPS"]

    public static func render(_ tokens: [BootstrapTokenSecret], now: Date) -> String {
        guard let first = tokens.first else { return table([header]) }
        return table([header, row(first, now: now)]) + tokens.dropFirst().map { table([row($0, now: now)]) }.joined()
    }

    static func row(_ token: BootstrapTokenSecret, now: Date) -> [String] {
        func padded(_ text: String, _ width: Int) -> String { text.count >= width ? text : text.padding(toLength: width, withPad: " ", startingAt: 0) }
        let usages = token.usages.sorted().joined(separator: ",")
        return [
            token.token.value,
            padded(token.expires.map { shortHumanDuration($0.timeIntervalSince(now)) } ?? "<forever>", 9),
            token.expires.map(BootstrapTokenSecret.rfc3339) ?? "<never>",
            padded(usages.isEmpty ? "<none>" : usages, 22),
            padded(token.tokenDescription.isEmpty ? "<none>" : token.tokenDescription, 56),
            token.groups.isEmpty ? "<none>" : token.groups.joined(separator: ","),
        ]
    }

    /// Go's text/tabwriter with minwidth 10, padding 3, spaces; the last column is not padded.
    static func table(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() where index < columns - 1 {
                widths[index] = max(widths[index], max(10, cell.count + 3))
            }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index < row.count - 1 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) : cell
            }.joined()
        }.joined(separator: "\n") + "\n"
    }

    /// apimachinery's `duration.ShortHumanDuration`: `45s`, `12m`, `23h`, `6d`, `2y`, `<invalid>` when past.
    static func shortHumanDuration(_ seconds: TimeInterval) -> String {
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        let whole = Int(seconds)
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m" }
        if whole < 86400 { return "\(whole / 3600)h" }
        if whole < 86400 * 365 { return "\(whole / 86400)d" }
        return "\(whole / (86400 * 365))y"
    }

    /// kubeadm's `-o json` object for one token (output.kubeadm.k8s.io/v1alpha3 BootstrapToken).
    public static func outputObject(_ token: BootstrapTokenSecret) -> [String: Any] {
        var object: [String: Any] = [
            "kind": "BootstrapToken", "apiVersion": "output.kubeadm.k8s.io/v1alpha3",
            "token": token.token.value, "usages": token.usages.sorted(), "groups": token.groups,
        ]
        if !token.tokenDescription.isEmpty { object["description"] = token.tokenDescription }
        if let expires = token.expires { object["expires"] = BootstrapTokenSecret.rfc3339(expires) }
        return object
    }
}
