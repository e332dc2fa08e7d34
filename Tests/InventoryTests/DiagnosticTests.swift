import Testing
@testable import Inventory

/// One test per class of problem: the message says what is wrong, the position points at it.
@Suite struct DiagnosticTests {
    @Test func yamlSyntaxErrorHasItsPosition() {
        let result = TestSupport.check("""
            hosts:
              - name: k8s-master
                address: 192.168.2.201
               roles: [control-plane]
            """)
        #expect(!result.isValid)
        let diagnostic = result.diagnostic(containing: "YAML syntax error")
        #expect(diagnostic?.location.line == 4)
        #expect(diagnostic?.fix != nil)
    }

    @Test func tabIndentationGetsATabHint() {
        let result = TestSupport.check("hosts:\n\t- name: a\n")
        #expect(result.diagnostic(containing: "YAML syntax error")?.fix?.contains("tabs") == true)
    }

    @Test func duplicateYAMLKeys() {
        let result = TestSupport.check("""
            hosts: []
            cluster: {}
            hosts: []
            """)
        let diagnostic = result.diagnostic(containing: "duplicate key \"hosts\"")
        #expect(diagnostic?.location.line == 1)
    }

    @Test func unknownKeySuggestsTheClosestField() {
        let result = TestSupport.check("""
            hosts:
              - name: k8s-master
                adress: 192.168.2.201
                roles: [control-plane]
            """)
        let diagnostic = result.diagnostic(containing: "unknown field \"adress\" in hosts[0]; did you mean \"address\"?")
        #expect(diagnostic?.location.line == 3)
        #expect(diagnostic?.location.column == 5)
        #expect(diagnostic?.fix == "rename it to \"address\"")
    }

    @Test func unknownKeyFromAnotherToolMapsToOurName() {
        let result = TestSupport.check(TestSupport.valid + "\nssh: {keyPath: ~/.ssh/id_rsa}\n")
        let diagnostic = result.diagnostic(containing: "unknown field \"keyPath\" in ssh; did you mean \"identityFile\"?")
        #expect(diagnostic?.location.line == 10)
    }

    @Test func unknownKeyWithoutSuggestionListsTheValidFields() {
        let result = TestSupport.check(TestSupport.valid + "\nflavour: vanilla\n")
        let diagnostic = result.diagnostic(containing: "unknown field \"flavour\" in the inventory")
        #expect(diagnostic?.location.line == 10)
        #expect(diagnostic?.fix?.contains("apiVersion, kind, cluster, ssh, hosts") == true)
    }

    @Test func missingRequiredFields() {
        let result = TestSupport.check("""
            hosts:
              - name: k8s-master
                address: 192.168.2.201
                roles: [control-plane]
              - name: k8s-node1
                roles: [worker]
              - address: 192.168.2.203
                roles: [worker]
              - name: k8s-node3
                roles: [master]
            """)
        #expect(result.diagnostic(containing: "hosts[1] (k8s-node1) is missing required field `address`")?.location.line == 5)
        #expect(result.diagnostic(containing: "hosts[2] is missing required field `name`")?.location.line == 7)
        // A host that cannot be built still has its other fields checked.
        #expect(result.diagnostic(containing: "hosts[3]: unknown role \"master\"")?.location.line == 10)
    }

    @Test func missingHostsSection() {
        let result = TestSupport.check("cluster: {kubernetesVersion: v1.28.0}\n")
        #expect(result.diagnostic(containing: "missing required field `hosts`")?.location.line == 1)
    }

    @Test func nameThatIsNotDNS1123() {
        let result = TestSupport.check(TestSupport.valid.replacingOccurrences(of: "name: k8s-node1", with: "name: K8s_Node1"))
        let diagnostic = result.diagnostic(containing: "name is not a valid DNS-1123 node name")
        #expect(diagnostic?.location.line == 7)
        #expect(diagnostic?.fix == "rename it, e.g. \"k8s-node1\"")
    }

