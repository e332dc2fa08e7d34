/// The four static-Pod components kubeadm writes to /etc/kubernetes/manifests.
public enum ControlPlaneComponentName: String, CaseIterable, Sendable {
    case apiServer = "kube-apiserver"
    case controllerManager = "kube-controller-manager"
    case scheduler = "kube-scheduler"
    case etcd

    /// `init phase control-plane <name>` sub-phase names, and `etcd` for `init phase etcd local`.
    public var phaseName: String {
        switch self {
        case .apiServer: "apiserver"
        case .controllerManager: "controller-manager"
        case .scheduler: "scheduler"
        case .etcd: "etcd"
        }
    }
}
