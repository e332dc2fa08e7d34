// Tests of the stand-in for kube-apiserver (it stands in for kube-apiserver v1.28.7 in kubeforge's tests) and of
// its optional stand-ins for kube-controller-manager's bootstrapsigner and CSR approving and signing controllers.
import Crypto
import Foundation
import KubeAPITestServer
import Testing
import X509
import Yams

@Suite struct BootstrapSignerTests {
    /// cluster-info as objects-after-init.yaml holds it, with the two signatures kube-controller-manager wrote.
    static func capturedClusterInfo() throws -> (kubeconfig: String, signatures: [String: String]) {
        let text = try String(contentsOf: Capture.directory.appendingPathComponent("objects-after-init.yaml"), encoding: .utf8)
        let first = try #require(try Yams.load_all(yaml: text).first { ($0 as? [String: Any])?["kind"] as? String == "ConfigMap" })
        let data = try #require((first as? [String: Any])?["data"] as? [String: String])
        return (try #require(data["kubeconfig"]), data.filter { $0.key.hasPrefix("jws-kubeconfig-") })
    }

    static func clusterInfo(_ kubeconfig: String) -> ServerJSON {
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "cluster-info", "namespace": "kube-public"],
         "data": ["kubeconfig": .string(kubeconfig)]]
    }

    @Test func itReproducesTheCapturedSignatures() async throws {
        let captured = try Self.capturedClusterInfo()
        #expect(captured.signatures.count == 2)
        try await withServer(configure: { $0.bootstrapSigner = true }) { server, _ in
            try await server.put(Self.clusterInfo(captured.kubeconfig))
            try await server.put(TestAPIServer.bootstrapTokenSecret(id: "abcdef", secret: "0123456789abcdef",
                                                                  expiration: Date().addingTimeInterval(3600)))
            try await server.put(TestAPIServer.bootstrapTokenSecret(id: "zzjwhc", secret: "tx6j2cemohmstuve"))
            await server.settle()
            let data = await server.object(.configmaps, namespace: "kube-public", name: "cluster-info")?["data"]
            #expect(data?["jws-kubeconfig-abcdef"]?.stringValue == captured.signatures["jws-kubeconfig-abcdef"])
            #expect(data?["jws-kubeconfig-zzjwhc"]?.stringValue == captured.signatures["jws-kubeconfig-zzjwhc"])
            #expect(data?["kubeconfig"]?.stringValue == captured.kubeconfig)
        }
    }

    @Test func onlyTokensThatMaySignAreKeptSigned() async throws {
        let captured = try Self.capturedClusterInfo()
        try await withServer(configure: { $0.bootstrapSigner = true }) { server, client in
            try await server.put(Self.clusterInfo(captured.kubeconfig))
            try await server.put(TestAPIServer.bootstrapTokenSecret(id: "abcdef", secret: "0123456789abcdef"))
            try await server.put(TestAPIServer.bootstrapTokenSecret(id: "expire", secret: "0123456789abcdef",
                                                                  expiration: Date().addingTimeInterval(-60)))
            try await server.put(TestAPIServer.bootstrapTokenSecret(id: "nosign", secret: "0123456789abcdef",
                                                                  usages: ["authentication"]))
            await server.settle()
            let signed = { await server.object(.configmaps, namespace: "kube-public", name: "cluster-info")?["data"]?
                .objectValue?.keys.filter { $0.hasPrefix("jws-") }.sorted() }
            #expect(await signed() == ["jws-kubeconfig-abcdef"])
            // Deleting the token (as `kubeadm token delete` does) removes its signature.
            #expect(try await client(.admin).delete("/api/v1/namespaces/kube-system/secrets/bootstrap-token-abcdef").code == 200)
            await server.settle()
            #expect(await signed() == [])
        }
    }
}

@Suite struct CSRSigningTests {
    static let csrs = "/apis/certificates.k8s.io/v1/certificatesigningrequests"

    /// What the kubelet sends for its client certificate: a P-256 key, CN system:node:<name>, O system:nodes.
    static func kubeletCSR(node: String) throws -> ServerJSON {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try DistinguishedName {
            OrganizationName("system:nodes")
            CommonName("system:node:\(node)")
        }
        let request = try CertificateSigningRequest(version: .v1, subject: subject, privateKey: key,
                                                    attributes: CertificateSigningRequest.Attributes(),
                                                    signatureAlgorithm: .ecdsaWithSHA256)
        let pem = try request.serializeAsPEM().pemString + "\n"
        return ["kind": "CertificateSigningRequest", "apiVersion": "certificates.k8s.io/v1",
                "metadata": ["generateName": "csr-", "creationTimestamp": nil],
                "spec": ["request": .string(Data(pem.utf8).base64EncodedString()),
                         "signerName": "kubernetes.io/kube-apiserver-client-kubelet",
                         "usages": ["digital signature", "client auth"]],
                "status": [:]]
    }

