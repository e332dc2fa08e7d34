// Part of the test stand-in for kube-apiserver (tests only): what kube-apiserver's decoding, registry strategies and
// admission do to an object on create and update — type checks, namespaces, names, server-set fields, defaults.
import Foundation

extension APIServerCore {
    /// The decoder's view: kind and apiVersion default to the URL's; a different type is a 400 worded as
    /// kube-apiserver words it.
    func checkTypeMeta(_ object: inout ServerJSON, _ resource: Resource) throws(APIError) {
        let kind = object["kind"]?.stringValue ?? ""
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let version = String(apiVersion.split(separator: "/").last ?? "")
        if !kind.isEmpty, kind != resource.kind {
            let reason = Resource.find(apiVersion: apiVersion.isEmpty ? resource.apiVersion : apiVersion, kind: kind).map {
                "converting (\($0.version).\(kind)) to (\(resource.internalPackage).\(resource.kind)): unknown conversion"
            } ?? "no kind \"\(kind)\" is registered for version \"\(apiVersion)\" in scheme "
                + "\"pkg/api/legacyscheme/scheme.go:30\""
            throw .badRequest("\(kind) in version \"\(version.isEmpty ? resource.version : version)\" cannot be handled as a "
                + "\(resource.kind): \(reason)")
        }
        if !apiVersion.isEmpty, apiVersion != resource.apiVersion {
            throw .badRequest("the API version in the data (\(apiVersion)) does not match the expected API version "
                + "(\(resource.apiVersion))")
        }
        object["kind"] = .string(resource.kind)
        object["apiVersion"] = .string(resource.apiVersion)
        if object["metadata"]?.objectValue == nil { object["metadata"] = .object([:]) }
    }

    /// rest.EnsureObjectNamespaceMatchesRequestNamespace.
    func matchNamespace(_ object: inout ServerJSON, _ resource: Resource, requestNamespace: String) throws(APIError) {
        let expected = resource.isNamespaced ? requestNamespace : ""
        let given = object[path: ["metadata", "namespace"]]?.stringValue ?? ""
        if given == expected { return }
        if given.isEmpty || expected.isEmpty {
            object[path: ["metadata", "namespace"]] = expected.isEmpty ? nil : .string(expected)
            return
        }
        throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
    }

    func validateName(_ name: String, _ resource: Resource) throws(APIError) {
        guard !name.isEmpty else {
            throw .invalid(resource, name: "", [.required("metadata.name", "name or generateName is required")])
        }
        if let problem = NameRules.problem(name, for: resource) {
            throw .invalid(resource, name: name, [.invalid("metadata.name", value: name, problem)])
        }
    }

    // MARK: Create

    /// FillObjectMetaSystemFields, the strategy's PrepareForCreate and the defaults kubeadm's objects meet.
    func admitCreate(_ object: inout ServerJSON, _ resource: Resource, user: UserInfo) throws(APIError) {
        object[path: ["metadata", "uid"]] = .string(UUID().uuidString.lowercased())
        object[path: ["metadata", "creationTimestamp"]] = .string(RFC3339.format(now))
        if resource.tracksGeneration { object[path: ["metadata", "generation"]] = 1 }
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        switch resource {
        case .namespaces:
            object[path: ["metadata", "labels", "kubernetes.io/metadata.name"]] = .string(name)
            if object[path: ["spec", "finalizers"]] == nil { object[path: ["spec", "finalizers"]] = ["kubernetes"] }
            object["status"] = ["phase": "Active"]
        case .secrets:
            try normalizeSecret(&object)
        case .services:
            try defaultService(&object, old: nil)
        case .deployments:
            object["status"] = [:]
        case .daemonsets:
            object["status"] = ["currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0,
                                "numberReady": 0]
            object[path: ["metadata", "annotations", "deprecated.daemonset.template.generation"]] = "1"
        case .certificatesigningrequests:
            if (object[path: ["spec", "signerName"]]?.stringValue ?? "").isEmpty {
                throw .invalid(resource, name: name, [.required("spec.signerName", nil)])
            }
            object["status"] = [:]
            object[path: ["spec", "username"]] = .string(user.name)
            object[path: ["spec", "groups"]] = .strings(user.groups)
        default:
            break
        }
    }

    // MARK: Update

