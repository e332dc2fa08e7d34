import Testing
import KubeadmConfig

struct ValueTypesTests {
    @Test func serviceSubnetGivesVIPAndDNSAddress() {
        var c = ClusterConfiguration()
        #expect(c.apiServerServiceIP == "10.96.0.1")
        #expect(c.clusterDNSIP == "10.96.0.10")
        c.networking.serviceSubnet = "fd00:10:96::/108,10.96.0.0/12"
        #expect(c.apiServerServiceIP == "fd00:10:96::1")
        #expect(c.clusterDNSIP == "fd00:10:96::a")
    }

    @Test func cidrIsMaskedAndBounded() {
        let range = IPAddressRange("10.96.5.7/12")
        #expect(range?.description == "10.96.0.0/12")
        #expect(IPAddressRange("192.168.1.0/30")?.address(at: 4) == nil)
        #expect(IPAddressRange("10.0.0.0/33") == nil)
        #expect(IPAddressRange("10.0.0.0") == nil)
    }

    @Test func goDurationsRoundTrip() {
        #expect(GoDuration(parsing: "24h0m0s") == .hours(24))
        #expect(GoDuration(parsing: "1h30m")?.description == "1h30m0s")
        #expect(GoDuration(parsing: "90s")?.description == "1m30s")
        #expect(GoDuration.hours(8760).description == "8760h0m0s")
        #expect(GoDuration(parsing: "4 minutes") == nil)
        #expect(GoDuration(parsing: "") == nil)
    }

    @Test func argumentsMergeAsKubeadmDoes() {
        let defaults = [Arg("b", "1"), Arg("a", "1"), Arg("c", "1")]
        let merged = [Arg].merging(defaults: defaults, overrides: [Arg("c", "2"), Arg("c", "0"), Arg("d", "x")])
        #expect(merged.commandLine == ["--a=1", "--b=1", "--c=0", "--c=2", "--d=x"])
    }

    @Test func bootstrapTokenFormat() {
        #expect(BootstrapToken.isValid("abcdef.0123456789abcdef"))
        #expect(!BootstrapToken.isValid("ABCDEF.0123456789abcdef"))
        #expect(!BootstrapToken.isValid("abcdef0123456789abcdef"))
    }
}
