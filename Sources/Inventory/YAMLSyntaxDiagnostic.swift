import Yams

/// Turns a Yams parse error into a positioned diagnostic with a hint for the usual causes.
enum YAMLSyntaxDiagnostic {
    static func make(from error: YamlError, file: String, text: String) -> InventoryDiagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            var message = "YAML syntax error: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return InventoryDiagnostic(.error, at: at(mark), message, fix: hint(for: problem, line: line(mark.line, of: text)))
        case let .reader(problem, offset, _, _):
            let location = offset.map { position(ofCharacter: $0, in: text, file: file) } ?? SourceLocation(file: file, line: 1, column: 1)
            return InventoryDiagnostic(.error, at: location, "the file cannot be read as YAML text: \(problem)",
                                       fix: "save the inventory as UTF-8 text without control characters")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "\"\($0.prefix(64))\"" }.joined(separator: ", ")
            return InventoryDiagnostic(.error, at: at(context.mark), "duplicate key \(keys) in the same mapping",
                                       fix: "keep one of them; later ones would silently replace earlier ones elsewhere")
        default:
            return InventoryDiagnostic(.error, at: SourceLocation(file: file, line: 1, column: 1), "cannot parse the inventory as YAML: \(error)")
        }
    }

    private static func hint(for problem: String, line: Substring?) -> String {
        if let line, line.prefix(while: { $0 == " " || $0 == "\t" }).contains("\t") {
            return "YAML does not allow tabs for indentation; indent with spaces"
        }
        if problem.contains("mapping values are not allowed") {
            return "check the indentation of this line, and quote values that contain \": \""
        }
        if problem.contains("expected ',' or ']'") || problem.contains("expected ',' or '}'") || problem.contains("flow") {
            return "inside [ ] or { }, quote values that contain [ ] { } , or : (for example {name: \"node[01:20]\"})"
        }
        if problem.contains("undefined alias") {
            return "define the anchor (&name) before using the alias (*name)"
        }
        if problem.contains("another document") {
            return "an inventory is one YAML document; remove the extra `---` section"
        }
        return "check the indentation and quoting near this position"
    }

    private static func line(_ number: Int, of text: String) -> Substring? {
        guard number >= 1 else { return nil }
        var current = 1
        var lineStart = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "\n" {
                if current == number { return text[lineStart..<index] }
                current += 1
                lineStart = text.index(after: index)
            }
            index = text.index(after: index)
        }
        return current == number ? text[lineStart...] : nil
    }

    private static func position(ofCharacter offset: Int, in text: String, file: String) -> SourceLocation {
        var line = 1, column = 1
        for (index, character) in text.enumerated() {
            if index >= offset { break }
            if character == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}
