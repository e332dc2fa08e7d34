// Part of the test stand-in for kube-apiserver (tests only): the JSON values objects are stored and answered as.
import Foundation

/// A JSON document as kube-apiserver reads and writes it: objects, requests and responses are all values of this
/// type, so tests compare them structurally rather than as text.
public enum ServerJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([ServerJSON])
    case object([String: ServerJSON])

    /// Parses JSON text; throws `ServerJSON.ParseError` with the decoder's reason.
    public init(parsing data: Data) throws {
        do {
            self = try JSONDecoder().decode(ServerJSON.self, from: data)
        } catch {
            throw ParseError(reason: Self.reason(of: error))
        }
    }

    public init(parsing text: String) throws {
        try self.init(parsing: Data(text.utf8))
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "invalid JSON: \(reason)" }
    }

    private static func reason(of error: any Error) -> String {
        switch error {
        case let DecodingError.dataCorrupted(context): context.debugDescription
        default: "\(error)"
        }
    }

    // MARK: Access

    public subscript(key: String) -> ServerJSON? {
        get {
            guard case let .object(members) = self else { return nil }
            return members[key]
        }
        set {
            guard case var .object(members) = self else { return }
            members[key] = newValue
            self = .object(members)
        }
    }

    /// The value at a path of object keys; setting creates the intermediate objects, setting nil removes the leaf.
    public subscript(path path: [String]) -> ServerJSON? {
        get {
            path.reduce(Optional(self)) { value, key in value?[key] }
        }
        set {
            guard let first = path.first else {
                self = newValue ?? .null
                return
            }
            guard path.count > 1 else {
                if case .object = self {} else { self = .object([:]) }
                self[first] = newValue
                return
            }
            var child = self[first] ?? .object([:])
            child[path: Array(path.dropFirst())] = newValue
            if case .object = self {} else { self = .object([:]) }
            self[first] = child
        }
    }

    public var stringValue: String? {
        if case let .string(text) = self { return text }
        return nil
    }

    public var intValue: Int64? {
        switch self {
        case let .int(value): value
        case let .double(value) where value == value.rounded(): Int64(exactly: value)
        default: nil
        }
    }

    public var boolValue: Bool? {
        if case let .bool(value) = self { return value }
        return nil
    }

    public var arrayValue: [ServerJSON]? {
        if case let .array(items) = self { return items }
        return nil
    }

    public var objectValue: [String: ServerJSON]? {
        if case let .object(members) = self { return members }
        return nil
    }

    /// A map of strings (labels, annotations, ConfigMap data); non-string members are left out.
    public var stringMap: [String: String] {
        (objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    public static func strings(_ map: [String: String]) -> ServerJSON {
        .object(map.mapValues { .string($0) })
    }

    public static func strings(_ list: [String]) -> ServerJSON {
        .array(list.map { .string($0) })
    }
}

// MARK: Literals

extension ServerJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: ServerJSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, ServerJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

// MARK: Decoding

extension ServerJSON: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ServerJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ServerJSON].self))
        }
    }
}

// MARK: Encoding

extension ServerJSON: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .int(value): try container.encode(value)
        case let .double(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(items): try container.encode(items)
        case let .object(members): try container.encode(members)
        }
    }
}

extension ServerJSON: CustomStringConvertible {
    /// Compact JSON with sorted keys, so answers are byte-for-byte repeatable.
    public var description: String { String(decoding: data, as: UTF8.self) }

    public var data: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every case encodes; an encoder failure here would be a Foundation bug.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }
}
