import Remote

/// Waits, with a deadline, until every check passes on the host; the failure carries the journal and the likely cause.
public struct WaitForHealthPhase: Phase {
    public let host: any Remote.Host
    public let checks: [HealthCheck]
    public let waiter: HealthWaiter
    public var title: String { "Wait for \(Set(checks.map(\.component)).sorted().joined(separator: ", ")) to be healthy on \(host.name)" }

    public init(_ checks: [HealthCheck], on host: any Remote.Host, waiter: HealthWaiter = HealthWaiter()) {
        self.checks = checks
        self.host = host
        self.waiter = waiter
    }

    public func run() async throws {
        for check in checks { try await waiter.wait(for: check, on: host) }
    }

    public func dryRun() async throws -> [String] {
        checks.map { "would wait up to \(waiter.timeout) for \($0.endpoint) on \(host.name)" }
    }
}