    /// A server signing with the test CA, holding the capture's join token `zzjwhc`.
    static func withSigningServer(_ body: (TestAPIServer, _ client: @escaping ClientFactory) async throws -> Void) async throws {
        let pki = try await TestPKI.shared.value
        try await withServer(configure: {
            $0.csrSigning = TestAPIServer.CSRSigning(caCertificatePEM: pki.caCertificatePEM, caKeyPEM: pki.caKeyPEM)
        }) { server, client in
            try await server.put(TestAPIServer.bootstrapTokenSecret(id: "zzjwhc", secret: "tx6j2cemohmstuve"))
            try await body(server, client)
        }
    }

    @Test func aJoiningKubeletsCSRIsApprovedThenSignedByTheClusterCA() async throws {
        let pki = try await TestPKI.shared.value
        try await Self.withSigningServer { _, client in
            try await RBACTests.createCapturedObjects(try client(.admin), phases: ["bootstrap-token"])
            let kubelet = try client(.token("zzjwhc.tx6j2cemohmstuve"))
            let created = try await kubelet.post(Self.csrs, try Self.kubeletCSR(node: "k8s-node1"))
            #expect(created.code == 201)
            let name = try #require(created.json?[path: ["metadata", "name"]]?.stringValue)
            let version = try #require(created.json?[path: ["metadata", "resourceVersion"]]?.stringValue)
            // The kubelet's watch, as in the capture: the approval, then the certificate.
            let events = try await kubelet.watch(
                Self.csrs + "?allowWatchBookmarks=true&fieldSelector=metadata.name%3D\(name)&resourceVersion=\(version)"
                    + "&timeoutSeconds=5&watch=true", events: 2)
            #expect(events.map { $0["type"]?.stringValue } == ["MODIFIED", "MODIFIED"])
            let approved = try #require(events.first?[path: ["object", "status", "conditions"]]?.arrayValue?.first)
            #expect(approved["type"] == "Approved")
            #expect(approved["reason"] == "AutoApproved")
            #expect(approved["message"] == "Auto approving kubelet client certificate after SubjectAccessReview.")
            let encoded = try #require(events.last?[path: ["object", "status", "certificate"]]?.stringValue)
            let certificatePEM = String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self)
            let certificate = try Certificate(pemEncoded: certificatePEM)
            #expect(certificate.subject.description.contains("CN=system:node:k8s-node1"))
            #expect(certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore) > 364 * 24 * 3600)
            try OpenSSL.verify(certificatePEM, caPEM: pki.caCertificatePEM)
        }
    }

    /// A token bound to system:node-bootstrapper (it may create CSRs) but not to the nodeclient role.
    @Test func aCSRWhoseRequesterHasNoAutoApprovalStaysPending() async throws {
        try await Self.withSigningServer { server, client in
            let bootstrapper = try #require(try Capture.requests("bootstrap-token").first {
                $0.requestObject?[path: ["metadata", "name"]] == "kubeadm:kubelet-bootstrap"
            }?.requestObject)
            try await server.put(bootstrapper)
            let kubelet = try client(.token("zzjwhc.tx6j2cemohmstuve"))
            let created = try await kubelet.post(Self.csrs, try Self.kubeletCSR(node: "k8s-node2"))
            #expect(created.code == 201)
            await server.settle()
            let name = try #require(created.json?[path: ["metadata", "name"]]?.stringValue)
            let stored = await server.object(.certificatesigningrequests, name: name)
            #expect(stored?["status"] == [:])
        }
    }
}

/// `openssl verify -CAfile`, the check kubelets' peers make of a signed certificate.
enum OpenSSL {
    static func verify(_ certificatePEM: String, caPEM: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeforge-csr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("kubelet-client.pem")
        let ca = directory.appendingPathComponent("ca.crt")
        try certificatePEM.write(to: certificate, atomically: true, encoding: .utf8)
        try caPEM.write(to: ca, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["verify", "-CAfile", ca.path, "-purpose", "sslclient", certificate.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "openssl verify: \(text)")
        #expect(text.contains(": OK"))
    }
}
