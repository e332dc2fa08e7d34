import ArgumentParser
import Foundation
import KubeadmConfig
import PKI
import Remote

/// kubeadm's init flags and `--config`, as the certificate and kubeconfig phases read them: one kubeadm
/// configuration (defaults, then the file, then flags) mapped onto `CertificateTreeOptions`.
struct InitPhaseCertificateFlags: ParsableArguments {
    @OptionGroup var kubeadm: KubeadmInitFlagOptions

    @Option(help: "A kubeadm configuration file (InitConfiguration and ClusterConfiguration, v1beta3 or v1beta4).")
    var config: String?

    @Option(help: ArgumentHelp("Resolve every host path under this directory.", valueName: "dir"))
    var rootfs: String?

    var host: LocalHost { LocalHost(rootfs: rootfs) }

    /// The options these flags describe; `kubeconfigDir` is given by the phases that write kubeconfigs.
    func treeOptions(kubeconfigDir: String = "/etc/kubernetes") throws -> CertificateTreeOptions {
        var configuration = try ConfigInput.load(configFile: config, flags: kubeadm.initFlags, rejectMixedFlags: true)
        // Unset or unspecified (0.0.0.0, ::) means "detect", as in kubeadm; detect only then.
        let advertise = configuration.initConfiguration.localAPIEndpoint.advertiseAddress
        let detected = ["", "0.0.0.0", "::"].contains(advertise) ? try InitPhaseAddressDetection.defaultRouteAddress() : advertise
        configuration.completeNodeSpecific(hostname: ProcessInfo.processInfo.hostName, defaultRouteAddress: detected)
        return try CertificateTreeOptions(configuration, kubeconfigDir: kubeconfigDir)
    }
}

extension CertificateTreeOptions {
    /// What a kubeadm configuration says about the certificate tree (the composition root's mapping:
    /// PKI does not know kubeadm's configuration types).
    init(_ configuration: KubeadmConfiguration, kubeconfigDir: String) throws {
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
