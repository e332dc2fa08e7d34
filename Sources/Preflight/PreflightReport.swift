import Foundation

/// The outcome of preflight over every host, rendered as design.md's JSON or as a table.
public struct PreflightReport: Sendable, Equatable {
    public struct HostReport: Sendable, Equatable {
        public var name: String
        public var address: String
        public var reachable: Bool
        public var error: String?
        public var checks: [CheckResult]

        public init(name: String, address: String, reachable: Bool, error: String? = nil, checks: [CheckResult] = []) {
            self.name = name
            self.address = address
            self.reachable = reachable
            self.error = error
            self.checks = checks
        }
    }

    public struct Summary: Sendable, Equatable {
        public var hosts: Int
        public var unreachable: Int
        /// Checks that failed, over all hosts.
        public var failed: Int
        /// Checks that warned, over all hosts.
        public var warnings: Int
    }

    public var hosts: [HostReport]

    public init(hosts: [HostReport]) { self.hosts = hosts }

    public var summary: Summary {
        let checks = hosts.flatMap(\.checks)
        return Summary(hosts: hosts.count, unreachable: hosts.filter { !$0.reachable }.count,
                       failed: checks.filter { $0.status == .fail }.count,
                       warnings: checks.filter { $0.status == .warn }.count)
    }

    /// 1 when a check failed or a host could not be probed, else 0.
    public var exitCode: Int32 {
        let summary = summary
        return summary.failed > 0 || summary.unreachable > 0 || hosts.contains { $0.error != nil } ? 1 : 0
    }

    // MARK: JSON

    /// `{"hosts":[{"name","address","reachable","error","checks":[{"name","status","message","fix"}]}],
    /// "summary":{"hosts","unreachable","failed","warnings"}}`, keys in this order.
    public func json() -> String {
        let hostObjects = hosts.map { host in
            let checks = host.checks.map { check in
                "{\"name\":\(Self.quote(check.name)),\"status\":\(Self.quote(check.status.rawValue)),"
                    + "\"message\":\(Self.quote(check.message)),\"fix\":\(Self.quote(check.fix))}"
            }
            return "{\"name\":\(Self.quote(host.name)),\"address\":\(Self.quote(host.address)),"
                + "\"reachable\":\(host.reachable),\"error\":\(host.error.map(Self.quote) ?? "null"),"
                + "\"checks\":[\(checks.joined(separator: ","))]}"
        }
        let summary = summary
        return "{\"hosts\":[\(hostObjects.joined(separator: ","))],\"summary\":{\"hosts\":\(summary.hosts),"
            + "\"unreachable\":\(summary.unreachable),\"failed\":\(summary.failed),\"warnings\":\(summary.warnings)}}"
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    // MARK: table

    /// Per host: CHECK, STATUS, FOUND, FIX columns (passing checks show no fix), then a summary line.
    public func table() -> String {
        var out = ""
        for host in hosts {
            out += "\(host.name) (\(host.address))\n"
            guard host.reachable else {
                out += "  UNREACHABLE: \(host.error ?? "unknown error")\n\n"
                continue
            }
            if let error = host.error { out += "  ERROR: \(error)\n" }
            let rows = [["CHECK", "STATUS", "FOUND", "FIX"]] + host.checks.map { [$0.name, $0.status.rawValue, $0.message, $0.fix] }
            let nameWidth = rows.map { $0[0].count }.max() ?? 0
            let statusWidth = rows.map { $0[1].count }.max() ?? 0
            for row in rows {
                var line = "  " + row[0].padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                    + row[1].padding(toLength: statusWidth, withPad: " ", startingAt: 0) + "  " + row[2]
                if !row[3].isEmpty { line += row[0] == "CHECK" ? "  |  " + row[3] : "  |  fix: " + row[3] }
                out += line + "\n"
            }
            out += "\n"
        }
        let summary = summary
        out += "\(summary.hosts) host\(summary.hosts == 1 ? "" : "s"), \(summary.unreachable) unreachable, "
            + "\(summary.failed) failed check\(summary.failed == 1 ? "" : "s"), \(summary.warnings) warning\(summary.warnings == 1 ? "" : "s")\n"
        return out
    }
}