    /// BeforeUpdate and the strategy's PrepareForUpdate: identity and creation time are the stored ones, status
    /// changes only through its subresource, CSR specs never change, apps objects count spec changes.
    func admitUpdate(_ object: inout ServerJSON, old: ServerJSON, _ resource: Resource, subresource: String)
        throws(APIError)
    {
        let name = old[path: ["metadata", "name"]]?.stringValue ?? ""
        let oldUID = old[path: ["metadata", "uid"]]?.stringValue ?? ""
        if let uid = object[path: ["metadata", "uid"]]?.stringValue, !uid.isEmpty, uid != oldUID {
            throw .conflict(resource, name, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(oldUID)")
        }
        object[path: ["metadata", "uid"]] = old[path: ["metadata", "uid"]]
        object[path: ["metadata", "creationTimestamp"]] = old[path: ["metadata", "creationTimestamp"]]
        switch subresource {
        case "status":
            object["spec"] = old["spec"]
        case "approval":
            object["spec"] = old["spec"]
            object[path: ["status", "certificate"]] = old[path: ["status", "certificate"]]
        default:
            if resource.hasStatusSubresource || resource == .certificatesigningrequests { object["status"] = old["status"] }
            if resource == .certificatesigningrequests { object["spec"] = old["spec"] }
        }
        switch resource {
        case .namespaces:
            object[path: ["metadata", "labels", "kubernetes.io/metadata.name"]] = .string(name)
            if object[path: ["spec", "finalizers"]] == nil { object["spec"] = old["spec"] }
        case .secrets:
            try normalizeSecret(&object)
            if object["type"] != old["type"] {
                throw .invalid(resource, name: name, [.invalid("type", value: object["type"]?.stringValue ?? "",
                                                               "field is immutable")])
            }
        case .services:
            try defaultService(&object, old: old)
        case .daemonsets:
            // The annotation mirrors spec.templateGeneration, which only the server moves: +1 per template change.
            let annotation = ["metadata", "annotations", "deprecated.daemonset.template.generation"]
            let generation = Int(old[path: annotation]?.stringValue ?? "") ?? 1
            let changed = object[path: ["spec", "template"]] != old[path: ["spec", "template"]]
            object[path: annotation] = .string(String(changed ? generation + 1 : generation))
        case .certificatesigningrequests:
            stampConditions(&object, old: old)
        default:
            break
        }
        if resource.tracksGeneration {
            let generation = old[path: ["metadata", "generation"]]?.intValue ?? 1
            object[path: ["metadata", "generation"]] = .int(object["spec"] == old["spec"] ? generation : generation + 1)
        }
    }

    /// CSR conditions get lastUpdateTime and lastTransitionTime from the server when the writer leaves them out.
    private func stampConditions(_ object: inout ServerJSON, old: ServerJSON) {
        guard let conditions = object[path: ["status", "conditions"]]?.arrayValue else { return }
        let stamp = ServerJSON.string(RFC3339.format(now))
        let previous = old[path: ["status", "conditions"]]?.arrayValue ?? []
        object[path: ["status", "conditions"]] = .array(conditions.map { condition in
            var condition = condition
            let before = previous.first { $0["type"] == condition["type"] }
            if condition["lastUpdateTime"] == nil || condition["lastUpdateTime"] == .null {
                condition["lastUpdateTime"] = before?["lastUpdateTime"] ?? stamp
            }
            if condition["lastTransitionTime"] == nil || condition["lastTransitionTime"] == .null {
                condition["lastTransitionTime"] = before?["status"] == condition["status"]
                    ? (before?["lastTransitionTime"] ?? stamp) : stamp
            }
            return condition
        })
    }

    // MARK: Secrets

    /// `stringData` folds into `data`; `data` must be base64 (the decoder's check); `type` defaults to Opaque.
    private func normalizeSecret(_ object: inout ServerJSON) throws(APIError) {
        var data = object["data"]?.objectValue ?? [:]
        for (key, value) in data {
            guard let text = value.stringValue, Data(base64Encoded: text) != nil else {
                let text = value.stringValue ?? ""
                let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
                let offset = text.firstIndex { !alphabet.contains($0) }.map { text.distance(from: text.startIndex, to: $0) }
                throw .badRequest("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input "
                    + "byte \(offset ?? max(text.count - 1, 0)) (key \(key))")
            }
        }
        for (key, value) in object["stringData"]?.stringMap ?? [:] {
            data[key] = .string(Data(value.utf8).base64EncodedString())
        }
        object["stringData"] = nil
        if !data.isEmpty || object["data"] != nil { object["data"] = .object(data) }
        if (object["type"]?.stringValue ?? "").isEmpty { object["type"] = "Opaque" }
    }

    // MARK: Services

    /// Service defaults and the ClusterIP allocator: a requested IP must be free and in the service range, none
    /// requested gets the lowest free one, and an update keeps the allocated IP.
    private func defaultService(_ object: inout ServerJSON, old: ServerJSON?) throws(APIError) {
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        let type = object[path: ["spec", "type"]]?.stringValue ?? "ClusterIP"
        object[path: ["spec", "type"]] = .string(type)
        if object[path: ["spec", "sessionAffinity"]] == nil { object[path: ["spec", "sessionAffinity"]] = "None" }
        if let ports = object[path: ["spec", "ports"]]?.arrayValue {
            object[path: ["spec", "ports"]] = .array(ports.map { port in
                var port = port
                if port["protocol"] == nil { port["protocol"] = "TCP" }
                if port["targetPort"] == nil { port["targetPort"] = port["port"] }
                return port
            })
        }
        if old == nil { object["status"] = ["loadBalancer": [:]] }
        guard type != "ExternalName" else { return }
        if object[path: ["spec", "internalTrafficPolicy"]] == nil {
            object[path: ["spec", "internalTrafficPolicy"]] = "Cluster"
        }
        let oldIP = old?[path: ["spec", "clusterIP"]]?.stringValue ?? ""
        var ip = object[path: ["spec", "clusterIP"]]?.stringValue ?? ""
        if ip.isEmpty, !oldIP.isEmpty { ip = oldIP }
        if old != nil, ip != oldIP {
            throw .invalid(.services, name: name, [.invalid("spec.clusterIPs[0]", value: ip, "may not change once set")])
        }
        if old == nil, ip != "None" { ip = try allocateClusterIP(ip, service: name) }
        object[path: ["spec", "clusterIP"]] = .string(ip)
        object[path: ["spec", "clusterIPs"]] = [.string(ip)]
        if object[path: ["spec", "ipFamilies"]] == nil { object[path: ["spec", "ipFamilies"]] = ["IPv4"] }
        if object[path: ["spec", "ipFamilyPolicy"]] == nil { object[path: ["spec", "ipFamilyPolicy"]] = "SingleStack" }
    }

    private func allocateClusterIP(_ requested: String, service: String) throws(APIError) -> String {
        guard let range = IPv4Range(options.serviceCIDR) else { return requested }
        let taken = Set(store.list(.services, namespace: nil).compactMap { $0[path: ["spec", "clusterIP"]]?.stringValue })
        let field = "spec.clusterIPs"
        if !requested.isEmpty {
            guard let address = IPv4Range.parse(requested), range.contains(address) else {
                throw .invalid(.services, name: service, [FieldError(
                    field: field, reason: "FieldValueInvalid",
                    message: "Invalid value: []string{\"\(requested)\"}: failed to allocate IP \(requested): the provided IP "
                        + "(\(requested)) is not in the valid range. The range of valid IPs is \(options.serviceCIDR)")])
            }
            guard !taken.contains(requested) else {
                throw .invalid(.services, name: service, [FieldError(
                    field: field, reason: "FieldValueInvalid",
                    message: "Invalid value: []string{\"\(requested)\"}: failed to allocate IP \(requested): provided IP is "
                        + "already allocated")])
            }
            return requested
        }
        for address in range.hosts where !taken.contains(IPv4Range.format(address)) {
            return IPv4Range.format(address)
        }
        throw .internalError("failed to allocate a serviceIP: range is full")
    }
}

/// An IPv4 CIDR, for the service IP allocator.
struct IPv4Range {
    let base: UInt32
    let size: UInt32

