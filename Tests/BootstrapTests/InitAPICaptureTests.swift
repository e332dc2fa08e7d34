import ClusterTestSupport
import Foundation
import KubeAPI
import KubeAPITestServer
import LabSupport
import PKI
import Testing
@testable import Bootstrap

/// kubeforge's init API phases against the stand-in kube-apiserver (KubeAPITestServer: TLS with the cluster's
/// own certificates, RBAC, real Status replies — it stands in for kube-apiserver, which cannot run in CI),
/// request by request against what upstream kubeadm v1.28.7 sent (../shared/reference/kubeadm-api/).
struct InitAPICaptureTests {
    static func phases(_ cluster: TestCluster, _ client: KubeClient, lines: Lines = Lines()) throws -> InitAPIPhases {
        var phases = InitAPIPhases(client: client, objects: try InitObjects(config: cluster.config), report: { lines.add($0) })
        phases.retry = KubeRetry(timeout: .seconds(5), interval: .milliseconds(50))
        phases.patchRetry = phases.retry
        return phases
    }

    /// Verbs and paths in order; generated names (token ids) replaced by their shape.
    static func shape(_ uri: String) -> String {
        uri.replacingOccurrences(of: #"bootstrap-token-[a-z0-9]{6}"#, with: "bootstrap-token-<id>", options: .regularExpression)
    }

    static func expectSameRequests(_ ours: [TestCluster.Recorded], _ captured: [KubeadmCapture.Request],
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ours.map { "\($0.verb) \($0.code) \(shape($0.requestURI))" } == captured.map { "\($0.verb) \($0.code) \(shape($0.requestURI))" },
                sourceLocation: sourceLocation)
    }

    @Test func uploadConfigSendsWhatKubeadmSent() async throws {
        try await TestCluster.with { cluster in
            try await cluster.registerNode()
            try await cluster.withClient { client in
                let lines = Lines()
                try await Self.phases(cluster, client, lines: lines).uploadConfig()
                let captured = try KubeadmCapture.requests("upload-config")
                let ours = await cluster.requests()
                Self.expectSameRequests(ours, captured)
                #expect(ours.allSatisfy { $0.user == "kubernetes-admin" })
                // The Node patch, byte for byte the same JSON.
                #expect(ours.last?.requestObject?.value == captured.last?.requestObject?.value)
                #expect(lines.all.first == "[upload-config] Storing the configuration used in ConfigMap \"kubeadm-config\" in the \"kube-system\" Namespace")
                let node = await cluster.server.object(.nodes, name: "k8s-master")
                #expect(node?[path: ["metadata", "annotations", "kubeadm.alpha.kubernetes.io/cri-socket"]]?.stringValue == "unix:///var/run/containerd/containerd.sock")
            }
        }
    }

    @Test func markControlPlanePatchesAsKubeadmDid() async throws {
        try await TestCluster.with { cluster in
            try await cluster.registerNode()
            try await cluster.withClient { client in
                try await Self.phases(cluster, client).markControlPlane()
                let captured = try KubeadmCapture.requests("mark-control-plane")
                let ours = await cluster.requests()
                Self.expectSameRequests(ours, captured)
                #expect(ours.last?.requestObject?.value == captured.last?.requestObject?.value)
                // Run again on the marked node: nothing left to change, so no patch is sent.
                await cluster.server.clearRequests()
                try await Self.phases(cluster, client).markControlPlane()
                #expect(await cluster.requests().map(\.verb) == ["get"])
            }
        }
    }

