import Testing
@testable import Inventory

/// `--hosts`: names, ranges, roles, all — and clear errors for what matches nothing.
@Suite struct HostSelectorTests {
    private let hosts = [
        InventoryHost(name: "k8s-master", address: "192.168.2.201", roles: [.controlPlane, .etcd]),
        InventoryHost(name: "k8s-node1", address: "192.168.2.202", roles: [.worker]),
        InventoryHost(name: "k8s-node2", address: "192.168.2.203", roles: [.worker]),
    ]

    private func names(_ text: String) throws -> [String] {
        try HostSelector(parsing: text).select(from: hosts).map(\.name)
    }

    @Test func selectsByNameRoleAndAllInInventoryOrder() throws {
        #expect(try names("k8s-node1,k8s-master") == ["k8s-master", "k8s-node1"])
        #expect(try names("role=worker") == ["k8s-node1", "k8s-node2"])
        #expect(try names("role=control-plane, k8s-node2") == ["k8s-master", "k8s-node2"])
        #expect(try names("all") == ["k8s-master", "k8s-node1", "k8s-node2"])
        #expect(try names("k8s-node[1:2]") == ["k8s-node1", "k8s-node2"])
        #expect(try names("role=etcd") == ["k8s-master"])
        #expect(HostSelector.all.description == "all")
    }

    @Test func unknownNamesAreAnErrorWithASuggestion() {
        #expect(throws: HostSelectionError.unknownHosts(["k8s-nod1", "db"], suggestions: ["k8s-node1", nil],
                                                        known: ["k8s-master", "k8s-node1", "k8s-node2"])) {
            try names("k8s-nod1,db,k8s-master")
        }
        let error = HostSelectionError.unknownHosts(["k8s-nod1"], suggestions: ["k8s-node1"], known: ["k8s-master", "k8s-node1"])
        #expect(error.description == "--hosts: no host named \"k8s-nod1\" (did you mean \"k8s-node1\"?) in the inventory; hosts are: k8s-master, k8s-node1")
    }

    @Test func rolesAndEmptySelections() throws {
        #expect(throws: HostSelectionError.unknownRole("db")) { try names("role=db") }
        #expect(throws: HostSelectionError.empty) { try names(" , ") }
        let onlyMaster = Array(hosts.prefix(1))
        #expect(throws: HostSelectionError.noHostWithRole(.worker)) {
            try HostSelector(parsing: "role=worker").select(from: onlyMaster)
        }
        // The old kubeadm word still selects control planes.
        #expect(try names("role=master") == ["k8s-master"])
    }

    @Test func inventoryExposesSelection() throws {
        let inventory = Inventory(hosts: hosts)
        #expect(try inventory.hosts(matching: HostSelector(parsing: "role=worker")).count == 2)
        #expect(inventory.host(named: "k8s-node2")?.address == "192.168.2.203")
    }
}
