import ArgumentParser
import KubeadmConfig
import KubeTypes

/// The `kubeadm init` flags that set configuration fields, for `init`, `init phase …` and `config images list`.
struct KubeadmInitFlagOptions: ParsableArguments {
    @Option(help: "A stable IP address or DNS name (with optional port) for the control plane.")
    var controlPlaneEndpoint: String?

    @Option(help: "Pod network CIDR; the controller-manager allocates node CIDRs from it.")
    var podNetworkCidr: String?

    @Option(help: "Service network CIDR (default 10.96.0.0/12).")
    var serviceCidr: String?

    @Option(help: "Service DNS domain (default cluster.local).")
    var serviceDnsDomain: String?

    @Option(help: "The IP address the API server advertises (default: the default-route interface's address).")
    var apiserverAdvertiseAddress: String?

    @Option(help: "The port the API server binds to (default 6443).")
    var apiserverBindPort: Int?

    @Option(help: "Kubernetes version for the control plane (v1.28–v1.33; default \(KubernetesVersion.kubeforgeDefault)).")
    var kubernetesVersion: String?

    @Option(help: "Registry to pull control-plane images from (default registry.k8s.io).")
    var imageRepository: String?

    @Option(help: "The node name (default: the lower-cased hostname).")
    var nodeName: String?

    @Option(help: "Where certificates are stored (default /etc/kubernetes/pki).")
    var certDir: String?

    @Option(help: "Extra Subject Alternative Names for the API server certificate (comma-separated IPs or DNS names).")
    var apiserverCertExtraSans: String?

    var initFlags: InitFlags {
        var flags = InitFlags()
        flags.controlPlaneEndpoint = controlPlaneEndpoint
        flags.podNetworkCIDR = podNetworkCidr
        flags.serviceCIDR = serviceCidr
        flags.serviceDNSDomain = serviceDnsDomain
        flags.apiserverAdvertiseAddress = apiserverAdvertiseAddress
        flags.apiserverBindPort = apiserverBindPort
        flags.kubernetesVersion = kubernetesVersion
        flags.imageRepository = imageRepository
        flags.nodeName = nodeName
        flags.certDir = certDir
        flags.apiserverCertExtraSANs = apiserverCertExtraSans.map { [$0] }
        return flags
    }
}
