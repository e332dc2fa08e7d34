// Part of the test stand-in for kube-apiserver (tests only): the RBAC authorizer (plugin/pkg/auth/authorizer/rbac)
// evaluated over the Roles, ClusterRoles and bindings in the store. The Node authorizer is not modelled.

/// What a request asks to do, as kube-apiserver's authorizer attributes describe it.
struct RequestAttributes: Sendable {
    var user: UserInfo
    var verb: String
    /// The resource's plural (also for resources the stand-in does not serve, which RBAC still evaluates);
    /// empty for a non-resource request (`/healthz`, `/version`).
    var resourceName: String
    var apiGroup: String
    var subresource: String = ""
    var namespace: String = ""
    var name: String = ""
    var path: String = ""

    var isResourceRequest: Bool { !resourceName.isEmpty }

    /// `User "x" cannot get resource "configmaps" in API group "" in the namespace "kube-system"`.
    var forbiddenMessage: String {
        guard isResourceRequest else { return "User \"\(user.name)\" cannot \(verb) path \"\(path)\"" }
        let combined = subresource.isEmpty ? resourceName : "\(resourceName)/\(subresource)"
        let scope = namespace.isEmpty ? "at the cluster scope" : "in the namespace \"\(namespace)\""
        return "User \"\(user.name)\" cannot \(verb) resource \"\(combined)\" in API group \"\(apiGroup)\" \(scope)"
    }
}

/// The RBAC decision and, when denied, the reason kube-apiserver appends (`RBAC: role… not found`).
struct RBACDecision {
    let allowed: Bool
    let reason: String
}

/// rbac.authorization.k8s.io/v1 evaluation: a request is allowed when some rule of a role bound to the user (by a
/// ClusterRoleBinding, or a RoleBinding in the request's namespace) covers it.
struct RBACAuthorizer {
    let store: ObjectStore

    func authorize(_ attributes: RequestAttributes) -> RBACDecision {
        var errors: [String] = []
        let clusterWide = store.list(.clusterrolebindings, namespace: nil).map { (binding: $0, namespace: "") }
        let namespaced = attributes.namespace.isEmpty ? []
            : store.list(.rolebindings, namespace: attributes.namespace).map { (binding: $0, namespace: attributes.namespace) }
        for (binding, namespace) in clusterWide + namespaced where appliesTo(binding, attributes.user, namespace: namespace) {
            let reference = binding["roleRef"]
            let name = reference?["name"]?.stringValue ?? ""
            let isClusterRole = reference?["kind"]?.stringValue == "ClusterRole"
            guard let role = isClusterRole ? store.get(.clusterroles, namespace: "", name: name)
                : store.get(.roles, namespace: namespace, name: name)
            else {
                errors.append("\(isClusterRole ? "clusterrole" : "role").rbac.authorization.k8s.io \"\(name)\" not found")
                continue
            }
            if (role["rules"]?.arrayValue ?? []).contains(where: { allows($0, attributes) }) {
                return RBACDecision(allowed: true, reason: "")
            }
        }
        return RBACDecision(allowed: false, reason: errors.isEmpty ? "" : "RBAC: " + APIError.aggregate(errors))
    }

    /// rbac `appliesToUser`: a User by name, a Group by membership, a ServiceAccount by its username.
    func appliesTo(_ binding: ServerJSON, _ user: UserInfo, namespace: String) -> Bool {
        (binding["subjects"]?.arrayValue ?? []).contains { subject in
            let name = subject["name"]?.stringValue ?? ""
            switch subject["kind"]?.stringValue {
            case "User": return name == user.name
            case "Group": return user.groups.contains(name)
            case "ServiceAccount":
                let accountNamespace = subject["namespace"]?.stringValue ?? namespace
                return !accountNamespace.isEmpty && user.name == "system:serviceaccount:\(accountNamespace):\(name)"
            default: return false
            }
        }
    }

    /// rbac `RuleAllows`.
    func allows(_ rule: ServerJSON, _ attributes: RequestAttributes) -> Bool {
        let verbs = Self.strings(rule["verbs"])
        guard verbs.contains("*") || verbs.contains(attributes.verb) else { return false }
        guard attributes.isResourceRequest else {
            return Self.strings(rule["nonResourceURLs"]).contains { url in
                url == "*" || url == attributes.path
                    || (url.hasSuffix("*") && attributes.path.hasPrefix(String(url.dropLast())))
            }
        }
        let groups = Self.strings(rule["apiGroups"])
        guard groups.contains("*") || groups.contains(attributes.apiGroup) else { return false }
        let combined = attributes.subresource.isEmpty ? attributes.resourceName
            : "\(attributes.resourceName)/\(attributes.subresource)"
        let resourceMatches = Self.strings(rule["resources"]).contains { resource in
            resource == "*" || resource == combined
                || (!attributes.subresource.isEmpty && resource == "*/\(attributes.subresource)")
        }
        guard resourceMatches else { return false }
        let names = Self.strings(rule["resourceNames"])
        return names.isEmpty || names.contains(attributes.name)
    }

    private static func strings(_ value: ServerJSON?) -> [String] {
        (value?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
