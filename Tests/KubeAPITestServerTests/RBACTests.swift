// Tests of the stand-in for kube-apiserver (it stands in for kube-apiserver v1.28.7 in kubeforge's tests): RBAC
// allows and denies for the users of the capture, with kube-apiserver's Forbidden Status.
import Foundation
import KubeAPITestServer
import Testing

@Suite struct RBACTests {
    /// The capture's init-time RBAC objects and ConfigMaps, created as kubeadm created them.
    static func createCapturedObjects(_ admin: TestClient, phases: [String]) async throws {
        for phase in phases {
            for request in try Capture.requests(phase) where request.verb == "create" {
                guard let object = request.requestObject else { continue }
                let reply = try await admin.post(request.requestURI, object)
                #expect(reply.code == 201, "\(request.requestURI): \(reply.text)")
            }
        }
    }

    @Test func anonymousMayReadClusterInfoOnlyOnceKubeadmsRoleBindsIt() async throws {
        try await withServer { _, client in
            let anonymous = try client(.anonymous)
            let before = try await anonymous.get("/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s")
            #expect(before.code == 403)
            #expect(before.json == [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "reason": "Forbidden", "code": 403,
                "message": "configmaps \"cluster-info\" is forbidden: User \"system:anonymous\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"kube-public\"",
                "details": ["name": "cluster-info", "kind": "configmaps"],
            ])
            try await Self.createCapturedObjects(try client(.admin), phases: ["bootstrap-token"])
            let after = try await anonymous.get("/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s")
            #expect(after.code == 200)
            #expect(after.json?[path: ["data", "kubeconfig"]] != nil)
            // The Role names cluster-info only.
            #expect(try await anonymous.get("/api/v1/namespaces/kube-public/configmaps").code == 403)
            let other = try await anonymous.get("/api/v1/namespaces/kube-system/configmaps/kubeadm-config")
            #expect(other.json?["message"] == "configmaps \"kubeadm-config\" is forbidden: User \"system:anonymous\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"kube-system\"")
        }
    }

    /// join.json's bootstrap-token requests, after the capture's init phases: the same codes.
    @Test func aBootstrapTokenGetsWhatJoinGotInTheCapture() async throws {
        try await withServer { server, client in
            let token = try client(.token("zzjwhc.tx6j2cemohmstuve"))
            let reads = try Capture.requests("join").filter { $0.user == "system:bootstrap:zzjwhc" && $0.verb == "get" }
            try await server.put(TestAPIServer.bootstrapTokenSecret(id: "zzjwhc", secret: "tx6j2cemohmstuve"))
            for request in reads {
                let reply = try await token.get(request.requestURI)
                #expect(reply.code == 403, "\(request.requestURI) before kubeadm's bindings")
            }
            try await Self.createCapturedObjects(try client(.admin), phases: ["upload-config", "bootstrap-token", "addon"])
            for request in reads {
                let reply = try await token.get(request.requestURI)
                #expect(reply.code == request.code, "\(request.requestURI): \(reply.text)")
                if request.code == 404 { #expect(reply.json == request.responseObject) }
            }
            // What kubeadm granted stops there: no other Secrets, no Node writes.
            #expect(try await token.get("/api/v1/namespaces/kube-system/secrets").code == 403)
            let write = try await token.send(.PATCH, "/api/v1/nodes/k8s-node1", body: ["metadata": [:]],
                                             contentType: "application/merge-patch+json")
            #expect(write.json?["message"] == "nodes \"k8s-node1\" is forbidden: User \"system:bootstrap:zzjwhc\" cannot patch resource \"nodes\" in API group \"\" at the cluster scope")
        }
    }

    @Test func aV129AdminIsForbiddenUntilTheClusterAdminsBindingExists() async throws {
        try await withServer { _, client in
            let admin = try client(.certificate(commonName: "kubernetes-admin", organizations: ["kubeadm:cluster-admins"]))
            let configMap: ServerJSON = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "probe"]]
            let denied = try await admin.post("/api/v1/namespaces/default/configmaps", configMap)
            #expect(denied.code == 403)
            #expect(denied.json?["message"] == "configmaps is forbidden: User \"kubernetes-admin\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"default\"")
            let superAdmin = try client(.certificate(commonName: "kubernetes-super-admin", organizations: ["system:masters"]))
            let binding: ServerJSON = [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                "metadata": ["name": "kubeadm:cluster-admins"],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"],
                "subjects": [["kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "kubeadm:cluster-admins"]],
            ]
            #expect(try await superAdmin.post("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", binding).code == 201)
            #expect(try await admin.post("/api/v1/namespaces/default/configmaps", configMap).code == 201)
        }
    }

    @Test func aBindingToAMissingRoleIsNamedInTheDenial() async throws {
        try await withServer { server, client in
            try await server.put([
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": ["name": "dangling", "namespace": "default"],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "gone"],
                "subjects": [["kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "alice"]],
            ])
            let reply = try await client(.certificate(commonName: "alice", organizations: [])).get("/api/v1/namespaces/default/secrets")
            #expect(reply.json?["message"] == "secrets is forbidden: User \"alice\" cannot list resource \"secrets\" in API group \"\" in the namespace \"default\": RBAC: role.rbac.authorization.k8s.io \"gone\" not found")
        }
    }

    @Test func rulesMatchSubresourcesNamesAndServiceAccounts() async throws {
        try await withServer { server, client in
            try await server.put([
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": ["name": "status-reader"],
                "rules": [["verbs": ["get"], "apiGroups": [""], "resources": ["*/status"]],
                          ["verbs": ["get", "list"], "apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["one"]]],
            ])
            try await server.put([
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": ["name": "status-reader", "namespace": "default"],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "status-reader"],
                "subjects": [["kind": "ServiceAccount", "name": "reader"]],
            ])
            try await server.put(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "one", "namespace": "default"]])
            try await server.put(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "two", "namespace": "default"]])
            let account = try client(.certificate(commonName: "system:serviceaccount:default:reader", organizations: []))
            #expect(try await account.get("/api/v1/namespaces/default/configmaps/one").code == 200)
            #expect(try await account.get("/api/v1/namespaces/default/configmaps/two").code == 403)
            #expect(try await account.get("/api/v1/namespaces/default/services/kubernetes/status").code == 200)
            #expect(try await account.get("/api/v1/namespaces/default/services/kubernetes").code == 403)
            // A list by exact name is authorized as that name (RequestInfo reads metadata.name from the selector).
            #expect(try await account.get("/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Done").code == 200)
            #expect(try await account.get("/api/v1/namespaces/default/configmaps").code == 403)
            // The binding is namespaced: another namespace's objects stay closed.
            #expect(try await account.get("/api/v1/namespaces/kube-system/configmaps/one").code == 403)
            let path = try await account.get("/metrics")
            #expect(path.json?["message"] == "forbidden: User \"system:serviceaccount:default:reader\" cannot get path \"/metrics\"")
        }
    }
}
