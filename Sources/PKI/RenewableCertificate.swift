/// A certificate `certs renew` and `certs check-expiration` handle: a leaf file or a kubeconfig's client
/// certificate, with the CA that signs it. CAs and kubelet.conf are not renewable, as upstream.
public struct RenewableCertificate: Sendable, Equatable {
    public enum Location: Sendable, Equatable {
        /// `<certificatesDir>/<baseName>.crt` and `.key`.
        case certificateFiles(baseName: String)
        /// The embedded client certificate of `<kubeconfigDir>/<fileName>`.
        case kubeconfig(fileName: String)
    }

    public let name: String
    public let caName: String
    public let location: Location

    /// Every renewable certificate of this cluster, sorted by name as `check-expiration` lists them.
    public static func all(for resolved: CertificateTreeOptions.Resolved) -> [RenewableCertificate] {
        let leaves = CertificateCatalog.specs(for: resolved).filter { !$0.isCA }.map {
            RenewableCertificate(name: $0.name, caName: $0.caName!, location: .certificateFiles(baseName: $0.baseName))
        }
        let kubeconfigs = KubeconfigKind.kinds(for: resolved.release).filter { $0 != .kubelet }.map {
            RenewableCertificate(name: $0.fileName, caName: "ca", location: .kubeconfig(fileName: $0.fileName))
        }
        return (leaves + kubeconfigs).sorted { $0.name < $1.name }
    }

    /// The CA files below the certificate directory for a CA name.
    public static func caBaseName(_ caName: String) -> String {
        caName == "etcd-ca" ? "etcd/ca" : caName
    }
}