    @Test func duplicateNames() {
        let result = TestSupport.check(TestSupport.valid.replacingOccurrences(of: "name: k8s-node1", with: "name: k8s-master"))
        let diagnostic = result.diagnostic(containing: "duplicate host name \"k8s-master\" (also at line 4)")
        #expect(diagnostic?.location.line == 7)
    }

    @Test func duplicateAddresses() {
        let result = TestSupport.check(TestSupport.valid.replacingOccurrences(of: "192.168.2.202", with: "192.168.2.201"))
        let diagnostic = result.diagnostic(containing: "address 192.168.2.201 (SSH port 22) is already used by host \"k8s-master\" (line 5)")
        #expect(diagnostic?.location.line == 8)
    }

    @Test func sameAddressWithDifferentPortsIsAllowed() {
        let result = TestSupport.check(TestSupport.valid
            .replacingOccurrences(of: "192.168.2.202\n", with: "192.168.2.201\n    internalAddress: 10.0.0.2\n    ssh: {port: 2222}\n"))
        #expect(result.isValid, "\(result.diagnostics)")
    }

    @Test func noControlPlaneHost() {
        let result = TestSupport.check(TestSupport.valid.replacingOccurrences(of: "[control-plane]", with: "[worker]"))
        let diagnostic = result.diagnostic(containing: "no host has the control-plane role")
        #expect(diagnostic?.location.line == 3)
    }

    @Test func evenNumberOfEtcdMembersIsAWarning() {
        let result = TestSupport.check("""
            cluster: {controlPlaneEndpoint: lb.example.com:6443}
            hosts:
              - {name: cp1, address: 10.0.0.11, roles: [control-plane]}
              - {name: cp2, address: 10.0.0.12, roles: [control-plane]}
            """)
        #expect(result.isValid)
        let diagnostic = result.diagnostic(containing: "2 etcd members (stacked on the control planes)")
        #expect(diagnostic?.severity == .warning)
        #expect(diagnostic?.location.line == 4)
        #expect(result.inventory?.etcdHosts.map(\.name) == ["cp1", "cp2"])
    }

    @Test func invalidIPAddress() {
        let result = TestSupport.check(TestSupport.valid.replacingOccurrences(of: "192.168.2.202", with: "192.168.2.300"))
        let diagnostic = result.diagnostic(containing: "address \"192.168.2.300\" is not a valid IP address")
        #expect(diagnostic?.location.line == 8)
        #expect(diagnostic?.location.column == 14)
    }

    @Test func internalAddressMustBeAnIP() {
        let result = TestSupport.check(TestSupport.valid.replacingOccurrences(of: "192.168.2.202\n", with: "192.168.2.202\n    internalAddress: node1.lan\n"))
        #expect(result.diagnostic(containing: "internalAddress \"node1.lan\" is not a valid IP address")?.location.line == 9)
    }

    @Test func invalidPort() {
        let result = TestSupport.check(TestSupport.valid + "\nssh:\n  port: 70000\n")
        let diagnostic = result.diagnostic(containing: "ssh.port \"70000\" is not a TCP port")
        #expect(diagnostic?.location.line == 11)
    }

    @Test func invalidCIDR() {
        let result = TestSupport.check("""
            cluster:
              networking:
                podSubnet: 10.244.0.0/33
            """ + "\n" + TestSupport.valid)
        let diagnostic = result.diagnostic(containing: "cluster.networking.podSubnet \"10.244.0.0/33\" is not a CIDR")
        #expect(diagnostic?.location.line == 3)
    }

    @Test func podAndServiceNetworksThatOverlap() {
        let result = TestSupport.check("""
            cluster:
              networking:
                podSubnet: 10.96.0.0/16
                serviceSubnet: 10.96.0.0/12
            """ + "\n" + TestSupport.valid)
        let diagnostic = result.diagnostic(containing: "podSubnet 10.96.0.0/16 overlaps serviceSubnet 10.96.0.0/12 (line 4)")
        #expect(diagnostic?.location.line == 3)
        #expect(diagnostic?.severity == .error)
    }

