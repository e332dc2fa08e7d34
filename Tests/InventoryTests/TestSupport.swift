import Foundation
import Testing
@testable import Inventory

/// Helpers shared by the inventory tests.
enum TestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!.path
    }

    /// No real files are consulted unless a test passes its own options.
    static let options = InventoryLoadOptions(
        environment: ["HOME": "/home/op", "KEYS": "/srv/keys"],
        baseDirectory: "/work",
        checkFiles: true,
        fileExists: { path in path.hasPrefix("/home/op/.ssh/") || path.hasPrefix("/srv/keys/") }
    )

    static func check(_ yaml: String, options: InventoryLoadOptions = TestSupport.options) -> InventoryCheckResult {
        InventoryLoader.check(text: yaml, file: "inv.yaml", format: .yaml, options: options)
    }

    /// A minimal valid inventory to which a test adds one problem.
    static let valid = """
        apiVersion: kubeforge/v1alpha1
        kind: Inventory
        hosts:
          - name: k8s-master
            address: 192.168.2.201
            roles: [control-plane]
          - name: k8s-node1
            address: 192.168.2.202
            roles: [worker]
        """

    static func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("inventory-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension InventoryCheckResult {
    /// The one diagnostic whose message contains `text`; records an issue when there is not exactly one.
    func diagnostic(containing text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> InventoryDiagnostic? {
        let matches = diagnostics.filter { $0.message.contains(text) }
        #expect(matches.count == 1, "expected one diagnostic containing \"\(text)\", got: \(diagnostics.map(\.description))",
                sourceLocation: sourceLocation)
        return matches.first
    }
}
