/// Cluster-wide settings, a subset of kubeadm's ClusterConfiguration plus what kubeforge adds
/// (how the control plane runs, where binaries come from, time and registry mirrors).
public struct ClusterSettings: Sendable, Equatable {
    public static let defaultName = "kubernetes"
    public static let defaultImageRepository = "registry.k8s.io"
    public static let defaultAPIServerPort = 6443

    public var name: String
    /// Always `v`-prefixed (`v1.28.0`); nil lets the installing command pick its default.
    public var kubernetesVersion: String?
    /// `host:port`; the port defaults to 6443. Nil means "the first control plane's address".
    public var controlPlaneEndpoint: String?
    public var networking: Networking
    public var imageRepository: String
    public var controlPlaneMode: ControlPlaneMode
    public var firewall: FirewallPolicy
    public var binaries: BinarySource?
    public var ntpServers: [String]
    public var registryMirrors: [String]
    /// kubeadm's `nodeRegistration.kubeletExtraArgs` for every node: flag name (no leading dashes) → value.
    public var kubeletExtraArgs: [String: String]
    /// `network.plugin`: the pod network `up` sets up (a node is Ready only with one).
    public var networkPlugin: NetworkPlugin = .none
    /// `addons`: manifests `up` applies (server-side apply, admin credentials) once the cluster objects exist,
    /// in order — the tutorial's Calico and the like.
    public var addons: [Addon] = []

    public init(
        name: String = ClusterSettings.defaultName,
        kubernetesVersion: String? = nil,
        controlPlaneEndpoint: String? = nil,
        networking: Networking = Networking(),
        imageRepository: String = ClusterSettings.defaultImageRepository,
        controlPlaneMode: ControlPlaneMode = .staticPod,
        firewall: FirewallPolicy = .disable,
        binaries: BinarySource? = nil,
        ntpServers: [String] = [],
        registryMirrors: [String] = [],
        kubeletExtraArgs: [String: String] = [:]
    ) {
        self.name = name
        self.kubernetesVersion = kubernetesVersion
        self.controlPlaneEndpoint = controlPlaneEndpoint
        self.networking = networking
        self.imageRepository = imageRepository
        self.controlPlaneMode = controlPlaneMode
        self.firewall = firewall
        self.binaries = binaries
        self.ntpServers = ntpServers
        self.registryMirrors = registryMirrors
        self.kubeletExtraArgs = kubeletExtraArgs
    }

    /// The kubelet flags `host` runs with: the cluster's, with the host's own merged over them flag by flag.
    public func kubeletExtraArgs(for host: InventoryHost) -> [String: String] {
        kubeletExtraArgs.merging(host.kubeletExtraArgs) { _, own in own }
    }

    /// kubeadm's `networking` block.
    public struct Networking: Sendable, Equatable {
        public static let defaultServiceSubnet = "10.96.0.0/12"
        public static let defaultDNSDomain = "cluster.local"

        /// Nil: no pod CIDR is handed to kubeadm (the CNI decides).
        public var podSubnet: String?
        public var serviceSubnet: String
        public var dnsDomain: String

        public init(
            podSubnet: String? = nil,
            serviceSubnet: String = Networking.defaultServiceSubnet,
            dnsDomain: String = Networking.defaultDNSDomain
        ) {
            self.podSubnet = podSubnet
            self.serviceSubnet = serviceSubnet
            self.dnsDomain = dnsDomain
        }
    }

    public enum ControlPlaneMode: String, Sendable, Equatable, CaseIterable {
        /// kubeadm's way: static Pod manifests run by the kubelet.
        case staticPod = "static-pod"
        /// Control-plane binaries run as systemd units.
        case systemd
    }

    /// The pod network kubeforge itself configures.
    public enum NetworkPlugin: String, Sendable, Equatable, CaseIterable {
        /// None: bring your own (Calico, Flannel, … as `addons` or by hand).
        case none
        /// kubeforge's flat network: on each node a bridge with host-local addresses from the node's podCIDR
        /// (CNI's reference plugins), and a route to every other node's podCIDR through that node.
        case bridge
    }

    /// One `addons` entry: a manifest file (one or more YAML documents) or a URL to fetch it from.
    public struct Addon: Sendable, Equatable, CustomStringConvertible {
        public enum Source: Sendable, Equatable {
            /// An absolute path after loading.
            case file(String)
            case url(String)
        }

        public var source: Source
        /// The manifest's SHA-256 in lower-case hex: required for a URL (what is applied is what was reviewed),
        /// checked for a file when given.
        public var sha256: String?

        public init(_ source: Source, sha256: String? = nil) {
            self.source = source
            self.sha256 = sha256
        }

        /// The path or URL as given.
        public var description: String {
            switch source {
            case let .file(path): path
            case let .url(url): url
            }
        }
    }

    /// What `prepare` does about a running firewalld.
    public enum FirewallPolicy: String, Sendable, Equatable, CaseIterable {
        /// The tutorial's choice: stop and disable it.
        case disable
        /// Keep it, and open the ports each host's roles need (`firewall-cmd --permanent --add-port`).
        case openPorts = "open-ports"
    }

    /// Where Kubernetes binaries come from; checksums are verified by the installer.
    public enum BinarySource: Sendable, Equatable {
        /// A local directory (absolute after loading).
        case directory(String)
        case baseURL(String)
    }
}
