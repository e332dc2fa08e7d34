import Inventory
import Preflight
import Remote

/// `kubeforge prepare` on every host, then preflight again on the hosts whose failures were left for it:
/// those checks must pass now.
public struct UpPreparePhase: Phase {
    public let hosts: [UpHost]
    public let cluster: ClusterSettings
    public let settings: PrepareSettings
    public let ignore: IgnoreList
    public let concurrency: Int
    public let session: UpSession
    public let report: @Sendable (String) -> Void
    public var title: String { "Prepare \(hosts.count) host\(hosts.count == 1 ? "" : "s") (OS settings, containerd)" }

    public init(_ hosts: [UpHost], cluster: ClusterSettings, settings: PrepareSettings, ignore: IgnoreList, concurrency: Int,
                session: UpSession, report: @escaping @Sendable (String) -> Void) {
        self.hosts = hosts
        self.cluster = cluster
        self.settings = settings
        self.ignore = ignore
        self.concurrency = concurrency
        self.session = session
        self.report = report
    }

    private func connections() async -> [Preparation.Connection] {
        await session.newHosts(hosts).map { Preparation.Connection(target: PrepareTarget(host: $0.inventory), host: .success($0.host)) }
    }

    public func run() async throws {
        let connections = await connections()
        guard !connections.isEmpty else { report("    every host is already in the cluster"); return }
        let prepared = await Preparation.run(connections, settings: settings, dryRun: false, concurrency: concurrency)
        var failed: [String] = []
        for host in prepared.hosts {
            switch host.status {
            case .unchanged: report("    \(host.name): unchanged")
            case let .changed(steps): report("    \(host.name): \(steps.joined(separator: "; "))")
            case let .failed(reason): failed.append("\(host.name): \(reason)")
            }
            for warning in host.warnings { report("    warning: \(warning)") }
        }
        guard failed.isEmpty else { throw UpError.prepareFailed(failed) }
        try await recheck()
    }

    /// The deferred checks, judged again on the hosts that had them.
    private func recheck() async throws {
        let deferred = await session.deferredChecks
        let again = hosts.filter { deferred[$0.name] != nil }
        guard !again.isEmpty else { return }
        let preflight = await Preflight.run(again.map { (UpPreflightPhase.target(for: $0.inventory, cluster: cluster), $0.host) },
                                            concurrency: concurrency, ignore: ignore)
        var failures: [String: [String]] = [:]
        for host in preflight.hosts {
            let names = Set(deferred[host.name]!.map(\.name))
            if let error = host.error { failures[host.name, default: []].append(error) }
            for check in host.checks where names.contains(check.name) && check.status == .fail {
                failures[host.name, default: []].append("\(check.name) still fails after prepare: \(check.message)")
            }
        }
        guard failures.isEmpty else { throw UpError.preflightFailed(failures) }
        report("    preflight again on \(again.map(\.name).joined(separator: ", ")): the checks prepare owns pass now")
    }

    public func dryRun() async throws -> [String] {
        let prepared = await Preparation.run(await connections(), settings: settings, dryRun: true, concurrency: concurrency)
        var lines: [String] = []
        for host in prepared.hosts {
            switch host.status {
            case .unchanged: lines.append("\(host.name): nothing to change")
            case .changed: lines += ["\(host.name):"] + host.plan.map { "  " + $0 }
            case let .failed(reason): throw UpError.prepareFailed(["\(host.name): \(reason)"])
            }
        }
        return lines
    }
}
