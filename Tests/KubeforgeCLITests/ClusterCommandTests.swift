import ClusterTestSupport
import Foundation
import KubeAPITestServer
import LabSupport
import Testing

/// `kubeforge token …` and `kubeforge init phase …` as an operator runs them, against the stand-in
/// kube-apiserver (KubeAPITestServer stands in for kube-apiserver, which cannot run in CI).
struct ClusterCommandTests {
    @Test func tokenCreateListDelete() async throws {
        try await TestCluster.with(bindToServer: true) { cluster in
            let kubeconfig = "\(cluster.root)/etc/kubernetes/admin.conf"
            let created = try await KubeforgeBinary.run(["token", "create", "--print-join-command", "--kubeconfig", kubeconfig])
            #expect(created.status == 0, "\(created.stderr)")
            let words = created.stdout.split(separator: " ").map(String.init)
            try #require(words.count >= 7)
            #expect(words.prefix(3) == ["kubeadm", "join", "127.0.0.1:\(cluster.server.port)"])
            #expect(words[3] == "--token" && words[5] == "--discovery-token-ca-cert-hash" && words[6].hasPrefix("sha256:"))
            let token = words[4]
            let id = String(token.prefix(6))
            #expect(await cluster.server.object(.secrets, namespace: "kube-system", name: "bootstrap-token-\(id)") != nil)

            let listed = try await KubeforgeBinary.run(["token", "list", "-o", "json", "--kubeconfig", kubeconfig])
            #expect(listed.status == 0 && listed.stdout.contains("\"token\" : \"\(token)\""), "\(listed.stdout)\(listed.stderr)")
            let table = try await KubeforgeBinary.run(["token", "list", "--kubeconfig", kubeconfig])
            #expect(table.stdout.hasPrefix("TOKEN ") && table.stdout.contains(token))

            let deleted = try await KubeforgeBinary.run(["token", "delete", id, "--kubeconfig", kubeconfig])
            #expect(deleted.status == 0 && deleted.stdout == "bootstrap token \"\(id)\" deleted\n")
            let again = try await KubeforgeBinary.run(["token", "delete", id, "--kubeconfig", kubeconfig])
            #expect(again.status == 1 && again.stderr.contains("not found"))
        }
    }

    @Test func badTokensAreBadInputAndNeverEchoed() async throws {
        let outcome = try await KubeforgeBinary.run(["token", "create", "abcdef.0123456789ABCDEF", "--kubeconfig", "/nonexistent/admin.conf"])
        #expect(outcome.status == 2)
        #expect(!outcome.stderr.contains("0123456789ABCDEF"), "the secret part is never printed")
        let missing = try await KubeforgeBinary.run(["token", "list", "--kubeconfig", "/nonexistent/admin.conf"])
        #expect(missing.status == 2 && missing.stderr.contains("/nonexistent/admin.conf"))
    }

    @Test func initPhaseUploadConfigOnANode() async throws {
        try await TestCluster.with(bindToServer: true) { cluster in
            try await cluster.registerNode()
            let outcome = try await KubeforgeBinary.run([
                "init", "phase", "upload-config", "all", "--rootfs", cluster.root, "--kubernetes-version", "v1.28.7",
                "--apiserver-advertise-address", "127.0.0.1", "--apiserver-bind-port", String(cluster.server.port), "--node-name", "k8s-master",
                "--pod-network-cidr", "10.244.0.0/16",
            ])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout.hasPrefix("[upload-config] Storing the configuration used in ConfigMap \"kubeadm-config\" in the \"kube-system\" Namespace\n"))
            #expect(await cluster.server.object(.configmaps, namespace: "kube-system", name: "kubelet-config") != nil)
        }
    }
}
