import Foundation
import KubeAPI
import Remote

/// Probes a component until it is healthy or a deadline passes; on failure gathers the unit's state and
/// journal and says what is likely wrong.
public struct HealthWaiter: Sendable {
    public var timeout: Duration
    public var interval: Duration
    /// Give up early when systemd has restarted the unit this many times (it is crash-looping).
    public var maxRestarts: Int
    public var journalLines: Int
    /// How long a 401/403 is waited out before it counts as final (a starting kube-apiserver refuses anonymous
    /// health probes until its RBAC bootstrap policy is in place, within a few seconds).
    public var refusalGrace: Duration = .seconds(20)

    public init(timeout: Duration = .seconds(120), interval: Duration = .seconds(1), maxRestarts: Int = 3, journalLines: Int = 30) {
        self.timeout = timeout
        self.interval = interval
        self.maxRestarts = maxRestarts
        self.journalLines = journalLines
    }

    /// Returns how long it took to become healthy. A probe that cannot run at all (a missing tool, a refused
    /// forward, refused credentials) fails at once with its reason, never after the whole timeout.
    @discardableResult
    public func wait(for check: HealthCheck, on host: any Remote.Host) async throws -> Duration {
        let prober: Prober
        do {
            prober = try await Prober(check.probe, on: host)
        } catch {
            let state = (try? await UnitState.read(check.unit, on: host)) ?? UnitState.parse("")
            throw try await failure(check, host: host, waited: .zero, lastProbe: "\(error)", state: state)
        }
        do {
            let waited = try await poll(check, with: prober, on: host)
            await prober.close()
            return waited
        } catch {
            await prober.close()
            throw error
        }
    }

    private func poll(_ check: HealthCheck, with prober: Prober, on host: any Remote.Host) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + timeout
        var lastProbe = "not probed"
        var refusedSince: ContinuousClock.Instant?
        while true {
            let outcome = await prober.probe()
            if case .refused = outcome {} else { refusedSince = nil }
            switch outcome {
            case .healthy:
                return clock.now - start
            case let .notYet(problem):
                lastProbe = problem
            case let .refused(reason):
                lastProbe = reason
                let since = refusedSince ?? clock.now
                refusedSince = since
                if clock.now - since >= refusalGrace {
                    let state = (try? await UnitState.read(check.unit, on: host)) ?? UnitState.parse("")
                    throw try await failure(check, host: host, waited: clock.now - start, lastProbe: reason, state: state)
                }
            case let .cannotRun(reason):
                let state = (try? await UnitState.read(check.unit, on: host)) ?? UnitState.parse("")
                throw try await failure(check, host: host, waited: clock.now - start, lastProbe: reason, state: state)
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

/// Runs one check's probe again and again, keeping what it needs (a forwarded port, an HTTP client) between tries.
final class Prober: Sendable {
    private let host: any Remote.Host
    private let probeKind: HealthCheck.Probe
    private let forward: (any PortForward)?
    private let client: KubeClient?
    private let path: String

    init(_ probe: HealthCheck.Probe, on host: any Remote.Host) async throws {
        self.host = host
        probeKind = probe
        guard case let .http(address, port, path, https) = probe else {
            forward = nil
            client = nil
            self.path = ""
            return
        }
        let forward: any PortForward
        do {
            forward = try await host.forwardPort(port, on: address)
        } catch {
            throw HealthCheckSetupError(host: host.name, reason: "cannot reach port \(port) on \(host.name): \(error)")
        }
        self.forward = forward
        self.path = path
        let server = "\(https ? "https" : "http")://\(HealthCheck.hostPort(address, port))"
        let connection = try KubeConnection(server: server, credentials: .anonymous, trust: .unverified)
        client = try KubeClient(connection.routed(through: forward), requestTimeout: .seconds(5))
    }

    func probe() async -> ProbeOutcome {
        switch probeKind {
        case let .command(command, evaluate):
            do {
                return HealthCheck.Probe.outcome(of: try await host.run(command, timeout: .seconds(15)), evaluate)
            } catch {
                return .notYet("\(error)")
            }
        case .http:
            guard let client else { return .cannotRun("no HTTP client") }
            do {
                return HealthCheck.Probe.outcome(body: try await client.health(path), error: nil)
            } catch {
                return HealthCheck.Probe.outcome(body: nil, error: error)
            }
        }
    }

    /// Releases the client and the forward; safe to call more than once.
    func close() async {
        await client?.shutdown()
        await forward?.close()
    }
}

/// The probe could not even be set up (the port cannot be forwarded).
public struct HealthCheckSetupError: Error, CustomStringConvertible {
    public var host: String
    public var reason: String
    public var description: String { reason }
}
