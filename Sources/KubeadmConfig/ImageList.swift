/// The images `kubeadm config images list` prints, in its order (images.go).
public enum ImageList {
    public static func images(for config: ClusterConfiguration) -> [String] {
        let version = config.version
        let repo = config.imageRepository
        var images = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"].map { "\(repo)/\($0):\(version.imageTag)" }
        if !config.proxy.disabled { images.append("\(repo)/kube-proxy:\(version.imageTag)") }
        if !config.dns.disabled { images.append(coreDNSImage(for: config)) }
        images.append(pauseImage(for: config))
        if let etcd = etcdImage(for: config) { images.append(etcd) }
        return images
    }

    /// CoreDNS lives under an extra `coredns/` path only in the default registry.
    public static func coreDNSImage(for config: ClusterConfiguration) -> String {
        let tag = config.dns.imageTag.isEmpty ? ComponentVersions.forKubernetes(config.version).coreDNS : config.dns.imageTag
        if !config.dns.imageRepository.isEmpty { return "\(config.dns.imageRepository)/coredns:\(tag)" }
        if config.imageRepository == ClusterConfiguration.defaultImageRepository {
            return "\(config.imageRepository)/coredns/coredns:\(tag)"
        }
        return "\(config.imageRepository)/coredns:\(tag)"
    }

    public static func pauseImage(for config: ClusterConfiguration) -> String {
        "\(config.imageRepository)/pause:\(ComponentVersions.forKubernetes(config.version).pause)"
    }

    /// nil with external etcd.
    public static func etcdImage(for config: ClusterConfiguration) -> String? {
        guard let local = config.etcd.local else { return nil }
        let repo = local.imageRepository.isEmpty ? config.imageRepository : local.imageRepository
        let tag = local.imageTag.isEmpty ? ComponentVersions.forKubernetes(config.version).etcd : local.imageTag
        return "\(repo)/etcd:\(tag)"
    }

    /// `<repo>/<component>:<version>` for a control-plane component or kube-proxy.
    public static func controlPlaneImage(_ component: String, for config: ClusterConfiguration) -> String {
        "\(config.imageRepository)/\(component):\(config.version.imageTag)"
    }
}
