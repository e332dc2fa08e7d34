import Foundation
import Remote

/// Preflight over many hosts: one probe round trip per host (bounded fan-out), then every check judged as a
/// pure function of the facts, then `--ignore-preflight-errors` applied.
public enum Preflight {
    /// How long one host's probe may take before the host counts as unreachable.
    public static let probeTimeout: Duration = .seconds(60)

    /// A host to check, or the error from connecting to it (then it is reported unreachable).
    public struct Connection: Sendable {
        public var target: PreflightTarget
        public var host: Result<any Remote.Host, any Error>

        public init(target: PreflightTarget, host: Result<any Remote.Host, any Error>) {
            self.target = target
            self.host = host
        }
    }

    public static func run(_ targets: [(PreflightTarget, any Remote.Host)], concurrency: Int = FanOut.defaultConcurrency,
                           ignore: IgnoreList = .none, reachability: Bool = false) async -> PreflightReport {
        await run(connections: targets.map { Connection(target: $0.0, host: .success($0.1)) },
                  concurrency: concurrency, ignore: ignore, reachability: reachability)
    }

    /// With `reachability`, a second round trip per probed host tests the ports peers will serve
    /// (`Reachable-6443`, `-2379`, `-2380`, `-10250`); see `Reachability`.
    public static func run(connections: [Connection], concurrency: Int = FanOut.defaultConcurrency,
                           ignore: IgnoreList = .none, reachability: Bool = false) async -> PreflightReport {
        let gathered = await FanOut.map(connections, concurrency: concurrency) { connection in
            try await gather(connection.target, on: connection.host.get())
        }
        var report = judge(zip(connections, gathered).map { connection, result in
            (connection.target, result.mapError { $0 as any Error })
        }, ignore: ignore)
        guard reachability else { return report }
        let probed = zip(connections, gathered).enumerated().compactMap { index, pair -> (Int, PreflightTarget, any Remote.Host)? in
            guard case .success = pair.1, case let .success(host) = pair.0.host else { return nil }
            return (index, pair.0.target, host)
        }
        let checks = await Reachability.run(probed.map { ($0.1, $0.2) }, concurrency: concurrency)
        for ((index, _, _), results) in zip(probed, checks) {
            report.hosts[index].checks += results.map(ignore.apply)
        }
        return report
    }

    /// Runs the probe once on `host` and parses what it printed. Connection and timeout errors propagate
    /// (the host is unreachable); a probe that ran but printed garbage throws `ProbeError`.
    public static func gather(_ target: PreflightTarget, on host: any Remote.Host) async throws -> GatheredHost {
        let before = Date().timeIntervalSince1970
        let result = try await host.run(ProbeScript.text(for: target), stdin: nil, timeout: probeTimeout)
        let after = Date().timeIntervalSince1970
        let facts: HostFacts
        do { facts = try HostFacts(probeOutput: result.stdoutText) } catch {
            if !result.succeeded {
                throw ProbeError.failed(host: host.name, exitStatus: result.exitStatus, stderr: result.stderrText)
            }
            throw error
        }
        return GatheredHost(target: target, facts: facts, operatorBefore: before, operatorAfter: after)
    }

    /// Judges gathered facts (pure). Hosts whose gathering failed are reported unreachable, except when the
    /// probe ran but its output was unusable: then the host is reachable and carries the error.
    public static func judge(_ hosts: [(PreflightTarget, Result<GatheredHost, any Error>)],
                             ignore: IgnoreList = .none) -> PreflightReport {
        let reachable = hosts.compactMap { try? $0.1.get() }
        let crossHost = ClusterChecks.evaluate(reachable)
        var crossIndex = 0
        let reports = hosts.map { target, result -> PreflightReport.HostReport in
            switch result {
            case let .success(gathered):
                let checks = HostChecks.evaluate(gathered.target, gathered.facts) + crossHost[crossIndex]
                crossIndex += 1
                return .init(name: target.name, address: target.address, reachable: true, checks: checks.map(ignore.apply))
            case let .failure(error as ProbeError):
                return .init(name: target.name, address: target.address, reachable: true, error: "\(error)")
            case let .failure(error):
                return .init(name: target.name, address: target.address, reachable: false, error: "\(error)")
            }
        }
        return PreflightReport(hosts: reports)
    }
}
