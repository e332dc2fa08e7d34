import Foundation
import Yams

/// A multi-document YAML manifest (what `kubectl apply -f` takes), split as kubectl splits it: a line that
/// starts with `---` and has nothing after it but spaces or a comment ends a document. Each document keeps its
/// text (the API server parses an applied configuration itself, so what is sent is what was written) and the
/// line it starts on (for errors).
public struct Manifest: Sendable {
    public struct Document: Sendable {
        public let text: String
        /// 1-based line of the document's first line in the file.
        public let line: Int
        public let object: KubeObject
    }

    /// What the manifest is called in messages (its path or URL).
    public let name: String
    public let documents: [Document]

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case invalidYAML(name: String, line: Int, reason: String)
        case notAnObject(name: String, line: Int, found: String)
        case missingField(name: String, line: Int, field: String)

        public var description: String {
            switch self {
            case let .invalidYAML(name, line, reason): "\(name), line \(line): not valid YAML: \(reason)"
            case let .notAnObject(name, line, found): "\(name), document at line \(line): a Kubernetes object is a mapping, found \(found)"
            case let .missingField(name, line, field): "\(name), document at line \(line): the object has no \(field)"
            }
        }
    }

    public init(name: String, text: String) throws(ParseError) {
        self.name = name
        var documents: [Document] = []
        for (text, line) in Self.split(text) {
            let value: JSONValue
            do {
                value = try JSONValue(yaml: text)
            } catch {
                let (problem, offset) = Self.problem(error)
                throw .invalidYAML(name: name, line: line + max(0, (offset ?? 1) - 1), reason: problem)
            }
            if value == .null { continue } // comments only
            guard let object = KubeObject(value) else {
                throw .notAnObject(name: name, line: line, found: value.arrayValue != nil ? "a list" : "a single value")
            }
            for (field, present) in [("apiVersion", !object.apiVersion.isEmpty), ("kind", !object.kind.isEmpty)] where !present {
                throw .missingField(name: name, line: line, field: field)
            }
            if object.kind == "List" || object.kind.hasSuffix("List") && object["items"]?.arrayValue != nil {
                // kubectl applies the items of a List one by one; they are sent as JSON (also valid YAML).
                for item in object["items"]?.arrayValue ?? [] {
                    guard let member = KubeObject(item) else { throw .notAnObject(name: name, line: line, found: "a List item that is not a mapping") }
                    documents.append(try Self.named(Document(text: member.value.encoded().utf8String, line: line, object: member), in: name))
                }
                continue
            }
            documents.append(try Self.named(Document(text: text, line: line, object: object), in: name))
        }
        self.documents = documents
    }

    private static func named(_ document: Document, in name: String) throws(ParseError) -> Document {
        guard !document.object.name.isEmpty else { throw .missingField(name: name, line: document.line, field: "metadata.name") }
        return document
    }

    /// The documents' texts (each line with its line break, as kubectl reads them) with their first lines.
    static func split(_ text: String) -> [(String, Int)] {
        var pieces: [(String, Int)] = []
        var current: [Substring] = []
        var start = 1
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() } // the final line break
        for (index, line) in lines.enumerated() {
            if line.hasPrefix("---") {
                let rest = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
                if rest.isEmpty || rest.hasPrefix("#") {
                    if !current.isEmpty { pieces.append((current.joined(separator: "\n") + "\n", start)) }
                    current = []
                    start = index + 2
                    continue
                }
            }
            current.append(line)
        }
        if !current.isEmpty { pieces.append((current.joined(separator: "\n") + "\n", start)) }
        return pieces
    }

    /// libyaml's problem and the line of the document it is on.
    private static func problem(_ error: any Error) -> (String, Int?) {
        switch error as? YamlError {
        case let .scanner(_, problem, mark, _)?, let .parser(_, problem, mark, _)?, let .composer(_, problem, mark, _)?:
            return (problem, mark.line)
        default:
            return ("\(error)", nil)
        }
    }
}

extension Data {
    var utf8String: String { String(decoding: self, as: UTF8.self) }
}
