import Yams

/// Reads one YAML mapping field by field, recording every problem (with the node's line) instead of stopping,
/// and reporting the keys nobody asked for as unknown fields (kubeadm's strict decoding).
final class MappingReader {
    let file: String
    let path: String
    private let pairs: [(key: String, keyNode: Node, value: Node)]
    private var consumed: Set<String> = []
    private let sink: ProblemSink

    init?(_ node: Node, file: String, path: String, sink: ProblemSink) {
        self.file = file
        self.path = path
        self.sink = sink
        guard let mapping = node.mapping else {
            if node.null == nil {
                sink.add(.wrongType, file: file, node: node, field: path, reason: "expected a mapping")
            }
            return nil
        }
        pairs = mapping.map { (key: $0.key.string ?? "", keyNode: $0.key, value: $0.value) }
    }

    private func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The raw node for `key`, marking it known; nil when absent.
    func node(_ key: String) -> Node? {
        consumed.insert(key)
        return pairs.last { $0.key == key }?.value
    }

    func problem(_ code: KubeadmConfigError.Problem.Code, _ key: String, _ reason: String) {
        sink.add(code, file: file, node: node(key) ?? pairs.first?.keyNode, field: field(key), reason: reason)
    }

    func problem(_ code: KubeadmConfigError.Problem.Code, at node: Node, field name: String, _ reason: String) {
        sink.add(code, file: file, node: node, field: name, reason: reason)
    }

    func string(_ key: String) -> String? {
        guard let value = node(key), value.null == nil else { return nil }
        guard let scalar = value.scalar else {
            sink.add(.wrongType, file: file, node: value, field: field(key), reason: "expected a string")
            return nil
        }
        return scalar.string
    }

    func int(_ key: String) -> Int? {
        guard let value = node(key), value.null == nil else { return nil }
        guard value.scalar != nil, let int = value.int else {
            sink.add(.wrongType, file: file, node: value, field: field(key), reason: "expected an integer, found '\(value.string ?? "")'")
            return nil
        }
        return int
    }

    func bool(_ key: String) -> Bool? {
        guard let value = node(key), value.null == nil else { return nil }
        guard value.scalar != nil, let bool = value.bool else {
            sink.add(.wrongType, file: file, node: value, field: field(key), reason: "expected true or false, found '\(value.string ?? "")'")
            return nil
        }
        return bool
    }

    func duration(_ key: String) -> GoDuration? {
        guard let text = string(key), let value = node(key) else { return nil }
        guard let duration = GoDuration(parsing: text) else {
            sink.add(.invalidValue, file: file, node: value, field: field(key), reason: "'\(text)' is not a duration; use the form 24h0m0s")
            return nil
        }
        return duration
    }

    func strings(_ key: String) -> [String]? {
        guard let value = node(key), value.null == nil else { return nil }
        guard let sequence = value.sequence else {
            sink.add(.wrongType, file: file, node: value, field: field(key), reason: "expected a list of strings")
            return nil
        }
        return sequence.enumerated().compactMap { index, item in
            guard let scalar = item.scalar else {
                sink.add(.wrongType, file: file, node: item, field: "\(field(key))[\(index)]", reason: "expected a string")
                return nil
            }
            return scalar.string
        }
    }

    func mapping(_ key: String) -> MappingReader? {
        guard let value = node(key) else { return nil }
        return MappingReader(value, file: file, path: field(key), sink: sink)
    }

    /// Each element of a list of mappings.
    func mappings(_ key: String) -> [MappingReader]? {
        guard let value = node(key), value.null == nil else { return nil }
        guard let sequence = value.sequence else {
            sink.add(.wrongType, file: file, node: value, field: field(key), reason: "expected a list")
            return nil
        }
        return sequence.enumerated().compactMap { index, item in
            MappingReader(item, file: file, path: "\(field(key))[\(index)]", sink: sink)
        }
    }

    /// A map of string to string (v1beta3 extraArgs, featureGates values are read separately).
    func stringMap(_ key: String) -> [(String, String, Node)]? {
        guard let value = node(key), value.null == nil else { return nil }
        guard let mapping = value.mapping else {
            sink.add(.wrongType, file: file, node: value, field: field(key), reason: "expected a mapping of names to values")
            return nil
        }
        return mapping.compactMap { pair in
            guard let name = pair.key.string, let scalar = pair.value.scalar else {
                sink.add(.wrongType, file: file, node: pair.value, field: "\(field(key)).\(pair.key.string ?? "?")", reason: "expected a string value")
                return nil
            }
            return (name, scalar.string, pair.value)
        }
    }

    /// Reports every key that no accessor asked for.
    func finish() {
        for pair in pairs where !consumed.contains(pair.key) {
            sink.add(.unknownField, file: file, node: pair.keyNode, field: field(pair.key), reason: "unknown field")
        }
    }
}

/// Collects problems found while decoding.
final class ProblemSink {
    private(set) var problems: [KubeadmConfigError.Problem] = []

    func add(_ code: KubeadmConfigError.Problem.Code, file: String?, node: Node?, field: String, reason: String) {
        problems.append(.init(code: code, file: file, line: node?.mark?.line, column: node?.mark?.column, field: field, reason: reason))
    }

    func add(_ problem: KubeadmConfigError.Problem) { problems.append(problem) }
}
