/// One machine of the inventory, after defaults and ranges are applied.
public struct InventoryHost: Sendable, Equatable {
    /// The Kubernetes node name (DNS-1123).
    public var name: String
    /// Where kubeforge connects over SSH: an IP address or a resolvable host name.
    public var address: String
    /// The address the node advertises inside the cluster; equals `address` unless set.
    public var internalAddress: String
    /// Sorted in `HostRole.allCases` order; stacked etcd is already expanded (control planes carry `.etcd`).
    public var roles: [HostRole]
    public var ssh: SSHSettings
    /// This host's own kubelet flags (flag name → value); `ClusterSettings.kubeletExtraArgs(for:)` merges
    /// them over the cluster's.
    public var kubeletExtraArgs: [String: String]

    public init(name: String, address: String, internalAddress: String? = nil, roles: [HostRole], ssh: SSHSettings = SSHSettings(),
                kubeletExtraArgs: [String: String] = [:]) {
        self.name = name
        self.address = address
        self.internalAddress = internalAddress ?? address
        self.roles = HostRole.allCases.filter(roles.contains)
        self.ssh = ssh
        self.kubeletExtraArgs = kubeletExtraArgs
    }

    public var isControlPlane: Bool { roles.contains(.controlPlane) }
    public var isWorker: Bool { roles.contains(.worker) }
    public var isEtcd: Bool { roles.contains(.etcd) }
}

public enum HostRole: String, Sendable, Equatable, Hashable, CaseIterable, Comparable {
    case controlPlane = "control-plane"
    case worker
    case etcd

    public static func < (lhs: HostRole, rhs: HostRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
