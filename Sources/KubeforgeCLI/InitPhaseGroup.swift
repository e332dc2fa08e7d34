import ArgumentParser
import Bootstrap

/// `kubeforge init`: kubeadm's init workflow on this node, every phase in order (or `init phase NAME` for one).
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Set up a Kubernetes control-plane node (kubeadm-compatible).",
        discussion: """
        Phases, in order: \(InitWorkflow.phases.map(\.name).joined(separator: ", ")). --skip-phases takes their names \
        (and addon/coredns, addon/kube-proxy). Exits 1 when a phase fails, 2 on bad input.
        """,
        subcommands: [Workflow.self, PhaseCommand.self],
        defaultSubcommand: Workflow.self
    )

    /// `kubeforge init [flags]` itself. A subcommand of its own (the default one) so that its flags never
    /// capture those of `init phase …` (ArgumentParser gives an option to the first command that declares it).
    struct Workflow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Run every init phase (the default).",
                                                        shouldDisplay: false)

        @OptionGroup var workflow: InitWorkflowOptions

        @Option(help: "Phases to skip, comma separated (kubeadm's names).")
        var skipPhases: [String] = []

        func run() async throws {
            let skip = Set(skipPhases.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
            let known = Set(InitWorkflow.phases.map(\.name) + ["addon/coredns", "addon/kube-proxy"])
            if let unknown = skip.subtracting(known).sorted().first {
                throw ConfigInput.badInput("--skip-phases: unknown phase '\(unknown)'; phases: \(InitWorkflow.phases.map(\.name).joined(separator: ", "))")
            }
            try await workflow.run { workflow in
                let fromConfig = Set(workflow.config.initConfiguration.skipPhases)
                try await workflow.run(skipping: skip.isEmpty ? fromConfig : skip)
            }
        }
    }

    /// `kubeforge init phase NAME`: run one step of init on its own. Each phase adds its type to `subcommands`.
    struct PhaseCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "phase",
            abstract: "Run one phase of the init workflow.",
            subcommands: [
                InitPhaseRunCommand<InitStep.Preflight>.self,
                InitPhaseCertsCommand.self,
                InitPhaseKubeconfigCommand.self,
                InitPhaseEtcdCommand.self,
                InitPhaseControlPlaneCommand.self,
                InitPhaseRunCommand<InitStep.KubeletStart>.self,
                InitPhaseRunCommand<InitStep.WaitControlPlane>.self,
                InitPhaseRunCommand<InitStep.UploadConfig>.self,
                InitPhaseRunCommand<InitStep.UploadCerts>.self,
                InitPhaseRunCommand<InitStep.MarkControlPlane>.self,
                InitPhaseRunCommand<InitStep.BootstrapToken>.self,
                InitPhaseRunCommand<InitStep.KubeletFinalize>.self,
                InitPhaseRunCommand<InitStep.Addon>.self,
                InitPhaseRunCommand<InitStep.ShowJoinCommand>.self,
            ]
        )
    }
}
