import ArgumentParser

/// `kubeforge token`: bootstrap tokens. create/list/delete need the API server and are added to this group later.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage bootstrap tokens.",
        subcommands: [TokenGenerateCommand.self]
    )
}
