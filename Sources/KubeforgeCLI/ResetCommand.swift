import ArgumentParser
import Bootstrap
import Foundation
import Inventory
import Remote

/// `kubeforge reset -i INV [--hosts SEL] [--dry-run] [--force] [-o text|json]`: kubeadm reset on every selected host at once.
struct ResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Undo init/join/up on inventory hosts: stop Kubernetes units, remove their state, leave etcd.",
        discussion: """
        What kubeadm reset removes: the kubelet and control-plane units (those kubeforge wrote are disabled and \
        deleted), mounts under /var/lib/kubelet, the runtime's pods (crictl), the contents of \
        /etc/kubernetes/manifests, /var/lib/kubelet, the certificate directory and /var/lib/etcd, and the \
        kubeconfig files. An etcd member whose cluster keeps other members leaves it first. CNI configuration, \
        iptables rules, ~/.kube/config and installed binaries stay. Asks for confirmation on a terminal; \
        without one, needs --force. Exits 1 when any host failed.
        """)

    @OptionGroup var target: InventoryOptions

    @OptionGroup var fanOut: FanOutOptions

    @Flag(help: "List what each host would lose and change nothing.")
    var dryRun = false

    @Flag(name: .shortAndLong, help: "Do not ask for confirmation.")
    var force = false

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: OutputFormat = .text

    func run() async throws {
        let (inventory, hosts) = try target.load()
        if !dryRun, !force { try confirm(hosts) }
        let selected = Set(hosts.map(\.name))
        // Members leave only when some of the inventory's etcd members stay.
        let leaveEtcd = inventory.etcdHosts.contains { !selected.contains($0.name) }
        let transports = fanOut.sshHosts(hosts)
        let targets = zip(hosts, transports).map { ClusterReset.Target($0, transport: $1) }
        var report = await ClusterReset.run(targets, leaveEtcd: leaveEtcd, apply: !dryRun, concurrency: fanOut.concurrency)
        for transport in transports { await transport.disconnect() }
        // Reset hosts leave the cluster that stays: their Nodes go, through a control plane not being reset.
        if !dryRun, let remaining = inventory.hosts.first(where: { $0.isControlPlane && !selected.contains($0.name) }) {
            let controlPlane = fanOut.sshHosts([remaining])[0]
            let warnings = await ClusterReset.deleteNodes(hosts.map(\.name), through: controlPlane,
                                                         apiServer: remaining.internalAddress, port: ClusterSettings.defaultAPIServerPort)
            await controlPlane.disconnect()
            for index in report.hosts.indices {
                if let warning = warnings[report.hosts[index].name] { report.hosts[index].warnings.append(warning) }
            }
        }
        print(output == .json ? try report.json() : report.text(), terminator: "")
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// kubeadm's prompt; refusing beats guessing when nobody can answer.
    private func confirm(_ hosts: [InventoryHost]) throws {
        guard isatty(STDIN_FILENO) == 1 else {
            FileHandle.standardError.write(Data("kubeforge reset: no terminal to confirm on; add --force to reset \(hosts.map(\.name).joined(separator: ", "))\n".utf8))
            throw ExitCode(2)
        }
        print("[reset] Kubernetes state on \(hosts.map(\.name).joined(separator: ", ")) will be removed. Proceed? [y/N] ", terminator: "")
        guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
            FileHandle.standardError.write(Data("kubeforge reset: aborted\n".utf8))
            throw ExitCode(1)
        }
    }
}
