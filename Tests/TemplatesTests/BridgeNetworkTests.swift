import Foundation
import Testing
import Templates

/// kubeforge's bridge conflist: valid JSON that CNI's bridge and host-local plugins read, for the node's range.
struct BridgeNetworkTests {
    @Test func conflistCarriesTheNodesRangeAndADefaultRoute() throws {
        let text = try ClusterRenderer(config: try ComponentFlagsTests.config()).bridgeNetwork(podCIDR: "10.244.1.0/24")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let plugins = try #require(json["plugins"] as? [[String: Any]])
        #expect(plugins.map { $0["type"] as? String } == ["bridge", "portmap"])
        let ipam = try #require(plugins[0]["ipam"] as? [String: Any])
        #expect(ipam["type"] as? String == "host-local")
        #expect(((ipam["ranges"] as? [[[String: String]]])?.first?.first)?["subnet"] == "10.244.1.0/24")
        #expect((ipam["routes"] as? [[String: String]])?.first?["dst"] == "0.0.0.0/0")
        #expect(ClusterRenderer.cniConfigPath == "/etc/cni/net.d/10-kubeforge-bridge.conflist")
    }
}
