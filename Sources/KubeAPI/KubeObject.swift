import Foundation

/// One Kubernetes object as JSON, with names for the metadata fields kubeforge reads and sets.
public struct KubeObject: Sendable, Hashable {
    public var json: [String: JSONValue]

    public init(_ json: [String: JSONValue]) { self.json = json }

    /// An object from a JSON value; nil unless it is a JSON object.
    public init?(_ value: JSONValue) {
        guard let members = value.objectValue else { return nil }
        json = members
    }

    public init(apiVersion: String, kind: String, name: String, namespace: String? = nil, extra: [String: JSONValue] = [:]) {
        var metadata: [String: JSONValue] = ["name": .string(name)]
        if let namespace { metadata["namespace"] = .string(namespace) }
        json = extra.merging(["apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": .object(metadata)]) { $1 }
    }

    /// Every object of a multi-document YAML stream (a rendered template).
    public static func objects(yaml: String) throws -> [KubeObject] {
        try JSONValue.documents(yaml: yaml).compactMap(KubeObject.init)
    }

    public var value: JSONValue { .object(json) }
    public subscript(key: String) -> JSONValue? {
        get { json[key] }
        set { json[key] = newValue }
    }

    public var apiVersion: String { json["apiVersion"]?.stringValue ?? "" }
    public var kind: String { json["kind"]?.stringValue ?? "" }
    public var resourceKind: ResourceKind? { ResourceKind.of(apiVersion: apiVersion, kind: kind) }

    public var metadata: [String: JSONValue] {
        get { json["metadata"]?.objectValue ?? [:] }
        set { json["metadata"] = .object(newValue) }
    }

    public var name: String { metadata["name"]?.stringValue ?? "" }
    public var namespace: String? { metadata["namespace"]?.stringValue }
    public var uid: String? { metadata["uid"]?.stringValue }
    public var resourceVersion: String? {
        get { metadata["resourceVersion"]?.stringValue }
        set { metadata["resourceVersion"] = newValue.map(JSONValue.string) }
    }
    public var labels: [String: String] { metadata["labels"]?.stringMap ?? [:] }
    public var annotations: [String: String] { metadata["annotations"]?.stringMap ?? [:] }

    /// `kind namespace/name` as kubectl and the API server's messages say it.
    public var reference: String {
        let scope = resourceKind?.namespaced == false ? "" : namespace.map { "\($0)/" } ?? ""
        return "\(resourceKind?.plural ?? kind) \(scope)\(name)"
    }

    /// A ConfigMap's `data` (strings).
    public var stringData: [String: String] { json["data"]?.stringMap ?? [:] }

    /// A Secret's `data`, base64-decoded. Values are secrets: never print them.
    public var secretData: [String: Data] {
        var decoded: [String: Data] = [:]
        for (key, value) in json["data"]?.stringMap ?? [:] {
            if let bytes = Data(base64Encoded: value) { decoded[key] = bytes }
        }
        return decoded
    }

    /// The same object without what the API server sets (uid, resourceVersion, creationTimestamp, managedFields,
    /// generation, status) and without the zero values client-go serialises (`creationTimestamp: null`, `{}`),
    /// so what was sent can be compared with what a capture shows.
    public var comparable: JSONValue {
        var copy = self
        var meta = copy.metadata
        for key in ["uid", "resourceVersion", "creationTimestamp", "managedFields", "generation", "selfLink"] { meta[key] = nil }
        copy.metadata = meta
        copy.json["status"] = nil
        return Self.dropEmpty(copy.value) ?? .object([:])
    }

    static func dropEmpty(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .null: return nil
        case let .object(members):
            let kept = members.compactMapValues(dropEmpty)
            return kept.isEmpty ? nil : .object(kept)
        case let .array(items):
            return items.isEmpty ? nil : .array(items.map { dropEmpty($0) ?? .object([:]) })
        default: return value
        }
    }
}

/// A list answer: the items and the list's resourceVersion (where a watch starts).
public struct KubeList: Sendable {
    public var items: [KubeObject]
    public var resourceVersion: String?
}
