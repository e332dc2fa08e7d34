import Testing
import KubeadmConfig

struct ConfigDecoderTests {
    @Test func decodesV1beta4WithListExtraArgs() throws {
        let yaml = """
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: InitConfiguration
        localAPIEndpoint:
          advertiseAddress: 192.168.2.201
          bindPort: 6443
        nodeRegistration:
          name: k8s-master
          kubeletExtraArgs:
          - name: node-ip
            value: 192.168.2.201
        timeouts:
          controlPlaneComponentHealthCheck: 5m0s
        ---
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: ClusterConfiguration
        kubernetesVersion: v1.31.2
        controlPlaneEndpoint: k8s-master:6443
        networking:
          podSubnet: 192.168.0.0/16
        apiServer:
          certSANs: [k8s.example.com, 10.0.0.1]
          extraArgs:
          - name: audit-log-path
            value: /var/log/audit.log
          extraVolumes:
          - name: audit
            hostPath: /var/log
            mountPath: /var/log
            pathType: DirectoryOrCreate
        etcd:
          local:
            extraArgs:
            - name: quota-backend-bytes
              value: "8589934592"
        encryptionAlgorithm: ECDSA-P256
        """
        let config = try KubeadmConfiguration.load(yaml: yaml, file: "kubeadm.yaml")
        #expect(config.sourceAPIVersion == .v1beta4)
        #expect(config.initConfiguration.localAPIEndpoint.advertiseAddress == "192.168.2.201")
        #expect(config.initConfiguration.nodeRegistration.kubeletExtraArgs == [Arg("node-ip", "192.168.2.201")])
        #expect(config.controlPlaneHealthCheckTimeout == .minutes(5))
        #expect(config.clusterConfiguration.kubernetesVersion == "v1.31.2")
        #expect(config.clusterConfiguration.apiServer.certSANs == ["k8s.example.com", "10.0.0.1"])
        #expect(config.clusterConfiguration.apiServer.component.extraArgs == [Arg("audit-log-path", "/var/log/audit.log")])
        #expect(config.clusterConfiguration.apiServer.component.extraVolumes.first?.pathType == "DirectoryOrCreate")
        #expect(config.clusterConfiguration.etcd.local?.extraArgs == [Arg("quota-backend-bytes", "8589934592")])
        #expect(config.clusterConfiguration.encryptionAlgorithm == .ecdsaP256)
        // Defaults stay where the file says nothing.
        #expect(config.clusterConfiguration.networking.serviceSubnet == "10.96.0.0/12")
        #expect(config.clusterConfiguration.imageRepository == "registry.k8s.io")
    }

    @Test func decodesV1beta3WithMapExtraArgs() throws {
        let yaml = """
        apiVersion: kubeadm.k8s.io/v1beta3
        kind: ClusterConfiguration
        kubernetesVersion: v1.28.0
        apiServer:
          timeoutForControlPlane: 6m0s
          extraArgs:
            authorization-mode: Node,RBAC
            audit-log-maxage: "30"
        controllerManager:
          extraArgs:
            bind-address: 0.0.0.0
        """
        let config = try KubeadmConfiguration.load(yaml: yaml, file: "old.yaml")
        #expect(config.sourceAPIVersion == .v1beta3)
        #expect(config.clusterConfiguration.apiServer.component.extraArgs == [Arg("audit-log-maxage", "30"), Arg("authorization-mode", "Node,RBAC")])
        #expect(config.clusterConfiguration.controllerManager.extraArgs == [Arg("bind-address", "0.0.0.0")])
        #expect(config.controlPlaneHealthCheckTimeout == .minutes(6))
    }

    @Test func mapExtraArgsInV1beta4NameTheLineAndTheFix() {
        let yaml = """
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: ClusterConfiguration
        apiServer:
          extraArgs:
            audit-log-path: /var/log/audit.log
        """
        let error = #expect(throws: KubeadmConfigError.self) { try KubeadmConfiguration.load(yaml: yaml, file: "c.yaml") }
        let problem = error?.problems.first
        #expect(problem?.code == .wrongType)
        #expect(problem?.line == 5)
        #expect(problem?.field == "apiServer.extraArgs")
        #expect(error?.description.contains("c.yaml:5") == true)
        #expect(error?.description.contains("list of {name, value}") == true)
    }

