import Foundation
import Inventory
import LabSupport
import Preflight
import Remote
import SSH
import Testing
@testable import Bootstrap

/// `prepare` on the real lab hosts: dry-run changes nothing, a real run fixes what preflight flagged, a
/// second run changes nothing; afterwards every file, sysctl and service is put back as it was.
extension LabSerial {
    @Suite struct PrepareLabTests {
        /// Checks the lab cannot satisfy, with the status they keep after prepare (see the report).
        static var labLimits: [String: CheckResult.Status] {
            var limits: [String: CheckResult.Status] = ["TimeSync": .warn, "CgroupVersion": .warn, "SystemVerification": .warn]
            // Booted for a real kubelet (KUBEFORGE_BUNDLE), every host sees the same MAC through its writable /sys.
            if LabMode.kubelet { limits["UniqueMAC"] = .fail }
            return limits
        }
        /// What prepare is responsible for: these must pass afterwards (lab limits aside).
        static let preparedChecks: Set<String> = [
            "Swap", "SELinux", "Firewalld", "FileContent--proc-sys-net-ipv4-ip_forward", "FileContent--proc-sys-net-bridge-bridge-nf-call-iptables",
            "FileContent--proc-sys-net-bridge-bridge-nf-call-ip6tables", "KernelModules", "TimeSync", "Hostname", "UniqueHostname",
            "CRI", "CgroupDriver",
        ]

        func connections(_ inventory: Inventory) -> ([Preparation.Connection], [any Remote.Host]) {
            let hosts = inventory.hosts.map { LabHosts.sshHost($0) }
            return (zip(inventory.hosts, hosts).map { .init(target: PrepareTarget(host: $0), host: .success($1)) }, hosts)
        }

