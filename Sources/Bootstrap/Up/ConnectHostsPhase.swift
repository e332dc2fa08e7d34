import Remote

/// Connects to every host at once; any unreachable host fails the run, listing each one and why.
public struct ConnectHostsPhase: Phase {
    public let hosts: [UpHost]
    public let concurrency: Int
    public let connect: @Sendable (any Remote.Host) async throws -> Void
    public let report: @Sendable (String) -> Void
    public var title: String { "Connect to \(hosts.count) host\(hosts.count == 1 ? "" : "s")" }

    public init(_ hosts: [UpHost], concurrency: Int, connect: @escaping @Sendable (any Remote.Host) async throws -> Void,
                report: @escaping @Sendable (String) -> Void) {
        self.hosts = hosts
        self.concurrency = concurrency
        self.connect = connect
        self.report = report
    }

    public func run() async throws {
        let connect = connect
        let results = await FanOut.map(hosts, concurrency: concurrency) { host in try await connect(host.host) }
        var unreachable: [String] = []
        for (host, result) in zip(hosts, results) {
            switch result {
            case .success: report("    \(host.name) (\(host.inventory.address)): connected")
            case let .failure(error): unreachable.append("\(host.name) (\(host.inventory.address)): \(error)")
            }
        }
        guard unreachable.isEmpty else { throw UpError.unreachable(unreachable) }
    }

    /// Connecting changes nothing on a host, and the later dry runs need the connections.
    public func dryRun() async throws -> [String] {
        try await run()
        return ["connected to \(hosts.map(\.name).joined(separator: ", "))"]
    }
}
