/// `kubeforge inventory import`: an Ansible INI inventory (kubespray, kubeasz) as kubeforge YAML.
public enum AnsibleImport {
    public struct Result: Sendable {
        /// The imported inventory, written as a user would write it.
        public var yaml: String
        /// What could not be mapped (warnings, with lines) and what the result still gets wrong (errors).
        public var diagnostics: [InventoryDiagnostic]
        public var inventory: Inventory?
    }

    /// Identity files are not required to exist here (the import may run on another machine): a missing
    /// one is a warning.
    public static func convert(text: String, file: String, options: InventoryLoadOptions = .readOnly) -> Result {
        var importer = AnsibleInventoryImporter(file: file)
        let document = importer.read(text)
        var validator = InventoryValidator(options: options)
        let inventory = validator.validate(document)
        var diagnostics = importer.diagnostics + validator.diagnostics
        diagnostics.sort { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        return Result(yaml: InventoryWriter.documentTree(document).yaml(), diagnostics: diagnostics, inventory: inventory)
    }

    public static func convert(path: String, options: InventoryLoadOptions = .readOnly) -> Result {
        switch InventoryLoader.readText(path: path) {
        case .success(let text): return convert(text: text, file: path, options: options)
        case .failure(let diagnostic): return Result(yaml: "", diagnostics: [diagnostic], inventory: nil)
        }
    }
}
