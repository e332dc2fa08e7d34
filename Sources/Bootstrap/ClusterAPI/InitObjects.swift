import Crypto
import Foundation
import KubeAPI
import KubeadmConfig
import Templates

/// The API objects kubeadm's init phases create, rendered from the templates (pure), each list in the order
/// kubeadm sends it (../shared/reference/kubeadm-api/requests.txt).
public struct InitObjects: Sendable {
    public let config: KubeadmConfiguration
    private let renderer: ClusterRenderer
    private let rendered: [String: String]

    public init(config: KubeadmConfiguration, options: RenderOptions = RenderOptions()) throws {
        self.config = config
        renderer = try ClusterRenderer(config: config, options: options)
        rendered = try renderer.clusterObjects()
    }

    /// upload-config/kubeadm: the kubeadm-config ConfigMap, its Role and RoleBinding.
    public func uploadConfigKubeadm() throws -> [KubeObject] { try objects("kubeadm-config") }
    /// upload-config/kubelet: the kubelet-config ConfigMap, its Role and RoleBinding.
    public func uploadConfigKubelet() throws -> [KubeObject] { try objects("kubelet-config") }
    /// bootstrap-token: kubeadm:get-nodes and the three ClusterRoleBindings of node bootstrap.
    public func bootstrapTokenRBAC() throws -> [KubeObject] { try objects("bootstrap-token-rbac") }
    /// upload-certs: the Role and RoleBinding that let bootstrap tokens read kubeadm-certs.
    public func kubeadmCertsRBAC() throws -> [KubeObject] { try objects("kubeadm-certs-rbac") }
    /// v1.29+: the binding that makes admin.conf's group cluster-admin; empty before.
    public func clusterAdmins() throws -> [KubeObject] { try objects("cluster-admins") }
    /// addon/coredns; empty when DNS is disabled.
    public func coreDNS() throws -> [KubeObject] { try objects("coredns") }

    /// addon/kube-proxy; empty when the proxy is disabled. Its ConfigMap carries kubeadm's component-config hash.
    public func kubeProxy() throws -> [KubeObject] {
        try objects("kube-proxy").map { object in object.kind == "ConfigMap" ? Self.signed(object) : object }
    }

    /// bootstrap-token: cluster-info in kube-public (the CA and the control-plane endpoint), its Role and RoleBinding.
    public func clusterInfo(certificateAuthorityPEM: String) throws -> [KubeObject] {
        try KubeObject.objects(yaml: renderer.clusterInfo(certificateAuthorityData: Data(certificateAuthorityPEM.utf8).base64EncodedString()))
    }

    /// The server joining nodes are told about (cluster-info's, kube-proxy's): https:// + controlPlaneEndpoint.
    public var controlPlaneURL: String { renderer.controlPlaneURL }

    private func objects(_ name: String) throws -> [KubeObject] {
        guard let yaml = rendered[name] else { return [] }
        return try KubeObject.objects(yaml: yaml)
    }

    /// kubeadm's `SignConfigMap`: `kubeadm.kubernetes.io/component-config.hash` = sha256 of the data values in key order.
    static func signed(_ configMap: KubeObject) -> KubeObject {
        var hash = SHA256()
        for (_, value) in configMap.stringData.sorted(by: { $0.key < $1.key }) { hash.update(data: Data(value.utf8)) }
        let digest = hash.finalize().map { String(format: "%02x", $0) }.joined()
        var signed = configMap
        var metadata = signed.metadata
        var annotations = metadata["annotations"]?.objectValue ?? [:]
        annotations["kubeadm.kubernetes.io/component-config.hash"] = .string("sha256:\(digest)")
        metadata["annotations"] = .object(annotations)
        signed.metadata = metadata
        return signed
    }
}
