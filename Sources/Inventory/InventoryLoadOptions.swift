import Foundation

/// What loading an inventory may look at outside the file: the environment (for `~`, `${VAR}` and
/// KUBEFORGE_SSH_PASSWORD), the directory relative paths start from, and whether a file exists.
public struct InventoryLoadOptions: Sendable {
    public var environment: [String: String]
    public var baseDirectory: String
    /// Whether identity and known-hosts files are looked for on this machine (tests may not).
    public var checkFiles: Bool
    /// What an identity file missing on this machine is: an error where a connection is made (the default),
    /// a warning for commands that only read the inventory and may run elsewhere (`inventory check|show|import`).
    public var missingIdentityFile: InventoryDiagnostic.Severity
    public var fileExists: @Sendable (String) -> Bool

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        baseDirectory: String = FileManager.default.currentDirectoryPath,
        checkFiles: Bool = true,
        missingIdentityFile: InventoryDiagnostic.Severity = .error,
        fileExists: @escaping @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) {
        self.environment = environment
        self.baseDirectory = baseDirectory
        self.checkFiles = checkFiles
        self.missingIdentityFile = missingIdentityFile
        self.fileExists = fileExists
    }

    /// For commands that read the inventory without connecting: a missing identity file is only a warning.
    public static var readOnly: InventoryLoadOptions { InventoryLoadOptions(missingIdentityFile: .warning) }
}
