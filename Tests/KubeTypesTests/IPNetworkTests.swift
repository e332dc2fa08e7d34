import Testing
import KubeTypes

/// Parsing and CIDR maths (moved from InventoryTests with the types).
@Suite struct IPNetworkTests {
    @Test func ipNetworks() throws {
        let service = try #require(IPNetwork("10.96.0.0/12"))
        #expect(service.size == 1 << 20)
        #expect(service.contains(try #require(IPAddress("10.111.255.255"))))
        #expect(!service.contains(try #require(IPAddress("10.112.0.0"))))
        #expect(service.overlaps(try #require(IPNetwork("10.100.0.0/16"))))
        #expect(!service.overlaps(try #require(IPNetwork("10.244.0.0/16"))))
        #expect(!service.overlaps(try #require(IPNetwork("fd00::/8"))))
        let sloppy = try #require(IPNetwork("10.96.0.1/12"))
        #expect(sloppy.hadHostBits && sloppy.description == "10.96.0.0/12")
        #expect(IPNetwork("fd00:10:96::/112")?.size == 65536)
        #expect(IPNetwork("::/0")?.size == Int.max)
        for bad in ["10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "x/8", "10.0.0.0/8/8", "fd00::/129"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }

    @Test func ipAddresses() {
        #expect(IPAddress("192.168.2.201")?.isIPv4 == true)
        #expect(IPAddress("fd00::11")?.isIPv4 == false)
        for bad in ["192.168.2.300", "192.168.2", "1.2.3.4.5", "", "fd00:::1", "1.2.3.4\u{0}"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
        #expect(IPAddress.looksLikeAddress("192.168.2.300"))
        #expect(!IPAddress.looksLikeAddress("k8s-master"))
    }

    /// The entry points the former per-module copies brought with them.
    @Test func hostSloppyAndByteForms() throws {
        #expect(IPAddress(host: "[fd00::1]")?.description == "fd00::1")
        #expect(IPAddress(host: "fe80::1%eth0")?.isLinkLocal == true)
        #expect(IPAddress(sloppy: "010.000.000.009")?.description == "10.0.0.9")
        #expect(IPAddress(sloppy: "::ffff:10.0.0.1")?.bytes == [10, 0, 0, 1])
        #expect(IPAddress("010.000.000.009") == nil)
        #expect(IPAddress("FD00::1") == IPAddress(sloppy: "fd00::1"))
        #expect(IPAddress(validating: [10, 0, 0]) == nil)
        let service = try #require(IPNetwork("fd00:10:96::/108"))
        #expect(service.address(at: 10)?.description == "fd00:10:96::a")
        #expect(IPNetwork("192.168.1.0/30")?.address(at: 4) == nil)
        #expect(IPAddress.joinHostPort("fd00::1", 6443) == "[fd00::1]:6443")
    }
}
