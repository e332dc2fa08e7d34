import ClusterTestSupport
import Crypto
import Foundation
import Inventory
import KubeAPI
import KubeAPITestServer
import Testing
@testable import Bootstrap

/// `cluster.addons`: reading and verifying manifests (real files, real curl for URLs), and applying them
/// server-side against the stand-in kube-apiserver (KubeAPITestServer stands in for kube-apiserver, which
/// cannot run in CI; it serves discovery for its own kinds only, so CustomResourceDefinitions are tried in
/// ClusterLabTests against upstream's).
struct AddonTests {
    static let manifest = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: demo
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: demo
        data:
          mode: "on"
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: agent
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: demo-agent
        rules:
          - {apiGroups: [""], resources: [nodes], verbs: [get, list]}
        """

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func withFile<T>(_ text: String, _ body: (String) async throws -> T) async throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kubeforge-addon-test-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }

    @Test func appliesEachObjectServerSideWithTheTextAsWritten() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withClient { client in
                let manifest = try Manifest(name: "demo.yaml", text: Self.manifest)
                var lines: [String] = []
                try await AddonApplier(client: client).apply([manifest]) { lines.append($0) }
                #expect(lines == ["demo.yaml: applied 4 objects (1 clusterroles, 1 configmaps, 1 namespaces, 1 serviceaccounts)"])
                let applies = await cluster.server.requests().filter { $0.method == "PATCH" }
                #expect(applies.map(\.requestURI) == [
                    "/api/v1/namespaces/demo?fieldManager=kubeforge&force=true&timeout=10s",
                    "/api/v1/namespaces/demo/configmaps/settings?fieldManager=kubeforge&force=true&timeout=10s",
                    "/api/v1/namespaces/default/serviceaccounts/agent?fieldManager=kubeforge&force=true&timeout=10s",
                    "/apis/rbac.authorization.k8s.io/v1/clusterroles/demo-agent?fieldManager=kubeforge&force=true&timeout=10s",
                ])
                #expect(applies.allSatisfy { $0.contentType == "application/apply-patch+yaml" && [200, 201].contains($0.code) })
                let settings = try await client.get(.configMaps, "settings", namespace: "demo")
                #expect(settings.stringData == ["mode": "on"])
                #expect(try await client.get(.serviceAccounts, "agent", namespace: "default").namespace == "default")

                // Applying again changes nothing.
                let before = try await client.get(.clusterRoles, "demo-agent").resourceVersion
                try await AddonApplier(client: client).apply([manifest])
                #expect(try await client.get(.clusterRoles, "demo-agent").resourceVersion == before)
            }
        }
    }

    @Test func aKindTheServerDoesNotServeFailsAtOnceNamingTheLine() async throws {
        let text = Self.manifest + "\n---\napiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata:\n  name: default-ipv4-ippool\n"
        try await TestCluster.with { cluster in
            try await cluster.withClient { client in
                let clock = ContinuousClock()
                let start = clock.now
                let error = await #expect(throws: AddonError.self) {
                    try await AddonApplier(client: client).apply([try Manifest(name: "calico.yaml", text: text)])
                }
                // Not after the 60 s the kinds of a CRD applied in the same run are waited for.
                #expect(clock.now - start < .seconds(30))
                #expect(error?.description.hasPrefix("addon calico.yaml, line 26: the API server does not serve kind IPPool in crd.projectcalico.org/v1: apply its CustomResourceDefinition first") == true,
                        "\(String(describing: error))")
                _ = try await client.get(.clusterRoles, "demo-agent") // the objects before it were applied
            }
        }
    }

    @Test func aRefusedObjectNamesItsLineAndWhatWasApplied() async throws {
        let text = Self.manifest + "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_A_Name\n"
        try await TestCluster.with { cluster in
            try await cluster.withClient { client in
                var applier = AddonApplier(client: client)
                applier.retry = .once
                let error = await #expect(throws: AddonError.self) { try await applier.apply([try Manifest(name: "demo.yaml", text: text)]) }
                let message = error?.description ?? ""
                #expect(message.hasPrefix("addon demo.yaml, line 26: applying configmaps default/Not_A_Name failed (after 4 objects were applied; up applies them again): "), "\(message)")
                #expect(message.contains("422"), "\(message)")
            }
        }
    }

    @Test func filesAndURLsAreVerifiedBeforeTheyAreParsed() async throws {
        try await Self.withFile(Self.manifest) { (path: String) async throws -> Void in
            let loader = AddonManifests()
            let digest = Self.sha256(Self.manifest)
            #expect(try await loader.load(.init(.file(path))).documents.count == 4)
            #expect(try await loader.load(.init(.file(path), sha256: digest)).documents.count == 4)
            // A URL, fetched with curl (file:// here; the inventory takes http(s) only).
            #expect(try await loader.load(.init(.url("file://\(path)"), sha256: digest)).name == "file://\(path)")
            let wrong = String(repeating: "0", count: 64)
            let mismatch = await #expect(throws: AddonError.self) { try await loader.load(.init(.url("file://\(path)"), sha256: wrong)) }
            #expect(mismatch?.description == "addon file://\(path): sha256 is \(digest), the inventory expects \(wrong): the file changed "
                + "(or was altered on the way); review the new content and update sha256 in the inventory")
            let missing = await #expect(throws: AddonError.self) { try await loader.load(.init(.url("file://\(path).gone"), sha256: wrong)) }
            #expect(missing?.description.hasPrefix("addon file://\(path).gone: cannot fetch it: curl: (37)") == true, "\(String(describing: missing))")
            let gone = await #expect(throws: AddonError.self) { try await loader.load(.init(.file(path + ".gone"))) }
            #expect(gone?.description == "addon \(path).gone: does not exist")
        }
        try await Self.withFile("apiVersion: v1\nkind: a: b\nmetadata: {}\n") { (path: String) async throws -> Void in
            let error = await #expect(throws: AddonError.self) { try await AddonManifests().load(.init(.file(path))) }
            #expect(error?.description.hasPrefix("addon \(path), line 2: not valid YAML") == true, "\(String(describing: error))")
        }
    }
}
