// Part of the test stand-in for kube-apiserver (tests only): the resource types it serves, as kube-apiserver
// v1.28 registers them.

/// One resource type the stand-in serves: its group, version, kind and how kube-apiserver's registry treats it.
public enum Resource: String, Sendable, CaseIterable, Hashable {
    case namespaces, secrets, configmaps, serviceaccounts, services, nodes
    case roles, rolebindings, clusterroles, clusterrolebindings
    case deployments, daemonsets
    case certificatesigningrequests

    public var group: String {
        switch self {
        case .namespaces, .secrets, .configmaps, .serviceaccounts, .services, .nodes: ""
        case .roles, .rolebindings, .clusterroles, .clusterrolebindings: "rbac.authorization.k8s.io"
        case .deployments, .daemonsets: "apps"
        case .certificatesigningrequests: "certificates.k8s.io"
        }
    }

    public var version: String { "v1" }

    /// `v1` for the core group, `group/v1` otherwise.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    public var kind: String {
        switch self {
        case .namespaces: "Namespace"
        case .secrets: "Secret"
        case .configmaps: "ConfigMap"
        case .serviceaccounts: "ServiceAccount"
        case .services: "Service"
        case .nodes: "Node"
        case .roles: "Role"
        case .rolebindings: "RoleBinding"
        case .clusterroles: "ClusterRole"
        case .clusterrolebindings: "ClusterRoleBinding"
        case .deployments: "Deployment"
        case .daemonsets: "DaemonSet"
        case .certificatesigningrequests: "CertificateSigningRequest"
        }
    }

    public var isNamespaced: Bool {
        switch self {
        case .namespaces, .nodes, .clusterroles, .clusterrolebindings, .certificatesigningrequests: false
        default: true
        }
    }

    /// `configmaps` or `clusterroles.rbac.authorization.k8s.io`, as Status messages name a resource.
    var qualifiedName: String { group.isEmpty ? rawValue : "\(rawValue).\(group)" }

    /// The Go package of the internal type, as conversion errors name it (`core.ConfigMap`).
    var internalPackage: String {
        switch group {
        case "": "core"
        case "rbac.authorization.k8s.io": "rbac"
        case "certificates.k8s.io": "certificates"
        default: group
        }
    }

    /// Subresources served besides the object itself.
    var subresources: Set<String> {
        switch self {
        case .certificatesigningrequests: ["status", "approval"]
        case .nodes, .services, .namespaces, .deployments, .daemonsets: ["status"]
        default: []
        }
    }

    /// Whether `status` belongs to the status subresource, so writes to the object keep the stored status.
    var hasStatusSubresource: Bool { subresources.contains("status") }

    /// PUT of a missing object creates it (the registry strategy's AllowCreateOnUpdate).
    var allowsCreateOnUpdate: Bool {
        switch self {
        case .roles, .rolebindings, .clusterroles, .clusterrolebindings, .services: true
        default: false
        }
    }

    /// Objects whose registry maintains metadata.generation (bumped when the spec changes).
    var tracksGeneration: Bool { self == .deployments || self == .daemonsets }

    /// RBAC names are path segments (colons allowed); the others are DNS subdomains.
    var usesPathSegmentNames: Bool { group == "rbac.authorization.k8s.io" }

    /// Field selectors kube-apiserver accepts for this resource besides metadata.name and metadata.namespace.
    var extraFieldLabels: [String: [String]] {
        switch self {
        case .secrets: ["type": ["type"]]
        case .certificatesigningrequests: ["spec.signerName": ["spec", "signerName"]]
        case .namespaces: ["status.phase": ["status", "phase"]]
        case .services: ["spec.clusterIP": ["spec", "clusterIP"], "spec.type": ["spec", "type"]]
        case .nodes: ["spec.unschedulable": ["spec", "unschedulable"]]
        default: [:]
        }
    }

    /// The resource a URL names: `/api/v1/...` (group "") or `/apis/<group>/v1/...`.
    static func find(group: String, version: String, plural: String) -> Resource? {
        guard let resource = Resource(rawValue: plural), resource.group == group, resource.version == version else {
            return nil
        }
        return resource
    }

    /// The resource an object's apiVersion and kind name.
    public static func find(apiVersion: String, kind: String) -> Resource? {
        allCases.first { $0.apiVersion == apiVersion && $0.kind == kind }
    }
}
