import ArgumentParser
import Bootstrap
import Foundation
import Inventory
import Remote

/// `kubeforge prepare -i INV [--hosts SEL] [--dry-run] [-o text|json]`: the tutorial's host preparation on every selected
/// host at once, idempotent, backing up every file it edits.
struct PrepareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Prepare inventory hosts for Kubernetes: swap, SELinux, sysctls, modules, firewalld, chrony, hostname, /etc/hosts, containerd.",
        discussion: """
        Each host's state is read in one command, the changes are computed, and one script applies them; a file is \
        written only when its content changes, after a copy to PATH.kubeforge-backup-<timestamp>. containerd is \
        restarted only when its configuration changed. Exits 1 when any host failed.
        """)

    @OptionGroup var target: InventoryOptions

    @OptionGroup var fanOut: FanOutOptions

    @Flag(help: "Print each host's intended changes and change nothing.")
    var dryRun = false

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: OutputFormat = .text

    @Option(help: "A directory whose files replace the embedded templates of the same name.")
    var templates: String?

    func run() async throws {
        let (inventory, hosts) = try target.load()
        let settings: PrepareSettings
        do {
            settings = try PrepareSettings(inventory: inventory, templatesDirectory: templates)
        } catch {
            FileHandle.standardError.write(Data("\(target.inventory): cannot render the host files: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let transports = fanOut.sshHosts(hosts)
        let report = await Preparation.run(zip(hosts, transports).map { host, transport in
            Preparation.Connection(target: PrepareTarget(host: host), host: .success(transport))
        }, settings: settings, dryRun: dryRun, concurrency: fanOut.concurrency)
        for transport in transports { await transport.disconnect() }
        print(output == .json ? try report.json() : report.text(), terminator: "")
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
