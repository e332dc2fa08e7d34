import Foundation
import Templates

/// The answer of `etcdctl member list -w json` or `member add -w json`.
public struct EtcdMemberList: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var id: UInt64
        /// Empty for a member that was added but has not started yet.
        public var name: String
        public var peerURLs: [String]
        public var clientURLs: [String]
        public var isLearner: Bool

        public var isStarted: Bool { !name.isEmpty }

        public init(id: UInt64, name: String, peerURLs: [String], clientURLs: [String] = [], isLearner: Bool = false) {
            self.id = id
            self.name = name
            self.peerURLs = peerURLs
            self.clientURLs = clientURLs
            self.isLearner = isLearner
        }
    }

    public var clusterID: UInt64
    public var members: [Member]
    /// `member add` only: the member just added.
    public var added: Member?

    public static func parse(_ data: Data, host: String = "etcd") throws -> EtcdMemberList {
        struct Header: Decodable { var cluster_id: UInt64? }
        struct RawMember: Decodable {
            var ID: UInt64?
            var name: String?
            var peerURLs: [String]?
            var clientURLs: [String]?
            var isLearner: Bool?
            var member: Member {
                Member(id: ID ?? 0, name: name ?? "", peerURLs: peerURLs ?? [], clientURLs: clientURLs ?? [], isLearner: isLearner ?? false)
            }
        }
        struct Raw: Decodable { var header: Header?; var members: [RawMember]?; var member: RawMember? }
        do {
            let raw = try JSONDecoder().decode(Raw.self, from: data)
            return EtcdMemberList(clusterID: raw.header?.cluster_id ?? 0, members: (raw.members ?? []).map(\.member),
                                  added: raw.member?.member)
        } catch {
            throw EtcdError.unreadableOutput(host: host, reason: "\(error)")
        }
    }

    public func member(withPeerURL url: String) -> Member? {
        members.first { $0.peerURLs.contains(url) }
    }

    /// `--initial-cluster` for a member joining as `name` at `peerURL`: every member as `name=peerURL`, the
    /// joining one (still nameless in the list) under its own name — what kubeadm's AddMember returns.
    public func initialCluster(joining name: String, peerURL: String) -> [EtcdMember] {
        var result = members.compactMap { member -> EtcdMember? in
            if member.peerURLs.contains(peerURL) { return EtcdMember(name: name, peerURL: peerURL) }
            return member.peerURLs.first.map { EtcdMember(name: member.name, peerURL: $0) }
        }
        if !result.contains(where: { $0.peerURL == peerURL }) { result.append(EtcdMember(name: name, peerURL: peerURL)) }
        return result
    }

    /// Members added but never started, other than the one at `peerURL`: a join that stopped half-way. While
    /// one exists, the cluster counts a voter that cannot vote, and a new member's --initial-cluster cannot name it.
    public func pendingMembers(except peerURL: String) -> [Member] {
        members.filter { !$0.isStarted && !$0.peerURLs.contains(peerURL) }
    }
}
