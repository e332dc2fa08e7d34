import Foundation
import Remote

/// The second preflight step: can each host open TCP connections to the ports its peers will serve
/// (6443 on control planes, 2379/2380 between etcd members, 10250 from control planes to every kubelet)?
/// Before the cluster exists nothing listens, so "connection refused" means the path is open; a
/// rejection ("no route to host") or a timeout means a firewall is in the way.
public enum Reachability {
    public struct Probe: Sendable, Hashable {
        public var peer: String
        public var address: String
        public var port: Int

        public init(peer: String, address: String, port: Int) {
            self.peer = peer
            self.address = address
            self.port = port
        }
    }

    public enum Outcome: Sendable, Equatable {
        /// Something accepted the connection.
        case open
        /// The peer's kernel answered with a reset: reachable, nothing listening yet.
        case refused
        /// An ICMP rejection (firewall REJECT, no route).
        case rejected(String)
        /// No answer within the timeout (firewall DROP).
        case timedOut
        /// The source host lacks the tools to test (bash and timeout).
        case untested(String)

        public var reachable: Bool { self == .open || self == .refused }
    }

    public static let timeoutSeconds = 2

    /// What `source` must reach among `targets`.
    public static func probes(from source: PreflightTarget, in targets: [PreflightTarget]) -> [Probe] {
        targets.filter { $0.name != source.name }.flatMap { peer -> [Probe] in
            var ports: [Int] = []
            if peer.isControlPlane { ports.append(peer.apiServerPort) }
            if peer.runsEtcd && source.runsEtcd { ports += [2379, 2380] }
            if source.isControlPlane { ports.append(10250) }
            return ports.map { Probe(peer: peer.name, address: peer.address, port: $0) }
        }
    }

    /// One script that tests every probe and prints `==> ADDRESS PORT rc=N` sections.
    /// bash's /dev/tcp is used because POSIX sh has no socket primitive and nc is not always installed.
    public static func script(_ probes: [Probe]) -> String {
        var lines = [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH",
            "if ! command -v bash >/dev/null 2>&1 || ! command -v timeout >/dev/null 2>&1; then echo '==> untested'; exit 0; fi",
            "t() { o=$(timeout \(timeoutSeconds) bash -c 'exec 3<>\"/dev/tcp/$1/$2\"' _ \"$1\" \"$2\" 2>&1); printf '==> %s %s rc=%s\\n%s\\n' \"$1\" \"$2\" \"$?\" \"$o\"; }",
        ]
        for probe in probes {
            // Sequential: unanswered probes cost `timeoutSeconds` each, answered ones milliseconds. Background
            // jobs and `wait` would hang under a parent that blocks SIGCHLD (Foundation's Process does).
            lines.append("t \(ShellQuote.quote(probe.address)) \(probe.port)")
        }
        lines.append("echo '==> end'")
        return lines.joined(separator: "\n") + "\n"
    }

    public static func parse(_ output: String, probes: [Probe]) -> [Probe: Outcome] {
        let sections = ProbeSections(parsing: output)
        var outcomes: [Probe: Outcome] = [:]
        for probe in probes {
            if sections["untested"] != nil {
                outcomes[probe] = .untested("bash or timeout is missing on the host")
                continue
            }
            guard let section = sections["\(probe.address) \(probe.port)"], let status = section.exitStatus else {
                outcomes[probe] = .untested("no result")
                continue
            }
            let text = section.text.lowercased()
            outcomes[probe] = switch status {
            case 0: .open
            case 124: .timedOut
            default:
                if text.contains("connection refused") { .refused }
                else { .rejected(section.lines.last.map { $0.components(separatedBy: ": ").last ?? $0 } ?? "exit \(status)") }
            }
        }
        return outcomes
    }

    /// One `Reachable-PORT` check per port, listing every peer tested on it.
    public static func judge(_ outcomes: [Probe: Outcome]) -> [CheckResult] {
        let byPort = Dictionary(grouping: outcomes, by: \.key.port)
        return byPort.keys.sorted().map { port in
            let name = "Reachable-\(port)"
            let entries = byPort[port, default: []].sorted { $0.key.peer < $1.key.peer }
            let blocked = entries.filter { !$0.value.reachable }
            func describe(_ entry: (key: Probe, value: Outcome)) -> String {
                let what = switch entry.value {
                case .open: "open"
                case .refused: "reachable (nothing listening yet)"
                case let .rejected(reason): "rejected: \(reason)"
                case .timedOut: "no answer in \(timeoutSeconds) s (dropped)"
                case let .untested(reason): "not tested: \(reason)"
                }
                return "\(entry.key.peer) \(entry.key.address):\(port) \(what)"
            }
            if blocked.isEmpty { return .pass(name, entries.map(describe).joined(separator: "; ")) }
            if blocked.allSatisfy({ if case .untested = $0.value { true } else { false } }) {
                return .warn(name, blocked.map(describe).joined(separator: "; "), fix: "install bash and coreutils' timeout")
            }
            let peers = Set(blocked.map(\.key.peer)).sorted().joined(separator: ", ")
            return .fail(name, blocked.map(describe).joined(separator: "; "),
                         fix: "open \(port)/tcp on \(peers) (firewall-cmd --permanent --add-port=\(port)/tcp or ufw allow \(port)/tcp) and check security groups")
        }
    }

    /// Runs the probes from every host (one round trip each) and returns each host's checks, in order.
    public static func run(_ hosts: [(PreflightTarget, any Remote.Host)],
                           concurrency: Int = FanOut.defaultConcurrency) async -> [[CheckResult]] {
        let targets = hosts.map(\.0)
        let results = await FanOut.map(hosts.map { Pair(target: $0.0, host: $0.1) }, concurrency: concurrency) { pair in
            let probes = probes(from: pair.target, in: targets)
            guard !probes.isEmpty else { return [CheckResult]() }
            let output = try await pair.host.run(script(probes), stdin: nil, timeout: .seconds(timeoutSeconds + 30))
            return judge(parse(output.stdoutText, probes: probes))
        }
        return results.map { result in
            switch result {
            case let .success(checks): checks
            case let .failure(error): [.fail("Reachability", "could not run the reachability probe: \(error)", fix: "check the host's connection")]
            }
        }
    }

    private struct Pair: Sendable {
        var target: PreflightTarget
        var host: any Remote.Host
    }
}
