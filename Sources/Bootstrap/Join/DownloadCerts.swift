import Foundation
import KubeAPI
import KubeadmConfig
import PKI
import Remote

/// join's download-certs (kubeadm.md §6): kube-system/kubeadm-certs read with the bootstrap token (the Role
/// kubeadm:kubeadm-certs lets it), every entry decrypted with the certificate key before anything is written
/// (all or nothing), then each file written atomically where kubeadm writes it — private and public keys 0600
/// (keyutil.WriteKey, as the control plane has them), certificates 0644.
struct DownloadCerts: Sendable {
    let host: any Remote.Host
    let cluster: ClusterConfiguration
    let key: CertificateKey
    let dryRun: Bool
    let retry: KubeRetry
    let report: @Sendable (String) -> Void

    static let missingSecret = "Secret \"kubeadm-certs\" was not found in the \"kube-system\" Namespace. This Secret might have expired. Please, run `kubeforge init phase upload-certs --upload-certs` on a control plane to generate a new one"

    /// Each data key of the Secret and the file it becomes on this node (kubeadm's certsToTransfer).
    static func destinations(_ cluster: ClusterConfiguration) -> [(key: String, path: String)] {
        let directory = cluster.certificatesDir
        let shared = KubeadmCertsSecret.files(externalEtcd: false).filter { !$0.path.hasPrefix("etcd/") }
        var result = shared.map { (key: $0.key, path: "\(directory)/\($0.path)") }
        if let external = cluster.etcd.external {
            result += [("external-etcd-ca.crt", external.caFile), ("external-etcd.crt", external.certFile), ("external-etcd.key", external.keyFile)]
        } else {
            result += [("etcd-ca.crt", "\(directory)/etcd/ca.crt"), ("etcd-ca.key", "\(directory)/etcd/ca.key")]
        }
        return result
    }

    /// The files to write, path → (bytes, mode), from the decrypted Secret; a required entry missing fails.
    static func files(_ decrypted: [String: Data], cluster: ClusterConfiguration) throws -> [(path: String, data: Data, mode: UInt16)] {
        try destinations(cluster).compactMap { entry in
            guard let data = decrypted[entry.key] else {
                throw InitError.failed("the Secret does not include the required certificate or key - name: \(entry.key), path: \(entry.path) (re-run `kubeforge init phase upload-certs --upload-certs` on a control plane)")
            }
            // kubeadm uploads an empty value for an external etcd file that does not exist, and skips it here.
            if data.isEmpty || entry.path.isEmpty { return nil }
            return (entry.path, data, try mode(of: data, key: entry.key))
        }
    }

    static func mode(of data: Data, key: String) throws -> UInt16 {
        let text = String(decoding: data.prefix(64), as: UTF8.self)
        if text.contains("PRIVATE KEY-----") || text.contains("PUBLIC KEY-----") { return PKIFiles.privateMode }
        if text.contains("-----BEGIN CERTIFICATE-----") { return PKIFiles.certificateMode }
        throw InitError.failed("unknown data found in Secret entry \(key) of kube-system/kubeadm-certs (neither a PEM certificate nor a key)")
    }

    func run(with client: KubeClient) async throws {
        report("[download-certs] Downloading the certificates in Secret \"\(KubeadmCertsSecret.name)\" in the \"kube-system\" Namespace")
        let secret: KubeObject
        do {
            secret = try await retry.run("get secrets kube-system/\(KubeadmCertsSecret.name)") {
                try await client.get(.secrets, KubeadmCertsSecret.name, namespace: "kube-system")
            }
        } catch let error as KubeAPIError where error.isNotFound {
            throw InitError.failed(Self.missingSecret)
        } catch let error as KubeAPIError where error.isForbidden {
            throw InitError.failed("the bootstrap token may not read Secret kube-system/\(KubeadmCertsSecret.name) (\(error)): run `kubeforge init phase upload-certs --upload-certs` on a control plane; it creates the Secret and the Role kubeadm:kubeadm-certs that lets bootstrap tokens read it")
        }
        let files = try Self.files(try KubeadmCertsSecret.decrypt(secret, key: key), cluster: cluster)
        if dryRun {
            for file in files { report("[dryrun] would write \(host.name):\(file.path) (mode \(String(file.mode, radix: 8)))") }
            return
        }
        report("[download-certs] Saving the certificates to the folder: \"\(cluster.certificatesDir)\"")
        for file in files { try await host.writeFile(file.path, contents: file.data, mode: file.mode) }
    }
}