    init?(_ cidr: String) {
        let parts = cidr.split(separator: "/")
        guard parts.count == 2, let address = Self.parse(String(parts[0])), let bits = UInt32(parts[1]), bits <= 30 else {
            return nil
        }
        size = 1 << (32 - bits)
        base = address & ~(size - 1)
    }

    func contains(_ address: UInt32) -> Bool { address >= base && address - base < size }

    /// Usable addresses: neither the network address nor the broadcast one.
    var hosts: ClosedRange<UInt32> { (base + 1)...(base + size - 2) }

    static func parse(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        guard octets.count == 4 else { return nil }
        return octets.reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func format(_ address: UInt32) -> String {
        [24, 16, 8, 0].map { String((address >> UInt32($0)) & 0xff) }.joined(separator: ".")
    }
}

/// kube-apiserver's name validations: RBAC names are path segments, namespaces DNS labels, services DNS-1035
/// labels, everything else DNS subdomains.
enum NameRules {
    static func problem(_ name: String, for resource: Resource) -> String? {
        if resource.usesPathSegmentNames {
            if name == "." || name == ".." { return "may not be '\(name)'" }
            for character in ["/", "%"] where name.contains(character) { return "may not contain '\(character)'" }
            return nil
        }
        switch resource {
        case .namespaces:
            return isLabel(name) ? nil : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
                + "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used "
                + "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        case .services:
            return isLabel(name) && name.first?.isLetter == true ? nil : "a DNS-1035 label must consist of lower case "
                + "alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric "
                + "character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
        default:
            let labels = name.split(separator: ".", omittingEmptySubsequences: false)
            return name.count <= 253 && labels.allSatisfy({ isLabel(String($0)) }) ? nil : "a lowercase RFC 1123 subdomain "
                + "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
                + "alphanumeric character (e.g. 'example.com', regex used for validation is "
                + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        }
    }

    private static func isLabel(_ text: String) -> Bool {
        let alphanumeric = Set("abcdefghijklmnopqrstuvwxyz0123456789")
        guard let first = text.first, let last = text.last, text.count <= 63,
              alphanumeric.contains(first), alphanumeric.contains(last)
        else { return false }
        return text.allSatisfy { alphanumeric.contains($0) || $0 == "-" }
    }
}
