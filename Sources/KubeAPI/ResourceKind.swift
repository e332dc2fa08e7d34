/// One kind of Kubernetes object kubeforge reads or writes, and where its REST collection lives.
public struct ResourceKind: Sendable, Hashable, CustomStringConvertible {
    /// "" for the core group.
    public let group: String
    public let version: String
    /// The REST resource name (`configmaps`), used in paths and in error messages as the API server words them.
    public let plural: String
    public let kind: String
    public let namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var description: String { plural }

    /// `/api/v1/namespaces/NS/configmaps`, `/apis/rbac.authorization.k8s.io/v1/clusterroles`.
    public func collectionPath(namespace: String?) -> String {
        let root = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        guard namespaced, let namespace else { return "\(root)/\(plural)" }
        return "\(root)/namespaces/\(namespace)/\(plural)"
    }

    public func objectPath(_ name: String, namespace: String?) -> String {
        "\(collectionPath(namespace: namespace))/\(name)"
    }

    public static let namespaces = ResourceKind(group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    public static let nodes = ResourceKind(group: "", version: "v1", plural: "nodes", kind: "Node", namespaced: false)
    public static let secrets = ResourceKind(group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
    public static let configMaps = ResourceKind(group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true)
    public static let serviceAccounts = ResourceKind(group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true)
    public static let services = ResourceKind(group: "", version: "v1", plural: "services", kind: "Service", namespaced: true)
    public static let roles = rbac("roles", "Role", namespaced: true)
    public static let roleBindings = rbac("rolebindings", "RoleBinding", namespaced: true)
    public static let clusterRoles = rbac("clusterroles", "ClusterRole", namespaced: false)
    public static let clusterRoleBindings = rbac("clusterrolebindings", "ClusterRoleBinding", namespaced: false)
    public static let deployments = ResourceKind(group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true)
    public static let daemonSets = ResourceKind(group: "apps", version: "v1", plural: "daemonsets", kind: "DaemonSet", namespaced: true)
    public static let certificateSigningRequests = ResourceKind(group: "certificates.k8s.io", version: "v1", plural: "certificatesigningrequests",
                                                                kind: "CertificateSigningRequest", namespaced: false)

    private static func rbac(_ plural: String, _ kind: String, namespaced: Bool) -> ResourceKind {
        ResourceKind(group: "rbac.authorization.k8s.io", version: "v1", plural: plural, kind: kind, namespaced: namespaced)
    }

    public static let all: [ResourceKind] = [
        .namespaces, .nodes, .secrets, .configMaps, .serviceAccounts, .services, .roles, .roleBindings, .clusterRoles,
        .clusterRoleBindings, .deployments, .daemonSets, .certificateSigningRequests,
    ]

    /// The kind an object's `apiVersion` and `kind` name, among those kubeforge knows.
    public static func of(apiVersion: String, kind: String) -> ResourceKind? {
        all.first { $0.apiVersion == apiVersion && $0.kind == kind }
    }
}
