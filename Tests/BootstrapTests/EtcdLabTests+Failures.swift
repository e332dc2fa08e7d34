import Foundation
import Remote
import SSH
import Testing
@testable import Bootstrap

/// Real etcd units that fail on a lab host: the bring-up stops at the health wait and says why, from the journal.
/// Part of EtcdLabTests so that no two lab tests touch k8s-master's etcd at once (the suite is serialized).
extension EtcdLabTests {
    static let squatter = "kubeforge-test-port-squatter"

    @Test func aTakenClientPortIsReportedWithTheJournal() async throws {
        let master = try await Lab.host("k8s-master", "10.213.0.11")
        try await Lab.cleanEtcd(on: master)
        let bundle = try await Lab.etcdBundle()
        let resolver = BinaryResolver(source: .directory(bundle.path))
        let (bringUp, certificates) = Lab.etcdMember(name: "k8s-master", address: "10.213.0.11", resolver: resolver,
                                                     waiter: HealthWaiter(timeout: .seconds(40), maxRestarts: 1))
        // Debian's etcd, plain HTTP, squatting on 127.0.0.1:2379.
        let squat = try await master.run(ShellQuote.join([
            "systemd-run", "--unit=\(Self.squatter)", "/usr/bin/etcd", "--data-dir=/tmp/kubeforge-squat",
            "--listen-client-urls=http://127.0.0.1:2379", "--advertise-client-urls=http://127.0.0.1:2379",
            "--listen-peer-urls=http://127.0.0.1:2390", "--initial-advertise-peer-urls=http://127.0.0.1:2390",
            "--initial-cluster=default=http://127.0.0.1:2390",
        ]))
        #expect(squat.succeeded, "\(squat.stderrText)")
        do {
            let error = await #expect(throws: PhaseFailure.self) {
                try await PhaseRunner().run([EtcdCertificatesPhase(on: master, options: certificates)] + bringUp.firstMemberPhases(on: master))
            }
            let failure = try #require(error?.underlying as? HealthCheckFailure)
            print(failure)
            #expect(failure.host == "k8s-master" && failure.unit == "etcd.service")
            #expect(failure.likelyCause?.contains("port 2379 is already taken") == true)
            #expect(failure.journal.contains { $0.contains("address already in use") })
            #expect(failure.journal.count <= 30)
            // The runner cleaned up: the unit it started is stopped and disabled again.
            #expect(try await master.run("systemctl is-enabled etcd.service").stdoutText.contains("disabled"))
        } catch {
            try? await cleanUp(master)
            await master.disconnect()
            throw error
        }
        try await cleanUp(master)
        await master.disconnect()
    }

    @Test func missingCertificatesAreReportedWithTheJournal() async throws {
        let master = try await Lab.host("k8s-master", "10.213.0.11")
        try await Lab.cleanEtcd(on: master)
        let bundle = try await Lab.etcdBundle()
        let (bringUp, _) = Lab.etcdMember(name: "k8s-master", address: "10.213.0.11", resolver: BinaryResolver(source: .directory(bundle.path)),
                                          waiter: HealthWaiter(timeout: .seconds(40), maxRestarts: 1))
        do {
            // No certificates phase: etcd cannot open its serving certificate.
            let error = await #expect(throws: PhaseFailure.self) { try await PhaseRunner().run(bringUp.firstMemberPhases(on: master)) }
            let failure = try #require(error?.underlying as? HealthCheckFailure)
            print(failure)
            #expect(failure.likelyCause?.contains("/etc/kubernetes/pki/etcd/") == true)
            #expect(failure.likelyCause?.contains("is missing") == true)
        } catch {
            try? await cleanUp(master)
            await master.disconnect()
            throw error
        }
        try await cleanUp(master)
        await master.disconnect()
    }

    private func cleanUp(_ host: any Remote.Host) async throws {
        _ = try await host.run("systemctl stop \(Self.squatter) 2>/dev/null; systemctl reset-failed \(Self.squatter) 2>/dev/null; rm -rf /tmp/kubeforge-squat; true")
        try await Lab.cleanEtcd(on: host)
    }
}
