import Foundation
import PKI

/// kubeadm's `bootstrap-token` and `show-join-command`: a fresh token (PKI's generator) and the CA's
/// discovery hash, printed as the join command. Registering the token (its Secret in kube-system) needs
/// the API server; when it was not brought up this says so instead of printing a token nobody accepts.
public struct BootstrapTokenPhase: Phase {
    public let endpoint: String
    public let workers: [String]
    public let session: UpSession
    /// Where the join command goes (stdout): it carries the token secret, so never into logs.
    public let output: @Sendable (String) -> Void
    public var title: String { "Bootstrap token and join command" }

    public init(endpoint: String, workers: [String], session: UpSession, output: @escaping @Sendable (String) -> Void) {
        self.endpoint = endpoint
        self.workers = workers
        self.session = session
        self.output = output
    }

    public func run() async throws {
        guard let hash = await session.discoveryHash else { throw UpError.certificates("no cluster CA was generated") }
        guard await session.apiServerHealthy else {
            output("    skipped: the token Secret needs a running API server, and none was brought up in this run; "
                + "once kube-apiserver is healthy, run `kubeforge token create --print-join-command` on a control plane. "
                + "Discovery hash for joins: \(hash)")
            return
        }
        let token = BootstrapToken.generate()
        output("    the token's Secret (bootstrap-token-\(token.id)) must still be created in kube-system: kubeforge has no API client yet")
        output(Self.joinCommand(endpoint: endpoint, token: token.value, hash: hash))
        if !workers.isEmpty { output("    run it on: \(workers.joined(separator: ", "))") }
    }

    public static func joinCommand(endpoint: String, token: String, hash: String) -> String {
        "kubeforge join \(endpoint) --token \(token) --discovery-token-ca-cert-hash \(hash)"
    }

    public func dryRun() async throws -> [String] {
        ["would generate a bootstrap token, register it through the API server and print `kubeforge join \(endpoint) --token … --discovery-token-ca-cert-hash sha256:…`"]
    }
}
