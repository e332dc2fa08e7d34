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
    /// A v1beta4 config file for v1.31 with extraArgs, extraVolumes, extraEnvs, certSANs and kubeletExtraArgs.
    case extras

    var configuration: KubeadmConfiguration {
        get throws {
            var config = KubeadmConfiguration()
            switch self {
            case .defaults:
                config.completeNodeSpecific(hostname: "node1", defaultRouteAddress: "10.0.0.10")
            case .tutorial:
                try Self.tutorialFlags.apply(to: &config)
                config.completeNodeSpecific(hostname: "k8s-master", defaultRouteAddress: "10.0.2.15")
            case .extras:
                config = try KubeadmConfiguration.load(yaml: Self.extrasConfigFile, file: "extras.yaml")
                config.completeNodeSpecific(hostname: "cp1", defaultRouteAddress: "10.0.0.11")
            }
            return config
        }
    }

    var options: RenderOptions {
        var options = RenderOptions()
        if self == .tutorial { options.registryMirrors = ["docker.io": ["https://docker.m.daocloud.io"]] }
        return options
    }

    static let extrasConfigFile = """
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: InitConfiguration
        nodeRegistration:
          kubeletExtraArgs:
          - name: node-ip
            value: 10.0.0.11
        timeouts:
          controlPlaneComponentHealthCheck: 5m0s
        ---
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: ClusterConfiguration
        kubernetesVersion: v1.31.3
        controlPlaneEndpoint: lb.example.com
        networking:
          podSubnet: 10.244.0.0/16
        apiServer:
          certSANs: [lb.example.com, 203.0.113.10]
          extraArgs:
          - name: audit-log-path
            value: /var/log/kubernetes/audit.log
          - name: audit-policy-file
            value: /etc/kubernetes/audit-policy.yaml
          - name: enable-admission-plugins
            value: NodeRestriction,PodSecurity
          extraVolumes:
          - name: audit-log
            hostPath: /var/log/kubernetes
            mountPath: /var/log/kubernetes
            pathType: DirectoryOrCreate
          - name: audit-policy
            hostPath: /etc/kubernetes/audit-policy.yaml
            mountPath: /etc/kubernetes/audit-policy.yaml
            readOnly: true
            pathType: File
          extraEnvs:
          - name: GOMAXPROCS
            value: "2"
        controllerManager:
          extraArgs:
          - name: node-cidr-mask-size
            value: "25"
        scheduler:
          extraArgs:
          - name: bind-address
            value: 0.0.0.0
        etcd:
          local:
            dataDir: /srv/etcd
            extraArgs:
            - name: quota-backend-bytes
              value: "8589934592"
        """

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
