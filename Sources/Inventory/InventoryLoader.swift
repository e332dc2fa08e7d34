import Foundation

/// The one entry point other commands use: read a YAML inventory or a kubespray/kubeasz INI file,
/// validate everything, and hand back the normalised inventory with its warnings.
///
/// ```swift
/// let loaded = try InventoryLoader.load(path: "inventory/lab.yaml")   // throws InventoryLoadError (exit 2)
/// for warning in loaded.warnings { print(warning) }
/// let workers = try loaded.inventory.hosts(matching: HostSelector(parsing: "role=worker"))
/// ```
public enum InventoryLoader {
    /// Larger files are certainly not inventories; refusing them keeps parsing bounded.
    public static let maximumFileSize = 4 << 20

    /// Throws `InventoryLoadError` listing every problem when the inventory is invalid.
    public static func load(path: String, options: InventoryLoadOptions = InventoryLoadOptions()) throws -> LoadedInventory {
        let result = check(path: path, options: options)
        guard let inventory = result.inventory else {
            throw InventoryLoadError(path: path, diagnostics: result.diagnostics)
        }
        return LoadedInventory(inventory: inventory, warnings: result.diagnostics.warnings, format: result.format, path: path)
    }

    /// Every problem in the file, and the inventory when there is no error. Never throws.
    public static func check(path: String, options: InventoryLoadOptions = InventoryLoadOptions()) -> InventoryCheckResult {
        switch readText(path: path) {
        case .success(let text):
            return check(text: text, file: path, format: detectFormat(path: path, text: text), options: options)
        case .failure(let diagnostic):
            return InventoryCheckResult(inventory: nil, diagnostics: [diagnostic], format: .yaml)
        }
    }

    public static func check(text: String, file: String, format: InventoryFormat = .yaml,
                             options: InventoryLoadOptions = InventoryLoadOptions()) -> InventoryCheckResult {
        var diagnostics: [InventoryDiagnostic] = []
        let document: InventoryDocument?
        switch format {
        case .yaml:
            var reader = YAMLInventoryReader(file: file)
            document = reader.read(text)
            diagnostics += reader.diagnostics
        case .ansibleINI:
            var importer = AnsibleInventoryImporter(file: file)
            document = importer.read(text)
            diagnostics += importer.diagnostics
        }
        guard let document else { return InventoryCheckResult(inventory: nil, diagnostics: diagnostics, format: format) }
        var validator = InventoryValidator(options: options)
        let inventory = validator.validate(document)
        diagnostics += validator.diagnostics
        diagnostics.sort { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        return InventoryCheckResult(inventory: diagnostics.hasErrors ? nil : inventory, diagnostics: diagnostics, format: format)
    }

    /// `.ini`/`.cfg` files and files whose first line is an `[ansible_group]` header are Ansible INI.
    public static func detectFormat(path: String, text: String) -> InventoryFormat {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".ini") || lowered.hasSuffix(".cfg") { return .ansibleINI }
        if lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") || lowered.hasSuffix(".json") { return .yaml }
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") || trimmed == "---" { continue }
            let isHeader = trimmed.hasPrefix("[") && trimmed.hasSuffix("]") && !trimmed.contains(",") && !trimmed.contains(" ")
            return isHeader ? .ansibleINI : .yaml
        }
        return .yaml
    }

    static func readText(path: String) -> Result<String, InventoryDiagnostic> {
        let start = SourceLocation(file: path, line: 1, column: 1)
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            return .failure(InventoryDiagnostic(.error, at: start, exists ? "cannot read the inventory file" : "inventory file not found",
                                                fix: exists ? "check its permissions" : "pass the path of an inventory, e.g. -i inventory/tutorial.yaml"))
        }
        guard data.count <= maximumFileSize else {
            return .failure(InventoryDiagnostic(.error, at: start, "the file is \(data.count) bytes; an inventory is at most \(maximumFileSize)",
                                                fix: "pass the inventory file, not a binary or an archive"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(InventoryDiagnostic(.error, at: start, "the file is not UTF-8 text", fix: "save it as UTF-8"))
        }
        return .success(text)
    }
}

public enum InventoryFormat: String, Sendable, Equatable {
    case yaml
    case ansibleINI = "ansible-ini"
}

public struct LoadedInventory: Sendable {
    public var inventory: Inventory
    public var warnings: [InventoryDiagnostic]
    public var format: InventoryFormat
    public var path: String
}

public struct InventoryCheckResult: Sendable {
    /// Nil when any diagnostic is an error.
    public var inventory: Inventory?
    /// Errors and warnings, in file order.
    public var diagnostics: [InventoryDiagnostic]
    public var format: InventoryFormat

    public var isValid: Bool { !diagnostics.hasErrors }
}

/// A bad inventory: every problem, each naming file, line, column and a fix. Commands exit 2 on it.
public struct InventoryLoadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var diagnostics: [InventoryDiagnostic]

    public var description: String {
        let errors = diagnostics.errors.count
        return (diagnostics.map(\.description) + ["\(path): \(errors) error\(errors == 1 ? "" : "s") in the inventory"])
            .joined(separator: "\n")
    }
}
