import Bootstrap
import Crypto
import Foundation
import KubeAPI
import PKI
import Remote
import SwiftASN1
import X509

/// Stands in for the kubelet's part of join (no kubelet can run in CI) and does what the real kubelet did in the
/// capture (join.json, worker-files-after-join.txt): with bootstrap-kubelet.conf's token it creates a CSR
/// (`generateName: csr-`, signer kubernetes.io/kube-apiserver-client-kubelet, CN system:node:<name>,
/// O system:nodes, an ECDSA P-256 key), waits for the signed certificate, writes
/// /var/lib/kubelet/pki/kubelet-client-<time>.pem with kubelet-client-current.pem pointing at it, then
/// kubelet.conf naming that file, and registers its Node as the kubelet would.
public struct KubeletStandIn: KubeletService {
    public let host: LocalHost
    public let nodeName: String
    /// The API server as this machine reaches it (the stand-in kube-apiserver's port).
    public let apiServerPort: Int

    public init(host: LocalHost, nodeName: String, apiServerPort: Int) {
        self.host = host
        self.nodeName = nodeName
        self.apiServerPort = apiServerPort
    }

    public func restart() async throws {
        let bootstrap = try await ClusterAccess.kubeconfig(at: JoinWorkflow.bootstrapKubeconfigPath, on: host)
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            OrganizationName("system:nodes")
            CommonName("system:node:\(nodeName)")
        }
        let request = try CertificateSigningRequest(version: .v1, subject: subject, privateKey: .init(key), attributes: .init(),
                                                    signatureAlgorithm: .ecdsaWithSHA256)
        let csrPEM = try request.serializeAsPEM().pemString
        let certificate = try await ClusterAccess.with(bootstrap, apiServer: "127.0.0.1", port: apiServerPort, on: LocalHost()) { client in
            var csr = KubeObject(apiVersion: "certificates.k8s.io/v1", kind: "CertificateSigningRequest", name: "", extra: [
                "spec": .object([
                    "request": .string(Data(csrPEM.utf8).base64EncodedString()),
                    "signerName": .string("kubernetes.io/kube-apiserver-client-kubelet"),
                    "usages": .array([.string("digital signature"), .string("client auth")]),
                ]),
            ])
            csr.metadata = ["generateName": .string("csr-")]
            let created = try await client.create(csr)
            for _ in 0..<100 {
                let current = try await client.get(.certificateSigningRequests, created.name)
                if let data = current["status"]?["certificate"]?.stringValue, let pem = Data(base64Encoded: data) {
                    return String(decoding: pem, as: UTF8.self)
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw KubeAPIError.invalidInput("the CSR \(created.name) was not signed")
        }
        let stamp = "2026-12-01-14-10-02"
        let pkiDirectory = "/var/lib/kubelet/pki"
        let file = "\(pkiDirectory)/kubelet-client-\(stamp).pem"
        try await host.writeFile(file, contents: Data((certificate + key.pemRepresentation + "\n").utf8), mode: 0o600)
        // Relative, so the link resolves under the node's root (the real kubelet links the absolute path).
        _ = try await host.run(ShellQuote.join(["ln", "-sfn", "kubelet-client-\(stamp).pem", host.resolve("\(pkiDirectory)/kubelet-client-current.pem")]))
        let kubeconfig = """
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: \(Data(bootstrap.certificateAuthorityPEM.utf8).base64EncodedString())
                server: \(bootstrap.server)
              name: default-cluster
            contexts:
            - context:
                cluster: default-cluster
                namespace: default
                user: default-auth
              name: default-context
            current-context: default-context
            kind: Config
            preferences: {}
            users:
            - name: default-auth
              user:
                client-certificate: \(pkiDirectory)/kubelet-client-current.pem
                client-key: \(pkiDirectory)/kubelet-client-current.pem

            """
        try await host.writeFile(JoinWorkflow.kubeletKubeconfigPath, contents: Data(kubeconfig.utf8), mode: 0o600)
        try await registered?()
    }

    /// Registers the Node (the real kubelet does with its new identity); tests set it.
    public var registered: (@Sendable () async throws -> Void)?

    public func waitHealthy() async throws {}
}
