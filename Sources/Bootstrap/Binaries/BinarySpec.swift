/// One executable kubeforge installs on a host, and how to ask it for its version.
public struct BinarySpec: Sendable, Hashable {
    /// The file name in a bundle directory or under a download base URL (`etcd`, `kube-apiserver`).
    public var name: String
    /// Where it is installed on the host.
    public var installPath: String
    /// Arguments that make it print its version (`--version`; etcdctl wants `version`).
    public var versionArguments: [String]
    /// The version it must report (`3.4.23`, `v1.28.0`; a leading `v` is ignored); nil accepts any version.
    public var expectedVersion: String?

    public init(name: String, installPath: String, versionArguments: [String] = ["--version"], expectedVersion: String? = nil) {
        self.name = name
        self.installPath = installPath
        self.versionArguments = versionArguments
        self.expectedVersion = expectedVersion
    }

    public static let defaultInstallDirectory = "/usr/local/bin"

    public static func etcd(version: String? = nil, directory: String = defaultInstallDirectory) -> BinarySpec {
        BinarySpec(name: "etcd", installPath: "\(directory)/etcd", expectedVersion: version)
    }

    public static func etcdctl(version: String? = nil, directory: String = defaultInstallDirectory) -> BinarySpec {
        BinarySpec(name: "etcdctl", installPath: "\(directory)/etcdctl", versionArguments: ["version"], expectedVersion: version)
    }

    /// kube-apiserver, kube-controller-manager, kube-scheduler, kube-proxy, kubelet (all print `Kubernetes vX.Y.Z`).
    public static func kubernetes(_ name: String, version: String? = nil, directory: String = defaultInstallDirectory) -> BinarySpec {
        BinarySpec(name: name, installPath: "\(directory)/\(name)", expectedVersion: version)
    }

    /// `kubectl version --client` (kubectl has no `--version`).
    public static func kubectl(version: String? = nil, directory: String = defaultInstallDirectory) -> BinarySpec {
        BinarySpec(name: "kubectl", installPath: "\(directory)/kubectl", versionArguments: ["version", "--client"], expectedVersion: version)
    }
}
