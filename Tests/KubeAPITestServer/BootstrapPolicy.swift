// Part of the test stand-in for kube-apiserver (tests only): what a fresh kube-apiserver v1.28 holds before kubeadm's
// API phases — the four namespaces, the `kubernetes` Service, and the bootstrap RBAC policy
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy) that kubeadm's objects build on.

enum BootstrapPolicy {
    static let namespaces = ["default", "kube-node-lease", "kube-public", "kube-system"]

    /// The ClusterRoles of the bootstrap policy that kubeadm init and join rely on, with their v1.28 rules.
    static let clusterRoles: [(name: String, rules: [ServerJSON])] = [
        ("cluster-admin", [
            rule(["*"], groups: ["*"], resources: ["*"]),
            ["verbs": ["*"], "nonResourceURLs": ["*"]],
        ]),
        ("system:discovery", [
            ["verbs": ["get"], "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi",
                                                   "/openapi/*", "/readyz", "/version", "/version/"]],
        ]),
        ("system:public-info-viewer", [
            ["verbs": ["get"], "nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"]],
        ]),
        ("system:basic-user", [
            rule(["create"], groups: ["authorization.k8s.io"],
                 resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
            rule(["create"], groups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"]),
        ]),
        ("system:node-bootstrapper", [
            rule(["create", "get", "list", "watch"], groups: ["certificates.k8s.io"],
                 resources: ["certificatesigningrequests"]),
        ]),
        ("system:certificates.k8s.io:certificatesigningrequests:nodeclient", [
            rule(["create"], groups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/nodeclient"]),
        ]),
        ("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [
            rule(["create"], groups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/selfnodeclient"]),
        ]),
        ("system:node-proxier", [
            rule(["list", "watch"], groups: [""], resources: ["endpoints", "services"]),
            rule(["get", "list", "watch"], groups: [""], resources: ["nodes"]),
            rule(["create", "patch", "update"], groups: ["", "events.k8s.io"], resources: ["events"]),
            rule(["list", "watch"], groups: ["discovery.k8s.io"], resources: ["endpointslices"]),
        ]),
    ]

    /// The bootstrap ClusterRoleBindings for those roles (each named as its role).
    static let clusterRoleBindings: [(name: String, subjects: [ServerJSON])] = [
        ("cluster-admin", [group("system:masters")]),
        ("system:discovery", [group("system:authenticated")]),
        ("system:public-info-viewer", [group("system:authenticated"), group("system:unauthenticated")]),
        ("system:basic-user", [group("system:authenticated")]),
        ("system:node-proxier", [["kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "system:kube-proxy"]]),
    ]

    /// Every seeded object, in the order kube-apiserver's post-start hooks create them.
    static var objects: [ServerJSON] {
        let bootstrapMetadata: (String) -> ServerJSON = { name in
            ["name": .string(name), "labels": ["kubernetes.io/bootstrapping": "rbac-defaults"],
             "annotations": ["rbac.authorization.kubernetes.io/autoupdate": "true"]]
        }
        let namespaceObjects: [ServerJSON] = namespaces.map { name in
            ["apiVersion": "v1", "kind": "Namespace",
             "metadata": ["name": .string(name), "labels": ["kubernetes.io/metadata.name": .string(name)]],
             "spec": ["finalizers": ["kubernetes"]], "status": ["phase": "Active"]]
        }
        let kubernetesService: ServerJSON = [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": "kubernetes", "namespace": "default",
                         "labels": ["component": "apiserver", "provider": "kubernetes"]],
            "spec": ["ports": [["name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443]],
                     "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "type": "ClusterIP",
                     "sessionAffinity": "None", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                     "internalTrafficPolicy": "Cluster"],
            "status": ["loadBalancer": [:]],
        ]
        let roles: [ServerJSON] = clusterRoles.map { role in
            ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": bootstrapMetadata(role.name),
             "rules": .array(role.rules)]
        }
        let bindings: [ServerJSON] = clusterRoleBindings.map { binding in
            ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
             "metadata": bootstrapMetadata(binding.name),
             "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(binding.name)],
             "subjects": .array(binding.subjects)]
        }
        return namespaceObjects + [kubernetesService] + roles + bindings
    }

    private static func rule(_ verbs: [String], groups: [String], resources: [String]) -> ServerJSON {
        ["verbs": .strings(verbs), "apiGroups": .strings(groups), "resources": .strings(resources)]
    }

    private static func group(_ name: String) -> ServerJSON {
        ["kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": .string(name)]
    }
}
