import Foundation
import Remote

/// Probes a component until it is healthy or a deadline passes; on failure gathers the unit's state and
/// journal and says what is likely wrong.
public struct HealthWaiter: Sendable {
    public var timeout: Duration
    public var interval: Duration
    /// Give up early when systemd has restarted the unit this many times (it is crash-looping).
    public var maxRestarts: Int
    public var journalLines: Int

    public init(timeout: Duration = .seconds(120), interval: Duration = .seconds(1), maxRestarts: Int = 3, journalLines: Int = 30) {
        self.timeout = timeout
        self.interval = interval
        self.maxRestarts = maxRestarts
        self.journalLines = journalLines
    }

    /// Returns how long it took to become healthy.
    @discardableResult
    public func wait(for check: HealthCheck, on host: any Remote.Host) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + timeout
        var lastProbe = "not probed"
        while true {
            do {
                let result = try await host.run(check.command, timeout: .seconds(15))
                guard let problem = check.evaluate(result) else { return clock.now - start }
                lastProbe = problem
            } catch let error as HostError {
                lastProbe = "\(error)"
            }
            let state = try await UnitState.read(check.unit, on: host)
            if state.restarts >= maxRestarts || state.activeState == "failed" || clock.now >= deadline {
                throw try await failure(check, host: host, waited: clock.now - start, lastProbe: lastProbe, state: state)
            }
            try await Task.sleep(for: interval)
        }
    }

    private func failure(_ check: HealthCheck, host: any Remote.Host, waited: Duration, lastProbe: String, state: UnitState) async throws -> HealthCheckFailure {
        let journal = try await host.run(ShellQuote.join(["journalctl", "-u", check.unit, "-n", String(journalLines), "--no-pager", "-o", "short"]))
        let lines = journal.stdoutText.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("-- ") }
        return HealthCheckFailure(host: host.name, component: check.component, unit: check.unit, endpoint: check.endpoint,
                                  waited: waited, lastProbe: lastProbe, unitState: state.summary, journal: lines,
                                  likelyCause: HealthDiagnosis.likelyCause(journal: lines))
    }
}

/// `systemctl show` fields that say whether a unit is running, crash-looping or dead.
public struct UnitState: Sendable, Equatable {
    public var activeState: String
    public var subState: String
    public var restarts: Int
    public var result: String

    public var summary: String {
        "\(activeState) (\(subState))" + (restarts > 0 ? ", restarted \(restarts) times" : "") + (result == "success" || result.isEmpty ? "" : ", result \(result)")
    }

    /// Parses `systemctl show -p ActiveState,SubState,NRestarts,Result UNIT` (`Key=value` lines).
    public static func parse(_ text: String) -> UnitState {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return UnitState(activeState: values["ActiveState"] ?? "unknown", subState: values["SubState"] ?? "unknown",
                         restarts: Int(values["NRestarts"] ?? "") ?? 0, result: values["Result"] ?? "")
    }

    public static func read(_ unit: String, on host: any Remote.Host) async throws -> UnitState {
        let result = try await host.run(ShellQuote.join(["systemctl", "show", "-p", "ActiveState,SubState,NRestarts,Result", unit]))
        return parse(result.stdoutText)
    }
}
