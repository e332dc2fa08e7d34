/// A position in an inventory file (1-based line and column).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem found in an inventory: where, what is wrong, how to fix it.
public struct InventoryDiagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable {
        case error, warning
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    public var fix: String?

    public init(_ severity: Severity, at location: SourceLocation, _ message: String, fix: String? = nil) {
        self.severity = severity
        self.location = location
        self.message = message
        self.fix = fix
    }

    public var isError: Bool { severity == .error }

    /// `file:line:column: error: message` and, on the next line, the fix.
    public var description: String {
        var text = "\(location): \(severity.rawValue): \(message)"
        if let fix { text += "\n    fix: \(fix)" }
        return text
    }
}

extension Array where Element == InventoryDiagnostic {
    public var errors: [InventoryDiagnostic] { filter(\.isError) }
    public var warnings: [InventoryDiagnostic] { filter { !$0.isError } }
    public var hasErrors: Bool { contains(where: \.isError) }
}
