import Testing
import KubeadmConfig

struct InitFlagsTests {
    @Test func tutorialFlagsLandInTheirFields() throws {
        var flags = InitFlags()
        flags.controlPlaneEndpoint = "k8s-master:6443"
        flags.podNetworkCIDR = "192.168.0.0/16"
        flags.serviceCIDR = "10.96.0.0/12"
        flags.apiserverAdvertiseAddress = "192.168.2.201"
        flags.kubernetesVersion = "v1.28.0"
        flags.imageRepository = "registry.aliyuncs.com/google_containers"
        flags.apiserverCertExtraSANs = ["k8s.example.com,10.1.2.3", "lb.local"]
        flags.nodeName = "k8s-master"
        flags.apiserverBindPort = 8443
        flags.serviceDNSDomain = "corp.local"
        flags.certDir = "/srv/pki"
        var config = KubeadmConfiguration()
        try flags.apply(to: &config)
        let c = config.clusterConfiguration
        #expect(c.controlPlaneEndpoint == "k8s-master:6443")
        #expect(c.networking.podSubnet == "192.168.0.0/16")
        #expect(c.networking.dnsDomain == "corp.local")
        #expect(c.kubernetesVersion == "v1.28.0")
        #expect(c.imageRepository == "registry.aliyuncs.com/google_containers")
        #expect(c.apiServer.certSANs == ["k8s.example.com", "10.1.2.3", "lb.local"])
        #expect(c.certificatesDir == "/srv/pki")
        #expect(config.initConfiguration.localAPIEndpoint == APIEndpoint(advertiseAddress: "192.168.2.201", bindPort: 8443))
        #expect(config.initConfiguration.nodeRegistration.name == "k8s-master")
        #expect(config.outputAPIVersion == .v1beta3)
    }

    @Test func badFlagsAreNamed() {
        var flags = InitFlags()
        flags.podNetworkCIDR = "192.168.0.0"
        flags.apiserverAdvertiseAddress = "master"
        flags.kubernetesVersion = "v1.20.0"
        flags.controlPlaneEndpoint = "k8s-master:99999"
        flags.apiserverCertExtraSANs = ["*.ok.example.com,not a name"]
        var config = KubeadmConfiguration()
        let error = #expect(throws: KubeadmConfigError.self) { try flags.apply(to: &config) }
        #expect(error?.problems.map(\.field).sorted() == ["--apiserver-advertise-address", "--apiserver-cert-extra-sans", "--control-plane-endpoint", "--kubernetes-version", "--pod-network-cidr"])
        #expect(error?.problems.allSatisfy { $0.code == .invalidFlag && $0.file == nil } == true)
    }

    @Test func configBoundFlagsCannotBeMixedWithConfig() {
        var flags = InitFlags()
        flags.podNetworkCIDR = "10.244.0.0/16"
        flags.nodeName = "n1"
        var config = KubeadmConfiguration()
        let error = #expect(throws: KubeadmConfigError.self) { try flags.apply(to: &config, fromConfigFile: true) }
        #expect(error?.problems.map(\.field) == ["--pod-network-cidr"])
        #expect(error?.problems.first?.code == .mixedFlags)
    }

    @Test func nodeSpecificDefaultsFillOnlyWhatIsEmpty() {
        var config = KubeadmConfiguration()
        config.initConfiguration.localAPIEndpoint.advertiseAddress = "0.0.0.0"
        config.completeNodeSpecific(hostname: "Node-A", defaultRouteAddress: "10.1.1.1")
        #expect(config.initConfiguration.nodeRegistration.name == "node-a")
        #expect(config.initConfiguration.localAPIEndpoint.advertiseAddress == "10.1.1.1")
        config.completeNodeSpecific(hostname: "other", defaultRouteAddress: "10.9.9.9")
        #expect(config.initConfiguration.nodeRegistration.name == "node-a")
    }
}

struct JoinSettingsTests {
    @Test func joinNodeSettingsBecomeTheRenderedOnes() throws {
        var config = try KubeadmConfiguration.load(yaml: """
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: JoinConfiguration
        nodeRegistration:
          name: cp2
        controlPlane:
          localAPIEndpoint:
            advertiseAddress: 192.168.2.202
            bindPort: 6443
        discovery:
          bootstrapToken:
            apiServerEndpoint: k8s-master:6443
            token: abcdef.0123456789abcdef
            unsafeSkipCAVerification: true
        """, file: "join.yaml")
        config.adoptJoinNodeSettings()
        #expect(config.initConfiguration.nodeRegistration.name == "cp2")
        #expect(config.initConfiguration.localAPIEndpoint.advertiseAddress == "192.168.2.202")
    }
}
