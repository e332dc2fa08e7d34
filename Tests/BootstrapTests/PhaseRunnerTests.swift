import Synchronization
import Testing
@testable import Bootstrap

/// Records what the runner does to each phase.
final class Journal: Sendable {
    private let entries = Mutex<[String]>([])
    func log(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

struct Step: Phase {
    struct Failed: Error, CustomStringConvertible { var description: String { "disk full" } }
    var title: String
    var applies = true
    var fails = false
    let journal: Journal

    func shouldRun() async throws -> Bool { applies }
    func run() async throws {
        journal.log("run \(title)")
        if fails { throw Failed() }
    }
    func cleanUp() async { journal.log("undo \(title)") }
}

@Suite struct PhaseRunnerTests {
    @Test func runsInOrderAndSkipsWhatDoesNotApply() async throws {
        let journal = Journal()
        let outcomes = try await PhaseRunner().run([
            Step(title: "A", journal: journal),
            Step(title: "B", applies: false, journal: journal),
            Step(title: "C", journal: journal),
        ])
        #expect(journal.all == ["run A", "run C"])
        #expect(outcomes.map(\.status) == [.ran, .skipped, .ran])
    }

    @Test func stopsAtFailureAndCleansUpNewestFirst() async throws {
        let journal = Journal()
        let error = await #expect(throws: PhaseFailure.self) {
            try await PhaseRunner().run([
                Step(title: "A", journal: journal),
                Step(title: "B", journal: journal),
                Step(title: "C", fails: true, journal: journal),
                Step(title: "D", journal: journal),
            ])
        }
        #expect(journal.all == ["run A", "run B", "run C", "undo B", "undo A"])
        #expect(error?.phase == "C")
        #expect(error?.description == "C: disk full")
    }

    @Test func dryRunChangesNothing() async throws {
        let journal = Journal()
        let lines = Mutex<[String]>([])
        let outcomes = try await PhaseRunner(dryRun: true, progress: { line in lines.withLock { $0.append(line) } })
            .run([Step(title: "Write manifests", journal: journal)])
        #expect(journal.all.isEmpty)
        #expect(outcomes.map(\.status) == [.wouldRun(["would write manifests"])])
        #expect(lines.withLock { $0 } == ["[1/1] Write manifests:\n    would write manifests"])
    }
}
