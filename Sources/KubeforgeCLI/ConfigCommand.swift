import ArgumentParser

/// `kubeforge config`: kubeadm's `config` command (images list, print init-defaults).
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show kubeadm configuration defaults and the images a configuration needs.",
        subcommands: [Images.self, Print.self]
    )
}

extension ConfigCommand {
    /// `kubeforge config images`.
    struct Images: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "images",
            abstract: "Interact with the container images kubeforge uses.",
            subcommands: [ConfigImagesList.self]
        )
    }

    /// `kubeforge config print`.
    struct Print: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "print",
            abstract: "Print configuration defaults.",
            subcommands: [ConfigPrintInitDefaults.self]
        )
    }
}
