import KubeadmConfig

/// Facts about the target host and choices outside kubeadm's configuration that change what is rendered.
public struct RenderOptions: Sendable {
    /// `--templates DIR`: a file there replaces the embedded template of the same name.
    public var templatesDirectory: String?
    /// Which of kubeadm's optional system CA directories exist on the target host (kubeadm mounts each only
    /// if present when the manifest is generated). Defaults to what Debian 12 has.
    public var hostCACertificatePaths: Set<String> = RenderOptions.debianCACertificatePaths
    /// External-CA mode (`ca.crt` without `ca.key`): the controller-manager gets empty signing cert/key flags.
    public var externalCA: Bool = false
    /// Proxy variables kubeadm copies from its own environment into the control-plane Pods.
    public var proxyEnvironment: [EnvVar] = []
    /// Existing etcd members when this node joins an existing etcd cluster; empty for the first member.
    public var etcdExistingMembers: [EtcdMember] = []
    /// Where binary-mode units find kube-apiserver, kube-controller-manager, kube-scheduler and kube-proxy.
    public var binaryDirectory: String = "/usr/local/bin"
    /// Debian's etcd-server package installs /usr/bin/etcd.
    public var etcdBinary: String = "/usr/bin/etcd"
    /// The kubelet of the Kubernetes packages.
    public var kubeletBinary: String = "/usr/bin/kubelet"
    /// containerd registry mirrors: registry host (`docker.io`) → endpoints.
    public var registryMirrors: [String: [String]] = [:]
    /// `resolvConf` for the kubelet; kubeadm sets /run/systemd/resolve/resolv.conf when systemd-resolved is active.
    public var kubeletResolvConf: String?

    public init() {}

    /// /etc/ca-certificates, /usr/share/ca-certificates and /usr/local/share/ca-certificates exist on Debian 12;
    /// /etc/pki does not.
    public static let debianCACertificatePaths: Set<String> = [
        "/etc/ca-certificates", "/usr/share/ca-certificates", "/usr/local/share/ca-certificates",
    ]
}

/// One etcd member as `--initial-cluster` lists it.
public struct EtcdMember: Equatable, Sendable {
    public var name: String
    public var peerURL: String
    public init(name: String, peerURL: String) {
        self.name = name
        self.peerURL = peerURL
    }
}
