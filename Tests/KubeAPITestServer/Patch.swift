// Part of the test stand-in for kube-apiserver (tests only): PATCH in the four types kube-apiserver takes — JSON
// merge patch, strategic merge patch (over the merge keys of the fields kubeadm's objects use), JSON patch, and
// server-side apply simplified to "create, or merge the fields given".
import Foundation

extension APIServerCore {
    static let patchMediaTypes = ["application/json-patch+json", "application/merge-patch+json",
                                  "application/strategic-merge-patch+json", "application/apply-patch+yaml"]

    func patch(_ info: RequestInfo, _ request: HTTPRequest, _ resource: Resource, user: UserInfo)
        throws(APIError) -> (Int, ServerJSON)
    {
        let type = request.contentType ?? ""
        guard Self.patchMediaTypes.contains(type) else { throw .unsupportedMediaType(Self.patchMediaTypes) }
        let body: ServerJSON
        do {
            body = type == "application/apply-patch+yaml" ? try YAMLBody.parse(request.body)
                : try ServerJSON(parsing: Data(request.body))
        } catch {
            throw .badRequest("error decoding patch: \(error)")
        }
        guard let old = store.objects[key(resource, info)] else {
            guard type == "application/apply-patch+yaml", info.subresource.isEmpty else {
                throw .notFound(resource, info.name)
            }
            try requireFieldManager(info)
            var object = body
            try checkApplyTypeMeta(object, resource)
            try matchNamespace(&object, resource, requestNamespace: info.namespace)
            try authorize(info, verb: "create", user: user)
            return try createObject(object, info, resource, user: user)
        }
        var patched: ServerJSON
        switch type {
        case "application/merge-patch+json":
            patched = Patches.merge(old, body)
        case "application/strategic-merge-patch+json":
            guard case .object = body else { throw .badRequest("the patch is not a JSON object") }
            patched = Patches.strategicMerge(old, body, path: "")
        case "application/json-patch+json":
            patched = try Patches.jsonPatch(old, body)
        default:
            try requireFieldManager(info)
            try checkApplyTypeMeta(body, resource)
            patched = Patches.strategicMerge(old, body, path: "")
        }
        for field in ["kind", "apiVersion"] where patched[field] != old[field] {
            throw .badRequest("the \(field) of the object cannot be changed by a patch")
        }
        for field in ["name", "namespace", "uid"] where patched[path: ["metadata", field]] != old[path: ["metadata", field]] {
            throw .invalid(resource, name: info.name,
                           [.invalid("metadata.\(field)", value: patched[path: ["metadata", field]]?.stringValue ?? "",
                                     "field is immutable")])
        }
        return try commitUpdate(patched, old: old, info, resource)
    }

    private func requireFieldManager(_ info: RequestInfo) throws(APIError) {
        guard (info.query["fieldManager"] ?? "").isEmpty else { return }
        throw APIError(code: 422, reason: "Invalid",
                       message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for "
                           + "apply patch",
                       details: ["group": "meta.k8s.io", "kind": "PatchOptions",
                                 "causes": [["reason": "FieldValueRequired", "field": "fieldManager",
                                             "message": "Required value: is required for apply patch"]]])
    }

    /// An applied configuration names its type in full.
    private func checkApplyTypeMeta(_ object: ServerJSON, _ resource: Resource) throws(APIError) {
        guard case .object = object else { throw .badRequest("the applied configuration is not an object") }
        guard object["apiVersion"]?.stringValue == resource.apiVersion, object["kind"]?.stringValue == resource.kind else {
            throw .badRequest("invalid object type: \(object["apiVersion"]?.stringValue ?? ""), "
                + "Kind=\(object["kind"]?.stringValue ?? ""); expected \(resource.apiVersion), Kind=\(resource.kind)")
        }
    }
}

