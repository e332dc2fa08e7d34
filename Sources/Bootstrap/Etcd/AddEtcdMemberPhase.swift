import Remote
import Templates

/// What `AddEtcdMemberPhase` learned, for the phases after it (the unit needs `--initial-cluster`).
public actor EtcdJoinPlan {
    public private(set) var initialCluster: [EtcdMember] = []
    public init() {}
    func set(_ members: [EtcdMember]) { initialCluster = members }
}

/// `etcdctl member add` on an existing member, as kubeadm's join does: one member at a time, as a learner
/// when `learner` (kubeadm's EtcdLearnerMode, on by default from v1.29: a learner catching up does not count
/// toward quorum). Re-running is safe: a member already registered at this peer URL is not added twice.
public struct AddEtcdMemberPhase: Phase {
    public let existing: any Remote.Host
    public let etcdctl: EtcdCtl
    public let name: String
    public let peerURL: String
    public let plan: EtcdJoinPlan
    public var learner: Bool
    /// How long to keep retrying while the cluster settles after the previous join.
    public var retryFor: Duration = .seconds(60)
    public var title: String { "Add etcd member \(name) (\(peerURL)) through \(existing.name)" }

    public init(name: String, peerURL: String, through existing: any Remote.Host, etcdctl: EtcdCtl = EtcdCtl(),
                plan: EtcdJoinPlan, learner: Bool = false) {
        self.learner = learner
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
            list = try await EtcdCtl.retrying(for: retryFor) {
                try await etcdctl.memberAdd(name: name, peerURL: peerURL, learner: learner, on: existing)
            }
        }
        await plan.set(list.initialCluster(joining: name, peerURL: peerURL))
    }

    public func dryRun() async throws -> [String] {
        ["would run etcdctl member add \(name) --peer-urls=\(peerURL)\(learner ? " --learner" : "") on \(existing.name)"]
    }
}

/// `etcdctl member promote` of a member added as a learner, retried until it has caught up with the leader
/// (etcd refuses before), as kubeadm's join does. A member that already votes is left alone.
public struct PromoteEtcdMemberPhase: Phase {
    public let existing: any Remote.Host
    public let etcdctl: EtcdCtl
    public let name: String
    public let peerURL: String
    /// How long the learner may take to catch up (kubeadm waits up to 8×5s for the cluster; more here
    /// because the learner has just started).
    public var retryFor: Duration = .seconds(90)
    public var title: String { "Promote etcd learner \(name) to a voting member through \(existing.name)" }

    public init(name: String, peerURL: String, through existing: any Remote.Host, etcdctl: EtcdCtl = EtcdCtl()) {
        self.name = name
        self.peerURL = peerURL
        self.existing = existing
        self.etcdctl = etcdctl
    }

    public func run() async throws {
        let list = try await etcdctl.memberList(on: existing)
        guard let member = list.member(withPeerURL: peerURL) else {
            throw EtcdError.memberConflict(host: existing.name, detail: "no etcd member has peer URL \(peerURL) to promote")
        }
        guard member.isLearner else { return }
        try await EtcdCtl.retrying(for: retryFor, while: Self.isNotYet) {
            try await etcdctl.memberPromote(id: member.id, on: existing)
        }
    }

    /// "can only promote a learner member which is in sync with leader", or the cluster still settling.
    static func isNotYet(_ output: String) -> Bool {
        output.contains("in sync with leader") || output.contains("is not ready") || EtcdCtl.isTransient(output)
    }

    public func dryRun() async throws -> [String] {
        ["would run etcdctl member promote (\(name), \(peerURL)) on \(existing.name) once it has caught up"]
    }
}
