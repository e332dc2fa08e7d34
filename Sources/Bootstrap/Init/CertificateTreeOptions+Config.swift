import Foundation
import KubeadmConfig
import PKI

extension CertificateTreeOptions {
    /// What a kubeadm configuration says about the certificate tree (PKI does not know kubeadm's configuration types).
    public init(_ configuration: KubeadmConfiguration, kubeconfigDir: String) throws {
        let cluster = configuration.clusterConfiguration
        let node = configuration.initConfiguration
        self.init()
        certificatesDir = cluster.certificatesDir
        self.kubeconfigDir = kubeconfigDir
        nodeName = node.nodeRegistration.name
        advertiseAddress = node.localAPIEndpoint.advertiseAddress
        bindPort = node.localAPIEndpoint.bindPort
        controlPlaneEndpoint = cluster.controlPlaneEndpoint
        apiServerCertSANs = cluster.apiServer.certSANs
        etcdServerCertSANs = cluster.etcd.local?.serverCertSANs ?? []
        etcdPeerCertSANs = cluster.etcd.local?.peerCertSANs ?? []
        externalEtcd = cluster.etcd.external != nil
        serviceSubnet = cluster.networking.serviceSubnet
        dnsDomain = cluster.networking.dnsDomain
        clusterName = cluster.clusterName
        kubernetesVersion = cluster.kubernetesVersion
        encryptionAlgorithm = cluster.encryptionAlgorithm
        certificateValidity = TimeInterval(cluster.certificateValidityPeriod.seconds)
        caCertificateValidity = TimeInterval(cluster.caCertificateValidityPeriod.seconds)
    }
}
