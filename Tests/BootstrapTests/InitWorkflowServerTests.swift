import ClusterTestSupport
import Foundation
import KubeAPI
import KubeAPITestServer
import KubeadmConfig
import Remote
import PKI
import Testing
@testable import Bootstrap

/// `kubeforge init`'s API phases end to end on a node (the node's files under a private root, as --rootfs)
/// against the stand-in kube-apiserver, which stands in for the node's own kube-apiserver (none can run in CI).
struct InitWorkflowServerTests {
    @Test func apiPhasesPrintKubeadmsLinesAndEndWithAJoinCommandThatDiscoveryAccepts() async throws {
        try await TestCluster.with(bindToServer: true, signer: true) { cluster in
            try await cluster.registerNode()
            var config = cluster.config
            var token = KubeadmConfig.BootstrapToken()
            token.token = "abcdef.0123456789abcdef"
            config.initConfiguration.bootstrapTokens = [token]
            var options = InitWorkflow.Options()
            options.uploadCerts = true
            options.certificateKey = try CertificateKey(hex: String(repeating: "0123456789abcdef", count: 4))
            let lines = Lines()
            let workflow = InitWorkflow(config: config, host: cluster.host, options: options) { lines.add($0) }
            for phase in ["upload-config", "upload-certs", "mark-control-plane", "bootstrap-token", "kubelet-finalize", "addon", "show-join-command"] {
                try await workflow.runPhase(phase, subphase: nil)
            }
            let output = lines.all.joined(separator: "\n")
            for line in [
                "[upload-config] Storing the configuration used in ConfigMap \"kubeadm-config\" in the \"kube-system\" Namespace",
                "[upload-certs] Storing the certificates in Secret \"kubeadm-certs\" in the \"kube-system\" Namespace",
                "[upload-certs] Using certificate key:\n" + String(repeating: "0123456789abcdef", count: 4),
                "[mark-control-plane] Marking the node k8s-master as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]",
                "[bootstrap-token] Using token: abcdef.0123456789abcdef",
                "[addons] Applied essential addon: CoreDNS",
                "[addons] Applied essential addon: kube-proxy",
                "Your Kubernetes control-plane has initialized successfully!",
            ] {
                #expect(output.contains(line), "missing: \(line)")
            }
            // The join command's token and hash are what discovery of this very cluster accepts (the stand-in's
            // bootstrapsigner signed cluster-info for the token).
            await cluster.server.settle()
            let hashes = try DiscoveryHash.of(certificatePEM: try await cluster.kubeconfig().certificateAuthorityPEM)
            #expect(output.contains("--discovery-token-ca-cert-hash \(hashes[0])"))
            var discovery = TokenDiscovery(endpoint: "127.0.0.1:\(cluster.server.port)", token: try BootstrapToken(parsing: "abcdef.0123456789abcdef"),
                                           caCertHashes: hashes, host: LocalHost())
            discovery.timeout = .seconds(5)
            discovery.interval = .milliseconds(200)
            let info = try await discovery.discover()
            #expect(info.server == "https://127.0.0.1:\(cluster.server.port)")
            // Nothing was done as anyone but kubeforge's admin.conf; discovery read cluster-info anonymously.
            let users = Set(await cluster.requests().map(\.user))
            #expect(users == ["kubernetes-admin", "system:anonymous"])
        }
    }

    @Test func skipPhasesOfAddonsSkipOne() {
        #expect(InitWorkflow.addons(skipping: ["addon/coredns"]) == .kubeProxy)
        #expect(InitWorkflow.addons(skipping: ["addon/kube-proxy"]) == .coredns)
        #expect(InitWorkflow.addons(skipping: []) == .all)
    }
}
