import Foundation
import Testing
import X509
@testable import PKI

/// The kubeconfig files (kubeadm.md §2), read back by the real kubectl.
@Suite struct KubeconfigTests {
    struct Expectation: Sendable, CustomStringConvertible {
        let file: String
        let user: String
        let organizations: [String]
        let server: String
        var description: String { file }
    }

    static let expected = [
        Expectation(file: "admin.conf", user: "kubernetes-admin", organizations: ["kubeadm:cluster-admins"], server: "https://k8s-api.example.com:6443"),
        Expectation(file: "super-admin.conf", user: "kubernetes-super-admin", organizations: ["system:masters"], server: "https://k8s-api.example.com:6443"),
        Expectation(file: "kubelet.conf", user: "system:node:cp-1", organizations: ["system:nodes"], server: "https://k8s-api.example.com:6443"),
        Expectation(file: "controller-manager.conf", user: "system:kube-controller-manager", organizations: [], server: "https://192.168.2.201:6443"),
        Expectation(file: "scheduler.conf", user: "system:kube-scheduler", organizations: [], server: "https://192.168.2.201:6443"),
    ]

    @Test(arguments: expected)
    func kubectlReadsKubeconfig(_ expected: Expectation) async throws {
        let tree = try await SharedTree.get()
        let path = "\(tree.kubeconfigDir)/\(expected.file)"
        #expect(fileMode(path) == 0o600)
        let view = try runTool("/usr/bin/kubectl", ["config", "view", "--kubeconfig", path, "--raw", "-o",
                                                    "jsonpath={.current-context}|{.contexts[0].context.cluster}|{.contexts[0].context.user}|{.clusters[0].name}|{.clusters[0].cluster.server}|{.users[0].name}"])
        #expect(view.stdout == "\(expected.user)@kubernetes|kubernetes|\(expected.user)|kubernetes|\(expected.server)|\(expected.user)")
        let minified = try runTool("/usr/bin/kubectl", ["config", "view", "--kubeconfig", path, "--minify"])
        #expect(minified.stdout.contains("client-certificate-data: DATA+OMITTED"))

        // The embedded data: the cluster CA and a client certificate signed by it, with the user's identity.
        let config = try Kubeconfig.parse(String(contentsOfFile: path, encoding: .utf8), path: path)
        let ca = try Certificate(pemEncoded: String(contentsOfFile: "\(tree.pki)/ca.crt", encoding: .utf8))
        #expect(config.certificateAuthorityPEM == (try ca.pemText()))
        let client = try Certificate(pemEncoded: try #require(config.clientCertificatePEM))
        let contents = try CertificateContents(client)
        #expect(contents.commonName == expected.user)
        #expect(contents.organizations == expected.organizations)
        #expect(contents.usages == [.clientAuth])
        #expect(client.isSigned(by: ca))
        let key = try SigningKey(pemEncoded: try #require(config.clientKeyPEM), path: path)
        #expect(key.publicKey == client.publicKey)
    }

    @Test func renderedYAMLQuotesWhatPlainScalarsCannotCarry() {
        #expect(Kubeconfig.scalar("system:node:cp-1@kubernetes") == "system:node:cp-1@kubernetes")
        #expect(Kubeconfig.scalar("https://[fd00::1]:6443") == "https://[fd00::1]:6443")
        #expect(Kubeconfig.scalar("yes") == "\"yes\"")
        #expect(Kubeconfig.scalar("a b") == "\"a b\"")
        #expect(Kubeconfig.scalar("weird\"name") == "\"weird\\\"name\"")
    }
}
