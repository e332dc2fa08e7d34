/// The probe's output split into sections. A header line is `==> NAME`, `==> NAME absent` (the file or
/// directory does not exist) or `==> NAME rc=N` (a command's exit status); the lines up to the next header
/// are the section's body.
public struct ProbeSections: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        public var name: String
        public var absent: Bool
        /// The exit status of the command that produced the section, when it was a command.
        public var exitStatus: Int?
        public var lines: [String]

        public var text: String { lines.joined(separator: "\n") }
        /// The body when it exists and (for commands) the command succeeded.
        public var okText: String? { absent || (exitStatus ?? 0) != 0 ? nil : text }
    }

    public var sections: [Section]

    /// True when the output ends with the `end` marker, so nothing was cut off.
    public var isComplete: Bool { sections.last?.name == "end" }

    public init(parsing output: String) {
        var sections: [Section] = []
        for rawLine in output.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            if line.hasPrefix("==> ") {
                sections.append(Self.header(String(line.dropFirst(4))))
            } else if !sections.isEmpty {
                sections[sections.count - 1].lines.append(line)
            }
        }
        // Drop the blank line a command section ends with and the final newline's empty line.
        for index in sections.indices {
            while let last = sections[index].lines.last, last.isEmpty { sections[index].lines.removeLast() }
        }
        self.sections = sections
    }

    public subscript(name: String) -> Section? { sections.first { $0.name == name } }

    /// Every section whose name starts with `prefix` followed by a space, keyed by the rest of the name.
    public func sections(prefixed prefix: String) -> [(argument: String, section: Section)] {
        sections.compactMap { section in
            guard section.name.hasPrefix(prefix + " ") else { return nil }
            return (String(section.name.dropFirst(prefix.count + 1)), section)
        }
    }

    private static func header(_ text: String) -> Section {
        var words = text.split(separator: " ").map(String.init)
        var absent = false
        var exitStatus: Int?
        if let last = words.last, words.count > 1 {
            if last == "absent" {
                absent = true
                words.removeLast()
            } else if last.hasPrefix("rc="), let status = Int(last.dropFirst(3)) {
                exitStatus = status
                words.removeLast()
            }
        }
        return Section(name: words.joined(separator: " "), absent: absent, exitStatus: exitStatus, lines: [])
    }
}
