/// kubeadm's JoinConfiguration: what `kubeadm join` needs on a joining node.
public struct JoinConfiguration: Equatable, Sendable {
    public var dryRun: Bool = false
    public var nodeRegistration = NodeRegistration()
    public var caCertPath: String = "/etc/kubernetes/pki/ca.crt"
    public var discovery = Discovery()
    /// Set on joining control-plane nodes.
    public var controlPlane: ControlPlane?
    public var skipPhases: [String] = []
    public var patchesDirectory: String = ""
    public var timeouts = Timeouts()

    public init() {}

    public struct Discovery: Equatable, Sendable {
        public var bootstrapToken: BootstrapTokenDiscovery?
        /// `discovery.file.kubeConfigPath`.
        public var kubeConfigPath: String = ""
        public var tlsBootstrapToken: String = ""
        public init() {}
    }

    public struct BootstrapTokenDiscovery: Equatable, Sendable {
        public var token: String = ""
        public var apiServerEndpoint: String = ""
        public var caCertHashes: [String] = []
        public var unsafeSkipCAVerification: Bool = false
        public init() {}
    }

    public struct ControlPlane: Equatable, Sendable {
        public var localAPIEndpoint = APIEndpoint()
        public var certificateKey: String = ""
        public init() {}
    }
}