    @Test func bootstrapTokenPhaseSendsWhatKubeadmSent() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withClient { client in
                let token = try BootstrapTokenSecret(token: try BootstrapToken(parsing: "abcdef.0123456789abcdef"),
                                                     expires: Date().addingTimeInterval(24 * 3600))
                let ca = try String(contentsOfFile: "\(cluster.root)/etc/kubernetes/pki/ca.crt", encoding: .utf8)
                try await Self.phases(cluster, client).bootstrapToken([token], certificateAuthorityPEM: ca)
                let captured = try KubeadmCapture.requests("bootstrap-token")
                let ours = await cluster.requests()
                Self.expectSameRequests(ours, captured)
                // The token Secret: the same keys, the same values but the expiry time.
                let ourSecret = try #require(ours.first { $0.verb == "create" }?.requestObject)
                let theirSecret = try #require(captured.first { $0.verb == "create" }?.requestObject)
                #expect(ourSecret.secretData.keys.sorted() == theirSecret.secretData.keys.sorted())
                var mine = ourSecret.secretData, theirs = theirSecret.secretData
                mine["expiration"] = nil
                theirs["expiration"] = nil
                #expect(mine == theirs)
                // An anonymous client may now read cluster-info (the RoleBinding works against RBAC).
                #expect(await cluster.server.object(.configmaps, namespace: "kube-public", name: "cluster-info") != nil)
            }
        }
    }

    @Test func addonsSendWhatKubeadmSent() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withClient { client in
                try await Self.phases(cluster, client).addons()
                Self.expectSameRequests(await cluster.requests(), try KubeadmCapture.requests("addon"))
            }
        }
    }

    @Test func uploadCertsEncryptsWithTheKeyAndOwnsTheSecretByAShortToken() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withClient { client in
                let key = try CertificateKey(hex: String(repeating: "0123456789abcdef", count: 4))
                var files: [String: Data] = [:]
                for file in KubeadmCertsSecret.files(externalEtcd: false) {
                    files[file.key] = try Data(contentsOf: URL(fileURLWithPath: "\(cluster.root)/etc/kubernetes/pki/\(file.path)"))
                }
                try await Self.phases(cluster, client).uploadCerts(files: files, key: key)
                Self.expectSameRequests(await cluster.requests(), try KubeadmCapture.requests("upload-certs"))
                let stored = try #require(await cluster.server.object(.secrets, namespace: "kube-system", name: "kubeadm-certs"))
                let secret = try #require(KubeObject(try JSONValue.decode(stored.data)))
                #expect(try KubeadmCertsSecret.decrypt(secret, key: key) == files)
                let owner = try #require(secret.metadata["ownerReferences"]?.arrayValue?.first)
                #expect(owner["kind"] == .string("Secret") && owner["controller"] == .bool(true))
            }
        }
    }

    @Test func rerunningEveryPhaseUpdatesAndNeverDuplicates() async throws {
        try await TestCluster.with { cluster in
            try await cluster.registerNode()
            try await cluster.withClient { client in
                let phases = try Self.phases(cluster, client)
                let token = try BootstrapTokenSecret(token: .generate(), expires: nil)
                let ca = try String(contentsOfFile: "\(cluster.root)/etc/kubernetes/pki/ca.crt", encoding: .utf8)
                for _ in 0..<2 {
                    try await phases.uploadConfig()
                    try await phases.markControlPlane()
                    try await phases.bootstrapToken([token], certificateAuthorityPEM: ca)
                    try await phases.addons()
                }
                let second = await cluster.requests().filter { $0.code == 409 }
                #expect(!second.isEmpty, "the second run met the first run's objects")
                #expect(await cluster.server.objects(.configmaps, namespace: "kube-system").filter { $0[path: ["metadata", "name"]]?.stringValue == "kubeadm-config" }.count == 1)
                let taints = await cluster.server.object(.nodes, name: "k8s-master")?[path: ["spec", "taints"]]?.arrayValue
                #expect(taints?.count == 1)
                // Refusals are only those a re-run meets: not found yet, already exists, and kube-dns's ClusterIP
                // already allocated (kube-apiserver checks the IP before the name).
                let refused = await cluster.requests().filter { $0.code >= 400 && $0.code != 404 && $0.code != 409 }
                #expect(refused.map(\.line) == ["create 422 /api/v1/namespaces/kube-system/services?timeout=10s"])
            }
        }
    }

    @Test func v129AdminIsBoundToClusterAdminThroughSuperAdmin() async throws {
        try await TestCluster.with(version: "v1.29.0") { cluster in
            let objects = try InitObjects(config: cluster.config)
            try await cluster.withClient { admin in
                // admin.conf (kubeadm:cluster-admins) cannot create its own binding: super-admin.conf does.
                try await InitAPIPhases.ensureClusterAdmins(objects: objects, admin: admin, superAdmin: { try await cluster.client("super-admin.conf") },
                                                            retry: KubeRetry(timeout: .seconds(5), interval: .milliseconds(50)))
                let requests = await cluster.requests()
                #expect(requests.contains { $0.user == "kubernetes-admin" && $0.code == 403 })
                #expect(requests.contains { $0.user == "kubernetes-super-admin" && $0.verb == "create" && $0.code == 201 })
                // Now admin.conf works.
                _ = try await admin.list(.configMaps, namespace: "kube-system")
            }
        }
    }
}

/// Collects report lines from concurrent code.
final class Lines: @unchecked Sendable {  // invariant: `lines` under `lock`
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
