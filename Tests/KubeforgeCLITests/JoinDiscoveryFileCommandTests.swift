import ClusterTestSupport
import Foundation
import KubeAPITestServer
import LabSupport
import PKI
import Testing

/// `kubeforge join --discovery-file` as an operator types it, against the stand-in kube-apiserver (kube-apiserver
/// cannot run in CI) set up by the binary's own init phases; a dry run, so no kubelet is needed. The whole join is
/// FileDiscoveryTests's.
struct JoinDiscoveryFileCommandTests {
    /// A node root holding /root/discovery.conf: admin.conf's cluster, no credentials.
    static func node(_ cluster: TestCluster) async throws -> String {
        let root = try ControlPlaneJoinCommandTests.emptyRoot()
        var file = try Kubeconfig.parse(try String(contentsOfFile: "\(cluster.root)/etc/kubernetes/admin.conf", encoding: .utf8), path: "admin.conf")
        file.clientCertificatePEM = nil
        file.clientKeyPEM = nil
        try FileManager.default.createDirectory(atPath: "\(root)/root", withIntermediateDirectories: true)
        try Data(file.rendered().utf8).write(to: URL(fileURLWithPath: "\(root)/root/discovery.conf"))
        return root
    }

    static func join(_ root: String, _ extra: [String]) async throws -> KubeforgeBinary.Outcome {
        try await KubeforgeBinary.run(["join", "--discovery-file", "/root/discovery.conf", "--node-name", "k8s-node1", "--rootfs", root,
                                       "--ignore-preflight-errors", "all", "--dry-run"] + extra)
    }

    @Test func aDryRunValidatesTheFileAndReadsTheClusterWithTheToken() async throws {
        try await TestCluster.with(bindToServer: true) { cluster in
            try await ControlPlaneJoinCommandTests.initialise(cluster)
            let root = try await Self.node(cluster)
            defer { try? FileManager.default.removeItem(atPath: root) }
            let outcome = try await Self.join(root, ["--token", ControlPlaneJoinCommandTests.token])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout.contains("[discovery] Requesting cluster-info from \(cluster.server.url) anonymously to validate the TLS connection"))
            #expect(outcome.stdout.contains("[preflight] Reading configuration from the cluster..."))
            #expect(!outcome.stdout.contains("tx6j2cemohmstuve") && !outcome.stderr.contains("tx6j2cemohmstuve"), "the token's secret is never printed")
            #expect(!FileManager.default.fileExists(atPath: "\(root)/var/lib/kubelet/config.yaml"), "a dry run writes nothing")
        }
    }

    @Test func withoutATokenOrCredentialsTheJoinSaysWhatToGive() async throws {
        try await TestCluster.with(bindToServer: true) { cluster in
            try await ControlPlaneJoinCommandTests.initialise(cluster)
            let root = try await Self.node(cluster)
            defer { try? FileManager.default.removeItem(atPath: root) }
            let outcome = try await Self.join(root, [])
            #expect(outcome.status == 1)
            #expect(outcome.stderr.contains("--discovery-file /root/discovery.conf: it has no credentials for the kubelet's TLS bootstrap: give --tls-bootstrap-token (or --token)"), "\(outcome.stderr)")
        }
    }

    @Test func anHTTPURLIsBadInput() async throws {
        let outcome = try await KubeforgeBinary.run(["join", "--discovery-file", "http://example.invalid/cluster.conf", "--token", ControlPlaneJoinCommandTests.token])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("an http:// URL cannot be trusted; serve it over https or copy the file to the node"), "\(outcome.stderr)")
    }
}
