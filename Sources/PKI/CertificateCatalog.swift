/// Upstream's certificate list (`certlist.go`) for one cluster, in upstream's order.
public enum CertificateCatalog {
    /// Phase names of every x509 certificate, CAs included, plus `sa`, in `kubeadm init phase certs` order.
    public static let phaseNames = [
        "ca", "apiserver", "apiserver-kubelet-client", "front-proxy-ca", "front-proxy-client",
        "etcd-ca", "etcd-server", "etcd-peer", "etcd-healthcheck-client", "apiserver-etcd-client", "sa",
    ]

    /// The certificates of this cluster: all ten with local etcd, five with external etcd.
    public static func specs(for resolved: CertificateTreeOptions.Resolved) -> [CertificateSpec] {
        let release = resolved.release
        var specs: [CertificateSpec] = [
            CertificateSpec(name: "ca", baseName: "ca", caName: nil, commonName: "kubernetes",
                            longName: "self-signed Kubernetes CA to provision identities for other Kubernetes components"),
            CertificateSpec(name: "apiserver", baseName: "apiserver", caName: "ca", commonName: "kube-apiserver",
                            usages: [.serverAuth], altNames: resolved.apiServerAltNames,
                            longName: "certificate for serving the Kubernetes API"),
            CertificateSpec(name: "apiserver-kubelet-client", baseName: "apiserver-kubelet-client", caName: "ca",
                            commonName: "kube-apiserver-kubelet-client", organizations: [release.adminOrganization],
                            usages: [.clientAuth], longName: "certificate for the API server to connect to kubelet"),
            CertificateSpec(name: "front-proxy-ca", baseName: "front-proxy-ca", caName: nil, commonName: "front-proxy-ca",
                            longName: "self-signed CA to provision identities for front proxy"),
            CertificateSpec(name: "front-proxy-client", baseName: "front-proxy-client", caName: "front-proxy-ca",
                            commonName: "front-proxy-client", usages: [.clientAuth],
                            longName: "certificate for the front proxy client"),
        ]
        guard !resolved.options.externalEtcd else { return specs }
        specs += [
            CertificateSpec(name: "etcd-ca", baseName: "etcd/ca", caName: nil, commonName: "etcd-ca",
                            longName: "self-signed CA to provision identities for etcd"),
            // etcd 3.2+ also wants clientAuth on the serving certificate (comment in certlist.go).
            CertificateSpec(name: "etcd-server", baseName: "etcd/server", caName: "etcd-ca", commonName: resolved.nodeName,
                            usages: [.serverAuth, .clientAuth], altNames: resolved.etcdServerAltNames,
                            longName: "certificate for serving etcd"),
            CertificateSpec(name: "etcd-peer", baseName: "etcd/peer", caName: "etcd-ca", commonName: resolved.nodeName,
                            usages: [.serverAuth, .clientAuth], altNames: resolved.etcdPeerAltNames,
                            longName: "certificate for etcd nodes to communicate with each other"),
            CertificateSpec(name: "etcd-healthcheck-client", baseName: "etcd/healthcheck-client", caName: "etcd-ca",
                            commonName: "kube-etcd-healthcheck-client", organizations: release.etcdClientOrganizations,
                            usages: [.clientAuth], longName: "certificate for liveness probes to healthcheck etcd"),
            CertificateSpec(name: "apiserver-etcd-client", baseName: "apiserver-etcd-client", caName: "etcd-ca",
                            commonName: "kube-apiserver-etcd-client", organizations: release.etcdClientOrganizations,
                            usages: [.clientAuth], longName: "certificate the apiserver uses to access etcd"),
        ]
        return specs
    }
}
