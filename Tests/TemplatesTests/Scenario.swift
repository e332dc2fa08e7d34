import KubeadmConfig
import Templates

/// The configurations the golden files are rendered for.
enum Scenario: String, CaseIterable {
    /// `kubeadm init` with no flags on a host named node1 whose default route is on 10.0.0.10.
    case defaults = "default"
    /// The tutorial: `kubeadm init --control-plane-endpoint k8s-master:6443 --pod-network-cidr 192.168.0.0/16
    /// --service-cidr 10.96.0.0/12 --apiserver-advertise-address 192.168.2.201 --kubernetes-version v1.28.0
    /// --image-repository registry.aliyuncs.com/google_containers` on host k8s-master.
    case tutorial

    var configuration: KubeadmConfiguration {
        get throws {
            var config = KubeadmConfiguration()
            switch self {
            case .defaults:
                config.completeNodeSpecific(hostname: "node1", defaultRouteAddress: "10.0.0.10")
            case .tutorial:
                try Self.tutorialFlags.apply(to: &config)
                config.completeNodeSpecific(hostname: "k8s-master", defaultRouteAddress: "10.0.2.15")
            }
            return config
        }
    }

    var options: RenderOptions {
        var options = RenderOptions()
        if self == .tutorial { options.registryMirrors = ["docker.io": ["https://docker.m.daocloud.io"]] }
        return options
    }

    static var tutorialFlags: InitFlags {
        var flags = InitFlags()
        flags.controlPlaneEndpoint = "k8s-master:6443"
        flags.podNetworkCIDR = "192.168.0.0/16"
        flags.serviceCIDR = "10.96.0.0/12"
        flags.apiserverAdvertiseAddress = "192.168.2.201"
        flags.kubernetesVersion = "v1.28.0"
        flags.imageRepository = "registry.aliyuncs.com/google_containers"
        return flags
    }

    func renderer() throws -> ClusterRenderer {
        try ClusterRenderer(config: configuration, options: options)
    }
}
