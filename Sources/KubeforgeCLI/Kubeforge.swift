import ArgumentParser
import KubeTypes

/// The root command. Each capability adds its subcommand type to `subcommands`.
public struct Kubeforge: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kubeforge",
        abstract: "Bootstrap and install Kubernetes: kubeadm-compatible on a node, inventory-driven over SSH.",
        version: KubeforgeVersion.current,
        subcommands: [
            VersionCommand.self,
            ConfigCommand.self,
            InventoryCommand.self,
            RunCommand.self,
            PreflightCommand.self,
            PrepareCommand.self,
            InitCommand.self,
            JoinCommand.self,
            CertsCommand.self,
            TokenCommand.self,
            UpCommand.self,
            KubeconfigCommand.self,
            ResetCommand.self,
        ]
    )

    public init() {}
}
