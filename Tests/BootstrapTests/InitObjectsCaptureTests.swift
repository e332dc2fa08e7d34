import Foundation
import KubeAPI
import KubeadmConfig
import KubeTypes
import LabSupport
import Testing
import Yams
@testable import Bootstrap

/// kubeforge's init objects against what upstream kubeadm v1.28.7 sent (../shared/reference/kubeadm-api/):
/// the same objects, in the same order, field by field (server-set fields and client-go's zero values aside).
struct InitObjectsCaptureTests {
    /// The cluster of the capture: v1.28.7, endpoint 10.213.0.11:6443, pod subnet 10.244.0.0/16.
    static func captureConfiguration() throws -> KubeadmConfiguration {
        var config = KubeadmConfiguration(kubernetesVersion: try KubernetesVersion(parsing: "v1.28.7"))
        config.clusterConfiguration.controlPlaneEndpoint = "10.213.0.11:6443"
        config.clusterConfiguration.networking.podSubnet = "10.244.0.0/16"
        config.initConfiguration.localAPIEndpoint.advertiseAddress = "10.213.0.11"
        config.initConfiguration.nodeRegistration.name = "k8s-master"
        return config
    }

    static func objects() throws -> InitObjects { try InitObjects(config: captureConfiguration()) }

    /// Compares what kubeforge would create with the capture's created objects of `phase`, in order.
    static func expectSame(_ ours: [KubeObject], _ captured: [KubeObject], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ours.map(\.reference) == captured.map(\.reference), sourceLocation: sourceLocation)
        for (mine, theirs) in zip(ours, captured) where mine.comparable != theirs.comparable {
            Issue.record("\(mine.reference) differs from kubeadm's:\nkubeforge: \(String(decoding: mine.comparable.encoded(), as: UTF8.self))\nkubeadm:   \(String(decoding: theirs.comparable.encoded(), as: UTF8.self))",
                         sourceLocation: sourceLocation)
        }
    }

    /// The YAML inside a ConfigMap value, parsed (kubeadm-config holds the configuration kubeadm was given).
    static func yamlValue(_ object: KubeObject?, _ key: String) throws -> JSONValue {
        try JSONValue(yaml: object?.stringData[key] ?? "")
    }

    @Test func uploadConfigObjectsAreKubeadms() throws {
        let captured = try KubeadmCapture.createdObjects("upload-config")
        let ours = try Self.objects().uploadConfigKubeadm() + Self.objects().uploadConfigKubelet()
        #expect(ours.map(\.reference) == captured.map(\.reference))
        // The ConfigMaps' YAML values are compared as YAML; everything else field by field.
        #expect(try Self.yamlValue(ours[0], "ClusterConfiguration") == Self.yamlValue(captured[0], "ClusterConfiguration"))
        #expect(ours[3].stringData["kubelet"] == captured[3].stringData["kubelet"], "kubelet-config is byte-identical")
        Self.expectSame([ours[1], ours[2], ours[4], ours[5]], [captured[1], captured[2], captured[4], captured[5]])
    }

    @Test func bootstrapTokenRBACAndClusterInfoAreKubeadms() throws {
        let captured = try KubeadmCapture.createdObjects("bootstrap-token").filter { $0.kind != "Secret" }
        let caPEM = try #require(try Self.capturedCAPEM())
        let ours = try Self.objects().bootstrapTokenRBAC() + Self.objects().clusterInfo(certificateAuthorityPEM: caPEM)
        Self.expectSame(ours, captured)
        // cluster-info's kubeconfig is byte-identical: the JWS signatures of the capture are over exactly these bytes.
        #expect(ours.first { $0.name == "cluster-info" }?.stringData["kubeconfig"] == captured.first { $0.name == "cluster-info" }?.stringData["kubeconfig"])
    }

    @Test func addonObjectsAreKubeadms() throws {
        let captured = try KubeadmCapture.createdObjects("addon")
        let ours = try Self.objects().coreDNS() + Self.objects().kubeProxy()
        Self.expectSame(ours, captured)
        let proxy = try #require(ours.first { $0.kind == "ConfigMap" && $0.name == "kube-proxy" })
        #expect(proxy.stringData == captured.first { $0.kind == "ConfigMap" && $0.name == "kube-proxy" }?.stringData)
    }

    @Test func kubeadmCertsRBACIsKubeadms() throws {
        let captured = try KubeadmCapture.createdObjects("upload-certs").filter { $0.kind != "Secret" }
        Self.expectSame(try Self.objects().kubeadmCertsRBAC(), captured)
    }

    @Test func clusterAdminsBindingComesWithV129() throws {
        #expect(try Self.objects().clusterAdmins().isEmpty)
        var config = try Self.captureConfiguration()
        config.clusterConfiguration.kubernetesVersion = "v1.29.0"
        let binding = try #require(try InitObjects(config: config).clusterAdmins().first)
        #expect(binding.reference == "clusterrolebindings kubeadm:cluster-admins")
        #expect(binding["roleRef"]?["name"] == .string("cluster-admin"))
        #expect(binding["subjects"]?.arrayValue?.first?["name"] == .string("kubeadm:cluster-admins"))
    }

    /// The cluster CA of the capture, from cluster-info's kubeconfig.
    static func capturedCAPEM() throws -> String? {
        let clusterInfo = try KubeadmCapture.createdObjects("bootstrap-token").first { $0.name == "cluster-info" }
        let kubeconfig = try JSONValue(yaml: clusterInfo?.stringData["kubeconfig"] ?? "")
        let data = kubeconfig["clusters"]?.arrayValue?.first?["cluster"]?["certificate-authority-data"]?.stringValue
        return data.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
    }
}
