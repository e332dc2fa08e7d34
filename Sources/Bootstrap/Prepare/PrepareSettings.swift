import Foundation
import Inventory
import KubeadmConfig
import Templates
import KubeTypes

/// What `prepare` makes every host look like: cluster-wide choices from the inventory and the files rendered
/// from `templates/` (containerd config, sysctl and modules-load files).
public struct PrepareSettings: Sendable, Equatable {
    /// What to do about an active firewalld: the inventory's `cluster.firewall`.
    public typealias FirewallPolicy = ClusterSettings.FirewallPolicy

    /// One `/etc/hosts` line of the managed block.
    public struct HostEntry: Sendable, Equatable {
        public var name: String
        public var address: String
        public init(name: String, address: String) {
            self.name = name
            self.address = address
        }
    }

    public var hostEntries: [HostEntry]
    public var ntpServers: [String]
    public var firewall: FirewallPolicy
    /// Absolute path on the host → desired contents (from `ClusterRenderer.nodePreparationFiles()`).
    public var renderedFiles: [String: String]
    /// Suffix of backups: `/etc/fstab.kubeforge-backup-<timestamp>`.
    public var backupTimestamp: String

    public init(hostEntries: [HostEntry], ntpServers: [String], firewall: FirewallPolicy = .disable,
                renderedFiles: [String: String], backupTimestamp: String) {
        self.hostEntries = hostEntries
        self.ntpServers = ntpServers
        self.firewall = firewall
        self.renderedFiles = renderedFiles
        self.backupTimestamp = backupTimestamp
    }

    public static let containerdConfigPath = "/etc/containerd/config.toml"
    public static let sysctlPath = "/etc/sysctl.d/99-kubernetes.conf"
    public static let modulesPath = "/etc/modules-load.d/kubernetes.conf"

    /// Settings for every host of `inventory` (all of them go into /etc/hosts, whatever `--hosts` selects).
    public init(inventory: Inventory, now: Date = Date(), templatesDirectory: String? = nil) throws {
        let cluster = inventory.cluster
        var config = KubeadmConfiguration()
        if let text = cluster.kubernetesVersion {
            config.clusterConfiguration.kubernetesVersion = try KubernetesVersion(parsing: text).description
        }
        config.clusterConfiguration.imageRepository = cluster.imageRepository
        config.clusterConfiguration.networking.serviceSubnet = cluster.networking.serviceSubnet
        config.clusterConfiguration.networking.podSubnet = cluster.networking.podSubnet ?? ""
        var options = RenderOptions()
        options.templatesDirectory = templatesDirectory
        // The inventory lists mirror URLs without a registry; like the tutorial, they mirror Docker Hub.
        if !cluster.registryMirrors.isEmpty { options.registryMirrors = ["docker.io": cluster.registryMirrors] }
        let files = try ClusterRenderer(config: config, options: options).nodePreparationFiles()
        self.init(hostEntries: inventory.hosts.map { HostEntry(name: $0.name, address: $0.internalAddress) },
                  ntpServers: cluster.ntpServers, firewall: cluster.firewall, renderedFiles: files,
                  backupTimestamp: Self.timestamp(now))
    }

    /// `20261122T031500Z`: sortable, no characters a shell or a file name would mind.
    public static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }
}
