// Part of the test stand-in for kube-apiserver (tests only): the REST verbs over the store, answering as
// kube-apiserver's generic registry (k8s.io/apiserver/pkg/endpoints/handlers, pkg/registry/generic) answers.
import Foundation

extension APIServerCore {
    /// The resource a request names, at a scope kube-apiserver serves it: cluster-scoped ones without a
    /// namespace, namespaced ones in one (or across all, for list and watch).
    func servedResource(_ info: RequestInfo) throws(APIError) -> Resource {
        guard let resource = info.resource else { throw .unknownResource }
        if !resource.isNamespaced, !info.namespace.isEmpty, resource != .namespaces { throw .unknownResource }
        if resource.isNamespaced, info.namespace.isEmpty {
            let collection = info.verb == "list" || info.verb == "watch"
            guard info.name.isEmpty || collection else { throw .unknownResource }
            guard collection else { throw .methodNotAllowed }
        }
        if !info.subresource.isEmpty, !["get", "update", "patch"].contains(info.verb) { throw .methodNotAllowed }
        return resource
    }

    func serve(_ info: RequestInfo, _ request: HTTPRequest, user: UserInfo) throws(APIError) -> (Int, ServerJSON) {
        let resource = try servedResource(info)
        switch info.verb {
        case "get": return (200, try existing(resource, info))
        case "list": return (200, try list(info, resource))
        case "create": return try create(info, request, resource, user: user)
        case "update": return try update(info, request, resource, user: user)
        case "patch": return try patch(info, request, resource, user: user)
        case "delete": return (200, try delete(info, request, resource))
        default: throw .methodNotAllowed
        }
    }

    func key(_ resource: Resource, _ info: RequestInfo, name: String? = nil) -> ObjectKey {
        ObjectKey(resource: resource, namespace: resource.isNamespaced ? info.namespace : "", name: name ?? info.name)
    }

    func existing(_ resource: Resource, _ info: RequestInfo) throws(APIError) -> ServerJSON {
        guard let object = store.objects[key(resource, info)] else { throw .notFound(resource, info.name) }
        return object
    }

    static func isDryRun(_ info: RequestInfo) -> Bool { info.query["dryRun"] == "All" }

    // MARK: Reads

    /// A `<Kind>List` of the selected objects in key order, items without kind and apiVersion, with `limit` and
    /// `continue` paging.
    func list(_ info: RequestInfo, _ resource: Resource) throws(APIError) -> ServerJSON {
        let filter = try watchFilter(info, resource)
        var items = store.objects.filter { key, object in
            key.resource == resource && (filter.namespace.map { $0 == key.namespace } ?? true) && filter.matches(object)
        }.sorted { $0.key < $1.key }
        if let token = info.query["continue"], !token.isEmpty {
            guard let data = Base64URL.decode(token), let last = String(data: data, encoding: .utf8) else {
                throw .badRequest("continue key is not valid: illegal base64 data at input byte 0")
            }
            let parts = last.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let after = ObjectKey(resource: resource, namespace: parts[0], name: parts.count > 1 ? parts[1] : "")
            items = items.filter { $0.key > after }
        }
        var metadata: [String: ServerJSON] = ["resourceVersion": .string(String(store.resourceVersion))]
        if let limit = info.query["limit"].flatMap(Int.init), limit > 0, items.count > limit {
            metadata["remainingItemCount"] = .int(Int64(items.count - limit))
            items = Array(items.prefix(limit))
            if let last = items.last?.key {
                metadata["continue"] = .string(Base64URL.encode(Data("\(last.namespace)/\(last.name)".utf8)))
            }
        }
        let listed = items.map { _, object -> ServerJSON in
            var item = object
            item["kind"] = nil
            item["apiVersion"] = nil
            return item
        }
        return ["kind": .string(resource.kind + "List"), "apiVersion": .string(resource.apiVersion),
                "metadata": .object(metadata), "items": .array(listed)]
    }

