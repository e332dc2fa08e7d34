import Testing
@testable import Inventory

/// kubespray and kubeasz INI inventories: hosts, addresses, users and roles come across; the rest is reported.
@Suite struct AnsibleImportTests {
    private let options = InventoryLoadOptions(environment: ["HOME": "/home/op"], baseDirectory: "/work", checkFiles: false)

    @Test func kubesprayInventory() throws {
        let result = AnsibleImport.convert(path: TestSupport.fixture("kubespray.ini"), options: options)
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics)")
        let inventory = try #require(result.inventory)
        #expect(inventory.hosts.map(\.name) == ["node1", "node2", "node3", "node4", "node5"])
        // ansible_host is the SSH address, ip the internal one; without ansible_host, access_ip is the address.
        #expect(inventory.hosts.map(\.address) == ["95.54.0.12", "95.54.0.13", "95.54.0.14", "95.54.0.15", "10.3.0.5"])
        #expect(inventory.hosts.map(\.internalAddress) == ["10.3.0.1", "10.3.0.2", "10.3.0.3", "10.3.0.4", "10.3.0.5"])
        #expect(inventory.hosts.map(\.roles) == [[.controlPlane, .etcd], [.controlPlane, .etcd], [.controlPlane, .etcd], [.worker], [.worker]])
        #expect(inventory.hosts.map(\.ssh.user) == ["ubuntu", "ubuntu", "ubuntu", "admin", "ubuntu"])
        #expect(inventory.hosts.map(\.ssh.port) == [22, 22, 22, 2222, 22])
        #expect(inventory.hosts[4].ssh.identityFile == "/home/op/.ssh/node5")
        #expect(inventory.hosts.allSatisfy { $0.ssh.sudo && $0.ssh.password == nil })
        #expect(inventory.hosts[0].ssh.bastion == .init(address: "203.0.113.5", port: 22, user: "jump"))
        #expect(inventory.cluster.kubernetesVersion == "v1.28.0")
        #expect(inventory.cluster.networking.podSubnet == "10.233.64.0/18")
        #expect(inventory.cluster.networking.serviceSubnet == "10.233.0.0/18")
        #expect(inventory.cluster.controlPlaneEndpoint == "lb.example.internal:6443")

