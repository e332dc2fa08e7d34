import Foundation
import Inventory
import KubeAPI
import Remote

/// `kubeforge reset -i INV`: kubeadm reset on every selected host at once. When some of the inventory's
/// etcd members stay, each selected member first leaves the cluster (kubeadm's remove-etcd-member), one at
/// a time so the rest keep quorum; when every member goes, nobody needs to leave.
public enum ClusterReset {
    public struct Target: Sendable {
        public var name: String
        public var host: Result<any Remote.Host, any Error>
        /// `https://ADDRESS:2380` when the host is an etcd member of the inventory.
        public var etcdPeerURL: String?

        public init(name: String, host: Result<any Remote.Host, any Error>, etcdPeerURL: String? = nil) {
            self.name = name
            self.host = host
            self.etcdPeerURL = etcdPeerURL
        }

        /// An inventory host; its peer URL is the one `up` registered it under.
        public init(_ host: InventoryHost, transport: any Remote.Host) {
            self.init(name: host.name, host: .success(transport),
                      etcdPeerURL: host.isEtcd ? "https://\(HealthCheck.hostPort(host.internalAddress, 2380))" : nil)
        }
    }

    public static func run(_ targets: [Target], leaveEtcd: Bool, apply: Bool, reset: HostReset = HostReset(),
                           etcdctl: EtcdCtl = EtcdCtl(), concurrency: Int = FanOut.defaultConcurrency) async -> ResetReport {
        var leaving: [String: Leaving] = [:]
        if leaveEtcd {
            for target in targets {
                guard let peerURL = target.etcdPeerURL, case let .success(host) = target.host else { continue }
                leaving[target.name] = await leave(host, peerURL: peerURL, etcdctl: etcdctl, apply: apply)
            }
        }
        let results = await FanOut.map(targets, concurrency: concurrency) { target in
            switch target.host {
            case let .success(host): await reset.run(on: host, apply: apply)
            case let .failure(error): HostReset.Outcome(name: target.name, status: .failed("\(error)"), lines: [], warnings: [])
            }
        }
        var outcomes = zip(targets, results).map { target, result in
            (try? result.get()) ?? HostReset.Outcome(name: target.name, status: .failed("reset did not run"), lines: [], warnings: [])
        }
        for index in outcomes.indices {
            guard let left = leaving[outcomes[index].name] else { continue }
            outcomes[index].lines = left.lines + outcomes[index].lines
            outcomes[index].warnings += left.warnings
            if outcomes[index].status == .nothingToDo, !outcomes[index].lines.isEmpty { outcomes[index].status = .changed }
        }
        return ResetReport(hosts: outcomes, dryRun: !apply)
    }

    /// The Nodes of reset hosts go from the cluster that stays (through `controlPlane`'s admin.conf), so a
    /// later join under the same name is a new node. Returns host name → warning for what could not be removed.
    public static func deleteNodes(_ names: [String], through controlPlane: any Remote.Host, apiServer address: String,
                                   port: Int) async -> [String: String] {
        do {
            let admin = try await ClusterAccess.kubeconfig(at: "/etc/kubernetes/admin.conf", on: controlPlane)
            return try await ClusterAccess.with(admin, apiServer: address, port: port, on: controlPlane) { client in
                var warnings: [String: String] = [:]
                for name in names {
                    do {
                        try await client.delete(.nodes, name)
                    } catch let error as KubeAPIError where error.isNotFound {
                        continue
                    } catch {
                        warnings[name] = "its Node stays in the cluster (\(error)); remove it with kubectl delete node \(name)"
                    }
                }
                return warnings
            }
        } catch {
            return Dictionary(uniqueKeysWithValues: names.map { ($0, "its Node stays in the cluster (\(error)); remove it with kubectl delete node \($0)") })
        }
    }

    /// What leaving etcd did on one host, put in front of its reset's outcome.
    struct Leaving {
        var lines: [String] = []
        var warnings: [String] = []
    }

    /// Removes the member at `peerURL` through its own etcd, unless it is the last member. A failure is a
    /// warning, as in kubeadm: the reset goes on, and the warning says how to finish by hand.
    static func leave(_ host: any Remote.Host, peerURL: String, etcdctl: EtcdCtl, apply: Bool) async -> Leaving {
        do {
            let list = try await etcdctl.memberList(on: host)
            guard let member = list.member(withPeerURL: peerURL), list.members.count > 1 else { return Leaving() }
            let id = String(member.id, radix: 16)
            if apply { try await EtcdCtl.retrying(for: .seconds(30)) { try await etcdctl.memberRemove(id: member.id, on: host) } }
            return Leaving(lines: ["remove etcd member \(member.name.isEmpty ? id : member.name) (\(id)) from the cluster"])
        } catch {
            return Leaving(warnings: ["\(host.name): could not remove its etcd member (\(peerURL)): \(error); "
                + "on a remaining member run: etcdctl member remove ID (etcdctl member list shows the ID)"])
        }
    }
}

/// What `reset` did on every host, as text.
public struct ResetReport: Sendable, Equatable {
    public var hosts: [HostReset.Outcome]
    public var dryRun: Bool

    /// 1 when any host failed.
    public var exitCode: Int32 { hosts.contains { if case .failed = $0.status { true } else { false } } ? 1 : 0 }

    public static let notCleaned = "Not cleaned, as with kubeadm reset: CNI configuration (/etc/cni/net.d), iptables/IPVS rules, "
        + "$HOME/.kube/config, and the installed binaries."

    public func text() -> String {
        var out = ""
        var counts = (changed: 0, unchanged: 0, failed: 0)
        for host in hosts {
            switch host.status {
            case .nothingToDo:
                counts.unchanged += 1
                out += "\(host.name): nothing to reset\n"
            case .changed:
                counts.changed += 1
                out += "\(host.name): \(dryRun ? "would reset" : "reset")\n"
            case let .failed(reason):
                counts.failed += 1
                out += "\(host.name): failed: \(reason)\n"
            }
            for line in host.lines where !line.hasPrefix("failed: ") { out += "  \(line)\n" }
            for warning in host.warnings { out += "  warning: \(warning)\n" }
        }
        out += "\(hosts.count) host\(hosts.count == 1 ? "" : "s"): \(counts.changed) \(dryRun ? "would be reset" : "reset"), "
            + "\(counts.unchanged) with nothing to reset, \(counts.failed) failed\n"
        return out + Self.notCleaned + "\n"
    }

    /// The same as JSON (`reset -o json`): per host its status, changes, failure and warnings, and the counts.
    public func json() throws -> String {
        struct Host: Encodable {
            var name, status: String
            var changes: [String]
            var error: String?
            var warnings: [String]
        }
        struct Document: Encodable {
            var dryRun: Bool
            var hosts: [Host]
            var summary: [String: Int]
            var notCleaned: String
        }
        let entries = hosts.map { host -> Host in
            let changes = host.lines.filter { !$0.hasPrefix("failed: ") }
            return switch host.status {
            case .nothingToDo: Host(name: host.name, status: "nothing-to-reset", changes: [], warnings: host.warnings)
            case .changed: Host(name: host.name, status: "reset", changes: changes, warnings: host.warnings)
            case let .failed(reason): Host(name: host.name, status: "failed", changes: changes, error: reason, warnings: host.warnings)
            }
        }
        let summary = ReportJSON.summary(entries.map(\.status), all: ["reset", "nothing-to-reset", "failed"])
        return try ReportJSON.encode(Document(dryRun: dryRun, hosts: entries, summary: summary, notCleaned: Self.notCleaned))
    }
}
