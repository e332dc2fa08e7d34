import ArgumentParser
import Bootstrap
import Foundation
import Inventory
import Preflight
import Remote
import SSH

/// `kubeforge up -i INV`: the whole cluster over SSH as phases that read top to bottom — connect, preflight,
/// prepare, certificates, etcd, control plane and kubelet, bootstrap token — with progress per phase and host.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Bring up the inventory's cluster over SSH: preflight, prepare, certificates, etcd, control plane, join command.",
        discussion: """
        Stops at the first failing phase, says which phase and host failed and why, and undoes what is safe to \
        undo (a running etcd member is kept, and a second `up` refuses it in preflight; `kubeforge reset` removes it). With controlPlaneMode: systemd the \
        binaries come from --bundle or cluster.binaries. Exits 1 when the cluster could not be brought up, 2 on bad input.
        """)

    @OptionGroup var target: InventoryOptions

    @OptionGroup var fanOut: FanOutOptions

    @Flag(help: "Print every phase's intended changes per host and change nothing.")
    var dryRun = false

    @Option(help: "Directory of binaries (etcd, etcdctl, kube-*, kubelet; optional SHA256SUMS); overrides cluster.binaries.")
    var bundle: String?

    @Option(help: "Preflight checks whose failures are ignored, by name (case-insensitive), comma separated, or 'all'.")
    var ignorePreflightErrors: [String] = []

    @Option(help: "Phases to skip, comma separated: prepare.")
    var skipPhases: [String] = []

    func validate() throws {
        let unknown = Set(skipPhaseNames).subtracting(["prepare"])
        guard unknown.isEmpty else { throw ValidationError("--skip-phases: unknown phase \(unknown.sorted().joined(separator: ", ")); skippable: prepare") }
    }

    var skipPhaseNames: [String] { skipPhases.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } } }

    func run() async throws {
        let ignore: IgnoreList
        do {
            ignore = try IgnoreList(parsing: ignorePreflightErrors.flatMap { $0.split(separator: ",").map(String.init) })
        } catch {
            throw ValidationError("--ignore-preflight-errors: \(error)")
        }
        let (inventory, hosts) = try target.load()
        var options = UpPhases.Options()
        options.concurrency = fanOut.concurrency
        options.ignore = ignore
        options.skipPrepare = skipPhaseNames.contains("prepare")
        options.resolver = try resolver(for: inventory.cluster)
        if !options.skipPrepare {
            do {
                options.prepareSettings = try PrepareSettings(inventory: inventory)
            } catch {
                FileHandle.standardError.write(Data("\(target.inventory): cannot render the host files: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let transports = fanOut.sshHosts(hosts)
        let plan = UpPlan(cluster: inventory.cluster, hosts: zip(hosts, transports).map { UpHost($0, host: $1) })
        guard !plan.controlPlanes.isEmpty || dryRun else {
            FileHandle.standardError.write(Data("\(target.inventory): no host with the control-plane role among the selected hosts\n".utf8))
            throw ExitCode(2)
        }
        let session = UpSession()
        let phases = UpPhases(plan: plan, options: options, session: session,
                              connect: { host in try await (host as? SSHHost)?.connect() },
                              report: { print($0) }, output: { print($0) }).phases()
        print("kubeforge up: \(hosts.count) hosts, controlPlaneMode \(inventory.cluster.controlPlaneMode.rawValue)\(dryRun ? ", dry run (nothing is changed)" : "")")
        let clock = ContinuousClock()
        let started = clock.now
        // A failing phase's details go to stderr once, in the summary below; progress keeps their first line.
        let runner = PhaseRunner(dryRun: dryRun, progress: { line in
            print(line.contains(": failed: ") ? String(line.prefix { $0 != "\n" }) : line)
        })
        var failure: PhaseFailure?
        do {
            try await runner.run(phases)
        } catch let error as PhaseFailure {
            failure = error
        }
        await session.finish()
        for transport in transports { await transport.disconnect() }
        let elapsed = clock.now - started
        if let failure {
            FileHandle.standardError.write(Data("""
                kubeforge up failed in phase "\(failure.phase)" after \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))):
                \(failure.underlying)

                """.utf8))
            if await session.etcdStarted {
                // A second `up` refuses a host with a running etcd, as kubeadm init refuses a used node.
                FileHandle.standardError.write(Data("""
                    etcd was left running on the members it reached; a second `kubeforge up` refuses them in preflight \
                    (Port-2379, DirAvailable--var-lib-etcd). To start over: kubeforge reset -i \(target.inventory) --force

                    """.utf8))
            }
            throw ExitCode(1)
        }
        print("kubeforge up: \(dryRun ? "dry run complete, nothing changed" : "done") in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
        if !dryRun, await session.apiServerHealthy {
            print("kubeforge up: use the cluster from here with: kubeforge kubeconfig -i \(target.inventory) > kubeconfig && KUBECONFIG=$PWD/kubeconfig kubectl get nodes")
        }
    }

    /// `--bundle DIR` wins over the inventory's `binaries`; systemd mode needs one of them.
    func resolver(for cluster: ClusterSettings) throws -> BinaryResolver? {
        if let bundle {
            let path = URL(fileURLWithPath: bundle).standardizedFileURL.path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--bundle \(bundle): not a directory (make one with scripts/etcd-bundle DIR)")
            }
            return BinaryResolver(source: .directory(path))
        }
        switch cluster.binaries {
        case let .directory(path)?: return BinaryResolver(source: .directory(path))
        case let .baseURL(url)?:
            return BinaryResolver(source: .download(DownloadSource(
                baseURL: url, cacheDirectory: DownloadSource.defaultCacheDirectory(environment: ProcessInfo.processInfo.environment))))
        case nil:
            guard cluster.controlPlaneMode == .staticPod else {
                FileHandle.standardError.write(Data("\(target.inventory): controlPlaneMode systemd needs binaries: give --bundle DIR or set cluster.binaries.dir (scripts/etcd-bundle DIR makes one with etcd)\n".utf8))
                throw ExitCode(2)
            }
            return nil
        }
    }
}
