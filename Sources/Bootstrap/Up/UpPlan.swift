import Inventory
import KubeadmConfig
import PKI
import Remote
import Templates
import KubeTypes

/// One inventory host and the transport that reaches it (SSH from the CLI, LocalHost in tests).
public struct UpHost: Sendable {
    public var inventory: InventoryHost
    public var host: any Remote.Host
    public var name: String { inventory.name }

    public init(_ inventory: InventoryHost, host: any Remote.Host) {
        self.inventory = inventory
        self.host = host
    }
}

/// Who does what in `kubeforge up` (pure): the control planes, the etcd members in bring-up order (control
/// planes first, so the first member is the first control plane), and each host's kubeadm configuration.
public struct UpPlan: Sendable {
    public var cluster: ClusterSettings
    public var hosts: [UpHost]
    /// Directory the systemd units run etcd, kube-* from (bundle binaries are installed there).
    public var binaryDirectory = "/usr/local/bin"

    public init(cluster: ClusterSettings, hosts: [UpHost]) {
        self.cluster = cluster
        self.hosts = hosts
    }

    public var controlPlanes: [UpHost] { hosts.filter(\.inventory.isControlPlane) }
    public var workers: [UpHost] { hosts.filter { $0.inventory.isWorker && !$0.inventory.isControlPlane } }
    public var etcdMembers: [UpHost] {
        let members = hosts.filter(\.inventory.isEtcd)
        return members.filter(\.inventory.isControlPlane) + members.filter { !$0.inventory.isControlPlane }
    }
    /// Hosts that receive certificates: control planes and etcd members.
    public var certificateHosts: [UpHost] { hosts.filter { $0.inventory.isControlPlane || $0.inventory.isEtcd } }

    /// `controlPlaneEndpoint` from the inventory, else the first control plane's internal address and 6443.
    public var controlPlaneEndpoint: String {
        if let endpoint = cluster.controlPlaneEndpoint, !endpoint.isEmpty { return endpoint }
        guard let first = controlPlanes.first else { return "" }
        let address = first.inventory.internalAddress
        return (address.contains(":") ? "[\(address)]" : address) + ":\(ClusterSettings.defaultAPIServerPort)"
    }

    /// This host's kubeadm configuration: the cluster's settings plus its own name and advertise address.
    public func configuration(for host: InventoryHost) -> KubeadmConfiguration {
        var config = KubeadmConfiguration()
        let clusterConfig = cluster
        if let text = clusterConfig.kubernetesVersion, let version = try? KubernetesVersion(parsing: text) {
            config.clusterConfiguration.kubernetesVersion = version.description
        }
        config.clusterConfiguration.clusterName = clusterConfig.name
        config.clusterConfiguration.controlPlaneEndpoint = controlPlaneEndpoint
        config.clusterConfiguration.imageRepository = clusterConfig.imageRepository
        config.clusterConfiguration.networking.serviceSubnet = clusterConfig.networking.serviceSubnet
        config.clusterConfiguration.networking.podSubnet = clusterConfig.networking.podSubnet ?? ""
        config.clusterConfiguration.networking.dnsDomain = clusterConfig.networking.dnsDomain
        config.clusterConfiguration.apiServer.certSANs = apiServerSANs
        config.initConfiguration.nodeRegistration.name = host.name
        config.initConfiguration.nodeRegistration.kubeletExtraArgs = clusterConfig.kubeletExtraArgs(for: host)
            .sorted { $0.key < $1.key }.map { Arg($0.key, $0.value) }
        config.initConfiguration.localAPIEndpoint.advertiseAddress = host.internalAddress
        return config
    }

    public func renderOptions() -> RenderOptions {
        var options = RenderOptions()
        options.binaryDirectory = binaryDirectory
        options.etcdBinary = binaryDirectory + "/etcd"
        options.kubeletBinary = binaryDirectory + "/kubelet"
        return options
    }

    /// Every control plane's name and addresses, so each API server certificate is valid behind any of them.
    public var apiServerSANs: [String] {
        var sans: [String] = []
        for host in controlPlanes.map(\.inventory) {
            for san in [host.name, host.address, host.internalAddress] where !sans.contains(san) { sans.append(san) }
        }
        return sans
    }

    /// The certificate tree's options for one host (its own name and address in its leaves).
    public func certificateOptions(for host: InventoryHost, certificatesDir: String, kubeconfigDir: String) -> CertificateTreeOptions {
        let config = configuration(for: host)
        var options = CertificateTreeOptions()
        options.certificatesDir = certificatesDir
        options.kubeconfigDir = kubeconfigDir
        options.nodeName = host.name
        options.advertiseAddress = host.internalAddress
        options.controlPlaneEndpoint = config.clusterConfiguration.controlPlaneEndpoint
        options.apiServerCertSANs = apiServerSANs
        options.serviceSubnet = config.clusterConfiguration.networking.serviceSubnet
        options.dnsDomain = config.clusterConfiguration.networking.dnsDomain
        options.clusterName = config.clusterConfiguration.clusterName
        options.kubernetesVersion = config.clusterConfiguration.kubernetesVersion
        return options
    }
}
