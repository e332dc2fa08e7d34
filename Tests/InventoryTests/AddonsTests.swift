import Testing
@testable import Inventory

/// `cluster.addons`: files (relative paths from the current directory) and URLs, a URL only with its sha256.
@Suite struct AddonsTests {
    static let hosts = """
        hosts:
          - {name: k8s-master, address: 10.213.0.11, roles: [control-plane]}
        """
    static let digest = String(repeating: "ab", count: 32)
    static var options: InventoryLoadOptions {
        var options = TestSupport.options
        options.fileExists = { $0.hasPrefix("/work/manifests/") || $0.hasPrefix("/home/op/") }
        return options
    }

    @Test func filesAndURLsAreReadInOrderShownAndReadBack() throws {
        let yaml = """
            cluster:
              addons:
                - manifests/calico.yaml
                - {file: ~/extra.yaml, sha256: \(Self.digest.uppercased())}
                - {url: https://example.org/calico.yaml, sha256: \(Self.digest)}
            """ + "\n" + Self.hosts
        let result = TestSupport.check(yaml, options: Self.options)
        let inventory = try #require(result.inventory, "\(result.diagnostics)")
        #expect(inventory.cluster.addons == [
            ClusterSettings.Addon(.file("/work/manifests/calico.yaml")),
            ClusterSettings.Addon(.file("/home/op/extra.yaml"), sha256: Self.digest),
            ClusterSettings.Addon(.url("https://example.org/calico.yaml"), sha256: Self.digest),
        ])
        for format in InventoryWriter.Format.allCases {
            let reread = TestSupport.check(InventoryWriter.render(inventory, as: format), options: Self.options)
            #expect(reread.inventory?.cluster.addons == inventory.cluster.addons, "\(format): \(reread.diagnostics)")
        }
        #expect(TestSupport.check(Self.hosts).inventory?.cluster.addons == [])
    }

    @Test func aURLWithoutItsDigestIsRefusedOnItsLine() {
        let result = TestSupport.check("cluster:\n  addons:\n    - https://example.org/calico.yaml\n" + Self.hosts, options: Self.options)
        #expect(result.inventory == nil)
        let problem = result.diagnostics.first { $0.message.contains("has no sha256") }
        #expect(problem?.location.line == 3, "\(result.diagnostics)")
        #expect(problem?.fix?.contains("{url: https://example.org/calico.yaml, sha256:") == true)
    }

    @Test(arguments: [
        ("- {file: a.yaml, url: https://x.org/a.yaml}", "has both `file` and `url`"),
        ("- {sha256: \(digest)}", "names neither a file nor a url"),
        ("- {url: ftp://x.org/a.yaml, sha256: \(digest)}", "is not an http(s) URL"),
        ("- {url: https://x.org/a.yaml, sha256: 1234}", "is not a SHA-256 digest"),
        ("- missing.yaml", "manifest /work/missing.yaml does not exist"),
        ("- {file: a.yaml, sha265: \(digest)}", "did you mean \"sha256\""),
        ("- [a.yaml]", "must be a mapping"),
    ])
    func badEntriesNameTheProblem(entry: String, message: String) {
        let result = TestSupport.check("cluster:\n  addons:\n    \(entry)\n" + Self.hosts, options: Self.options)
        #expect(result.inventory == nil)
        #expect(result.diagnostics.contains { $0.message.contains(message) && $0.location.line == 3 }, "\(result.diagnostics)")
    }

    @Test func addonsMustBeAList() {
        let result = TestSupport.check("cluster:\n  addons: calico.yaml\n" + Self.hosts, options: Self.options)
        #expect(result.diagnostics.contains { $0.message.contains("cluster.addons must be a list") }, "\(result.diagnostics)")
    }
}
