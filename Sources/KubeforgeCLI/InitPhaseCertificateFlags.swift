import ArgumentParser
import Foundation
import KubeadmConfig
import PKI
import Remote
import Bootstrap

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
