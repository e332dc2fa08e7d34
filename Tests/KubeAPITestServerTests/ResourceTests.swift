// Tests of the stand-in for kube-apiserver (it stands in for kube-apiserver v1.28.7 in kubeforge's tests): the REST
// verbs and their Status replies, held against the captured transcripts.
import Foundation
import KubeAPITestServer
import Testing

@Suite struct ResourceTests {
    static let configMaps = "/api/v1/namespaces/kube-system/configmaps"

    static func configMap(_ name: String, data: [String: String] = ["k": "v"]) -> ServerJSON {
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": "kube-system"],
         "data": .strings(data)]
    }

    /// Every create of kubeadm's init phases, sent as kubeadm sent it: the same code and, but for server-set
    /// fields, the same object back.
    @Test(arguments: ["upload-config", "upload-certs", "bootstrap-token", "addon", "token"])
    func kubeadmsCreatesAnswerAsTheCapture(_ phase: String) async throws {
        try await withServer { server, client in
            let admin = try client(.admin)
            for request in try Capture.requests(phase) where request.verb == "create" {
                var body = try #require(request.requestObject)
                if phase == "upload-certs", body[path: ["metadata", "name"]] == "kubeadm-certs",
                   let owner = await server.object(.secrets, namespace: "kube-system", name: "bootstrap-token-cx0hpv")
                {
                    // The owner reference names the token Secret's uid, which this server chose.
                    body[path: ["metadata", "ownerReferences"]] = [["apiVersion": "v1", "kind": "Secret",
                        "name": "bootstrap-token-cx0hpv", "uid": owner[path: ["metadata", "uid"]] ?? .null,
                        "controller": true, "blockOwnerDeletion": true]]
                }
                let reply = try await admin.post(request.requestURI, body)
                #expect(reply.code == request.code, "\(request.requestURI): \(reply.text)")
                var expected = Capture.withoutServerFields(request.responseObject)
                if phase == "upload-certs" { expected?[path: ["metadata", "ownerReferences"]] = nil }
                var actual = Capture.withoutServerFields(reply.json)
                if phase == "upload-certs" { actual?[path: ["metadata", "ownerReferences"]] = nil }
                #expect(actual == expected, "\(request.requestURI)")
                #expect(reply.json?[path: ["metadata", "uid"]]?.stringValue?.count == 36)
                #expect(reply.json?[path: ["metadata", "creationTimestamp"]]?.stringValue?.hasSuffix("Z") == true)
            }
        }
    }

    @Test func getsAndListsAnswerAsTheCapture() async throws {
        try await withServer { server, client in
            let admin = try client(.admin)
            let missing = try #require(try Capture.requests("token").first)
            let reply = try await admin.get(missing.requestURI)
            #expect(reply.code == 404)
            #expect(reply.json == missing.responseObject)

            let dns = try #require(try Capture.requests("addon").first)
            let empty = try await admin.get(dns.requestURI)
            #expect(Capture.withoutServerFields(empty.json)?["items"] == [])
            #expect(empty.json?["kind"] == "DeploymentList")
            #expect(empty.json?[path: ["metadata", "resourceVersion"]] == .string(String(await server.resourceVersion())))

            for request in try Capture.requests("token") where request.verb == "create" {
                _ = try await admin.post(request.requestURI, try #require(request.requestObject))
            }
            try await server.put(ResourceTests.configMap("not-a-secret"))
            try await server.put(["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "opaque", "namespace": "kube-system"]])
            let list = try #require(try Capture.requests("token").last)
            let tokens = try await admin.get(list.requestURI)
            let names = tokens.json?["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue }
            #expect(names == ["bootstrap-token-zzjwhc"])
            // List items carry neither kind nor apiVersion, as in the capture.
            #expect(tokens.json?["items"]?.arrayValue?.first?["kind"] == nil)
        }
    }

    @Test func listsPageWithLimitAndContinue() async throws {
        try await withServer { server, client in
            for name in ["a", "b", "c"] { try await server.put(Self.configMap(name)) }
            let admin = try client(.admin)
            let first = try await admin.get(Self.configMaps + "?limit=2")
            let names = { (reply: Reply) in reply.json?["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue } }
            #expect(names(first) == ["a", "b"])
            #expect(first.json?[path: ["metadata", "remainingItemCount"]] == 1)
            let token = try #require(first.json?[path: ["metadata", "continue"]]?.stringValue)
            let rest = try await admin.get(Self.configMaps + "?limit=2&continue=" + token)
            #expect(names(rest) == ["c"])
            #expect(rest.json?[path: ["metadata", "continue"]] == nil)
        }
    }

    @Test func createConflictsUpdateAndDeleteAnswerWithStatus() async throws {
        try await withServer { server, client in
            let admin = try client(.admin)
            let created = try await admin.post(Self.configMaps, Self.configMap("demo"))
            #expect(created.code == 201)
            let again = try await admin.post(Self.configMaps, Self.configMap("demo"))
            #expect(again.code == 409)
            #expect(again.json == ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                                   "message": "configmaps \"demo\" already exists", "reason": "AlreadyExists",
                                   "details": ["name": "demo", "kind": "configmaps"], "code": 409])

            var update = try #require(created.json)
            update["data"] = ["k": "changed"]
            let updated = try await admin.put(Self.configMaps + "/demo", update)
            #expect(updated.code == 200)
            #expect(updated.json?[path: ["metadata", "resourceVersion"]] != created.json?[path: ["metadata", "resourceVersion"]])
            #expect(updated.json?[path: ["metadata", "uid"]] == created.json?[path: ["metadata", "uid"]])
            // The same update again carries a resourceVersion that is no longer current.
            let stale = try await admin.put(Self.configMaps + "/demo", update)
            #expect(stale.code == 409)
            #expect(stale.json?["reason"] == "Conflict")
            #expect(stale.json?["message"] == "Operation cannot be fulfilled on configmaps \"demo\": the object has been modified; please apply your changes to the latest version and try again")
            // Without a resourceVersion an update is unconditional; unchanged, it writes nothing.
            var unconditional = Self.configMap("demo", data: ["k": "changed"])
            let before = await server.resourceVersion()
            #expect(try await admin.put(Self.configMaps + "/demo", unconditional).code == 200)
            #expect(await server.resourceVersion() == before)
            unconditional[path: ["metadata", "name"]] = "absent"
            let missing = try await admin.put(Self.configMaps + "/absent", unconditional)
            #expect(missing.code == 404)
            #expect(missing.json?["message"] == "configmaps \"absent\" not found")

            let deleted = try await admin.delete(Self.configMaps + "/demo")
            #expect(deleted.code == 200)
            #expect(deleted.json?["status"] == "Success")
            #expect(deleted.json?[path: ["details", "uid"]] == created.json?[path: ["metadata", "uid"]])
            #expect(try await admin.get(Self.configMaps + "/demo").code == 404)
            #expect(try await admin.delete(Self.configMaps + "/demo").code == 404)
        }
    }

    /// kubeadm re-running a phase: every object updated unconditionally as it was created writes nothing.
    @Test(arguments: ["upload-config", "bootstrap-token", "addon"])
    func updatesThatChangeNothingWriteNothing(_ phase: String) async throws {
        try await withServer { server, client in
            let admin = try client(.admin)
            let creates = try Capture.requests(phase).filter { $0.verb == "create" }
            for request in creates { _ = try await admin.post(request.requestURI, try #require(request.requestObject)) }
            let written = await server.resourceVersion()
            for request in creates {
                let object = try #require(request.requestObject)
                let name = try #require(object[path: ["metadata", "name"]]?.stringValue)
                let path = String(request.requestURI.prefix { $0 != "?" }) + "/" + name
                let reply = try await admin.put(path, object)
                #expect(reply.code == 200, "\(path): \(reply.text)")
            }
            #expect(await server.resourceVersion() == written)
        }
    }

    @Test func anRBACUpdateOfAMissingObjectCreatesIt() async throws {
        try await withServer { _, client in
            let role = try #require(try Capture.requests("upload-config")[1].requestObject)
            let reply = try await client(.admin).put(
                "/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/roles/kubeadm:nodes-kubeadm-config", role)
            #expect(reply.code == 201)
        }
    }

    @Test func badBodiesAreRefusedAsKubeAPIServerRefusesThem() async throws {
        try await withServer { _, client in
            let admin = try client(.admin)
            var elsewhere = Self.configMap("demo")
            elsewhere[path: ["metadata", "namespace"]] = "default"
            let namespace = try await admin.post(Self.configMaps, elsewhere)
            #expect(namespace.code == 400)
            #expect(namespace.json == ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                                       "message": "the namespace of the provided object does not match the namespace sent on the request",
                                       "reason": "BadRequest", "code": 400])
            var secret = Self.configMap("demo")
            secret["kind"] = "Secret"
            let kind = try await admin.post(Self.configMaps, secret)
            #expect(kind.code == 400)
            #expect(kind.json?["message"] == "Secret in version \"v1\" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion")
            var wrongVersion = Self.configMap("demo")
            wrongVersion["apiVersion"] = "apps/v1"
            #expect(try await admin.post(Self.configMaps, wrongVersion).json?["message"] == "the API version in the data (apps/v1) does not match the expected API version (v1)")

            var unnamed = Self.configMap("demo")
            unnamed[path: ["metadata", "name"]] = nil
            let invalid = try await admin.post(Self.configMaps, unnamed)
            #expect(invalid.code == 422)
            #expect(invalid.json?["message"] == "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required")
            #expect(invalid.json?[path: ["details", "causes"]] == [["reason": "FieldValueRequired", "field": "metadata.name",
                                                                    "message": "Required value: name or generateName is required"]])
            #expect(try await admin.post(Self.configMaps, Self.configMap("Not_Valid")).code == 422)
            var anywhere = Self.configMap("demo")
            anywhere[path: ["metadata", "namespace"]] = nil
            let nowhere = try await admin.post("/api/v1/namespaces/nowhere/configmaps", anywhere)
            #expect(nowhere.code == 404)
            #expect(nowhere.json?["message"] == "namespaces \"nowhere\" not found")

            let unknown = try await admin.get("/api/v1/namespaces/kube-system/widgets")
            #expect(unknown.code == 404)
            #expect(unknown.json == ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                                     "message": "the server could not find the requested resource", "reason": "NotFound",
                                     "details": [:], "code": 404])
            let notJSON = try await admin.send(.POST, Self.configMaps, text: "{not json")
            #expect(notJSON.code == 400)
            #expect(notJSON.json?["reason"] == "BadRequest")
        }
    }

    @Test func serverSetFieldsFollowTheRegistries() async throws {
        try await withServer { server, client in
            let admin = try client(.admin)
            let csr: ServerJSON = ["apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
                                   "metadata": ["generateName": "csr-"],
                                   "spec": ["request": "", "signerName": "kubernetes.io/kube-apiserver-client-kubelet",
                                            "usages": ["digital signature", "client auth"]]]
            let created = try await admin.post("/apis/certificates.k8s.io/v1/certificatesigningrequests", csr)
            #expect(created.code == 201)
            let name = try #require(created.json?[path: ["metadata", "name"]]?.stringValue)
            #expect(name.hasPrefix("csr-") && name.count == 9)
            #expect(created.json?[path: ["spec", "username"]] == "kubernetes-admin")
            #expect(created.json?[path: ["spec", "groups"]] == ["system:masters", "system:authenticated"])

            var service: ServerJSON = ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "web", "namespace": "default"],
                                       "spec": ["ports": [["port": 80]]]]
            let allocated = try await admin.post("/api/v1/namespaces/default/services", service)
            #expect(allocated.code == 201)
            let ip = try #require(allocated.json?[path: ["spec", "clusterIP"]]?.stringValue)
            #expect(ip.hasPrefix("10.9") && ip != "10.96.0.1")
            #expect(allocated.json?[path: ["spec", "clusterIPs"]] == [.string(ip)])
            #expect(allocated.json?[path: ["spec", "ports"]] == [["port": 80, "protocol": "TCP", "targetPort": 80]])
            service[path: ["metadata", "name"]] = "web2"
            service[path: ["spec", "clusterIP"]] = .string(ip)
            let taken = try await admin.post("/api/v1/namespaces/default/services", service)
            #expect(taken.code == 422)
            #expect(taken.json?["message"]?.stringValue?.contains("provided IP is already allocated") == true)

            let namespace = try await admin.post("/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace",
                                                                        "metadata": ["name": "extra"]])
            #expect(namespace.json?[path: ["metadata", "labels"]] == ["kubernetes.io/metadata.name": "extra"])
            #expect(namespace.json?[path: ["status", "phase"]] == "Active")
            var inside = ResourceTests.configMap("inside")
            inside[path: ["metadata", "namespace"]] = "extra"
            try await server.put(inside)
            #expect(try await admin.delete("/api/v1/namespaces/extra").code == 200)
            #expect(await server.object(.configmaps, namespace: "extra", name: "inside") == nil)
        }
    }

    @Test func dryRunChecksWithoutWriting() async throws {
        try await withServer { server, client in
            let before = await server.resourceVersion()
            let reply = try await client(.admin).post(Self.configMaps + "?dryRun=All", Self.configMap("imagined"))
            #expect(reply.code == 201)
            #expect(await server.object(.configmaps, namespace: "kube-system", name: "imagined") == nil)
            #expect(await server.resourceVersion() == before)
        }
    }
}