    @Test func unknownFieldsAreErrorsWithFileLineAndField() {
        let yaml = """
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: ClusterConfiguration
        networking:
          podSubnet: 10.244.0.0/16
          podCIDR: 10.244.0.0/16
        kubernetesVersion: v1.31.0
        """
        let error = #expect(throws: KubeadmConfigError.self) { try KubeadmConfiguration.load(yaml: yaml, file: "/tmp/kubeadm.yaml") }
        #expect(error?.problems == [
            .init(code: .unknownField, file: "/tmp/kubeadm.yaml", line: 5, column: 3, field: "networking.podCIDR", reason: "unknown field"),
        ])
        #expect(error?.description == "/tmp/kubeadm.yaml:5:3: networking.podCIDR: unknown field")
    }

    @Test func collectsEveryBadValue() {
        let yaml = """
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: InitConfiguration
        localAPIEndpoint:
          advertiseAddress: 192.168.2.300
          bindPort: 70000
        bootstrapTokens:
        - token: not-a-token
        ---
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: ClusterConfiguration
        kubernetesVersion: v1.26.0
        networking:
          serviceSubnet: 10.96.0.0/40
        encryptionAlgorithm: DSA
        """
        let error = #expect(throws: KubeadmConfigError.self) { try KubeadmConfiguration.load(yaml: yaml, file: "k.yaml") }
        let fields = error?.problems.map(\.field) ?? []
        #expect(fields == ["localAPIEndpoint.advertiseAddress", "localAPIEndpoint.bindPort", "bootstrapTokens[0].token",
                           "kubernetesVersion", "networking.serviceSubnet", "encryptionAlgorithm"])
        #expect(error?.problems.map(\.line) == [4, 5, 7, 11, 13, 14])
        #expect(error?.problems.allSatisfy { $0.code == .invalidValue } == true)
    }

    @Test func v1beta4OnlyFieldsAreUnknownInV1beta3() {
        let yaml = """
        apiVersion: kubeadm.k8s.io/v1beta3
        kind: ClusterConfiguration
        encryptionAlgorithm: RSA-2048
        """
        let error = #expect(throws: KubeadmConfigError.self) { try KubeadmConfiguration.load(yaml: yaml, file: "k.yaml") }
        #expect(error?.problems.first?.code == .unknownField)
        #expect(error?.problems.first?.field == "encryptionAlgorithm")
    }

    @Test func yamlSyntaxErrorsCarryTheLine() {
        let yaml = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: [10.0.0.0/8\n"
        let error = #expect(throws: KubeadmConfigError.self) { try KubeadmConfiguration.load(yaml: yaml, file: "broken.yaml") }
        #expect(error?.problems.first?.code == .yamlSyntax)
        #expect(error?.problems.first?.file == "broken.yaml")
        #expect(error?.problems.first?.line != nil)
    }

    @Test func rejectsUnknownKindsVersionsAndDuplicates() {
        let yaml = """
        apiVersion: kubeadm.k8s.io/v1beta2
        kind: ClusterConfiguration
        ---
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: MasterConfiguration
        ---
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: InitConfiguration
        ---
        apiVersion: kubeadm.k8s.io/v1beta4
        kind: InitConfiguration
        """
        let error = #expect(throws: KubeadmConfigError.self) { try KubeadmConfiguration.load(yaml: yaml, file: "k.yaml") }
        #expect(error?.problems.map(\.code) == [.unsupportedAPIVersion, .unknownKind, .duplicateDocument])
        #expect(error?.problems.map(\.line) == [1, 5, 11])
    }

    @Test func decodesJoinConfigurationAndComponentConfigs() throws {
        let yaml = """
        apiVersion: kubeadm.k8s.io/v1beta3
        kind: JoinConfiguration
        discovery:
          bootstrapToken:
            apiServerEndpoint: k8s-master:6443
            token: abcdef.0123456789abcdef
            caCertHashes:
            - sha256:\(String(repeating: "ab", count: 32))
          timeout: 2m0s
        controlPlane:
          localAPIEndpoint:
            advertiseAddress: 192.168.2.202
        ---
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        maxPods: 200
        """
        let config = try KubeadmConfiguration.load(yaml: yaml, file: "join.yaml")
        let join = try #require(config.joinConfiguration)
        #expect(join.discovery.bootstrapToken?.apiServerEndpoint == "k8s-master:6443")
        #expect(join.discovery.bootstrapToken?.caCertHashes.count == 1)
        #expect(join.timeouts.discovery == .minutes(2))
        #expect(join.controlPlane?.localAPIEndpoint.advertiseAddress == "192.168.2.202")
        #expect(config.kubeletConfiguration?.contains("maxPods: 200") == true)
    }

    @Test func loadNamesAMissingFile() {
        let error = #expect(throws: KubeadmConfigError.self) { try KubeadmConfiguration.load(contentsOf: "/nonexistent/kubeadm.yaml") }
        #expect(error?.problems.first?.code == .unreadableFile)
        #expect(error?.description.hasPrefix("/nonexistent/kubeadm.yaml") == true)
    }
}