        @Test func prepareThenPreflightPassesAndSecondRunChangesNothing() async throws {
            let inventory = try LabHosts.inventory()
            var settings = try PrepareSettings(inventory: inventory)
            settings.backupTimestamp = "labtest-\(UInt32.random(in: 0...UInt32.max))"
            let (connections, hosts) = connections(inventory)
            let targets = connections.map(\.target)
            var before: [String: PrepareState] = [:]
            for (target, host) in zip(targets, hosts) { before[target.name] = try await Preparation.gather(target, on: host, settings: settings) }

            let baseline = await LabHosts.preflight(inventory)
            do {
                // --dry-run: intended changes listed, nothing touched.
                let dry = await Preparation.run(connections, settings: settings, dryRun: true)
                for host in dry.hosts {
                    guard case let .changed(titles) = host.status else { Issue.record("\(host.name): \(host.status)"); continue }
                    #expect(titles.contains("write /etc/containerd/config.toml"))
                    #expect(!host.plan.isEmpty)
                }
                for (target, host) in zip(targets, hosts) {
                    #expect(try await Preparation.gather(target, on: host, settings: settings) == before[target.name], "dry-run changed \(target.name)")
                }

                let first = await Preparation.run(connections, settings: settings, dryRun: false)
                #expect(first.exitCode == 0, "\(first.text())")
                for host in first.hosts {
                    guard case let .changed(titles) = host.status else { Issue.record("\(host.name): \(host.status)"); continue }
                    #expect(titles.contains("restart containerd (its configuration changed)"))
                }
                // Backups only of files that existed.
                let backups = try await LabHosts.run("ls /etc/hosts.kubeforge-backup-\(settings.backupTimestamp) /etc/containerd/config.toml.kubeforge-backup-\(settings.backupTimestamp); ls /etc/sysctl.d | grep -c kubeforge-backup || true", on: "k8s-node1")
                #expect(backups.hasSuffix("0\n"), "\(backups)")

                // Other helpers use the same hosts (etcd on the master, say): a check outside prepare's remit that
                // was already failing before is theirs; everything prepare owns must pass now.
                let preflight = await LabHosts.preflight(inventory)
                for host in preflight.hosts {
                    #expect(host.reachable && host.error == nil)
                    for check in host.checks where check.status != .pass && check.status != .skip {
                        if Self.labLimits[check.name] == check.status { continue }
                        let earlier = baseline.hosts.first { $0.name == host.name }?.checks.first { $0.name == check.name }
                        let foreign = !Self.preparedChecks.contains(check.name) && earlier?.status == check.status
                        #expect(foreign, "\(host.name): \(check.name) \(check.status): \(check.message)")
                    }
                }
                #expect(try preflight.check("FileContent--proc-sys-net-ipv4-ip_forward", on: "k8s-node2").status == .pass)
                #expect(try preflight.check("CgroupDriver", on: "k8s-master").status == .pass)
                #expect(try preflight.check("CRI", on: "k8s-node1").status == .pass)

                var again = settings
                again.backupTimestamp += "-again"
                let second = await Preparation.run(connections, settings: again, dryRun: false)
                for host in second.hosts { #expect(host.status == .unchanged, "\(host.name): \(host.status)") }
                #expect(second.exitCode == 0)
            } catch {
                await restore(before, targets: targets, hosts: hosts, settings: settings)
                throw error
            }
            await restore(before, targets: targets, hosts: hosts, settings: settings)
            for host in hosts { await (host as? SSHHost)?.disconnect() }
        }

        @Test func unreachableHostFailsAloneInDryRun() async throws {
            let inventory = try LabHosts.inventory(withUnreachable: true)
            let settings = try PrepareSettings(inventory: inventory)
            let (connections, hosts) = connections(inventory)
            let report = await Preparation.run(connections, settings: settings, dryRun: true)
            for host in hosts { await (host as? SSHHost)?.disconnect() }
            #expect(report.exitCode == 1)
            for host in report.hosts {
                if host.name == "k8s-ghost" {
                    guard case let .failed(reason) = host.status else { Issue.record("ghost: \(host.status)"); continue }
                    #expect(reason.contains(LabHosts.unreachableAddress), "\(reason)")
                } else {
                    // The ghost is in every host's /etc/hosts block, so each still has something to change.
                    guard case let .changed(titles) = host.status else { Issue.record("\(host.name): \(host.status)"); continue }
                    #expect(titles.contains("write /etc/hosts"))
                }
            }
            #expect(report.text().contains("3 would change, 0 unchanged, 1 failed"))
        }

        /// Through `kube` with passwordless sudo the host reads and plans exactly as through root.
        @Test func sudoUserSeesTheSamePlanAsRoot() async throws {
            let inventory = try LabHosts.inventory()
            let settings = try PrepareSettings(inventory: inventory)
            let host = try #require(inventory.hosts.first { $0.name == "k8s-master" })
            let target = PrepareTarget(host: host)
            let asRoot = LabHosts.sshHost(host)
            let asKube = LabHosts.sshHost(host, user: "kube", sudo: .passwordless)
            defer { Task { await asRoot.disconnect(); await asKube.disconnect() } }
            let rootState = try await Preparation.gather(target, on: asRoot, settings: settings)
            let kubeState = try await Preparation.gather(target, on: asKube, settings: settings)
            #expect(kubeState == rootState)
            let report = await Preparation.run([.init(target: target, host: .success(asKube))], settings: settings, dryRun: true)
            #expect(report.hosts[0].plan == PreparePlan(target: target, state: rootState, settings: settings).describe())
        }

        /// The inventory's NTP servers land in chrony's config and chrony restarts on it (the lab's chronyd
        /// keeps `-x`: it never sets the shared machine's clock).
        @Test func ntpServersReachChrony() async throws {
            let inventory = try LabHosts.inventory()
            var settings = try PrepareSettings(inventory: inventory)
            settings.ntpServers = ["10.213.0.1"]
            settings.backupTimestamp = "labtest-\(UInt32.random(in: 0...UInt32.max))"
            let (all, hosts) = connections(inventory)
            guard let index = all.firstIndex(where: { $0.target.name == "k8s-node2" }) else { throw LabFailure("no k8s-node2") }
            let (connection, host) = (all[index], hosts[index])
            defer { Task { await (host as? SSHHost)?.disconnect() } }
            let before = try await Preparation.gather(connection.target, on: host, settings: settings)
            do {
                let report = await Preparation.run([connection], settings: settings, dryRun: false)
                guard case let .changed(titles) = report.hosts[0].status else { throw LabFailure("\(report.text())") }
                #expect(titles.contains("write /etc/chrony/chrony.conf"))
                #expect(titles.contains("restart chrony (its configuration changed)"))
                let sources = try await LabHosts.run("chronyc -n sources; ps -o args= -C chronyd", on: "k8s-node2")
                #expect(sources.contains("10.213.0.1"), "\(sources)")
                #expect(sources.contains(" -x"), "\(sources)")
                #expect(!sources.contains("debian.pool"), "\(sources)")
                let again = await Preparation.run([connection], settings: settings, dryRun: false)
                #expect(again.hosts[0].status == .unchanged, "\(again.text())")
            } catch {
                await restore(["k8s-node2": before], targets: [connection.target], hosts: [host], settings: settings)
                throw error
            }
            await restore(["k8s-node2": before], targets: [connection.target], hosts: [host], settings: settings)
            try await LabHosts.run("systemctl restart chrony", on: "k8s-node2")
        }

        @Test func wrongHostnameIsSetToTheInventoryName() async throws {
            let inventory = try LabHosts.inventory()
            var settings = try PrepareSettings(inventory: inventory)
            settings.backupTimestamp = "labtest-\(UInt32.random(in: 0...UInt32.max))"
            let (all, hosts) = connections(inventory)
            guard let index = all.firstIndex(where: { $0.target.name == "k8s-node1" }) else { throw LabFailure("no k8s-node1") }
            let (connection, host) = (all[index], hosts[index])
            defer { Task { await (host as? SSHHost)?.disconnect() } }
            try await LabHosts.run("hostname kf-renamed && echo kf-renamed > /etc/hostname", on: "k8s-node1")
            let renamed = try await Preparation.gather(connection.target, on: host, settings: settings)
            do {
                #expect(renamed.nodename == "kf-renamed")
                let report = await Preparation.run([connection], settings: settings, dryRun: false)
                guard case let .changed(titles) = report.hosts[0].status else { throw LabFailure("\(report.text())") }
                #expect(titles.contains("write /etc/hostname") && titles.contains("set the hostname to k8s-node1"))
                #expect(try await LabHosts.run("uname -n; cat /etc/hostname; cat /etc/hostname.kubeforge-backup-\(settings.backupTimestamp)", on: "k8s-node1")
                    == "k8s-node1\nk8s-node1\nkf-renamed\n")
            } catch {
                await restore(["k8s-node1": renamed], targets: [connection.target], hosts: [host], settings: settings)
                _ = try? await LabHosts.run("hostname k8s-node1 && echo k8s-node1 > /etc/hostname", on: "k8s-node1")
                throw error
            }
            await restore(["k8s-node1": renamed], targets: [connection.target], hosts: [host], settings: settings)
            try await LabHosts.run("hostname k8s-node1 && echo k8s-node1 > /etc/hostname", on: "k8s-node1")
        }

