import ArgumentParser

/// `kubeforge certs`: certificate maintenance on a control-plane node.
struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Commands related to handling Kubernetes certificates.",
        subcommands: [CertsCheckExpirationCommand.self, CertsRenewCommand.self, CertsCertificateKeyCommand.self]
    )
}