    func watchFilter(_ info: RequestInfo, _ resource: Resource) throws(APIError) -> WatchFilter {
        let labels = try LabelSelector(parsing: info.query["labelSelector"] ?? "")
        let fields = try FieldSelector(parsing: info.query["fieldSelector"] ?? "", for: resource)
        let namespace = resource.isNamespaced && !info.namespace.isEmpty ? info.namespace : nil
        return WatchFilter(resource: resource, namespace: namespace, labels: labels, fields: fields)
    }

    /// `?watch=true`: from no or zero resourceVersion, ADDED for every selected object, else the changes after
    /// the given one; then each change as it commits, until `timeoutSeconds` (1800 s when not given).
    func watch(_ info: RequestInfo) throws(APIError) -> WatchSession {
        let resource = try servedResource(info)
        let filter = try watchFilter(info, resource)
        let (events, continuation) = AsyncStream.makeStream(of: ServerJSON.self)
        let from = info.query["resourceVersion"] ?? ""
        if from.isEmpty || from == "0" {
            for (key, object) in store.objects.sorted(by: { $0.key < $1.key })
            where key.resource == resource && (filter.namespace.map { $0 == key.namespace } ?? true) && filter.matches(object) {
                continuation.yield(["type": "ADDED", "object": object])
            }
        } else {
            guard let version = Int(from) else { throw .badRequest("invalid resource version: \(from)") }
            for event in store.events(after: version) {
                if let watchEvent = filter.watchEvent(for: event) { continuation.yield(watchEvent) }
            }
        }
        let id = UUID()
        watchers[id] = (filter, continuation)
        continuation.onTermination = { _ in Task { await self.removeWatcher(id) } }
        let seconds = info.query["timeoutSeconds"].flatMap(Int.init) ?? 1800
        var bookmark: (@Sendable () async -> ServerJSON)?
        if RequestInfo.isTrue(info.query["allowWatchBookmarks"]) {
            bookmark = { @Sendable in await self.bookmark(resource) }
        }
        return WatchSession(events: events, timeout: .seconds(seconds), bookmark: bookmark)
    }

    func bookmark(_ resource: Resource) -> ServerJSON {
        ["type": "BOOKMARK",
         "object": ["kind": .string(resource.kind), "apiVersion": .string(resource.apiVersion),
                    "metadata": ["resourceVersion": .string(String(store.resourceVersion)), "creationTimestamp": nil]]]
    }

    // MARK: Writes

    func create(_ info: RequestInfo, _ request: HTTPRequest, _ resource: Resource, user: UserInfo)
        throws(APIError) -> (Int, ServerJSON)
    {
        guard info.name.isEmpty else { throw .methodNotAllowed }
        var object = try BodyDecoding.object(request, expected: resource)
        try checkTypeMeta(&object, resource)
        try matchNamespace(&object, resource, requestNamespace: info.namespace)
        return try createObject(object, info, resource, user: user)
    }

    /// Create's checks after decoding, shared with update and apply that create: the namespace exists, a
    /// generated name, name validation, no resourceVersion, not already there.
    func createObject(_ decoded: ServerJSON, _ info: RequestInfo, _ resource: Resource, user: UserInfo)
        throws(APIError) -> (Int, ServerJSON)
    {
        var object = decoded
        if resource.isNamespaced, store.get(.namespaces, namespace: "", name: info.namespace) == nil {
            throw .notFound(.namespaces, info.namespace)
        }
        if (object[path: ["metadata", "name"]]?.stringValue ?? "").isEmpty,
           let prefix = object[path: ["metadata", "generateName"]]?.stringValue, !prefix.isEmpty
        {
            object[path: ["metadata", "name"]] = .string(prefix + Self.randomSuffix())
        }
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        try validateName(name, resource)
        if let version = object[path: ["metadata", "resourceVersion"]]?.stringValue, !version.isEmpty, Int(version) != 0 {
            throw .internalError("resourceVersion should not be set on objects to be created")
        }
        object[path: ["metadata", "resourceVersion"]] = nil
        let key = key(resource, info, name: name)
        // kube-apiserver allocates a Service's requested ClusterIP before it finds the name taken, so creating an
        // existing kube-dns again answers 422 "provided IP is already allocated", not 409 (kubeadm expects both).
        if resource == .services { try admitCreate(&object, resource, user: user) }
        guard store.objects[key] == nil else { throw .alreadyExists(resource, name) }
        if resource != .services { try admitCreate(&object, resource, user: user) }
        guard !Self.isDryRun(info) else { return (201, object) }
        let event = store.write(object, at: key)
        committed(event)
        return (201, event.object)
    }