        /// Puts back every file prepare wrote (from its backup, or removes it), the sysctls, and restarts
        /// containerd on its old configuration.
        func restore(_ before: [String: PrepareState], targets: [PrepareTarget], hosts: [any Remote.Host], settings: PrepareSettings) async {
            for (target, host) in zip(targets, hosts) {
                guard let state = before[target.name] else { continue }
                var commands: [String] = []
                for path in Set(settings.renderedFiles.keys).union(PrepareState.editedPaths).sorted() {
                    let backup = ShellQuote.quote(path + ".kubeforge-backup-" + settings.backupTimestamp)
                    if state.files[path] != nil {
                        commands.append("if [ -e \(backup) ]; then mv -f \(backup) \(ShellQuote.quote(path)); fi")
                    } else {
                        commands.append("rm -f \(ShellQuote.quote(path))")
                    }
                }
                for (key, value) in state.sysctls.sorted(by: { $0.key < $1.key }) {
                    commands.append("sysctl -qw \(ShellQuote.quote(key + "=" + value))")
                }
                commands.append("systemctl restart containerd")
                let result = try? await host.run(commands.joined(separator: "; "), timeout: .seconds(60))
                if result?.succeeded != true { Issue.record("\(target.name): restore failed: \(result?.stderrText ?? "no connection")") }
                let after = try? await Preparation.gather(target, on: host, settings: settings)
                #expect(after?.files == state.files, "\(target.name): files not restored")
                #expect(after?.sysctls == state.sysctls, "\(target.name): sysctls not restored")
            }
        }
    }
}
