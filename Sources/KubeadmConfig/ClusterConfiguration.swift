import KubeTypes

/// kubeadm's ClusterConfiguration, held in v1beta4 shape (v1beta3's map-valued extraArgs become lists on decode).
public struct ClusterConfiguration: Equatable, Sendable {
    public var etcd = Etcd()
    public var networking = Networking()
    /// Kept as written (`v1.28.0`); ``version`` parses it.
    public var kubernetesVersion: String = KubernetesVersion.kubeforgeDefault.description
    public var controlPlaneEndpoint: String = ""
    public var apiServer = APIServer()
    public var controllerManager = ControlPlaneComponent()
    public var scheduler = ControlPlaneComponent()
    public var dns = DNS()
    public var proxy = Proxy()
    public var certificatesDir: String = "/etc/kubernetes/pki"
    public var imageRepository: String = ClusterConfiguration.defaultImageRepository
    public var featureGates: [String: Bool] = [:]
    public var clusterName: String = "kubernetes"
    public var encryptionAlgorithm: EncryptionAlgorithm = .rsa2048
    public var certificateValidityPeriod: GoDuration = .hours(8760)
    public var caCertificateValidityPeriod: GoDuration = .hours(87600)

    public static let defaultImageRepository = "registry.k8s.io"

    public init() {}

    /// ``kubernetesVersion`` parsed; configurations are validated on load, so this only fails for values set in code.
    public var version: KubernetesVersion {
        (try? KubernetesVersion(parsing: kubernetesVersion)) ?? .kubeforgeDefault
    }

    /// The first service CIDR (`networking.serviceSubnet` may hold a comma-separated dual-stack pair).
    public var primaryServiceSubnet: IPAddressRange? {
        networking.serviceSubnet.split(separator: ",").first.flatMap { IPAddressRange(String($0).trimmingCharacters(in: .whitespaces)) }
    }

    /// The `kubernetes` Service VIP: first address of the first service CIDR (10.96.0.1).
    public var apiServerServiceIP: String? { primaryServiceSubnet?.address(at: 1)?.description }

    /// The cluster DNS IP: tenth address of the first service CIDR (10.96.0.10).
    public var clusterDNSIP: String? { primaryServiceSubnet?.address(at: 10)?.description }

    public struct Etcd: Equatable, Sendable {
        public var local: LocalEtcd? = LocalEtcd()
        public var external: ExternalEtcd?
        public init() {}
    }

    public struct LocalEtcd: Equatable, Sendable {
        public var imageRepository: String = ""
        public var imageTag: String = ""
        public var dataDir: String = "/var/lib/etcd"
        public var extraArgs: [Arg] = []
        public var extraEnvs: [EnvVar] = []
        public var serverCertSANs: [String] = []
        public var peerCertSANs: [String] = []
        public init() {}
    }

    public struct ExternalEtcd: Equatable, Sendable {
        public var endpoints: [String] = []
        public var caFile: String = ""
        public var certFile: String = ""
        public var keyFile: String = ""
        public init() {}
    }

    public struct Networking: Equatable, Sendable {
        public var serviceSubnet: String = "10.96.0.0/12"
        public var podSubnet: String = ""
        public var dnsDomain: String = "cluster.local"
        public init() {}
    }

    public struct APIServer: Equatable, Sendable {
        public var component = ControlPlaneComponent()
        public var certSANs: [String] = []
        /// v1beta3's `timeoutForControlPlane`; v1beta4 moved it to `InitConfiguration.timeouts`.
        public var timeoutForControlPlane: GoDuration?
        public init() {}
    }

    public struct DNS: Equatable, Sendable {
        public var imageRepository: String = ""
        public var imageTag: String = ""
        public var disabled: Bool = false
        public init() {}
    }

    public struct Proxy: Equatable, Sendable {
        public var disabled: Bool = false
        public init() {}
    }

    /// The shared enum, under the name kubeadm's configuration API gives it.
    public typealias EncryptionAlgorithm = KubeTypes.EncryptionAlgorithm
}

/// The settings shared by kube-apiserver, kube-controller-manager and kube-scheduler (and extraArgs of etcd).
public struct ControlPlaneComponent: Equatable, Sendable {
    public var extraArgs: [Arg] = []
    public var extraVolumes: [HostPathMount] = []
    public var extraEnvs: [EnvVar] = []
    public init() {}
}

/// One `extraVolumes` entry: a hostPath volume and its mount.
public struct HostPathMount: Equatable, Sendable {
    public var name: String
    public var hostPath: String
    public var mountPath: String
    public var readOnly: Bool
    /// Kubernetes HostPathType (`DirectoryOrCreate`, `File`, …); empty means unset.
    public var pathType: String

    public init(name: String, hostPath: String, mountPath: String, readOnly: Bool = false, pathType: String = "") {
        self.name = name
        self.hostPath = hostPath
        self.mountPath = mountPath
        self.readOnly = readOnly
        self.pathType = pathType
    }

    /// Host path types the Kubernetes API accepts.
    public static let pathTypes: Set<String> = ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"]
}

/// One `extraEnvs` entry (only literal values; kubeadm accepts a full core EnvVar, valueFrom is not supported here).
public struct EnvVar: Equatable, Sendable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
