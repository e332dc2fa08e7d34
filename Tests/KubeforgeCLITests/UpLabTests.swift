import Foundation
import LabSupport
import Testing

/// `kubeforge up` against the lab (systemd mode, Debian's etcd as the bundle): three stacked etcd members
/// over mTLS, then the expected stop at kube-apiserver (no upstream binaries here). Verified with this
/// machine's etcdctl and OpenSSH; everything created (etcd units, /var/lib/etcd, /etc/kubernetes,
/// /usr/local/bin/etcd*) is removed afterwards.
@Suite(.serialized, .enabled(if: Lab.enabled, "needs the lab: KUBEFORGE_LAB=1 after scripts/lab up"))
struct UpLabTests {
    static let addresses = ["10.213.0.11", "10.213.0.12", "10.213.0.13"]

    /// k8s-master control plane + etcd, both nodes etcd members, binaries from a bundle made by scripts/etcd-bundle.
    static func inventory(bundle: String) throws -> String {
        let text = """
            apiVersion: kubeforge/v1alpha1
            kind: Inventory
            cluster:
              controlPlaneMode: systemd
              binaries: {dir: \(bundle)}
            ssh: {user: root, identityFile: \(Lab.directory)/id_ed25519, knownHostsFile: \(Lab.directory)/known_hosts, hostKeyPolicy: strict}
            hosts:
              - {name: k8s-master, address: 10.213.0.11, roles: [control-plane, etcd]}
              - {name: k8s-node1, address: 10.213.0.12, roles: [etcd]}
              - {name: k8s-node2, address: 10.213.0.13, roles: [etcd]}

            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kf-up-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func bundle() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kf-up-bundle-\(UUID().uuidString)").path
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let made = try shell("\(root)/scripts/etcd-bundle '\(dir)'")
        guard made.status == 0 else { throw LabFailure("scripts/etcd-bundle failed: \(made.stderr)") }
        return dir
    }

    struct LabFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func shell(_ command: String) throws -> KubeforgeBinary.Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return .init(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// OpenSSH, independent of kubeforge's libssh2 transport.
    static func ssh(_ address: String, _ command: String) throws -> KubeforgeBinary.Outcome {
        try shell("ssh -o BatchMode=yes -o UserKnownHostsFile='\(Lab.directory)/known_hosts' -o StrictHostKeyChecking=yes -i '\(Lab.directory)/id_ed25519' root@\(address) '\(command)'")
    }

    /// What `up` may change on a host, as one comparable text.
    static func fingerprint(_ address: String) throws -> String {
        let outcome = try ssh(address, "ls -la --time-style=+ /etc/kubernetes /var/lib/etcd /usr/local/bin /etc/systemd/system 2>&1; "
            + "md5sum /etc/containerd/config.toml /etc/hosts /etc/fstab 2>&1; ls /etc/sysctl.d /etc/modules-load.d; sysctl -n net.ipv4.ip_forward; "
            + "systemctl is-active etcd.service kube-apiserver.service containerd.service")
        guard outcome.stdout.contains("ip_forward") || !outcome.stdout.isEmpty else { throw LabFailure("\(address): \(outcome.stderr)") }
        return outcome.stdout
    }

    static func clean() throws {
        for address in addresses {
            let outcome = try ssh(address, "systemctl disable --now etcd.service kube-apiserver.service 2>/dev/null; rm -f /etc/systemd/system/etcd.service; "
                + "systemctl daemon-reload; systemctl reset-failed etcd.service 2>/dev/null; rm -rf /var/lib/etcd /etc/kubernetes /usr/local/bin/etcd /usr/local/bin/etcdctl; true")
            guard outcome.status == 0 else { throw LabFailure("clean-up on \(address) failed: \(outcome.stderr)") }
        }
    }

    @Test func dryRunChangesNothingAndNamesTheMissingBinary() throws {
        try Self.clean()
        let bundle = try Self.bundle()
        defer { try? FileManager.default.removeItem(atPath: bundle) }
        let before = try Self.addresses.map(Self.fingerprint)
        let outcome = try KubeforgeBinary.run(["up", "-i", try Self.inventory(bundle: bundle), "--dry-run"])
        let after = try Self.addresses.map(Self.fingerprint)
        #expect(before == after, "--dry-run changed a host")
        #expect(outcome.status == 1, "\(outcome.stdout)\n\(outcome.stderr)")
        for line in ["Preflight on 3 hosts", "Prepare 3 hosts", "would install \(bundle)/etcd", "would run etcdctl member add k8s-node2 --peer-urls=https://10.213.0.13:2380 --learner on k8s-master",
                     "would run etcdctl member promote (k8s-node2, https://10.213.0.13:2380) on k8s-master once it has caught up",
                     "would write k8s-node1:/etc/systemd/system/etcd.service", "would write to k8s-master:/etc/kubernetes"] {
            #expect(outcome.stdout.contains(line), "missing: \(line)\n\(outcome.stdout)")
        }
        #expect(outcome.stderr.contains("binary 'kube-apiserver' is not in the bundle"), "\(outcome.stderr)")
    }

    /// prepare is skipped here: PrepareLabTests needs these shared hosts unprepared (scripts/demo runs it).
    @Test func bringsUpThreeEtcdMembersThenStopsAtKubeAPIServer() throws {
        try Self.clean()
        let bundle = try Self.bundle()
        defer { try? FileManager.default.removeItem(atPath: bundle); try? Self.clean() }
        let inventory = try Self.inventory(bundle: bundle)
        let started = Date()
        let outcome = try KubeforgeBinary.run(["up", "-i", inventory, "--skip-phases", "prepare",
                                               "--ignore-preflight-errors", "FileContent--proc-sys-net-ipv4-ip_forward,CgroupDriver"])
        print("kubeforge up on the lab (three etcd members, then the stop at kube-apiserver): \(Date().timeIntervalSince(started)) s")
        #expect(outcome.status == 1, "\(outcome.stdout)\n\(outcome.stderr)")
        #expect(outcome.stderr.contains("failed in phase \"Install kube-apiserver, kube-controller-manager, kube-scheduler on k8s-master\""), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("binary 'kube-apiserver' is not in the bundle"))
        #expect(outcome.stderr.contains("  - \(bundle)/kube-apiserver\n") && outcome.stderr.contains("\(bundle)/linux/amd64/kube-apiserver"))
        #expect(outcome.stdout.contains("Wait for etcd to be healthy on k8s-node2"))
        #expect(try Self.shell("ls -d /tmp/kubeforge-up-* 2>/dev/null").stdout.isEmpty, "the operator-side key material must be removed")

        // Independently: this machine's etcdctl over mTLS against every member.
        let certs = FileManager.default.temporaryDirectory.appendingPathComponent("kf-up-certs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: certs) }
        for file in ["ca.crt", "healthcheck-client.crt", "healthcheck-client.key"] {
            let read = try Self.ssh("10.213.0.12", "cat /etc/kubernetes/pki/etcd/\(file)")
            #expect(read.status == 0)
            try read.stdout.write(toFile: "\(certs)/\(file)", atomically: true, encoding: .utf8)
        }
        let endpoints = Self.addresses.map { "https://\($0):2379" }.joined(separator: ",")
        let etcdctl = "ETCDCTL_API=3 etcdctl --endpoints=\(endpoints) --cacert=\(certs)/ca.crt --cert=\(certs)/healthcheck-client.crt --key=\(certs)/healthcheck-client.key --dial-timeout=5s"
        let health = try Self.shell("\(etcdctl) endpoint health")
        #expect(health.status == 0, "\(health.stdout)\(health.stderr)")
        // etcdctl prints endpoint health on stderr.
        #expect((health.stdout + health.stderr).components(separatedBy: " is healthy").count - 1 == 3, "\(health.stdout)\(health.stderr)")
        let members = try Self.shell("\(etcdctl) member list")
        for (name, address) in zip(["k8s-master", "k8s-node1", "k8s-node2"], Self.addresses) {
            #expect(members.stdout.contains("started, \(name), https://\(address):2380, https://\(address):2379"), "\(members.stdout)")
        }
        #expect(try Self.shell("\(etcdctl) put kubeforge/up ok").status == 0)

        // Per-host leaves and modes: node1's peer certificate is its own; keys 0600; no etcd CA key on etcd-only members.
        let node1 = try Self.ssh("10.213.0.12", "stat -c \"%a %n\" /etc/kubernetes/pki/etcd/*; test ! -e /etc/kubernetes/pki/etcd/ca.key && echo no-ca-key")
        #expect(node1.stdout.contains("600 /etc/kubernetes/pki/etcd/peer.key") && node1.stdout.contains("no-ca-key"), "\(node1.stdout)")
        let master = try Self.ssh("10.213.0.11", "stat -c \"%a %n\" /etc/kubernetes/admin.conf /etc/kubernetes/pki/ca.key /etc/kubernetes/pki/apiserver.crt")
        #expect(master.stdout == "600 /etc/kubernetes/admin.conf\n600 /etc/kubernetes/pki/ca.key\n644 /etc/kubernetes/pki/apiserver.crt\n", "\(master.stdout)")

        // A second run is refused by preflight (ports and data dir in use): nothing running is touched.
        let again = try KubeforgeBinary.run(["up", "-i", inventory, "--skip-phases", "prepare",
                                             "--ignore-preflight-errors", "FileContent--proc-sys-net-ipv4-ip_forward,CgroupDriver"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("DirAvailable--var-lib-etcd"), "\(again.stderr)")
        #expect(try Self.shell("\(etcdctl) endpoint health").status == 0)

        try resetsOneMemberThenTheRest(inventory: inventory, certs: certs)
    }

    /// `kubeforge reset`: one member leaves the cluster it resets out of, the other two stay healthy; then
    /// the whole inventory, after which a second reset finds nothing.
    private func resetsOneMemberThenTheRest(inventory: String, certs: String) throws {
        let unconfirmed = try KubeforgeBinary.run(["reset", "-i", inventory])
        #expect(unconfirmed.status == 2 && unconfirmed.stderr.contains("--force"), "\(unconfirmed.stderr)")

        let one = try KubeforgeBinary.run(["reset", "-i", inventory, "--hosts", "k8s-node2", "--force"])
        #expect(one.status == 0, "\(one.stdout)\n\(one.stderr)")
        #expect(one.stdout.contains("k8s-node2: reset\n  remove etcd member k8s-node2 ("), "\(one.stdout)")
        #expect(one.stdout.contains("  stop, disable and remove etcd.service\n"), "\(one.stdout)")
        #expect(one.stdout.contains("  delete the contents of /var/lib/etcd\n"), "\(one.stdout)")
        let two = Self.addresses.prefix(2).map { "https://\($0):2379" }.joined(separator: ",")
        let etcdctl = "ETCDCTL_API=3 etcdctl --endpoints=\(two) --cacert=\(certs)/ca.crt --cert=\(certs)/healthcheck-client.crt --key=\(certs)/healthcheck-client.key --dial-timeout=5s"
        let members = try Self.shell("\(etcdctl) member list")
        #expect(members.stdout.split(separator: "\n").count == 2 && !members.stdout.contains("k8s-node2"), "\(members.stdout)")
        #expect(try Self.shell("\(etcdctl) endpoint health").status == 0)
        #expect(try Self.shell("\(etcdctl) get --print-value-only kubeforge/up").stdout == "ok\n")
        let node2 = try Self.ssh("10.213.0.13", "test ! -e /etc/systemd/system/etcd.service && find /var/lib/etcd /etc/kubernetes/pki -mindepth 1 | wc -l; systemctl is-active etcd.service")
        #expect(node2.stdout == "0\ninactive\n", "\(node2.stdout)")

        let before = try Self.addresses.map(Self.fingerprint)
        let dry = try KubeforgeBinary.run(["reset", "-i", inventory, "--dry-run"])
        let after = try Self.addresses.map(Self.fingerprint)
        #expect(dry.status == 0 && after == before, "--dry-run changed a host")
        #expect(dry.stdout.contains("k8s-master: would reset\n") && dry.stdout.contains("k8s-node2: nothing to reset\n"), "\(dry.stdout)")

        let all = try KubeforgeBinary.run(["reset", "-i", inventory, "--force"])
        #expect(all.status == 0, "\(all.stdout)\n\(all.stderr)")
        #expect(!all.stdout.contains("remove etcd member"), "every member goes, so none leaves: \(all.stdout)")
        #expect(all.stdout.contains("3 hosts: 2 reset, 1 with nothing to reset, 0 failed"), "\(all.stdout)")
        let second = try KubeforgeBinary.run(["reset", "-i", inventory, "--force"])
        #expect(second.stdout.contains("3 hosts: 0 reset, 3 with nothing to reset, 0 failed"), "\(second.stdout)")
    }
}
