import Foundation
import Remote
import Preflight

/// `prepare` over many hosts at once: per host one command gathers the state, the plan is computed purely,
/// and one script applies it. One failing host never stops the others.
public enum Preparation {
    public static let gatherTimeout: Duration = .seconds(60)
    /// Package installs can be slow.
    public static let applyTimeout: Duration = .seconds(900)

    /// A host to prepare, or the error from connecting to it.
    public struct Connection: Sendable {
        public var target: PrepareTarget
        public var host: Result<any Remote.Host, any Error>

        public init(target: PrepareTarget, host: Result<any Remote.Host, any Error>) {
            self.target = target
            self.host = host
        }
    }

    public static func run(_ connections: [Connection], settings: PrepareSettings, dryRun: Bool,
                           concurrency: Int = FanOut.defaultConcurrency) async -> PrepareReport {
        let results = await FanOut.map(connections, concurrency: concurrency) { connection in
            try await prepare(connection.target, on: connection.host.get(), settings: settings, dryRun: dryRun)
        }
        let hosts = zip(connections, results).map { connection, result -> PrepareReport.HostReport in
            switch result {
            case let .success(report): report
            case let .failure(error): .init(name: connection.target.name, status: .failed("\(error)"))
            }
        }
        return PrepareReport(hosts: hosts, dryRun: dryRun)
    }

    public static func gather(_ target: PrepareTarget, on host: any Remote.Host, settings: PrepareSettings) async throws -> PrepareState {
        let script = PrepareState.gatherScript(
            paths: settings.renderedFiles.keys.sorted(),
            sysctlKeys: PreparePlan.sysctlAssignments(settings.renderedFiles[PrepareSettings.sysctlPath] ?? "").keys.sorted(),
            modules: PreparePlan.modules(settings.renderedFiles[PrepareSettings.modulesPath] ?? ""))
        let result = try await host.run(script, stdin: nil, timeout: gatherTimeout)
        do { return try PrepareState(output: result.stdoutText) } catch {
            if !result.succeeded { throw PrepareError.gatherFailed(exitStatus: result.exitStatus, stderr: result.stderrText) }
            throw error
        }
    }

    public static func prepare(_ target: PrepareTarget, on host: any Remote.Host, settings: PrepareSettings,
                               dryRun: Bool) async throws -> PrepareReport.HostReport {
        let state = try await gather(target, on: host, settings: settings)
        let plan = PreparePlan(target: target, state: state, settings: settings)
        let warnings = plan.warnings.map { "\(target.name): \($0)" }
        guard !plan.isEmpty else { return .init(name: target.name, status: .unchanged, warnings: warnings) }
        if dryRun {
            return .init(name: target.name, status: .changed(plan.steps.map(\.title)), warnings: warnings, plan: plan.describe())
        }
        let result = try await host.run(ApplyScript.text(plan.steps), stdin: nil, timeout: applyTimeout)
        return ApplyScript.outcome(of: plan, output: result, host: target.name, earlierWarnings: warnings)
    }
}