    @Test func hostInsideServiceNetworkIsAnError() {
        let result = TestSupport.check(TestSupport.valid.replacingOccurrences(of: "192.168.2.202", with: "10.96.0.20"))
        let diagnostic = result.diagnostic(containing: "address 10.96.0.20 is inside the default serviceSubnet 10.96.0.0/12")
        #expect(diagnostic?.location.line == 8)
        #expect(diagnostic?.severity == .error)
    }

    @Test func hostInsidePodNetworkIsAWarning() {
        let result = TestSupport.check("cluster: {networking: {podSubnet: 192.168.0.0/16}}\n" + TestSupport.valid)
        #expect(result.isValid)
        let warnings = result.diagnostics.filter { $0.message.contains("is inside podSubnet 192.168.0.0/16 (line 1)") }
        #expect(warnings.map(\.location.line) == [6, 9])
        #expect(warnings.allSatisfy { $0.severity == .warning })
    }

    @Test func serviceSubnetOutsideKubeadmLimits() {
        let tooLarge = TestSupport.check("cluster: {networking: {serviceSubnet: 10.0.0.0/8}}\n" + TestSupport.valid)
        let large = tooLarge.diagnostic(containing: "serviceSubnet 10.0.0.0/8 is too large")
        #expect(large?.message.contains("for 32-bit addresses the mask must be >= 12") == true)
        #expect(large?.location.line == 1)

        let tooSmall = TestSupport.check("cluster:\n  networking:\n    serviceSubnet: 10.96.0.0/29\n" + TestSupport.valid)
        let small = tooSmall.diagnostic(containing: "serviceSubnet 10.96.0.0/29 is too small: it has 8 addresses")
        #expect(small?.location.line == 3)

        let ipv6 = TestSupport.check("cluster: {networking: {serviceSubnet: \"fd00:10:96::/100\"}}\n" + TestSupport.valid)
        #expect(ipv6.diagnostic(containing: "for 128-bit addresses the mask must be >= 108") != nil)
    }

    @Test func podSubnetSmallerThanANodeBlock() {
        let result = TestSupport.check("cluster: {networking: {podSubnet: 10.244.0.0/25}}\n" + TestSupport.valid)
        #expect(result.diagnostic(containing: "podSubnet 10.244.0.0/25 is smaller than the /24 block")?.location.line == 1)
    }

    @Test func controlPlaneEndpointThatIsNeitherAddressNorHostName() {
        for bad in ["https://lb:6443", "lb_1.example.com:6443", "10.0.0.300:6443", "lb:99999"] {
            let result = TestSupport.check("cluster:\n  controlPlaneEndpoint: \"\(bad)\"\n" + TestSupport.valid)
            let diagnostic = result.diagnostic(containing: "cluster.controlPlaneEndpoint \"\(bad)\" is neither an IP address nor a host name")
            #expect(diagnostic?.location.line == 2)
        }
    }

    @Test func identityFileThatDoesNotExist() {
        let result = TestSupport.check(TestSupport.valid + "\nssh:\n  identityFile: ~/keys/missing\n")
        let diagnostic = result.diagnostic(containing: "ssh.identityFile: identity file /home/op/keys/missing does not exist")
        #expect(diagnostic?.location.line == 11)
        #expect(diagnostic?.fix?.contains("ssh-keygen") == true)
    }

    @Test func malformedKubernetesVersion() {
        for bad in ["1.28", "v1.28.x", "latest", "v2.0.0", "v1.028.0"] {
            let result = TestSupport.check("cluster:\n  kubernetesVersion: \"\(bad)\"\n" + TestSupport.valid)
            let diagnostic = result.diagnostic(containing: "cluster.kubernetesVersion \"\(bad)\" is not a Kubernetes release version")
            #expect(diagnostic?.location.line == 2)
        }
    }

    @Test func unknownRoleSuggestsTheKubeforgeName() {
        let result = TestSupport.check(TestSupport.valid.replacingOccurrences(of: "[control-plane]", with: "[master]"))
        let diagnostic = result.diagnostic(containing: "hosts[0]: unknown role \"master\"; did you mean \"control-plane\"?")
        #expect(diagnostic?.location.line == 6)
    }

