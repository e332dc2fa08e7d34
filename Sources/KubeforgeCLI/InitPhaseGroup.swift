import ArgumentParser

/// `kubeforge init`. For now it only groups `init phase`; the full init workflow is added to this type later.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Set up a Kubernetes control-plane node (kubeadm-compatible).",
        subcommands: [PhaseCommand.self]
    )

    /// `kubeforge init phase NAME`: run one step of init on its own. Each phase adds its type to `subcommands`.
    struct PhaseCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "phase",
            abstract: "Run one phase of the init workflow.",
            subcommands: [
                InitPhaseCertsCommand.self,
                InitPhaseKubeconfigCommand.self,
                InitPhaseEtcdCommand.self,
                InitPhaseControlPlaneCommand.self,
            ]
        )
    }
}
