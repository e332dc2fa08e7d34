import KubeTypes

/// Versions of the images kubeadm pairs with a Kubernetes minor release (constants.go per release branch).
///
/// kubeadm keys etcd by the *target* minor (`SupportedEtcdVersion`) and ships CoreDNS and pause as its own
/// constants; kubeforge behaves as the kubeadm of the target release, so all three follow the target minor.
/// Values are those of each minor's `.0` kubeadm; later patch releases sometimes bump etcd.
public struct ComponentVersions: Equatable, Sendable {
    public init(etcd: String, coreDNS: String, pause: String) {
        self.etcd = etcd
        self.coreDNS = coreDNS
        self.pause = pause
    }

    public let etcd: String
    public let coreDNS: String
    public let pause: String

    /// The versions for `version`'s minor, clamped to the supported range.
    public static func forKubernetes(_ version: KubernetesVersion) -> ComponentVersions {
        let minor = min(max(version.minor, KubernetesVersion.supportedMinors.lowerBound), KubernetesVersion.supportedMinors.upperBound)
        return table[minor] ?? newest
    }

    private static let newest = ComponentVersions(etcd: "3.5.21-0", coreDNS: "v1.12.0", pause: "3.10")

    private static let table: [Int: ComponentVersions] = [
        28: ComponentVersions(etcd: "3.5.9-0", coreDNS: "v1.10.1", pause: "3.9"),
        29: ComponentVersions(etcd: "3.5.10-0", coreDNS: "v1.11.1", pause: "3.9"),
        30: ComponentVersions(etcd: "3.5.12-0", coreDNS: "v1.11.1", pause: "3.9"),
        31: ComponentVersions(etcd: "3.5.15-0", coreDNS: "v1.11.3", pause: "3.10"),
        32: ComponentVersions(etcd: "3.5.16-0", coreDNS: "v1.11.3", pause: "3.10"),
        33: ComponentVersions(etcd: "3.5.21-0", coreDNS: "v1.12.0", pause: "3.10"),
    ]
}
