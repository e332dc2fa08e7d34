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

    /// Every renewable certificate of a cluster, sorted by name as `check-expiration` lists them.
    public static func all(release: KubernetesRelease, externalEtcd: Bool) -> [RenewableCertificate] {
        var leaves: [(String, String, String)] = [
            ("apiserver", "ca", "apiserver"), ("apiserver-kubelet-client", "ca", "apiserver-kubelet-client"),
            ("front-proxy-client", "front-proxy-ca", "front-proxy-client"),
        ]
        if !externalEtcd {
            leaves += [("etcd-server", "etcd-ca", "etcd/server"), ("etcd-peer", "etcd-ca", "etcd/peer"),
                       ("etcd-healthcheck-client", "etcd-ca", "etcd/healthcheck-client"),
                       ("apiserver-etcd-client", "etcd-ca", "apiserver-etcd-client")]
        }
        let files = leaves.map { RenewableCertificate(name: $0.0, caName: $0.1, location: .certificateFiles(baseName: $0.2)) }
        let kubeconfigs = KubeconfigKind.kinds(for: release).filter { $0 != .kubelet }.map {
            RenewableCertificate(name: $0.fileName, caName: "ca", location: .kubeconfig(fileName: $0.fileName))
        }
        return (files + kubeconfigs).sorted { $0.name < $1.name }
    }

    /// The CA names of a cluster, sorted.
    public static func authorities(externalEtcd: Bool) -> [String] {
        externalEtcd ? ["ca", "front-proxy-ca"] : ["ca", "etcd-ca", "front-proxy-ca"]
    }

    /// The CA files below the certificate directory for a CA name.
    public static func caBaseName(_ caName: String) -> String {
        caName == "etcd-ca" ? "etcd/ca" : caName
    }
}
