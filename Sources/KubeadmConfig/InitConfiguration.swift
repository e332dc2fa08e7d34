/// kubeadm's InitConfiguration: the node-specific part of `kubeadm init` (never uploaded to the cluster).
public struct InitConfiguration: Equatable, Sendable {
    public var bootstrapTokens: [BootstrapToken] = []
    public var dryRun: Bool = false
    public var nodeRegistration = NodeRegistration()
    public var localAPIEndpoint = APIEndpoint()
    public var certificateKey: String = ""
    public var skipPhases: [String] = []
    public var patchesDirectory: String = ""
    public var timeouts = Timeouts()

    public init() {}
}

/// `localAPIEndpoint`: where this node's API server listens.
public struct APIEndpoint: Equatable, Sendable {
    /// Empty means "detect" (the address of the default-route interface).
    public var advertiseAddress: String = ""
    public var bindPort: Int = 6443

    public init(advertiseAddress: String = "", bindPort: Int = 6443) {
        self.advertiseAddress = advertiseAddress
        self.bindPort = bindPort
    }
}

/// `nodeRegistration`: how this node registers with the cluster.
public struct NodeRegistration: Equatable, Sendable {
    /// Empty means the lower-cased hostname.
    public var name: String = ""
    public var criSocket: String = NodeRegistration.defaultCRISocket
    /// nil ⇒ the control-plane taint on control-plane nodes; `[]` ⇒ none.
    public var taints: [Taint]?
    public var kubeletExtraArgs: [Arg] = []
    public var ignorePreflightErrors: [String] = []
    public var imagePullPolicy: String = "IfNotPresent"
    public var imagePullSerial: Bool = true

    public static let defaultCRISocket = "unix:///var/run/containerd/containerd.sock"

    public init() {}
}

/// A node taint.
public struct Taint: Equatable, Sendable {
    public var key: String
    public var value: String
    public var effect: String

    public init(key: String, value: String = "", effect: String) {
        self.key = key
        self.value = value
        self.effect = effect
    }

    public static let effects: Set<String> = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
}

/// A bootstrap token entry of InitConfiguration.
public struct BootstrapToken: Equatable, Sendable {
    /// `[a-z0-9]{6}.[a-z0-9]{16}`; empty means "generate one".
    public var token: String = ""
    public var description: String = ""
    public var ttl: GoDuration? = .hours(24)
    public var expires: String = ""
    public var usages: [String] = ["signing", "authentication"]
    public var groups: [String] = ["system:bootstrappers:kubeadm:default-node-token"]

    public init() {}

    /// True for `[a-z0-9]{6}.[a-z0-9]{16}` (cluster-bootstrap's token regex).
    public static func isValid(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789")
        return parts.count == 2 && parts[0].count == 6 && parts[1].count == 16 && parts.joined().allSatisfy(allowed.contains)
    }
}

/// What InitConfiguration and JoinConfiguration both carry about running the workflow.
protocol NodeWorkflowConfiguration {
    var dryRun: Bool { get set }
    var skipPhases: [String] { get set }
    var patchesDirectory: String { get set }
    var timeouts: Timeouts { get set }
}

extension InitConfiguration: NodeWorkflowConfiguration {}
extension JoinConfiguration: NodeWorkflowConfiguration {}

/// v1beta4 `timeouts` (shared by Init and Join configurations).
public struct Timeouts: Equatable, Sendable {
    public var controlPlaneComponentHealthCheck: GoDuration = .minutes(4)
    public var kubeletHealthCheck: GoDuration = .minutes(4)
    public var kubernetesAPICall: GoDuration = .minutes(1)
    public var etcdAPICall: GoDuration = .minutes(2)
    public var tlsBootstrap: GoDuration = .minutes(5)
    public var discovery: GoDuration = .minutes(5)
    public var upgradeManifests: GoDuration = .minutes(5)

    public init() {}
}
