import Testing
@testable import Inventory

/// Defaults, per-host overrides, ranges, path expansion and password handling.
@Suite struct DefaultsAndRangesTests {
    @Test func hostSSHBlockOverridesTheDefaultsFieldByField() throws {
        let result = TestSupport.check("""
            ssh:
              user: ubuntu
              port: 2200
              identityFile: ${KEYS}/cluster
              sudo: true
              bastion: {address: 203.0.113.5, user: jump}
            hosts:
              - name: k8s-master
                address: 192.168.2.201
                roles: [control-plane]
              - name: k8s-node1
                address: 192.168.2.202
                roles: [worker]
                ssh: {port: 22, identityFile: ~/.ssh/node1, bastion: null}
              - name: k8s-node2
                address: 192.168.2.203
                roles: [worker]
                ssh:
                  user: admin
                  bastion: {address: jump2.example.com, port: 2022}
            """)
        let inventory = try #require(result.inventory, "\(result.diagnostics)")
        let (master, node1, node2) = (inventory.hosts[0].ssh, inventory.hosts[1].ssh, inventory.hosts[2].ssh)
        #expect(master == SSHSettings(user: "ubuntu", port: 2200, identityFile: "/srv/keys/cluster",
                                      knownHostsFile: "/home/op/.ssh/known_hosts", hostKeyPolicy: .strict,
                                      bastion: .init(address: "203.0.113.5", port: 22, user: "jump", identityFile: "/srv/keys/cluster"),
                                      sudo: true))
        #expect(node1.user == "ubuntu" && node1.port == 22 && node1.sudo)
        #expect(node1.identityFile == "/home/op/.ssh/node1")
        #expect(node1.bastion == nil)
        // A host's bastion replaces the default one; unset fields come from the host's own settings.
        #expect(node2.user == "admin")
        #expect(node2.bastion == .init(address: "jump2.example.com", port: 2022, user: "admin", identityFile: "/srv/keys/cluster"))
    }

    @Test func builtInDefaults() throws {
        let inventory = try #require(TestSupport.check(TestSupport.valid).inventory)
        let host = inventory.hosts[0]
        #expect(host.ssh == SSHSettings(knownHostsFile: "/home/op/.ssh/known_hosts"))
        #expect(host.internalAddress == host.address)
        #expect(inventory.cluster == ClusterSettings())
        #expect(inventory.cluster.networking.serviceSubnet == "10.96.0.0/12")
        #expect(inventory.cluster.networking.dnsDomain == "cluster.local")
        #expect(inventory.cluster.imageRepository == "registry.k8s.io")
    }

    @Test func relativePathsStartAtTheBaseDirectory() throws {
        let options = InventoryLoadOptions(environment: [:], baseDirectory: "/repo", checkFiles: false)
        let inventory = try #require(TestSupport.check(TestSupport.valid + "\nssh: {identityFile: ./.lab/../.lab/id, knownHostsFile: .lab/known_hosts}\n", options: options).inventory)
        #expect(inventory.hosts[0].ssh.identityFile == "/repo/.lab/../.lab/id")
        #expect(inventory.hosts[0].ssh.knownHostsFile == "/repo/.lab/known_hosts")
    }

    @Test func hostRangesExpandNamesAndAddresses() throws {
        let result = TestSupport.check("""
            cluster: {controlPlaneEndpoint: 10.0.0.10}
            hosts:
              - name: cp[1:3]
                address: 10.0.0.[1:3]
                roles: [control-plane]
              - name: node[01:20]
                address: 10.0.0.[11:30]
                internalAddress: 172.16.0.[111:130]
                roles: [worker]
            """)
        let inventory = try #require(result.inventory, "\(result.diagnostics)")
        #expect(inventory.cluster.controlPlaneEndpoint == "10.0.0.10:6443")
        #expect(inventory.hosts.count == 23)
        let workers = inventory.workerHosts
        #expect(workers.first?.name == "node01" && workers.first?.address == "10.0.0.11" && workers.first?.internalAddress == "172.16.0.111")
        #expect(workers.last?.name == "node20" && workers.last?.address == "10.0.0.30" && workers.last?.internalAddress == "172.16.0.130")
        #expect(inventory.etcdHosts.map(\.name) == ["cp1", "cp2", "cp3"])
    }

    @Test func rangeMismatchesAreReported() {
        let single = TestSupport.check(TestSupport.valid + "\n  - {name: \"node[01:20]\", address: 10.0.0.11, roles: [worker]}\n")
        #expect(single.diagnostic(containing: "expands to 20 hosts but address \"10.0.0.11\" is a single value")?.location.line == 10)
        let lengths = TestSupport.check(TestSupport.valid + "\n  - {name: \"node[01:20]\", address: \"10.0.0.[11:20]\", roles: [worker]}\n")
        #expect(lengths.diagnostic(containing: "address range has 10 values but the name range has 20") != nil)
        let malformed = TestSupport.check(TestSupport.valid + "\n  - {name: \"node[01-20]\", address: 10.0.0.11, roles: [worker]}\n")
        #expect(malformed.diagnostic(containing: "has a malformed range")?.location.line == 10)
        let overflow = TestSupport.check(TestSupport.valid + "\n  - {name: \"n[250:260]\", address: \"10.0.0.[250:260]\", roles: [worker]}\n")
        #expect(overflow.diagnostics.errors.map(\.message).filter { $0.contains("is not a valid IP address") }.count == 5)
        let huge = TestSupport.check(TestSupport.valid + "\n  - {name: \"n[0:999999999]\", address: \"10.0.0.[0:999999999]\", roles: [worker]}\n")
        #expect(huge.diagnostics.errors.count == 2)
        #expect(huge.diagnostics.errors.allSatisfy { $0.message.contains("at most 4096 are allowed") })
    }

    @Test func explicitEtcdReplacesStackedEtcd() throws {
        let result = TestSupport.check("""
            hosts:
              - {name: cp1, address: 10.0.0.1, roles: [control-plane]}
              - {name: etcd1, address: 10.0.0.5, roles: [etcd]}
              - {name: w1, address: 10.0.0.9, roles: [worker]}
            """)
        let inventory = try #require(result.inventory)
        #expect(inventory.etcdHosts.map(\.name) == ["etcd1"])
        #expect(inventory.hosts[0].roles == [.controlPlane])
    }

    @Test func passwordsAreWarnedAboutMaskedAndTakenFromTheEnvironment() throws {
        let inFile = TestSupport.check(TestSupport.valid + "\nssh: {password: hunter2}\n")
        let warning = inFile.diagnostic(containing: "ssh.password keeps an SSH password in the inventory file")
        #expect(warning?.severity == .warning && warning?.location.line == 10)
        #expect(warning?.fix?.contains("KUBEFORGE_SSH_PASSWORD") == true)
        #expect(!inFile.diagnostics.contains { $0.description.contains("hunter2") })
        let inventory = try #require(inFile.inventory)
        #expect(inventory.hosts[0].ssh.password?.value == "hunter2")
        #expect("\(inventory.hosts[0].ssh)".contains("hunter2") == false)
        for format in InventoryWriter.Format.allCases {
            let shown = InventoryWriter.render(inventory, as: format)
            #expect(!shown.contains("hunter2"))
            #expect(shown.contains("********"))
        }

        var options = TestSupport.options
        options.environment["KUBEFORGE_SSH_PASSWORD"] = "from-env"
        let fromEnvironment = try #require(TestSupport.check(TestSupport.valid, options: options).inventory)
        #expect(fromEnvironment.hosts.allSatisfy { $0.ssh.password?.value == "from-env" })
    }

    @Test func showOutputReadsBackToTheSameInventory() throws {
        let original = try #require(TestSupport.check("""
            cluster:
              kubernetesVersion: "1.28.2"
              controlPlaneEndpoint: "[fd00::10]"
              networking: {podSubnet: "10.244.0.0/16,fd00:10:244::/56", serviceSubnet: "10.96.0.0/12,fd00:10:96::/112"}
              binaries: {dir: ./bundle}
              registryMirrors: ["https://docker.m.daocloud.io"]
            ssh: {user: ubuntu, sudo: true, bastion: {address: 203.0.113.5}}
            hosts:
              - {name: "node[1:3]", address: "fd00::[11:13]", roles: [control-plane, worker]}
            """).inventory)
        #expect(original.cluster.kubernetesVersion == "v1.28.2")
        #expect(original.cluster.controlPlaneEndpoint == "[fd00::10]:6443")
        #expect(original.cluster.binaries == .directory("/work/bundle"))
        for format in InventoryWriter.Format.allCases {
            let shown = InventoryWriter.render(original, as: format)
            let reread = TestSupport.check(shown)
            #expect(reread.inventory == original, "\(format): \(reread.diagnostics)\n\(shown)")
        }
    }

    /// Found by the fuzz target: a host name in `address` became an explicit (invalid) internalAddress.
    @Test func showOutputOfAHostNameAddressReadsBack() throws {
        let original = try #require(TestSupport.check("""
            apiVersion: kubeforge/v1alpha1
            kind: Inventory
            hosts:
              - {name: cp1, address: cp1.example.internal, roles: [control-plane]}
              - {name: node1, address: 10.0.0x13, roles: [worker]}
              - {name: node2, address: node2.example.internal, internalAddress: 10.0.0.22, roles: [worker]}
            """).inventory)
        #expect(original.hosts.map(\.internalAddress) == ["cp1.example.internal", "10.0.0x13", "10.0.0.22"])
        for format in InventoryWriter.Format.allCases {
            let shown = InventoryWriter.render(original, as: format)
            #expect(!shown.contains("internalAddress: cp1") && !shown.contains("\"internalAddress\": \"cp1"))
            let reread = TestSupport.check(shown)
            #expect(reread.inventory == original, "\(format): \(reread.diagnostics)\n\(shown)")
        }
    }
}
