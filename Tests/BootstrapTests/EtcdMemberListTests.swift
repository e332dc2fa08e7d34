import Foundation
import Remote
import Templates
import Testing
@testable import Bootstrap

/// `etcdctl -w json` answers captured from real etcd 3.4.23 (IDs above 2^63 included).
struct EtcdMemberListTests {
    static let memberList = #"{"header":{"cluster_id":16852641557184054374,"member_id":9009370488483034218,"raft_term":2},"members":[{"ID":9009370488483034218,"name":"m1","peerURLs":["http://127.0.0.1:23805"],"clientURLs":["http://127.0.0.1:23795"]}]}"#
    static let memberAdd = #"{"header":{"cluster_id":16852641557184054374,"member_id":9009370488483034218,"raft_term":2},"member":{"ID":13658600968593014409,"peerURLs":["http://127.0.0.1:23806"]},"members":[{"ID":9009370488483034218,"name":"m1","peerURLs":["http://127.0.0.1:23805"],"clientURLs":["http://127.0.0.1:23795"]},{"ID":13658600968593014409,"peerURLs":["http://127.0.0.1:23806"]}]}"#

    @Test func parsesMemberListWithExact64BitIDs() throws {
        let list = try EtcdMemberList.parse(Data(Self.memberList.utf8))
        #expect(list.clusterID == 16852641557184054374)
        #expect(list.members == [EtcdMemberList.Member(id: 9009370488483034218, name: "m1", peerURLs: ["http://127.0.0.1:23805"],
                                                        clientURLs: ["http://127.0.0.1:23795"])])
        #expect(list.added == nil)
    }

    @Test func theAddedMemberIsNamelessUntilItStarts() throws {
        let list = try EtcdMemberList.parse(Data(Self.memberAdd.utf8))
        #expect(list.added?.id == 13658600968593014409)
        #expect(list.members.map(\.isStarted) == [true, false])
        #expect(String(13658600968593014409 as UInt64, radix: 16) == "bd8d1936edcafe89")
    }

    @Test func initialClusterNamesTheJoiningMemberAsKubeadmDoes() throws {
        let list = try EtcdMemberList.parse(Data(Self.memberAdd.utf8))
        #expect(list.initialCluster(joining: "m2", peerURL: "http://127.0.0.1:23806") == [
            EtcdMember(name: "m1", peerURL: "http://127.0.0.1:23805"), EtcdMember(name: "m2", peerURL: "http://127.0.0.1:23806"),
        ])
        #expect(list.pendingMembers(except: "http://127.0.0.1:23806").isEmpty)
        #expect(list.pendingMembers(except: "http://127.0.0.1:9999").map(\.id) == [13658600968593014409])
    }

    @Test func garbageIsAnErrorNamingTheHost() {
        #expect(throws: EtcdError.self) { try EtcdMemberList.parse(Data("Error: context deadline exceeded".utf8), host: "n1") }
    }

    @Test func transientRefusalsAreRetried() {
        #expect(EtcdCtl.isTransient(#"{"level":"warn"} Error: etcdserver: unhealthy cluster"#))
        #expect(!EtcdCtl.isTransient("Error: etcdserver: Peer URLs already exists"))
        #expect(PromoteEtcdMemberPhase.isNotYet("Error: etcdserver: can only promote a learner member which is in sync with leader"))
        #expect(!PromoteEtcdMemberPhase.isNotYet("Error: etcdserver: member not found"))
    }

    @Test func etcdctlCommandsQuoteEveryValue() {
        let ctl = EtcdCtl(endpoints: ["https://10.0.0.1:2379"], certificatesDir: "/etc/kube pki")
        #expect(ctl.command(["member", "list"]) == "ETCDCTL_API=3 /usr/local/bin/etcdctl '--endpoints=https://10.0.0.1:2379' '--dial-timeout=5s' '--command-timeout=15s' '--cacert=/etc/kube pki/etcd/ca.crt' '--cert=/etc/kube pki/etcd/healthcheck-client.crt' '--key=/etc/kube pki/etcd/healthcheck-client.key' member list")
    }
}
