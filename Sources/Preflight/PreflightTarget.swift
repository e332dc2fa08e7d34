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

/// A Kubernetes version such as `v1.28.0`; only major and minor drive checks.
public struct KubernetesVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(major: Int, minor: Int, patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `v1.28.0`, `1.28`, `v1.30.1-rc.0`; nil for anything else.
    public init?(_ text: String) {
        var body = Substring(text)
        if body.hasPrefix("v") { body = body.dropFirst() }
        let core = body.split(separator: "-", maxSplits: 1).first ?? ""
        let parts = core.split(separator: ".").map { Int($0) }
        guard parts.count >= 2, parts.count <= 3, !parts.contains(nil) else { return nil }
        self.init(major: parts[0]!, minor: parts[1]!, patch: parts.count == 3 ? parts[2]! : 0)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public func atLeast(_ major: Int, _ minor: Int) -> Bool { (self.major, self.minor) >= (major, minor) }

    public var description: String { "v\(major).\(minor).\(patch)" }
}
