import Testing
@testable import Inventory

/// `cluster.network.plugin`: none (the default) or kubeforge's bridge, which needs a pod subnet.
@Suite struct NetworkPluginTests {
    static let hosts = """
        hosts:
          - {name: k8s-master, address: 10.213.0.11, roles: [control-plane]}
        """

    @Test func bridgeWithAPodSubnetIsReadShownAndReadBack() throws {
        let result = TestSupport.check("cluster:\n  networking: {podSubnet: 10.244.0.0/16}\n  network: {plugin: bridge}\n" + Self.hosts)
        let inventory = try #require(result.inventory, "\(result.diagnostics)")
        #expect(inventory.cluster.networkPlugin == .bridge)
        for format in InventoryWriter.Format.allCases {
            let reread = TestSupport.check(InventoryWriter.render(inventory, as: format))
            #expect(reread.inventory?.cluster.networkPlugin == .bridge, "\(format): \(reread.diagnostics)")
        }
        #expect(TestSupport.check(Self.hosts).inventory?.cluster.networkPlugin == ClusterSettings.NetworkPlugin.none)
    }

    @Test func bridgeWithoutAPodSubnetNamesTheLineAndTheFix() {
        let result = TestSupport.check("cluster:\n  network:\n    plugin: bridge\n" + Self.hosts)
        let problem = result.diagnostics.first { $0.message.contains("network.plugin bridge needs") }
        #expect(problem?.location.line == 3)
        #expect(problem?.fix?.contains("podSubnet: 10.244.0.0/16") == true)
    }

    @Test func anUnknownPluginIsRefusedWithTheChoices() {
        let result = TestSupport.check("cluster:\n  network: {plugin: bridg}\n" + Self.hosts)
        #expect(result.inventory == nil)
        #expect(result.diagnostics.contains { $0.message.contains("cluster.network.plugin") && ($0.fix ?? "").contains("bridge") }, "\(result.diagnostics)")
    }
}
