import Testing
@testable import Inventory

/// The small parsers under the validator.
@Suite struct ValueParsingTests {
    @Test func endpoints() {
        #expect(Endpoint("k8s-master", defaultPort: 6443)?.description == "k8s-master:6443")
        #expect(Endpoint("192.168.2.200:8443", defaultPort: 6443)?.description == "192.168.2.200:8443")
        #expect(Endpoint("[fd00::10]:6443", defaultPort: 6443)?.description == "[fd00::10]:6443")
        #expect(Endpoint("fd00::10", defaultPort: 6443)?.description == "[fd00::10]:6443")
        for bad in ["", ":6443", "lb:", "lb:0", "[10.0.0.1]:6443", "lb_1:6443", "https://lb", "[fd00::1"] {
            #expect(Endpoint(bad, defaultPort: 6443) == nil, "\(bad)")
        }
    }

    @Test func kubernetesVersions() {
        #expect(KubernetesVersion("v1.28.0")?.description == "v1.28.0")
        #expect(KubernetesVersion("1.28.2")?.description == "v1.28.2")
        #expect(KubernetesVersion("v1.30.0-rc.1")?.description == "v1.30.0-rc.1")
        for bad in ["1.28", "v1.28", "stable-1", "v1.28.0-", "v1..0", "v01.28.0", "v1.28.0 "] {
            #expect(KubernetesVersion(bad) == nil, "\(bad)")
        }
    }

    @Test func dnsNames() {
        #expect(DNSName.isSubdomain("k8s-master"))
        #expect(DNSName.isSubdomain("node1.example.com"))
        #expect(!DNSName.isSubdomain("K8s-Master"))
        #expect(!DNSName.isSubdomain("-node"))
        #expect(!DNSName.isSubdomain("node..a"))
        #expect(!DNSName.isSubdomain(String(repeating: "a", count: 64)))
        #expect(DNSName.suggestion(for: "K8s_Master_") == "k8s-master")
    }

    @Test func hostRanges() throws {
        #expect(try HostRange.parse("node[01:03]")?.values == ["node01", "node02", "node03"])
        #expect(try HostRange.parse("10.0.0.[9:11]")?.values == ["10.0.0.9", "10.0.0.10", "10.0.0.11"])
        #expect(try HostRange.parse("plain") == nil)
        #expect(throws: HostRange.ParseError.descending(5, 1)) { try HostRange.parse("n[5:1]") }
        #expect(throws: HostRange.ParseError.malformed("n[a:c]")) { try HostRange.parse("n[a:c]") }
        #expect(throws: HostRange.ParseError.malformed("n[1:2][3:4]")) { try HostRange.parse("n[1:2][3:4]") }
        #expect(throws: HostRange.ParseError.tooLarge(5000)) { try HostRange.parse("n[1:5000]") }
    }

    @Test func pathExpansion() throws {
        let expander = PathExpander(environment: ["HOME": "/home/op", "K": "/keys"], baseDirectory: "/repo")
        #expect(try expander.expand("~/.ssh/id") == "/home/op/.ssh/id")
        #expect(try expander.expand("${K}/a/${K}") == "/keys/a/keys")
        #expect(try expander.expand(".lab/id") == "/repo/.lab/id")
        #expect(try expander.expand("/abs//x/./y") == "/abs/x/y")
        #expect(throws: PathExpander.ExpansionError.unsetVariable("NOPE")) { try expander.expand("${NOPE}/x") }
        #expect(throws: PathExpander.ExpansionError.unterminatedVariable) { try expander.expand("${K/x") }
        #expect(throws: PathExpander.ExpansionError.otherUsersHome) { try expander.expand("~bob/x") }
    }

    @Test func keySuggestions() {
        #expect(InventorySchema.suggestion(for: "adress", among: InventorySchema.host) == "address")
        #expect(InventorySchema.suggestion(for: "Roles", among: InventorySchema.host) == "roles")
        #expect(InventorySchema.suggestion(for: "privateAddress", among: InventorySchema.host) == "internalAddress")
        #expect(InventorySchema.suggestion(for: "colour", among: InventorySchema.host) == nil)
    }

    @Test func passwordsNeverPrint() {
        let password = SSHPassword("hunter2")
        #expect("\(password)" == "********")
        #expect(String(reflecting: password) == "********")
    }
}
