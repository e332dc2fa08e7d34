import KubeTypes

/// What preflight needs to know about one host, independent of how the inventory spells it.
/// The lead maps inventory hosts onto this; Preflight never imports Inventory.
public struct PreflightTarget: Sendable, Equatable {
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case controlPlane = "control-plane"
        case worker
        case etcd
    }

    public var name: String
    /// The address kubeforge connects to and the API server advertises on a control plane.
    public var address: String
    public var roles: Set<Role>
    public var kubernetesVersion: KubernetesVersion?
    public var podSubnet: String?
    public var serviceSubnet: String?
    public var apiServerPort: Int
    /// False when etcd is external: then etcd ports and the data directory are not checked.
    public var localEtcd: Bool
    /// Who puts the kubelet on the host, which decides what a missing or skewed one means.
    public var kubelet: KubeletSource

    /// `KubeletVersion` and `Service-Kubelet` judge the kubelet found on the host against this.
    public enum KubeletSource: String, Sendable, Equatable, CaseIterable {
        /// `kubeforge up` (and `preflight`/`prepare` before it) installs the kubelet of the cluster's version and
        /// its unit after these checks run, and runs that one: a host without a kubelet is expected, and one
        /// already there only earns a warning.
        case installedByKubeforge = "installed-by-kubeforge"
        /// kubeadm's way, for `kubeforge init` and `join` run on the node: the operator installed the kubelet and
        /// its unit beforehand, so a missing kubelet or one outside the version skew is an error.
        case preinstalled
    }

    public init(name: String, address: String, roles: Set<Role>, kubernetesVersion: KubernetesVersion? = nil,
                podSubnet: String? = nil, serviceSubnet: String? = "10.96.0.0/12", apiServerPort: Int = 6443,
                localEtcd: Bool = true, kubelet: KubeletSource = .installedByKubeforge) {
        self.name = name
        self.address = address
        self.roles = roles
        self.kubernetesVersion = kubernetesVersion
        self.podSubnet = podSubnet
        self.serviceSubnet = serviceSubnet
        self.apiServerPort = apiServerPort
        self.localEtcd = localEtcd
        self.kubelet = kubelet
    }

    public var isControlPlane: Bool { roles.contains(.controlPlane) }
    /// Hosts that run a local etcd member: control planes (stacked etcd) and dedicated etcd hosts.
    public var runsEtcd: Bool { localEtcd && (roles.contains(.controlPlane) || roles.contains(.etcd)) }
}
