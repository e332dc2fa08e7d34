import ArgumentParser
import Templates

/// `kubeforge init phase control-plane all|apiserver|controller-manager|scheduler` (kubeadm's phase).
struct InitPhaseControlPlaneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "control-plane",
        abstract: "Generate the static Pod manifest files necessary to establish the control plane."
    )

    @Argument(help: "all, apiserver, controller-manager or scheduler")
    var name: String

    @OptionGroup var manifests: InitPhaseManifestOptions

    func run() async throws {
        guard ["all", "apiserver", "controller-manager", "scheduler"].contains(name) else {
            throw ConfigInput.badInput("unknown control-plane phase '\(name)'; valid: all, apiserver, controller-manager, scheduler")
        }
        let phase = name
        try await manifests.write(title: "control-plane", intro: "Creating static Pod manifests (\(phase))") { config in
            try ClusterRenderer.initPhaseControlPlane(phase, config: config)
        }
    }
}
