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

    public init(name: String, address: String, roles: Set<Role>, kubernetesVersion: KubernetesVersion? = nil,
                podSubnet: String? = nil, serviceSubnet: String? = "10.96.0.0/12", apiServerPort: Int = 6443,
                localEtcd: Bool = true) {
        self.name = name
        self.address = address
        self.roles = roles
        self.kubernetesVersion = kubernetesVersion
        self.podSubnet = podSubnet
        self.serviceSubnet = serviceSubnet
        self.apiServerPort = apiServerPort
        self.localEtcd = localEtcd
    }

    public var isControlPlane: Bool { roles.contains(.controlPlane) }
    /// Hosts that run a local etcd member: control planes (stacked etcd) and dedicated etcd hosts.
    public var runsEtcd: Bool { localEtcd && (roles.contains(.controlPlane) || roles.contains(.etcd)) }
}
