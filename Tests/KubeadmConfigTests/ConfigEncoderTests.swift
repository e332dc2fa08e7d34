import Testing
import KubeadmConfig
import KubeTypes

struct ConfigEncoderTests {
    @Test func initDefaultsV1beta4() throws {
        let text = ConfigEncoder.initDefaults(for: try KubernetesVersion(parsing: "v1.31.4"))
        #expect(text == """
        apiVersion: kubeadm.k8s.io/v1beta4
        bootstrapTokens:
        - groups:
          - system:bootstrappers:kubeadm:default-node-token
          token: abcdef.0123456789abcdef
          ttl: 24h0m0s
          usages:
          - signing
          - authentication
        kind: InitConfiguration
        localAPIEndpoint:
          advertiseAddress: 1.2.3.4
          bindPort: 6443
        nodeRegistration:
          criSocket: unix:///var/run/containerd/containerd.sock
          imagePullPolicy: IfNotPresent
          imagePullSerial: true
          name: node
          taints: null
        timeouts:
          controlPlaneComponentHealthCheck: 4m0s
          discovery: 5m0s
          etcdAPICall: 2m0s
          kubeletHealthCheck: 4m0s
          kubernetesAPICall: 1m0s
          tlsBootstrap: 5m0s
          upgradeManifests: 5m0s
        ---
        apiServer: {}
        apiVersion: kubeadm.k8s.io/v1beta4
        caCertificateValidityPeriod: 87600h0m0s
        certificateValidityPeriod: 8760h0m0s
        certificatesDir: /etc/kubernetes/pki
        clusterName: kubernetes
        controllerManager: {}
        dns: {}
        encryptionAlgorithm: RSA-2048
        etcd:
          local:
            dataDir: /var/lib/etcd
        imageRepository: registry.k8s.io
        kind: ClusterConfiguration
        kubernetesVersion: 1.31.0
        networking:
          dnsDomain: cluster.local
          serviceSubnet: 10.96.0.0/12
        proxy: {}
        scheduler: {}

        """)
    }

    @Test func initDefaultsV1beta3BeforeV131() throws {
        let text = ConfigEncoder.initDefaults(for: try KubernetesVersion(parsing: "v1.28.0"))
        #expect(text.contains("apiVersion: kubeadm.k8s.io/v1beta3"))
        #expect(text.contains("apiServer:\n  timeoutForControlPlane: 4m0s\n"))
        #expect(!text.contains("imagePullSerial"))
        #expect(!text.contains("encryptionAlgorithm"))
        #expect(text.contains("kubernetesVersion: 1.28.0\n"))
    }

    @Test(arguments: [KubeadmAPIVersion.v1beta3, .v1beta4])
    func encodedConfigurationDecodesToTheSame(_ apiVersion: KubeadmAPIVersion) throws {
        var config = KubeadmConfiguration(kubernetesVersion: try KubernetesVersion(parsing: "v1.30.1"))
        config.clusterConfiguration.controlPlaneEndpoint = "lb:6443"
        config.clusterConfiguration.apiServer.component.extraArgs = [Arg("audit-log-path", "-"), Arg("v", "2")]
        config.clusterConfiguration.apiServer.certSANs = ["10.0.0.1"]
        config.clusterConfiguration.featureGates = ["EtcdLearnerMode": true]
        config.initConfiguration.nodeRegistration.taints = []
        if apiVersion == .v1beta3 { config.clusterConfiguration.apiServer.timeoutForControlPlane = .minutes(4) }
        let yaml = ConfigEncoder.initConfiguration(config.initConfiguration, as: apiVersion).render() + "---\n"
            + ConfigEncoder.clusterConfiguration(config.clusterConfiguration, as: apiVersion).render()
        var decoded = try KubeadmConfiguration.load(yaml: yaml, file: "roundtrip.yaml")
        decoded.sourceAPIVersion = nil
        #expect(decoded == config)
    }

    @Test func quotesScalarsYAMLWouldRetype() {
        #expect(YAMLValue.quoted("true") == "\"true\"")
        #expect(YAMLValue.quoted("8589934592") == "\"8589934592\"")
        #expect(YAMLValue.quoted("") == "\"\"")
        #expect(YAMLValue.quoted("*,bootstrapsigner") == "\"*,bootstrapsigner\"")
        #expect(YAMLValue.quoted("--controllers=*,bootstrapsigner,tokencleaner") == "--controllers=*,bootstrapsigner,tokencleaner")
        #expect(YAMLValue.quoted("a: b") == "\"a: b\"")
    }
}
