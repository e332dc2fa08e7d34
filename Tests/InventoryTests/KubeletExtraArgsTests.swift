import Testing
@testable import Inventory

/// `cluster.kubeletExtraArgs` and `hosts[].kubeletExtraArgs`: parsed, merged per flag, checked where written,
/// shown and read back.
@Suite struct KubeletExtraArgsTests {
    static let inventory = """
        cluster:
          kubeletExtraArgs:
            cgroups-per-qos: "false"
            enforce-node-allocatable: ""
            v: 2
        hosts:
          - name: k8s-master
            address: 10.213.0.11
            roles: [control-plane]
            kubeletExtraArgs: {v: "4", node-labels: "tier=a,zone=b"}
          - name: k8s-node1
            address: 10.213.0.12
            roles: [worker]
          - name: node[2:3]
            address: 10.213.0.[13:14]
            roles: [worker]
            kubeletExtraArgs:
              max-pods:
        """

    @Test func clusterAndHostFlagsAreReadAndMergedPerFlag() throws {
        let result = TestSupport.check(Self.inventory)
        let inventory = try #require(result.inventory, "\(result.diagnostics)")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let cluster = inventory.cluster
        #expect(cluster.kubeletExtraArgs == ["cgroups-per-qos": "false", "enforce-node-allocatable": "", "v": "2"])
        let master = try #require(inventory.host(named: "k8s-master"))
        #expect(master.kubeletExtraArgs == ["v": "4", "node-labels": "tier=a,zone=b"])
        #expect(cluster.kubeletExtraArgs(for: master)
                == ["cgroups-per-qos": "false", "enforce-node-allocatable": "", "v": "4", "node-labels": "tier=a,zone=b"])
        let worker = try #require(inventory.host(named: "k8s-node1"))
        #expect(worker.kubeletExtraArgs.isEmpty)
        #expect(cluster.kubeletExtraArgs(for: worker) == cluster.kubeletExtraArgs)
        // A range's block applies to every host it expands to; an empty value is the empty string.
        for name in ["node2", "node3"] {
            #expect(try #require(inventory.host(named: name)).kubeletExtraArgs == ["max-pods": ""])
        }
    }

    @Test func showPrintsTheFlagsAndReadsBackToTheSameInventory() throws {
        let original = try #require(TestSupport.check(Self.inventory).inventory)
        for format in InventoryWriter.Format.allCases {
            let shown = InventoryWriter.render(original, as: format)
            let reread = TestSupport.check(shown)
            #expect(reread.inventory == original, "\(format): \(reread.diagnostics)\n\(shown)")
        }
        let yaml = InventoryWriter.render(original, as: .yaml)
        #expect(yaml.contains("""
              kubeletExtraArgs:
                cgroups-per-qos: 'false'
                enforce-node-allocatable: ''
                v: '2'
            """), "\(yaml)")
        let json = InventoryWriter.render(original, as: .json)
        #expect(json.contains("\"kubeletExtraArgs\": {\n        \"node-labels\": \"tier=a,zone=b\",\n        \"v\": \"4\"\n      }"), "\(json)")
    }

    @Test func noFlagsShowAsAnEmptyClusterMapAndNoHostField() throws {
        let inventory = try #require(TestSupport.check(TestSupport.valid).inventory)
        let yaml = InventoryWriter.render(inventory, as: .yaml)
        #expect(yaml.contains("  kubeletExtraArgs: {}\n"), "\(yaml)")
        #expect(yaml.components(separatedBy: "kubeletExtraArgs").count == 2, "only the cluster's: \(yaml)")
        #expect(TestSupport.check(yaml).inventory == inventory)
    }

    @Test func leadingDashesAreAnErrorAtTheFlagWithTheFix() {
        let result = TestSupport.check(TestSupport.valid + """

            cluster:
              kubeletExtraArgs:
                --cgroups-per-qos: "false"
            """)
        #expect(!result.isValid)
        let diagnostic = result.diagnostic(containing: "cluster.kubeletExtraArgs: \"--cgroups-per-qos\" starts with dashes")
        #expect(diagnostic?.location.line == 12)
        #expect(diagnostic?.location.column == 5)
        #expect(diagnostic?.fix == "write the name without them: `cgroups-per-qos: \"false\"`")
        #expect(diagnostic?.description.hasPrefix("inv.yaml:12:5: error: ") == true)
    }

    @Test func aValueWrittenIntoTheNameIsAnError() {
        let result = TestSupport.check("""
            hosts:
              - name: k8s-master
                address: 192.168.2.201
                roles: [control-plane]
                kubeletExtraArgs: {"node-ip=10.0.0.1": ""}
            """)
        let diagnostic = result.diagnostic(containing: "hosts[0].kubeletExtraArgs: \"node-ip=10.0.0.1\" holds a value after '='")
        #expect(diagnostic?.location.line == 5)
        #expect(diagnostic?.fix == "write `node-ip: \"10.0.0.1\"`")
    }

    @Test func namesThatAreNoFlagAndValuesWithSpacesAreErrors() {
        let result = TestSupport.check(TestSupport.valid + """

            cluster:
              kubeletExtraArgs:
                "node labels": a
                node-labels: "a=b, c=d"
            """)
        #expect(result.diagnostic(containing: "\"node labels\" is not a kubelet flag name")?.location.line == 12)
        let spaced = result.diagnostic(containing: "cluster.kubeletExtraArgs.node-labels: the value contains a space")
        #expect(spaced?.location.line == 13)
        #expect(spaced?.location.column == 18)
        #expect(spaced?.fix?.contains("comma-separated") == true)
    }

    @Test func aListOrANestedValueIsATypeError() {
        let listed = TestSupport.check(TestSupport.valid + "\ncluster: {kubeletExtraArgs: [cgroups-per-qos=false]}\n")
        let list = listed.diagnostic(containing: "cluster.kubeletExtraArgs must be a mapping of kubelet flag names to values, found a list")
        #expect(list?.location.line == 10)
        #expect(list?.fix?.contains("cgroups-per-qos: \"false\"") == true)
        let nested = TestSupport.check(TestSupport.valid + "\ncluster: {kubeletExtraArgs: {node-labels: [a, b]}}\n")
        #expect(nested.diagnostic(containing: "cluster.kubeletExtraArgs.node-labels must be a single value, found a list") != nil)
    }

    @Test func misspeltFieldSuggestsKubeletExtraArgs() {
        let result = TestSupport.check(TestSupport.valid + "\ncluster: {kubeletArgs: {v: \"2\"}}\n")
        #expect(result.diagnostic(containing: "unknown field \"kubeletArgs\" in cluster; did you mean \"kubeletExtraArgs\"?") != nil)
    }
}
