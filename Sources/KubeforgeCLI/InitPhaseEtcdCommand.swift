import ArgumentParser
import Bootstrap
import Foundation
import KubeadmConfig
import Remote
import Templates

/// `kubeforge init phase etcd local`: the static Pod manifest of a local, single-member etcd (kubeadm's phase).
struct InitPhaseEtcdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "etcd",
        abstract: "Generate the static Pod manifest file for a local etcd.",
        subcommands: [Local.self]
    )

    struct Local: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "local",
            abstract: "Generate the static Pod manifest file for a local, single-node etcd instance."
        )

        @OptionGroup var manifests: InitPhaseManifestOptions

        func run() async throws {
            try await manifests.write(title: "etcd", intro: "Creating static Pod manifest for local etcd") { config in
                try ClusterRenderer.initPhaseEtcdLocal(config: config)
            }
        }
    }
}

/// What `init phase etcd local` and `init phase control-plane` share: the configuration (flags or --config),
/// --rootfs and --dry-run, and writing manifests through `WriteFilesPhase` (0600, as kubeadm).
struct InitPhaseManifestOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Path to a kubeadm configuration file.", valueName: "file"))
    var config: String?

    @OptionGroup var flags: KubeadmInitFlagOptions

    @Option(help: ArgumentHelp("Resolve every host path under this directory.", valueName: "dir"))
    var rootfs: String?

    @Flag(name: .customLong("dry-run"), help: "Print the files that would be written; change nothing.")
    var dryRun = false

    func write(title: String, intro: String, render: (KubeadmConfiguration) throws -> [String: String]) async throws {
        var configuration = try ConfigInput.load(configFile: config, flags: flags.initFlags)
        let address = configuration.initConfiguration.localAPIEndpoint.advertiseAddress
        let needsAddress = address.isEmpty || address == "0.0.0.0" || address == "::"
        do {
            configuration.completeNodeSpecific(hostname: ProcessInfo.processInfo.hostName,
                                               defaultRouteAddress: needsAddress ? try InitPhaseAddressDetection.defaultRouteAddress() : address)
        } catch {
            throw ConfigInput.badInput("\(error)")
        }
        let files: [String: String]
        do { files = try render(configuration) } catch { throw ConfigInput.badInput("\(error)") }
        let host = LocalHost(rootfs: rootfs)
        print("[\(title)] \(intro) in \"\(ClusterRenderer.manifestsDirectory)\"")
        do {
            try await PhaseRunner(dryRun: dryRun, progress: { line in if dryRun { print(line) } })
                .run([WriteFilesPhase("Write \(title) manifests", on: host) { files }])
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
