/// An Ansible INI inventory split into sections, host lines and `key=value` pairs, each with its line.
struct AnsibleINIFile: Sendable {
    enum SectionKind: Sendable, Equatable {
        case hosts, vars, children
    }

    struct Token: Sendable {
        var text: String
        var column: Int
    }

    struct Variable: Sendable {
        var key: String
        var value: String
        var line: Int
        var column: Int
    }

    struct HostLine: Sendable {
        var pattern: String
        var line: Int
        var variables: [Variable]
    }

    struct Section: Sendable {
        var group: String
        var kind: SectionKind
        var line: Int
        var hosts: [HostLine] = []
        var variables: [Variable] = []
        var children: [(name: String, line: Int)] = []
    }

    private(set) var sections: [Section] = []
    /// Lines that are neither a header, a host, a variable nor a child group.
    private(set) var unreadable: [(line: Int, text: String, reason: String)] = []

    init(_ text: String) {
        var current = Section(group: "ungrouped", kind: .hosts, line: 1)
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = Substring(line).trimmingSpaces.trimmingCharacters(in: "\t")
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), trimmed.count > 2 else {
                    unreadable.append((lineNumber, trimmed, "a section header must look like [group], [group:vars] or [group:children]"))
                    continue
                }
                sections.append(current)
                let header = trimmed.dropFirst().dropLast()
                let parts = header.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let group = String(parts[0])
                switch parts.count == 2 ? String(parts[1]) : "" {
                case "": current = Section(group: group, kind: .hosts, line: lineNumber)
                case "vars": current = Section(group: group, kind: .vars, line: lineNumber)
                case "children": current = Section(group: group, kind: .children, line: lineNumber)
                default:
                    unreadable.append((lineNumber, trimmed, "unknown section type \"\(parts[1])\"; Ansible knows :vars and :children"))
                    current = Section(group: group, kind: .vars, line: lineNumber)
                }
                continue
            }
            let tokens = Self.split(line)
            guard let first = tokens.first else { continue }
            switch current.kind {
            case .children:
                current.children.append((first.text, lineNumber))
            case .vars:
                if let variable = Self.variable(from: Substring(line).trimmingSpaces, line: lineNumber, column: first.column) {
                    current.variables.append(variable)
                } else {
                    unreadable.append((lineNumber, trimmed, "expected key=value"))
                }
            case .hosts:
                var variables: [Variable] = []
                for token in tokens.dropFirst() {
                    if let variable = Self.variable(from: token.text, line: lineNumber, column: token.column) {
                        variables.append(variable)
                    } else {
                        unreadable.append((lineNumber, token.text, "expected key=value after the host name"))
                    }
                }
                current.hosts.append(HostLine(pattern: first.text, line: lineNumber, variables: variables))
            }
        }
        sections.append(current)
    }

    private static func variable(from text: String, line: Int, column: Int) -> Variable? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let key = text[..<equals].trimmingSpaces
        var value = text[text.index(after: equals)...].trimmingSpaces
        if value.count >= 2, let quote = value.first, quote == "'" || quote == "\"", value.last == quote {
            value = String(value.dropFirst().dropLast())
        }
        guard !key.isEmpty, !key.contains(" ") else { return nil }
        return Variable(key: key, value: value, line: line, column: column)
    }

    /// Whitespace-separated tokens, respecting quotes; `#` after whitespace starts a comment (like shlex).
    static func split(_ line: Substring) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var start = 0
        var quote: Character?
        var column = 0
        var previousWasSpace = true
        for character in line {
            column += 1
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
                continue
            }
            if character == " " || character == "\t" {
                if !current.isEmpty { tokens.append(Token(text: current, column: start)); current = "" }
                previousWasSpace = true
                continue
            }
            if character == "#" && previousWasSpace { break }
            if current.isEmpty { start = column }
            if character == "'" || character == "\"" { quote = character }
            current.append(character)
            previousWasSpace = false
        }
        if !current.isEmpty { tokens.append(Token(text: current, column: start)) }
        return tokens
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}
