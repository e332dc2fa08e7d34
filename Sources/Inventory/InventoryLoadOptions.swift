import Foundation

/// What loading an inventory may look at outside the file: the environment (for `~`, `${VAR}` and
/// KUBEFORGE_SSH_PASSWORD), the directory relative paths start from, and whether a file exists.
public struct InventoryLoadOptions: Sendable {
    public var environment: [String: String]
    public var baseDirectory: String
    /// Whether identity files must exist (kubeforge checks this; tests and `import` may not).
    public var checkFiles: Bool
    public var fileExists: @Sendable (String) -> Bool

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        baseDirectory: String = FileManager.default.currentDirectoryPath,
        checkFiles: Bool = true,
        fileExists: @escaping @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) {
        self.environment = environment
        self.baseDirectory = baseDirectory
        self.checkFiles = checkFiles
        self.fileExists = fileExists
    }
}
