import Remote
import Templates

/// What `AddEtcdMemberPhase` learned, for the phases after it (the unit needs `--initial-cluster`).
public actor EtcdJoinPlan {
    public private(set) var initialCluster: [EtcdMember] = []
    public init() {}
    func set(_ members: [EtcdMember]) { initialCluster = members }
}

/// `etcdctl member add` on an existing member, as kubeadm's join does: one member at a time. Re-running is
/// safe: a member already registered at this peer URL (started or not) is not added twice.
public struct AddEtcdMemberPhase: Phase {
    public let existing: any Remote.Host
    public let etcdctl: EtcdCtl
    public let name: String
    public let peerURL: String
    public let plan: EtcdJoinPlan
    /// How long to keep retrying while the cluster settles after the previous join.
    public var retryFor: Duration = .seconds(60)
    public var title: String { "Add etcd member \(name) (\(peerURL)) through \(existing.name)" }

    public init(name: String, peerURL: String, through existing: any Remote.Host, etcdctl: EtcdCtl = EtcdCtl(), plan: EtcdJoinPlan) {
        self.name = name
        self.peerURL = peerURL
        self.existing = existing
        self.etcdctl = etcdctl
        self.plan = plan
    }

    public func run() async throws {
        var list = try await etcdctl.memberList(on: existing)
        if let member = list.member(withPeerURL: peerURL), member.isStarted, member.name != name {
            throw EtcdError.memberConflict(host: existing.name, detail: "peer URL \(peerURL) already belongs to etcd member '\(member.name)'; remove it first (etcdctl member remove \(String(member.id, radix: 16)))")
        }
        let pending = list.pendingMembers(except: peerURL)
        guard pending.isEmpty else {
            let ids = pending.map { "\(String($0.id, radix: 16)) (\($0.peerURLs.joined(separator: ",")))" }.joined(separator: ", ")
            throw EtcdError.memberConflict(host: existing.name, detail: "etcd has members that were added but never started: \(ids); finish or undo that join (etcdctl member remove ID) before adding another")
        }
        if list.member(withPeerURL: peerURL) == nil {
            list = try await addRetryingWhileSettling()
        }
        await plan.set(list.initialCluster(joining: name, peerURL: peerURL))
    }

    /// etcd refuses reconfiguration until every member has been connected for 5s ("unhealthy cluster",
    /// --strict-reconfig-check), which is the case right after the previous join; kubeadm retries too.
    private func addRetryingWhileSettling() async throws -> EtcdMemberList {
        let clock = ContinuousClock()
        let deadline = clock.now + retryFor
        while true {
            do {
                return try await etcdctl.memberAdd(name: name, peerURL: peerURL, on: existing)
            } catch let EtcdError.commandFailed(_, _, output) where Self.isTransient(output) && clock.now < deadline {
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// etcd's answers that mean "not now" rather than "no".
    static func isTransient(_ output: String) -> Bool {
        ["etcdserver: unhealthy cluster", "etcdserver: request timed out", "etcdserver: leader changed",
         "context deadline exceeded", "not enough started members"].contains { output.contains($0) }
    }

    public func dryRun() async throws -> [String] {
        ["would run etcdctl member add \(name) --peer-urls=\(peerURL) on \(existing.name)"]
    }
}
