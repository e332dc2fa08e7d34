import Foundation
/// What `prepare` did (or, with `--dry-run`, would do) on every host.
public struct PrepareReport: Sendable, Equatable {
    public struct HostReport: Sendable, Equatable {
        public enum Status: Sendable, Equatable {
            /// Nothing needed changing.
            case unchanged
            /// The titles of the steps that ran (or, with `--dry-run`, would run).
            case changed([String])
            /// Why the host could not be prepared (unreachable, or a required step failed).
            case failed(String)
        }

        public var name: String
        public var status: Status
        /// Each warning names its host, so they can be printed on their own.
        public var warnings: [String]
        /// `--dry-run`: the intended changes, file diffs included.
        public var plan: [String]

        public init(name: String, status: Status, warnings: [String] = [], plan: [String] = []) {
            self.name = name
            self.status = status
            self.warnings = warnings
            self.plan = plan
        }

        public var label: String {
            switch status {
            case .unchanged: "unchanged"
            case .changed: "changed"
            case .failed: "failed"
            }
        }
    }

    public var hosts: [HostReport]
    public var dryRun: Bool

    public init(hosts: [HostReport], dryRun: Bool) {
        self.hosts = hosts
        self.dryRun = dryRun
    }

    /// 1 when any host failed.
    public var exitCode: Int32 { hosts.contains { if case .failed = $0.status { true } else { false } } ? 1 : 0 }

    /// Per host: its status and what changed or why it failed, its warnings; then one summary line.
    public func text() -> String {
        var out = ""
        for host in hosts {
            switch host.status {
            case .unchanged:
                out += "\(host.name): unchanged\n"
            case let .changed(steps):
                out += "\(host.name): \(dryRun ? "would change" : "changed")\n"
                for line in dryRun ? host.plan : steps { out += "  " + line + "\n" }
            case let .failed(reason):
                out += "\(host.name): failed: \(reason)\n"
            }
            for warning in host.warnings { out += "  warning: \(warning)\n" }
        }
        let count = { (label: String) in hosts.filter { $0.label == label }.count }
        out += "\(hosts.count) host\(hosts.count == 1 ? "" : "s"): \(count("changed")) \(dryRun ? "would change" : "changed"), "
            + "\(count("unchanged")) unchanged, \(count("failed")) failed\n"
        return out
    }

    /// The same as JSON (`prepare -o json`): per host its status, steps (or with `--dry-run`, the plan),
    /// failure and warnings, and the counts.
    public func json() throws -> String {
        struct Host: Encodable {
            var name, status: String
            var steps: [String]
            var error: String?
            var warnings: [String]
        }
        struct Document: Encodable {
            var dryRun: Bool
            var hosts: [Host]
            var summary: [String: Int]
        }
        let entries = hosts.map { host -> Host in
            switch host.status {
            case .unchanged: Host(name: host.name, status: "unchanged", steps: [], warnings: host.warnings)
            case let .changed(steps): Host(name: host.name, status: "changed", steps: dryRun ? host.plan : steps, warnings: host.warnings)
            case let .failed(reason): Host(name: host.name, status: "failed", steps: [], error: reason, warnings: host.warnings)
            }
        }
        let summary = ReportJSON.summary(entries.map(\.status), all: ["changed", "unchanged", "failed"])
        return try ReportJSON.encode(Document(dryRun: dryRun, hosts: entries, summary: summary))
    }
}
