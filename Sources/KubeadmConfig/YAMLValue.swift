/// A small YAML tree written the way Go's sigs.k8s.io/yaml writes Kubernetes objects: mapping keys sorted,
/// sequences at the same indentation as their key, `{}`/`[]` for empty collections.
public indirect enum YAMLValue: Equatable, Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case map([String: YAMLValue])
    case list([YAMLValue])

    /// The YAML text, ending in a newline.
    public func render() -> String {
        var out = ""
        switch self {
        case let .map(entries) where !entries.isEmpty: Self.writeMap(entries, indent: 0, into: &out)
        case let .list(items) where !items.isEmpty: Self.writeList(items, indent: 0, into: &out)
        default: out = inline + "\n"
        }
        return out
    }

    private var inline: String {
        switch self {
        case let .string(s): Self.quoted(s)
        case let .int(i): String(i)
        case let .bool(b): b ? "true" : "false"
        case .null: "null"
        case .map: "{}"
        case .list: "[]"
        }
    }

    private var isBlock: Bool {
        switch self {
        case let .map(m): !m.isEmpty
        case let .list(l): !l.isEmpty
        default: false
        }
    }

    private static func writeMap(_ entries: [String: YAMLValue], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for key in entries.keys.sorted() {
            guard let value = entries[key] else { continue }
            switch value {
            case let .map(m) where !m.isEmpty:
                out += "\(pad)\(quoted(key)):\n"
                writeMap(m, indent: indent + 2, into: &out)
            case let .list(l) where !l.isEmpty:
                out += "\(pad)\(quoted(key)):\n"
                writeList(l, indent: indent, into: &out)
            default:
                out += "\(pad)\(quoted(key)): \(value.inline)\n"
            }
        }
    }

    private static func writeList(_ items: [YAMLValue], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            switch item {
            case let .map(m) where !m.isEmpty:
                var nested = ""
                writeMap(m, indent: indent + 2, into: &nested)
                out += pad + "- " + nested.dropFirst(indent + 2)
            case let .list(l) where !l.isEmpty:
                var nested = ""
                writeList(l, indent: indent + 2, into: &nested)
                out += pad + "- " + nested.dropFirst(indent + 2)
            default:
                out += "\(pad)- \(item.inline)\n"
            }
        }
    }

    /// Plain when YAML would read the text back as the same string, double-quoted otherwise.
    public static func quoted(_ text: String) -> String {
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]
        let needsQuotes = text.isEmpty
            || reserved.contains(text.lowercased())
            || Double(text) != nil || Int(text) != nil
            || text.hasPrefix(" ") || text.hasSuffix(" ") || text.hasSuffix(":")
            || text.contains(": ") || text.contains(" #") || text.contains("\n") || text.contains("\"")
            || "?:,[]{}#&*!|>'%@`".contains(text.first ?? " ")
            || text.hasPrefix("- ") || text == "-" || text.hasPrefix("---")
        guard needsQuotes else { return text }
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}