    @Test func severalControlPlanesNeedAnEndpoint() {
        let result = TestSupport.check(TestSupport.valid.replacingOccurrences(of: "[worker]", with: "[control-plane]"))
        #expect(result.diagnostic(containing: "2 control-plane hosts but no cluster.controlPlaneEndpoint") != nil)
    }

    @Test func hostKeyPolicyOutsideTheTwoAllowed() {
        let result = TestSupport.check(TestSupport.valid + "\nssh: {hostKeyPolicy: accept_new}\n")
        let diagnostic = result.diagnostic(containing: "ssh.hostKeyPolicy \"accept_new\" is not a host key policy; did you mean \"accept-new\"?")
        #expect(diagnostic?.location.line == 10)
    }

    @Test func firewallPolicyIsOneOfTwo() {
        let chosen = TestSupport.check(TestSupport.valid + "\ncluster: {firewall: open-ports}\n")
        #expect(chosen.inventory?.cluster.firewall == .openPorts)
        #expect(TestSupport.check(TestSupport.valid).inventory?.cluster.firewall == .disable)
        let result = TestSupport.check(TestSupport.valid + "\ncluster: {firewall: open-port}\n")
        let diagnostic = result.diagnostic(containing: "cluster.firewall \"open-port\" is not a firewall policy; did you mean \"open-ports\"?")
        #expect(diagnostic?.location.line == 10)
        #expect(diagnostic?.fix == "use one of: disable, open-ports")
    }

    @Test func wrongTypes() {
        let result = TestSupport.check("""
            hosts:
              k8s-master: 192.168.2.201
            ssh:
              sudo: maybe
            """)
        #expect(result.diagnostic(containing: "hosts must be a list of hosts, found a mapping")?.location.line == 2)
        #expect(result.diagnostic(containing: "ssh.sudo must be true or false, found \"maybe\"")?.location.line == 4)
    }

    @Test func unsetEnvironmentVariableInAPath() {
        let result = TestSupport.check(TestSupport.valid + "\nssh:\n  identityFile: ${NOPE}/id_ed25519\n")
        #expect(result.diagnostic(containing: "ssh.identityFile: environment variable NOPE is not set")?.location.line == 11)
    }

    @Test func emptyFile() {
        #expect(TestSupport.check("").diagnostic(containing: "the inventory is empty")?.location.line == 1)
        #expect(TestSupport.check("# only a comment\n").diagnostic(containing: "the inventory is empty") != nil)
    }

    @Test func wrongAPIVersionAndKind() {
        let result = TestSupport.check(TestSupport.valid
            .replacingOccurrences(of: "kubeforge/v1alpha1", with: "kubekey.kubesphere.io/v1alpha2")
            .replacingOccurrences(of: "kind: Inventory", with: "kind: Cluster"))
        #expect(result.diagnostic(containing: "unsupported apiVersion \"kubekey.kubesphere.io/v1alpha2\"")?.location.line == 1)
        #expect(result.diagnostic(containing: "kind must be \"Inventory\", found \"Cluster\"")?.location.line == 2)
    }

    /// The point of `check`: one run lists every problem, in file order, each with its position.
    @Test func everyProblemIsListedAtOnce() {
        let result = TestSupport.check("""
            apiVersion: kubeforge/v1alpha1
            kind: Inventory
            cluster:
              kubernetesVersion: "1.28"
              controlPlaneEndpoint: "lb:port"
              networking: {podSubnet: 10.96.0.0/16, serviceSubnet: 10.96.0.0/8}
            ssh:
              port: 0
              hostKeyPolicy: none
            hosts:
              - name: Master_1
                address: 192.168.2.999
                roles: [control-plane]
                extra: 1
              - name: node1
                address: 192.168.2.202
                roles: [wroker]
              - name: node1
                address: 192.168.2.202
                roles: [worker]
            """)
        let errors = result.diagnostics.errors
        #expect(errors.map(\.location.line) == [4, 5, 6, 6, 8, 9, 11, 12, 14, 17, 18, 19])
        #expect(result.inventory == nil)
    }
}
