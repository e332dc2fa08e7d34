/// Everything wrong with a kubeadm configuration file or with init flags, each problem naming where it is.
public struct KubeadmConfigError: Error, CustomStringConvertible, Equatable {
    public var problems: [Problem]

    public init(problems: [Problem]) { self.problems = problems }
    public init(_ problem: Problem) { self.problems = [problem] }

    public var description: String { problems.map(\.description).joined(separator: "\n") }

    /// One problem: `file:line:column: field: reason`.
    public struct Problem: Equatable, Sendable, CustomStringConvertible {
        public enum Code: String, Sendable {
            case unreadableFile, yamlSyntax, unknownKind, unsupportedAPIVersion, unknownField, wrongType,
                 invalidValue, duplicateDocument, invalidFlag, mixedFlags
        }

        public var code: Code
        /// The configuration file, or nil for flags.
        public var file: String?
        public var line: Int?
        public var column: Int?
        /// Dotted path (`ClusterConfiguration.networking.podSubnet`) or a flag (`--pod-network-cidr`).
        public var field: String
        public var reason: String

        public init(code: Code, file: String? = nil, line: Int? = nil, column: Int? = nil, field: String, reason: String) {
            self.code = code
            self.file = file
            self.line = line
            self.column = column
            self.field = field
            self.reason = reason
        }

        public var description: String {
            var place = file ?? ""
            if let line { place += ":\(line)" }
            if let column { place += ":\(column)" }
            let prefix = place.isEmpty ? "" : "\(place): "
            return "\(prefix)\(field): \(reason)"
        }
    }
}
