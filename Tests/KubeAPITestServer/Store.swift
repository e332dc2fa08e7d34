// Part of the test stand-in for kube-apiserver (tests only): the storage etcd is for kube-apiserver — objects by
// key, one global resourceVersion counter, and the history watches replay from.

/// Where an object lives: `/registry/<resource>/<namespace>/<name>` in kube-apiserver's etcd layout.
struct ObjectKey: Hashable, Comparable, Sendable {
    let resource: Resource
    let namespace: String
    let name: String

    static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.resource.rawValue, lhs.namespace, lhs.name) < (rhs.resource.rawValue, rhs.namespace, rhs.name)
    }
}

/// A watch event's type, as the watch stream spells it.
enum WatchEventType: String, Sendable {
    case added = "ADDED", modified = "MODIFIED", deleted = "DELETED", bookmark = "BOOKMARK"
}

/// One committed change, kept so a watch can start from any earlier resourceVersion.
struct StoreEvent: Sendable {
    let type: WatchEventType
    let key: ObjectKey
    /// The object after the change (for a deletion: its last state with the deletion's resourceVersion).
    let object: ServerJSON
    let previous: ServerJSON?
    let resourceVersion: Int
}

/// The objects and their history. Every write gets the next resourceVersion, as etcd's revision does.
struct ObjectStore: Sendable {
    private(set) var objects: [ObjectKey: ServerJSON] = [:]
    private(set) var resourceVersion = 0
    private(set) var history: [StoreEvent] = []

    func get(_ resource: Resource, namespace: String, name: String) -> ServerJSON? {
        objects[ObjectKey(resource: resource, namespace: resource.isNamespaced ? namespace : "", name: name)]
    }

    /// Objects of one resource in key order; nil namespace means every namespace.
    func list(_ resource: Resource, namespace: String?) -> [ServerJSON] {
        objects.filter { key, _ in key.resource == resource && (namespace.map { $0 == key.namespace } ?? true) }
            .sorted { $0.key < $1.key }
            .map(\.value)
    }

    /// Stores `object` under `key` with the next resourceVersion; returns the event (ADDED or MODIFIED).
    @discardableResult
    mutating func write(_ object: ServerJSON, at key: ObjectKey) -> StoreEvent {
        resourceVersion += 1
        var stored = object
        stored[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
        let previous = objects[key]
        objects[key] = stored
        let event = StoreEvent(type: previous == nil ? .added : .modified, key: key, object: stored,
                               previous: previous, resourceVersion: resourceVersion)
        history.append(event)
        return event
    }

    mutating func delete(at key: ObjectKey) -> StoreEvent? {
        guard var object = objects.removeValue(forKey: key) else { return nil }
        resourceVersion += 1
        let previous = object
        object[path: ["metadata", "resourceVersion"]] = .string(String(resourceVersion))
        let event = StoreEvent(type: .deleted, key: key, object: object, previous: previous,
                               resourceVersion: resourceVersion)
        history.append(event)
        return event
    }

    /// Committed changes after `resourceVersion`, oldest first.
    func events(after resourceVersion: Int) -> ArraySlice<StoreEvent> {
        let start = history.firstIndex { $0.resourceVersion > resourceVersion } ?? history.endIndex
        return history[start...]
    }
}

/// What one watch selects: a resource, optionally one namespace, and the request's selectors.
struct WatchFilter: Sendable {
    let resource: Resource
    let namespace: String?
    let labels: LabelSelector
    let fields: FieldSelector

    func matches(_ object: ServerJSON) -> Bool {
        labels.matches(object[path: ["metadata", "labels"]]?.stringMap ?? [:]) && fields.matches(object)
    }

    /// The watch event (`{"type": …, "object": …}`) this watch reports for a change, as the watch cache
    /// translates it: an object entering the selection is ADDED, one leaving it DELETED, one outside it nothing.
    func watchEvent(for event: StoreEvent) -> ServerJSON? {
        translate(event).map { type, object in ["type": .string(type.rawValue), "object": object] }
    }

    private func translate(_ event: StoreEvent) -> (WatchEventType, ServerJSON)? {
        guard event.key.resource == resource, namespace.map({ $0 == event.key.namespace }) ?? true else { return nil }
        let now = event.type != .deleted && matches(event.object)
        let before = event.previous.map(matches) ?? false
        switch (before, now) {
        case (true, true): return (.modified, event.object)
        case (false, true): return (.added, event.object)
        case (true, false): return (.deleted, event.object)
        case (false, false): return nil
        }
    }
}
