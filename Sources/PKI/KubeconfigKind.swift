/// The kubeconfig files `kubeadm init phase kubeconfig` writes on the first control-plane node.
public enum KubeconfigKind: String, CaseIterable, Sendable {
    case admin
    case superAdmin = "super-admin"
    case kubelet
    case controllerManager = "controller-manager"
    case scheduler

    /// The phase name (`admin`, `super-admin`, …), which is also the file name without `.conf`.
    public var phaseName: String { rawValue }
    public var fileName: String { rawValue + ".conf" }

    /// Which kinds exist for this release (super-admin.conf from v1.29).
    public static func kinds(for release: KubernetesRelease) -> [KubeconfigKind] {
        allCases.filter { $0 != .superAdmin || release.hasClusterAdminsGroup }
    }

    /// User (= client certificate CN), organizations and server for this node.
    public func identity(for resolved: CertificateTreeOptions.Resolved)
        -> (user: String, organizations: [String], server: String)
    {
        switch self {
        case .admin: ("kubernetes-admin", [resolved.release.adminOrganization], resolved.controlPlaneURL)
        case .superAdmin: ("kubernetes-super-admin", ["system:masters"], resolved.controlPlaneURL)
        case .kubelet: ("system:node:\(resolved.nodeName)", ["system:nodes"], resolved.controlPlaneURL)
        case .controllerManager: ("system:kube-controller-manager", [], resolved.localAPIURL)
        case .scheduler: ("system:kube-scheduler", [], resolved.localAPIURL)
        }
    }

    public var longName: String {
        switch self {
        case .admin: "kubeconfig file for the admin and for kubeadm itself"
        case .superAdmin: "kubeconfig file for the super-admin"
        case .kubelet: "kubeconfig file for the kubelet to use (for cluster bootstrapping purposes only)"
        case .controllerManager: "kubeconfig file for the controller manager to use"
        case .scheduler: "kubeconfig file for the scheduler to use"
        }
    }
}
