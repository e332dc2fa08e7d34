/// What a PKI run did to each file, plus warnings and the problems that make it fail.
public struct PKIReport: Sendable {
    public enum Outcome: String, Sendable, Equatable {
        /// Newly generated.
        case created
        /// Already there and valid; left untouched.
        case reused
        /// Reissued with a new key (requested renewal or `--renew-mismatched`).
        case renewed
        /// Provided by an external CA; validated, not generated.
        case external
    }

    public struct Entry: Sendable, Equatable {
        public let name: String
        public let path: String
        public let outcome: Outcome
        /// Extra information for people (the SANs a serving certificate carries).
        public let detail: String?
    }

    public var entries: [Entry] = []
    public var warnings: [String] = []
    /// Conditions left in place that the operator has to act on (a certificate lacking required SANs).
    public var problems: [String] = []

    public init() {}

    public func outcome(of name: String) -> Outcome? { entries.first { $0.name == name }?.outcome }

    /// Lines in kubeadm's `[certs]` / `[kubeconfig]` style.
    public var lines: [String] {
        entries.map { entry in
            let verb = switch entry.outcome {
            case .created: "Generated"
            case .reused: "Using existing"
            case .renewed: "Renewed"
            case .external: "External CA mode: using user provided"
            }
            return "\(verb) \(entry.name) (\(entry.path))" + (entry.detail.map { ": \($0)" } ?? "")
        } + warnings.map { "WARNING: \($0)" }
    }
}
