import ArgumentParser
import Bootstrap
import Foundation
import KubeAPI
import KubeadmConfig
import PKI
import Remote
import Yams

/// `kubeforge token`: bootstrap tokens, as kubeadm's (create, list, delete need the API server; generate does not).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage bootstrap tokens.",
        subcommands: [TokenCreateCommand.self, TokenListCommand.self, TokenDeleteCommand.self, TokenGenerateCommand.self]
    )
}

/// The cluster the token commands talk to: the server and credentials of a kubeconfig (admin.conf by default).
struct TokenClusterOptions: ParsableArguments {
    @Option(help: "The kubeconfig to talk to the cluster with.")
    var kubeconfig = "/etc/kubernetes/admin.conf"

    @Flag(help: "Print what would be done; change nothing.")
    var dryRun = false

    /// Runs `body` with a client of the kubeconfig's server; errors are printed and become exit 1 (2 for bad input).
    func run(_ body: (KubeClient, Kubeconfig) async throws -> Void) async throws {
        let host = LocalHost()
        let config: Kubeconfig
        let server: URLComponents
        do {
            config = try await ClusterAccess.kubeconfig(at: kubeconfig, on: host)
            guard let url = URLComponents(string: config.server), url.host != nil else {
                throw KubeAPIError.invalidInput("\(kubeconfig): server '\(config.server)' is not a URL")
            }
            server = url
        } catch {
            throw ConfigInput.badInput("--kubeconfig \(kubeconfig): \(error)")
        }
        do {
            let address = (server.host ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            try await ClusterAccess.with(config, apiServer: address, port: server.port ?? 443, on: host) { try await body($0, config) }
        } catch let error as TokenError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        } catch let error as KubeAPIError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `kubeforge token create [TOKEN]`: a new bootstrap token (a Secret in kube-system); prints it, or the join command.
struct TokenCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a bootstrap token on the cluster.")

    @Argument(help: "The token ([a-z0-9]{6}.[a-z0-9]{16}); generated when not given.")
    var token: String?

    @Option(help: "How long the token is valid (Go duration, like 24h0m0s; 0 means forever).")
    var ttl = "24h0m0s"

    @Option(help: "How the token may be used, comma separated: signing, authentication.")
    var usages = "signing,authentication"

    @Option(help: "Extra groups the token authenticates as, comma separated.")
    var groups = BootstrapTokenSecret.defaultGroup

    @Option(help: "A human-friendly description of the token.")
    var description = ""

    @Flag(help: "Print the whole join command instead of only the token.")
    var printJoinCommand = false

    @Option(help: "With --print-join-command: print a control-plane join command with this certificate key.")
    var certificateKey: String?

    @OptionGroup var cluster: TokenClusterOptions

    func run() async throws {
        let secret: BootstrapTokenSecret
        do {
            let value = try token.map { try BootstrapToken(parsing: $0) } ?? BootstrapToken.generate()
            guard let duration = GoDuration(parsing: ttl), duration.seconds >= 0 else {
                throw TokenError.invalid("--ttl \(ttl): not a duration of zero or more (like 24h0m0s, 2h, 0)")
            }
            let expires = duration.seconds == 0 ? nil : Date().addingTimeInterval(TimeInterval(duration.seconds))
            secret = try BootstrapTokenSecret(token: value, description: description, expires: expires,
                                              usages: Self.list(usages), groups: Self.list(groups))
            if let certificateKey { _ = try CertificateKey(hex: certificateKey) }
        } catch {
            throw ConfigInput.badInput("\(error)")
        }
        if cluster.dryRun {
            print("[dryrun] would create secrets kube-system/\(secret.token.secretName)")
            return
        }
        try await cluster.run { client, kubeconfig in
            try await TokenOperations(client: client).createOrUpdate([secret], failIfExists: true)
            guard printJoinCommand else { print(secret.token.value); return }
            var join = JoinCommandLine(endpoint: JoinCommandLine.endpoint(fromServer: kubeconfig.server), token: secret.token.value,
                                   caCertHashes: try DiscoveryHash.of(certificatePEM: kubeconfig.certificateAuthorityPEM))
            if let certificateKey {
                join.controlPlane = true
                join.certificateKey = certificateKey
            }
            print(join.singleLine)
        }
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// `kubeforge token list [-o text|json|yaml]`: every bootstrap token, as kubeadm prints them.
struct TokenListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the cluster's bootstrap tokens.")

    @Option(name: [.customShort("o"), .long], help: "text (a table), json or yaml.")
    var output = "text"

    @OptionGroup var cluster: TokenClusterOptions

    func validate() throws {
        guard ["text", "json", "yaml"].contains(output) else { throw ValidationError("-o \(output): expected text, json or yaml") }
    }

    func run() async throws {
        try await cluster.run { client, _ in
            let (tokens, skipped) = try await TokenOperations(client: client).list()
            for reason in skipped { FileHandle.standardError.write(Data("warning: \(reason)\n".utf8)) }
            switch output {
            case "json":
                for token in tokens {
                    let data = try JSONSerialization.data(withJSONObject: TokenTable.outputObject(token), options: [.prettyPrinted, .sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                }
            case "yaml":
                print(try tokens.map { try Yams.dump(object: TokenTable.outputObject($0), sortKeys: true) }.joined(separator: "---\n"), terminator: "")
            default:
                print(TokenTable.render(tokens, now: Date()), terminator: "")
            }
        }
    }
}

/// `kubeforge token delete ID|TOKEN…`.
struct TokenDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete bootstrap tokens (by id or whole value).")

    @Argument(help: "Token ids or tokens.")
    var tokens: [String]

    @OptionGroup var cluster: TokenClusterOptions

    func validate() throws {
        guard !tokens.isEmpty else { throw ValidationError("give at least one token id or token") }
    }

    func run() async throws {
        if cluster.dryRun {
            for token in tokens { print("[dryrun] would delete bootstrap token \"\(token.split(separator: ".").first ?? "")\"") }
            return
        }
        try await cluster.run { client, _ in
            for token in tokens {
                let id = try await TokenOperations(client: client).delete(token)
                print("bootstrap token \"\(id)\" deleted")
            }
        }
    }
}
