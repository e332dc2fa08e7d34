import Foundation
import KubeadmConfig
import Remote
import SSH
import Testing
@testable import Bootstrap

/// Real etcd (Debian's 3.4 binary from this machine, pushed as a bundle) brought up as a systemd unit on the
/// lab hosts with kubeforge's certificates. Only etcd's unit, ports, /var/lib/etcd, /etc/kubernetes and
/// /usr/local/bin/etcd* are touched, and each test removes them again.
@Suite(.serialized, .enabled(if: Lab.enabled, "set KUBEFORGE_LAB=1 with the lab running"))
struct EtcdLabTests {
    @Test func bringsUpAHealthyEtcdOnTheMaster() async throws {
        let master = try await Lab.host("k8s-master", "10.213.0.11")
        try await Lab.cleanEtcd(on: master)
        let bundle = try await Lab.etcdBundle()
        let uploads = OutcomeLog()
        let resolver = BinaryResolver(source: .directory(bundle.path))
        var (bringUp, certificates) = Lab.etcdMember(name: "k8s-master", address: "10.213.0.11", resolver: resolver)
        bringUp.report = { uploads.append($0) }
        do {
            let clock = ContinuousClock()
            let started = clock.now
            try await PhaseRunner().run([EtcdCertificatesPhase(on: master, options: certificates)] + bringUp.firstMemberPhases(on: master))
            print("etcd bring-up on k8s-master (certificates, upload, unit, start, healthy): \(clock.now - started)")

            #expect(uploads.all.map(\.binary) == ["etcd", "etcdctl"])
            #expect(uploads.all.allSatisfy { $0.uploaded && $0.version == "3.4.23" })
            #expect(try await master.stat("/etc/systemd/system/etcd.service")?.mode == 0o644)
            #expect(try await master.run("systemctl is-enabled etcd.service").stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "enabled")
            #expect(try await master.stat("/etc/kubernetes/pki/etcd/server.key")?.mode == 0o600)

            // Independent check from the operator's machine: real etcdctl over the network, mTLS.
            let (etcdctl, keep) = try await Lab.operatorEtcdctl(certificatesFrom: master, endpoints: ["https://10.213.0.11:2379"])
            let health = try await etcdctl(["endpoint", "health"])
            #expect(health.succeeded, "\(health.stderrText)")
            #expect(try await etcdctl(["put", "kubeforge/probe", "ok"]).succeeded)
            #expect(try await etcdctl(["get", "--print-value-only", "kubeforge/probe"]).stdoutText == "ok\n")
            _ = keep

            // A second install sends nothing: the host's copies have the same sha256.
            let again = OutcomeLog()
            try await InstallBinariesPhase(bringUp.binaries, on: master, resolver: resolver, report: { again.append($0) }).run()
            #expect(again.all.map(\.uploaded) == [false, false])
        } catch {
            try? await Lab.cleanEtcd(on: master)
            await master.disconnect()
            throw error
        }
        try await Lab.cleanEtcd(on: master)
        #expect(try await master.stat("/var/lib/etcd") == nil)
        await master.disconnect()
    }

    @Test func threeStackedMembersAddedOneAtATimeSurviveAMemberRestart() async throws {
        var hosts: [SSHHost] = []
        for member in Lab.members { hosts.append(try await Lab.host(member.name, member.address)) }
        for host in hosts { try await Lab.cleanEtcd(on: host) }
        let bundle = try await Lab.etcdBundle()
        let resolver = BinaryResolver(source: .directory(bundle.path))
        let members = Lab.members.map { Lab.etcdMember(name: $0.name, address: $0.address, resolver: resolver) }
        do {
            let clock = ContinuousClock()
            var started = clock.now
            try await PhaseRunner().run([EtcdCertificatesPhase(on: hosts[0], options: members[0].certificates)]
                + members[0].bringUp.firstMemberPhases(on: hosts[0]))
            print("etcd member 1 (k8s-master) healthy after \(clock.now - started)")
            for index in 1..<3 {
                started = clock.now
                try await PhaseRunner().run([EtcdCertificatesPhase(on: hosts[index], options: members[index].certificates, caSource: hosts[0])]
                    + members[index].bringUp.joiningMemberPhases(on: hosts[index], through: hosts[0]))
                print("etcd member \(index + 1) (\(Lab.members[index].name)) joined and healthy after \(clock.now - started)")
                let list = try await members[0].bringUp.etcdctl.memberList(on: hosts[0])
                #expect(list.members.count == index + 1)
                #expect(list.members.allSatisfy { $0.isStarted })
                // Joined as a learner (kubeadm's EtcdLearnerMode, on for the default version) and promoted.
                #expect(members[index].bringUp.learnerMode)
                #expect(list.members.allSatisfy { !$0.isLearner }, "\(list.members)")
            }

            let endpoints = Lab.members.map { "https://\($0.address):2379" }
            let (etcdctl, keep) = try await Lab.operatorEtcdctl(certificatesFrom: hosts[0], endpoints: endpoints)
            _ = keep
            let list = try EtcdMemberList.parse(try await etcdctl(["member", "list", "-w", "json"]).stdout)
            #expect(Set(list.members.map(\.name)) == Set(Lab.members.map(\.name)))
            #expect(Set(list.members.flatMap(\.peerURLs)) == Set(Lab.members.map { "https://\($0.address):2380" }))
            let health = try await etcdctl(["endpoint", "health"])
            #expect(health.succeeded, "\(health.stderrText)")
            #expect(try await etcdctl(["put", "kubeforge/stacked", "three"]).succeeded)

            // One member restarts; it comes back healthy and the cluster keeps its data.
            started = clock.now
            #expect(try await hosts[1].run("systemctl restart etcd.service").succeeded)
            try await HealthWaiter(timeout: .seconds(60)).wait(for: members[1].bringUp.healthCheck, on: hosts[1])
            print("etcd member k8s-node1 healthy again \(clock.now - started) after a restart")
            let after = try await etcdctl(["endpoint", "health"])
            #expect(after.succeeded, "\(after.stderrText)")
            let (node2ctl, keep2) = try await Lab.operatorEtcdctl(certificatesFrom: hosts[0], endpoints: ["https://10.213.0.13:2379"])
            _ = keep2
            #expect(try await node2ctl(["get", "--print-value-only", "--consistency=l", "kubeforge/stacked"]).stdoutText == "three\n")
        } catch {
            for host in hosts { try? await Lab.cleanEtcd(on: host); await host.disconnect() }
            throw error
        }
        for host in hosts { try await Lab.cleanEtcd(on: host); await host.disconnect() }
    }
}

final class OutcomeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [InstallOutcome] = []
    func append(_ outcome: InstallOutcome) { lock.withLock { outcomes.append(outcome) } }
    var all: [InstallOutcome] { lock.withLock { outcomes } }
}
