import Testing
@testable import Inventory

/// An identity file that is not on this machine stops the commands that connect (the default), and is only
/// a warning for those that read the inventory (`inventory check|show|import`, `.readOnly`).
@Suite struct MissingIdentityFileTests {
    static let inventory = TestSupport.valid + "\nssh: {identityFile: /keys/absent_ed25519}\n"

    static func options(_ severity: InventoryDiagnostic.Severity) -> InventoryLoadOptions {
        InventoryLoadOptions(environment: [:], baseDirectory: "/work", missingIdentityFile: severity,
                             fileExists: { $0 != "/keys/absent_ed25519" })
    }

    @Test func connectingCommandsRefuseIt() {
        let result = TestSupport.check(Self.inventory, options: Self.options(.error))
        #expect(result.inventory == nil)
        let diagnostic = result.diagnostic(containing: "ssh.identityFile: identity file /keys/absent_ed25519 does not exist")
        #expect(diagnostic?.severity == .error)
        #expect(diagnostic?.location.line == 10)
    }

    @Test func readingCommandsWarnAndKeepTheInventory() throws {
        let result = TestSupport.check(Self.inventory, options: Self.options(.warning))
        let inventory = try #require(result.inventory, "\(result.diagnostics)")
        #expect(inventory.hosts.allSatisfy { $0.ssh.identityFile == "/keys/absent_ed25519" })
        let diagnostic = result.diagnostic(containing: "identity file /keys/absent_ed25519 does not exist on this machine")
        #expect(diagnostic?.severity == .warning)
        #expect(diagnostic?.location.line == 10)
        #expect(diagnostic?.message.contains("commands that connect to the hosts refuse it") == true)
    }

    @Test func theBastionsKeyCountsTheSame() {
        let yaml = TestSupport.valid + "\nssh: {bastion: {address: 203.0.113.5, identityFile: /keys/absent_ed25519}}\n"
        #expect(TestSupport.check(yaml, options: Self.options(.error)).inventory == nil)
        let warned = TestSupport.check(yaml, options: Self.options(.warning))
        #expect(warned.inventory != nil)
        #expect(warned.diagnostic(containing: "ssh.bastion.identityFile: identity file")?.severity == .warning)
    }

    @Test func readOnlyOptionsWarnAndDefaultOptionsRefuse() {
        #expect(InventoryLoadOptions.readOnly.missingIdentityFile == .warning)
        #expect(InventoryLoadOptions.readOnly.checkFiles)
        #expect(InventoryLoadOptions().missingIdentityFile == .error)
    }

    /// `inventory import` converts an INI whose key lives on the machine that ran Ansible.
    @Test func importWarnsAboutAKeyThatIsNotHere() throws {
        let result = AnsibleImport.convert(text: """
            [kube_control_plane]
            cp1 ansible_host=10.0.0.11 ansible_ssh_private_key_file=/keys/absent_ed25519
            """, file: "hosts.ini", options: Self.options(.warning))
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics)")
        #expect(result.inventory != nil)
        #expect(result.yaml.contains("identityFile: /keys/absent_ed25519"))
        #expect(result.diagnostic(containing: "does not exist on this machine")?.location.line == 2)
    }
}

extension AnsibleImport.Result {
    func diagnostic(containing text: String) -> InventoryDiagnostic? {
        let matches = diagnostics.filter { $0.message.contains(text) }
        #expect(matches.count == 1, "\(diagnostics.map(\.description))")
        return matches.first
    }
}
