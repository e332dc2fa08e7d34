import Foundation
import Testing
@testable import Inventory

/// The shipped examples and the lab's shape validate and mean what they say.
@Suite struct ExampleInventoryTests {
    private func example(_ name: String) -> String {
        TestSupport.repositoryRoot.appendingPathComponent("inventory/\(name)").path
    }

    @Test func tutorialValidatesWithThePodNetworkWarning() throws {
        let result = InventoryLoader.check(path: example("tutorial.yaml"), options: TestSupport.options)
        #expect(result.isValid, "\(result.diagnostics)")
        let inventory = try #require(result.inventory)
        #expect(inventory.hosts.map(\.name) == ["k8s-master", "k8s-node1", "k8s-node2"])
        #expect(inventory.hosts.map(\.address) == ["192.168.2.201", "192.168.2.202", "192.168.2.203"])
        #expect(inventory.controlPlaneHosts.map(\.name) == ["k8s-master"])
        #expect(inventory.etcdHosts.map(\.name) == ["k8s-master"])
        #expect(inventory.cluster.networking.podSubnet == "192.168.0.0/16")
        #expect(inventory.cluster.networking.serviceSubnet == "10.96.0.0/12")
        #expect(inventory.cluster.imageRepository == "registry.aliyuncs.com/google_containers")
        #expect(inventory.cluster.controlPlaneEndpoint == "k8s-master:6443")
        // Calico's 192.168.0.0/16 contains the hosts: three warnings, no error.
        #expect(result.diagnostics.count == 3)
        #expect(result.diagnostics.allSatisfy { $0.severity == .warning && $0.message.contains("inside podSubnet") })
    }

    @Test func haValidatesWithThreeStackedEtcdMembers() throws {
        let result = InventoryLoader.check(path: example("ha.yaml"), options: TestSupport.options)
        #expect(result.isValid, "\(result.diagnostics)")
        let inventory = try #require(result.inventory)
        #expect(inventory.controlPlaneHosts.map(\.name) == ["cp1", "cp2", "cp3"])
        #expect(inventory.etcdHosts.map(\.name) == ["cp1", "cp2", "cp3"])
        #expect(inventory.workerHosts.map(\.name) == ["worker01", "worker02", "worker03", "worker04", "worker05"])
        #expect(inventory.workerHosts.map(\.address) == ["10.0.0.21", "10.0.0.22", "10.0.0.23", "10.0.0.24", "10.0.0.25"])
        #expect(inventory.cluster.controlPlaneEndpoint == "k8s-api.example.internal:6443")
        let bastion = try #require(inventory.hosts.first?.ssh.bastion)
        #expect(bastion == SSHSettings.Bastion(address: "203.0.113.5", port: 22, user: "jump"))
        #expect(inventory.hosts.allSatisfy { $0.ssh.user == "ubuntu" && $0.ssh.sudo })
        #expect(!result.diagnostics.contains { $0.severity == .warning && $0.message.contains("etcd") })
    }

    /// The lab helper's inventory/lab.yaml has this shape; relative key paths start at the current directory.
    @Test func labShapeValidatesAgainstRealFiles() throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lab = directory.appendingPathComponent(".lab")
        try FileManager.default.createDirectory(at: lab, withIntermediateDirectories: true)
        try Data("key".utf8).write(to: lab.appendingPathComponent("id_ed25519"))
        try Data().write(to: lab.appendingPathComponent("known_hosts"))

        let options = InventoryLoadOptions(environment: ["HOME": "/nonexistent"], baseDirectory: directory.path)
        let loaded = try InventoryLoader.load(path: TestSupport.fixture("lab.yaml"), options: options)
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
        let inventory = loaded.inventory
        #expect(inventory.hosts.map(\.name) == ["k8s-master", "k8s-node1", "k8s-node2"])
        #expect(inventory.hosts.map(\.address) == ["10.213.0.11", "10.213.0.12", "10.213.0.13"])
        #expect(inventory.hosts.map(\.roles) == [[.controlPlane, .etcd], [.worker], [.worker]])
        #expect(inventory.cluster.kubeletExtraArgs == ["cgroups-per-qos": "false", "enforce-node-allocatable": ""])
        for host in inventory.hosts {
            #expect(host.ssh.user == "root")
            #expect(host.ssh.identityFile == lab.appendingPathComponent("id_ed25519").path)
            #expect(host.ssh.knownHostsFile == lab.appendingPathComponent("known_hosts").path)
            #expect(host.ssh.hostKeyPolicy == .strict)
        }
    }

    @Test func labShapeWithoutItsKeyNamesTheLine() throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let options = InventoryLoadOptions(environment: [:], baseDirectory: directory.path)
        #expect(throws: InventoryLoadError.self) { try InventoryLoader.load(path: TestSupport.fixture("lab.yaml"), options: options) }
        let result = InventoryLoader.check(path: TestSupport.fixture("lab.yaml"), options: options)
        let missing = result.diagnostic(containing: "ssh.identityFile: identity file \(directory.path)/.lab/id_ed25519 does not exist")
        #expect(missing?.location.line == 15)
        #expect(missing?.location.file.hasSuffix("lab.yaml") == true)
        // strict with no known_hosts: a warning, once, at the knownHostsFile line.
        let knownHosts = result.diagnostics.filter { $0.message.contains("known hosts file") }
        #expect(knownHosts.map(\.location.line) == [16])
    }

    @Test func loadErrorListsEveryProblemWithFileAndLine() {
        let error = InventoryLoadError(path: "x.yaml", diagnostics: [
            InventoryDiagnostic(.error, at: .init(file: "x.yaml", line: 3, column: 5), "first", fix: "do this"),
            InventoryDiagnostic(.warning, at: .init(file: "x.yaml", line: 9, column: 1), "second"),
        ])
        #expect(error.description == """
            x.yaml:3:5: error: first
                fix: do this
            x.yaml:9:1: warning: second
            x.yaml: 1 error in the inventory
            """)
    }

    @Test func missingFileIsADiagnosticNotACrash() {
        let result = InventoryLoader.check(path: "/nonexistent/inventory.yaml", options: TestSupport.options)
        #expect(result.diagnostic(containing: "inventory file not found")?.location.line == 1)
    }
}
