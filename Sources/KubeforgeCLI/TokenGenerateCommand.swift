import ArgumentParser
import PKI

/// `kubeforge token generate`: print a random token without creating it on the server.
struct TokenGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate and print a bootstrap token, but do not create it on the server."
    )

    func run() {
        print(BootstrapToken.generate().value)
    }
}
