/// Wraps a bring-up phase whose result must survive a later failure (a working etcd member is never torn
/// down because, say, kube-apiserver is missing: a member may already hold data, so removing it is the
/// operator's decision),
/// and records in the session what it brought up.
public struct KeptPhase: Phase {
    public let inner: any Phase
    public let afterRun: @Sendable () async -> Void
    public var title: String { inner.title }

    public init(_ inner: any Phase, afterRun: @escaping @Sendable () async -> Void = {}) {
        self.inner = inner
        self.afterRun = afterRun
    }

    public func shouldRun() async throws -> Bool { try await inner.shouldRun() }
    public func run() async throws {
        try await inner.run()
        await afterRun()
    }
    /// A dry run records it too, so the phases after it say what they would do with what it brings up.
    public func dryRun() async throws -> [String] {
        let lines = try await inner.dryRun()
        await afterRun()
        return lines
    }
    public func cleanUp() async {}
}