enum Patches {
    /// RFC 7386 JSON merge patch: objects merge, null removes, anything else replaces.
    static func merge(_ target: ServerJSON, _ patch: ServerJSON) -> ServerJSON {
        guard case let .object(changes) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, change) in changes {
            if change == .null {
                result[key] = nil
            } else {
                result[key] = merge(result[key] ?? .null, change)
            }
        }
        return .object(result)
    }

    /// Lists that strategic merge patch merges by a key, by field path (`[]` marks a list element); other lists
    /// are replaced. From the `patchMergeKey` tags of the Kubernetes types kubeadm's objects use.
    static let mergeKeys: [String: String] = [
        "metadata.ownerReferences": "uid",
        "spec.taints": "key",
        "spec.ports": "port",
        "status.conditions": "type",
        "status.addresses": "type",
        "spec.template.spec.containers": "name",
        "spec.template.spec.initContainers": "name",
        "spec.template.spec.volumes": "name",
        "spec.template.spec.imagePullSecrets": "name",
        "spec.template.spec.containers[].env": "name",
        "spec.template.spec.containers[].ports": "containerPort",
        "spec.template.spec.containers[].volumeMounts": "mountPath",
        "spec.template.spec.initContainers[].env": "name",
        "spec.template.spec.initContainers[].volumeMounts": "mountPath",
    ]

    /// Lists of scalars merged as sets.
    static let mergedScalarLists: Set<String> = ["metadata.finalizers"]

    /// Strategic merge patch over `mergeKeys`, with the directives a two-way patch carries: `$patch`
    /// (replace/delete), `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>` and `$retainKeys`.
    static func strategicMerge(_ target: ServerJSON, _ patch: ServerJSON, path: String) -> ServerJSON {
        guard case var .object(changes) = patch else { return patch }
        if changes["$patch"]?.stringValue == "replace" {
            changes["$patch"] = nil
            return .object(changes)
        }
        var result = target.objectValue ?? [:]
        var orders: [String: [ServerJSON]] = [:]
        for (key, change) in changes {
            if key == "$patch" { continue }
            if key.hasPrefix("$setElementOrder/") {
                orders[String(key.dropFirst("$setElementOrder/".count))] = change.arrayValue ?? []
            } else if key.hasPrefix("$deleteFromPrimitiveList/") {
                let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
                let removed = change.arrayValue ?? []
                result[field] = result[field].map { .array(($0.arrayValue ?? []).filter { !removed.contains($0) }) }
            } else if key == "$retainKeys" {
                let kept = Set((change.arrayValue ?? []).compactMap(\.stringValue))
                result = result.filter { kept.contains($0.key) || changes[$0.key] != nil }
            } else if change == .null {
                result[key] = nil
            } else if case let .object(members) = change, members["$patch"]?.stringValue == "delete" {
                result[key] = nil
            } else {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                result[key] = mergeValue(result[key], change, path: childPath)
            }
        }
        for (field, order) in orders {
            guard let items = result[field]?.arrayValue else { continue }
            let childPath = path.isEmpty ? field : "\(path).\(field)"
            result[field] = .array(reorder(items, by: order, mergeKey: mergeKeys[childPath]))
        }
        return .object(result)
    }

    private static func mergeValue(_ current: ServerJSON?, _ change: ServerJSON, path: String) -> ServerJSON {
        switch change {
        case .object:
            return strategicMerge(current ?? .object([:]), change, path: path)
        case let .array(items):
            if let mergeKey = mergeKeys[path] {
                return .array(mergeList(current?.arrayValue ?? [], items, mergeKey: mergeKey, path: path))
            }
            if mergedScalarLists.contains(path) {
                var merged = current?.arrayValue ?? []
                for item in items where !merged.contains(item) { merged.append(item) }
                return .array(merged)
            }
            return change
        default:
            return change
        }
    }

    private static func mergeList(_ current: [ServerJSON], _ changes: [ServerJSON], mergeKey: String, path: String)
        -> [ServerJSON]
    {
        if changes.contains(where: { $0["$patch"]?.stringValue == "replace" }) {
            return changes.filter { $0["$patch"] == nil }
        }
        var result = current
        for change in changes {
            let id = change[mergeKey]
            let index = result.firstIndex { $0[mergeKey] == id }
            if change["$patch"]?.stringValue == "delete" {
                if let index { result.remove(at: index) }
            } else if let index {
                result[index] = strategicMerge(result[index], change, path: path + "[]")
            } else {
                result.append(strategicMerge(.object([:]), change, path: path + "[]"))
            }
        }
        return result
    }

    /// `$setElementOrder`: listed elements in the given order, unlisted ones after them as they were.
    private static func reorder(_ items: [ServerJSON], by order: [ServerJSON], mergeKey: String?) -> [ServerJSON] {
        let identity = { (item: ServerJSON) -> ServerJSON? in mergeKey.map { item[$0] ?? .null } ?? item }
        let position = { (item: ServerJSON) -> Int in
            order.firstIndex { entry in mergeKey.map { entry[$0] == identity(item) } ?? (entry == item) } ?? Int.max
        }
        return items.enumerated().sorted { lhs, rhs in
            (position(lhs.element), lhs.offset) < (position(rhs.element), rhs.offset)
        }.map(\.element)
    }

    /// RFC 6902 JSON patch: add, remove, replace, move, copy and test over RFC 6901 pointers.
    static func jsonPatch(_ target: ServerJSON, _ patch: ServerJSON) throws(APIError) -> ServerJSON {
        guard let operations = patch.arrayValue else {
            throw .badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
        }
        var document = target
        for operation in operations {
            let op = operation["op"]?.stringValue ?? ""
            let path = try pointer(operation["path"])
            switch op {
            case "add": document = try add(document, path, operation["value"] ?? .null)
            case "remove": document = try remove(document, path).0
            case "replace": document = try add(try remove(document, path).0, path, operation["value"] ?? .null)
            case "move":
                let (removed, value) = try remove(document, try pointer(operation["from"]))
                document = try add(removed, path, value)
            case "copy": document = try add(document, path, try value(document, try pointer(operation["from"])))
            case "test":
                guard try value(document, path) == operation["value"] else {
                    throw .internalError("testing value \(operation["path"]?.stringValue ?? "") failed: test failed")
                }
            default: throw .badRequest("Unexpected kind: \(op)")
            }
        }
        return document
    }

    private static func pointer(_ value: ServerJSON?) throws(APIError) -> [String] {
        guard let text = value?.stringValue, text.isEmpty || text.hasPrefix("/") else {
            throw .badRequest("the JSON patch path is not a JSON pointer")
        }
        return text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func value(_ document: ServerJSON, _ path: [String]) throws(APIError) -> ServerJSON {
        var current = document
        for token in path {
            if let items = current.arrayValue, let index = Int(token), items.indices.contains(index) {
                current = items[index]
            } else if let member = current[token] {
                current = member
            } else {
                throw .internalError("jsonpatch: path /\(path.joined(separator: "/")) does not exist")
            }
        }
        return current
    }

    private static func add(_ document: ServerJSON, _ path: [String], _ new: ServerJSON) throws(APIError) -> ServerJSON {
        guard let token = path.first else { return new }
        let rest = Array(path.dropFirst())
        if case var .array(items) = document {
            if rest.isEmpty {
                let index = token == "-" ? items.count : Int(token) ?? -1
                guard (0...items.count).contains(index) else {
                    throw .internalError("jsonpatch: index \(token) is out of bounds")
                }
                items.insert(new, at: index)
            } else {
                guard let index = Int(token), items.indices.contains(index) else {
                    throw .internalError("jsonpatch: index \(token) is out of bounds")
                }
                items[index] = try add(items[index], rest, new)
            }
            return .array(items)
        }
        guard case var .object(members) = document else { throw .internalError("jsonpatch: cannot add to a scalar") }
        if rest.isEmpty {
            members[token] = new
        } else {
            guard let child = members[token] else {
                throw .internalError("jsonpatch: path /\(path.joined(separator: "/")) does not exist")
            }
            members[token] = try add(child, rest, new)
        }
        return .object(members)
    }

    private static func remove(_ document: ServerJSON, _ path: [String]) throws(APIError) -> (ServerJSON, ServerJSON) {
        guard let token = path.first else { throw .internalError("jsonpatch: cannot remove the whole document") }
        let rest = Array(path.dropFirst())
        let missing = APIError.internalError("jsonpatch: path /\(path.joined(separator: "/")) does not exist")
        if case var .array(items) = document {
            guard let index = Int(token), items.indices.contains(index) else { throw missing }
            if rest.isEmpty { return (.array(items.enumerated().filter { $0.offset != index }.map(\.element)), items[index]) }
            let (child, removed) = try remove(items[index], rest)
            items[index] = child
            return (.array(items), removed)
        }
        guard case var .object(members) = document, let child = members[token] else { throw missing }
        if rest.isEmpty {
            members[token] = nil
            return (.object(members), child)
        }
        let (updated, removed) = try remove(child, rest)
        members[token] = updated
        return (.object(members), removed)
    }
}
