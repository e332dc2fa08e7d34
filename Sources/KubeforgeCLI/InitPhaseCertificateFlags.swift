import ArgumentParser
import Foundation
import PKI
import Remote

/// kubeadm's init flags that decide certificates and kubeconfigs, mapped onto `CertificateTreeOptions`.
struct InitPhaseCertificateFlags: ParsableArguments {
    @Option(name: .customLong("cert-dir"), help: "The path where certificates are stored.")
    var certificatesDir = "/etc/kubernetes/pki"

    @Option(help: ArgumentHelp("Resolve every host path under this directory.", valueName: "dir"))
    var rootfs: String?

    @Option(name: .customLong("apiserver-advertise-address"),
            help: "The IP address the API server advertises (default: the address of the default-route interface).")
    var advertiseAddress: String?

    @Option(name: .customLong("apiserver-bind-port"), help: "Port for the API server to bind to.")
    var bindPort = 6443

    @Option(name: .customLong("apiserver-cert-extra-sans"), parsing: .singleValue,
            help: "Extra Subject Alternative Names (IPs or DNS names) for the API server certificate, comma-separated.")
    var extraSANs: [String] = []

    @Option(name: .customLong("control-plane-endpoint"), help: "A stable IP address or DNS name for the control plane.")
    var controlPlaneEndpoint = ""

    @Option(name: .customLong("service-cidr"), help: "IP range for Service virtual IPs.")
    var serviceCIDR = "10.96.0.0/12"

    @Option(name: .customLong("service-dns-domain"), help: "DNS domain of Services.")
    var serviceDNSDomain = "cluster.local"

    @Option(name: .customLong("kubernetes-version"), help: "The Kubernetes version the PKI is made for.")
    var kubernetesVersion = "stable-1"

    @Option(name: .customLong("node-name"), help: "The node name (default: the lower-cased hostname).")
    var nodeName: String?

    var host: LocalHost { LocalHost(rootfs: rootfs) }

    /// The options these flags describe; `kubeconfigDir` is given by the phases that write kubeconfigs.
    func treeOptions(kubeconfigDir: String = "/etc/kubernetes") throws -> CertificateTreeOptions {
        var options = CertificateTreeOptions()
        options.certificatesDir = certificatesDir
        options.kubeconfigDir = kubeconfigDir
        options.nodeName = nodeName ?? ""
        options.advertiseAddress = try advertiseAddress ?? InitPhaseAddressDetection.defaultRouteAddress()
        options.bindPort = bindPort
        options.apiServerCertSANs = extraSANs.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
        options.controlPlaneEndpoint = controlPlaneEndpoint
        options.serviceSubnet = serviceCIDR
        options.dnsDomain = serviceDNSDomain
        options.kubernetesVersion = kubernetesVersion
        return options
    }
}