        let warnings = result.diagnostics.map { "\($0.location.line): \($0.message)" }
        #expect(warnings == [
            "3: variable etcd_member_name (host node1) has no kubeforge equivalent and is not imported",
            "4: variable etcd_member_name (host node2) has no kubeforge equivalent and is not imported",
            "5: variable etcd_member_name (host node3) has no kubeforge equivalent and is not imported",
            "8: host \"node6\" is in none of the groups kube_control_plane/kube_master, kube_node or etcd; it is not imported",
            "37: ansible_ssh_pass is not imported: kubeforge does not copy passwords into inventories",
            "42: variable upstream_dns_servers (all hosts) has no kubeforge equivalent and is not imported",
        ])
        #expect(!result.yaml.contains("do-not-copy-me"))
        #expect(!result.diagnostics.contains { $0.description.contains("do-not-copy-me") })
    }

    @Test func kubeaszInventory() throws {
        let result = AnsibleImport.convert(path: TestSupport.fixture("kubeasz-hosts"), options: options)
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics)")
        let inventory = try #require(result.inventory)
        #expect(inventory.hosts.map(\.name) == ["master-01", "master-02", "master-03", "worker-01", "worker-02"])
        #expect(inventory.hosts.map(\.address) == ["192.168.1.1", "192.168.1.2", "192.168.1.3", "192.168.1.4", "192.168.1.5"])
        #expect(inventory.hosts.map(\.roles) == [[.controlPlane, .etcd], [.controlPlane, .etcd], [.controlPlane, .etcd], [.worker], [.worker]])
        #expect(inventory.hosts.allSatisfy { $0.ssh.user == "root" })
        #expect(inventory.cluster.networking.podSubnet == "172.20.0.0/16")
        #expect(inventory.cluster.networking.serviceSubnet == "10.68.0.0/16")
        #expect(inventory.cluster.controlPlaneEndpoint == "192.168.1.250:8443")

        let lines = result.diagnostics.map(\.location.line)
        #expect(lines == [23, 24, 25, 31, 32, 33, 34, 37, 39, 40])
        #expect(result.diagnostics.first?.message.contains("group [ex_lb] (2 hosts, 0 variables)") == true)
        #expect(result.diagnostics.allSatisfy { $0.severity == .warning })
    }

    /// What `import` prints is a kubeforge inventory that reads back to the same hosts.
    @Test func importedYAMLReadsBack() throws {
        for fixture in ["kubespray.ini", "kubeasz-hosts"] {
            let result = AnsibleImport.convert(path: TestSupport.fixture(fixture), options: options)
            let reread = InventoryLoader.check(text: result.yaml, file: "imported.yaml", options: options)
            #expect(reread.isValid, "\(fixture): \(reread.diagnostics)")
            #expect(reread.inventory == result.inventory, "\(fixture)")
        }
    }

    /// `-i` accepts INI directly: the loader picks the reader by extension or by the first line.
    @Test func loaderReadsINIInventoriesDirectly() throws {
        let loaded = try InventoryLoader.load(path: TestSupport.fixture("kubeasz-hosts"), options: options)
        #expect(loaded.format == .ansibleINI)
        #expect(loaded.inventory.hosts.count == 5)
        #expect(loaded.warnings.count == 10)
        #expect(InventoryLoader.detectFormat(path: "x.ini", text: "") == .ansibleINI)
        #expect(InventoryLoader.detectFormat(path: "hosts", text: "# c\n\n[kube_master]\n1.2.3.4\n") == .ansibleINI)
        #expect(InventoryLoader.detectFormat(path: "inv", text: "hosts:\n  - name: a\n") == .yaml)
        #expect(InventoryLoader.detectFormat(path: "inv", text: "[a, b]\n") == .yaml)
    }

    @Test func iniProblemsCarryTheirLines() {
        let result = InventoryLoader.check(text: """
            [kube_control_plane]
            cp1 ansible_host=10.0.0.300
            [kube_node]
            w1 ansible_host=10.0.0.2 ansible_port=99999 stray
            [weird:things]
            x=1
            """, file: "bad.ini", format: .ansibleINI, options: options)
        #expect(result.diagnostic(containing: "address \"10.0.0.300\" is not a valid IP address")?.location.line == 2)
        #expect(result.diagnostic(containing: "port \"99999\" is not a TCP port")?.location.line == 4)
        #expect(result.diagnostic(containing: "cannot read \"stray\"")?.location.line == 4)
        #expect(result.diagnostic(containing: "unknown section type \"things\"")?.location.line == 5)
        #expect(!result.isValid)
    }

    @Test func ansibleHostRangesAndChildrenGroups() throws {
        let result = InventoryLoader.check(text: """
            [masters]
            cp1 ansible_host=10.0.0.1
            [kube_control_plane:children]
            masters
            [kube_node]
            node[01:03] ansible_user=debian
            [kube_node:vars]
            ansible_port=2022
            """, file: "r.ini", format: .ansibleINI, options: options)
        let inventory = try #require(result.inventory, "\(result.diagnostics)")
        #expect(inventory.hosts.map(\.name) == ["cp1", "node01", "node02", "node03"])
        #expect(inventory.controlPlaneHosts.map(\.name) == ["cp1"])
        #expect(inventory.workerHosts.allSatisfy { $0.ssh.user == "debian" && $0.ssh.port == 2022 && $0.address == $0.name })
        #expect(inventory.hosts[0].ssh.port == 22)
        // [masters] feeds a role group through :children, so it is mapped, not reported.
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    }
}
