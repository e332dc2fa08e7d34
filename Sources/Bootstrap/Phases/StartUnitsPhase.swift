import Foundation
import Remote

/// `systemctl daemon-reload`, then enable and (re)start each unit, so changed unit files take effect.
/// The restart is queued (`--no-block`): whether the unit comes up is for `WaitForHealthPhase` to find out,
/// with a deadline and the journal, instead of a bare "Job for etcd.service failed".
public struct StartUnitsPhase: Phase {
    public let host: any Remote.Host
    public let units: [String]
    public var title: String { "Start \(units.joined(separator: ", ")) on \(host.name)" }

    public init(_ units: [String], on host: any Remote.Host) {
        self.units = units
        self.host = host
    }

    public func run() async throws {
        try await systemctl(["daemon-reload"])
        try await systemctl(["enable"] + units)
        try await systemctl(["restart", "--no-block"] + units)
    }

    public func dryRun() async throws -> [String] {
        ["would run systemctl daemon-reload, enable and restart \(units.joined(separator: " ")) on \(host.name)"]
    }

    /// A later phase failed: leave nothing running that this phase started.
    public func cleanUp() async {
        _ = try? await host.run(ShellQuote.join(["systemctl", "disable", "--now"] + units))
    }

    private func systemctl(_ arguments: [String]) async throws {
        let command = ShellQuote.join(["systemctl"] + arguments)
        let result = try await host.run(command, timeout: .seconds(120))
        guard result.succeeded else { throw UnitError(host: host.name, command: command, output: result.stderrText) }
    }
}

public struct UnitError: Error, CustomStringConvertible {
    public var host: String
    public var command: String
    public var output: String
    public var description: String {
        "\(host): `\(command)` failed: \(output.trimmingCharacters(in: .whitespacesAndNewlines)) (see `systemctl status` and `journalctl -xe` there)"
    }
}