    func update(_ info: RequestInfo, _ request: HTTPRequest, _ resource: Resource, user: UserInfo)
        throws(APIError) -> (Int, ServerJSON)
    {
        var object = try BodyDecoding.object(request, expected: resource)
        try checkTypeMeta(&object, resource)
        try matchNamespace(&object, resource, requestNamespace: info.namespace)
        let bodyName = object[path: ["metadata", "name"]]?.stringValue ?? ""
        guard bodyName == info.name else {
            throw .badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(info.name))")
        }
        guard let old = store.objects[key(resource, info)] else {
            guard resource.allowsCreateOnUpdate, info.subresource.isEmpty else { throw .notFound(resource, info.name) }
            try authorize(info, verb: "create", user: user)
            return try createObject(object, info, resource, user: user)
        }
        return try commitUpdate(object, old: old, info, resource)
    }

    /// The registry's update after decoding: the resourceVersion precondition (none, or "0", is an unconditional
    /// update, which every resource here allows), the strategy's rules, and no write (nor new resourceVersion)
    /// when nothing changed.
    func commitUpdate(_ updated: ServerJSON, old: ServerJSON, _ info: RequestInfo, _ resource: Resource)
        throws(APIError) -> (Int, ServerJSON)
    {
        var object = updated
        let given = object[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        let current = old[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        if !given.isEmpty, given != "0", given != current { throw .conflict(resource, info.name, APIError.staleObject) }
        object[path: ["metadata", "resourceVersion"]] = .string(current)
        try admitUpdate(&object, old: old, resource, subresource: info.subresource)
        if object == old || Self.isDryRun(info) { return (200, object) }
        let event = store.write(object, at: key(resource, info))
        committed(event)
        return (200, event.object)
    }

    /// DELETE answers the Success Status, honouring DeleteOptions' uid and resourceVersion preconditions. A
    /// namespace goes at once with what it holds (kube-apiserver answers with the Terminating Namespace and its
    /// namespace controller empties it later).
    func delete(_ info: RequestInfo, _ request: HTTPRequest, _ resource: Resource) throws(APIError) -> ServerJSON {
        let object = try existing(resource, info)
        let uid = object[path: ["metadata", "uid"]]?.stringValue ?? ""
        if let options = try? ServerJSON(parsing: Data(request.body)), let preconditions = options["preconditions"] {
            if let expected = preconditions["uid"]?.stringValue, expected != uid {
                throw .conflict(resource, info.name,
                                "Precondition failed: UID in precondition: \(expected), UID in object meta: \(uid)")
            }
            let version = object[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
            if let expected = preconditions["resourceVersion"]?.stringValue, expected != version {
                throw .conflict(resource, info.name, "Precondition failed: ResourceVersion in precondition: \(expected), "
                    + "ResourceVersion in object meta: \(version)")
            }
        }
        guard !Self.isDryRun(info) else { return APIError.success(resource, name: info.name, uid: uid) }
        if let event = store.delete(at: key(resource, info)) { committed(event) }
        if resource == .namespaces {
            // The namespace controller's part: what the namespace held goes with it.
            for key in store.objects.keys where key.resource.isNamespaced && key.namespace == info.name {
                if let event = store.delete(at: key) { committed(event) }
            }
        }
        return APIError.success(resource, name: info.name, uid: uid)
    }

    /// names.SimpleNameGenerator: five characters from an alphabet without vowels and look-alikes.
    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).compactMap { _ in alphabet.randomElement() })
    }
}
