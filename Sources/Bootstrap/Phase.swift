/// One step of a command (k0sctl's model): a title, whether it applies, what it does, and optionally
/// what it would do (`--dry-run`) and how to undo it when a later phase fails.
public protocol Phase: Sendable {
    /// A short imperative, printed as progress ("Generate certificates").
    var title: String { get }
    /// False skips the phase (already done, not selected, not needed for these hosts).
    func shouldRun() async throws -> Bool
    func run() async throws
    /// Lines describing what `run` would change. The default says the phase would run.
    func dryRun() async throws -> [String]
    /// Called, newest first, on the phases that completed when a later phase failed.
    func cleanUp() async
}

extension Phase {
    public func shouldRun() async throws -> Bool { true }
    public func dryRun() async throws -> [String] { ["would \(title.prefix(1).lowercased() + title.dropFirst())"] }
    public func cleanUp() async {}
}

/// What happened to each phase, in order.
public struct PhaseOutcome: Sendable, Equatable {
    public enum Status: Sendable, Equatable { case ran, skipped, wouldRun([String]), failed(String) }
    public var title: String
    public var status: Status
}

/// Runs phases top to bottom, reporting progress; stops at the first failure and cleans up what ran.
public struct PhaseRunner: Sendable {
    public var dryRun: Bool
    public var progress: @Sendable (String) -> Void

    public init(dryRun: Bool = false, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.dryRun = dryRun
        self.progress = progress
    }

    /// Returns every phase's outcome; throws `PhaseFailure` (carrying the outcomes) on the first failure.
    @discardableResult
    public func run(_ phases: [any Phase]) async throws -> [PhaseOutcome] {
        var outcomes: [PhaseOutcome] = []
        var completed: [any Phase] = []
        for (index, phase) in phases.enumerated() {
            let step = "[\(index + 1)/\(phases.count)] \(phase.title)"
            do {
                guard try await phase.shouldRun() else {
                    progress("\(step): skipped")
                    outcomes.append(PhaseOutcome(title: phase.title, status: .skipped))
                    continue
                }
                if dryRun {
                    let changes = try await phase.dryRun()
                    progress(([step + ":"] + changes.map { "    " + $0 }).joined(separator: "\n"))
                    outcomes.append(PhaseOutcome(title: phase.title, status: .wouldRun(changes)))
                    continue
                }
                progress(step)
                try await phase.run()
                completed.append(phase)
                outcomes.append(PhaseOutcome(title: phase.title, status: .ran))
            } catch {
                outcomes.append(PhaseOutcome(title: phase.title, status: .failed("\(error)")))
                progress("\(step): failed: \(error)")
                for done in completed.reversed() { await done.cleanUp() }
                throw PhaseFailure(phase: phase.title, underlying: error, outcomes: outcomes)
            }
        }
        return outcomes
    }
}

public struct PhaseFailure: Error, CustomStringConvertible {
    public var phase: String
    public var underlying: any Error
    public var outcomes: [PhaseOutcome]
    public var description: String { "\(phase): \(underlying)" }
}
