import Yams

/// An ordered value tree that renders to YAML (through Yams, so quoting is right) or to JSON.
indirect enum OutputTree: Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([OutputTree], flow: Bool = false)
    case map([(String, OutputTree)])

    func yaml() -> String {
        // Serialising a tree built from strings and numbers cannot fail; fall back to JSON, which is YAML.
        (try? Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true)) ?? json()
    }

    private var node: Node {
        switch self {
        case .string(let text): return .scalar(text.represented())
        case .int(let number): return Node(String(number), Tag(.int))
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
        case .list(let items, let flow):
            return .sequence(Node.Sequence(items.map(\.node), Tag(.seq), flow ? .flow : .block))
        case .map(let pairs):
            return .mapping(Node.Mapping(pairs.map { (Node.scalar($0.0.represented()), $0.1.node) }, Tag(.map), .block))
        }
    }

    func json(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .string(let text): return Self.quote(text)
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .list(let items, _):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + $0.json(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .map(let pairs):
            if pairs.isEmpty { return "{}" }
            return "{\n" + pairs.map { inner + Self.quote($0.0) + ": " + $0.1.json(indent: inner) }.joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    private static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
