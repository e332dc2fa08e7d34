/// A validated, normalised inventory: defaults applied, host ranges expanded, paths resolved.
///
/// Produce one with `InventoryLoader.load(path:)`; every host carries its fully merged `ssh` settings,
/// so callers never need to look at the defaults block again.
public struct Inventory: Sendable, Equatable {
    public static let apiVersion = "kubeforge/v1alpha1"
    public static let kind = "Inventory"

    public var cluster: ClusterSettings
    public var hosts: [InventoryHost]

    public init(cluster: ClusterSettings = ClusterSettings(), hosts: [InventoryHost]) {
        self.cluster = cluster
        self.hosts = hosts
    }

    public var controlPlaneHosts: [InventoryHost] { hosts.filter(\.isControlPlane) }
    public var workerHosts: [InventoryHost] { hosts.filter(\.isWorker) }
    /// etcd members: hosts carrying `etcd`; with stacked etcd (no explicit `etcd` role) the control planes.
    public var etcdHosts: [InventoryHost] { hosts.filter(\.isEtcd) }

    public func host(named name: String) -> InventoryHost? {
        hosts.first { $0.name == name }
    }

    /// The hosts a `--hosts` value selects, in inventory order.
    public func hosts(matching selector: HostSelector) throws(HostSelectionError) -> [InventoryHost] {
        try selector.select(from: hosts)
    }
}
