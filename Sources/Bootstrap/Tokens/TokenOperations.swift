import Foundation
import KubeAPI
import PKI

/// `kubeadm token create|list|delete` against the cluster: bootstrap-token Secrets in kube-system.
public struct TokenOperations: Sendable {
    public let client: KubeClient
    public var retry: KubeRetry = .kubeadm

    public init(client: KubeClient) { self.client = client }

    /// kubeadm's UpdateOrCreateTokens: each token's Secret is read first; an existing one is replaced, unless
    /// `failIfExists` (token create), which refuses it.
    public func createOrUpdate(_ tokens: [BootstrapTokenSecret], failIfExists: Bool) async throws {
        for token in tokens {
            let secret = token.secret
            try await retry.run("create or update secrets kube-system/\(secret.name)", also: \.isConflict) {
                do {
                    let existing = try await client.get(.secrets, secret.name, namespace: "kube-system")
                    if failIfExists { throw TokenError.exists("a token with id \"\(token.token.id)\" already exists") }
                    var replacement = secret
                    replacement.resourceVersion = existing.resourceVersion
                    _ = try await client.update(replacement)
                } catch let error as KubeAPIError where error.isNotFound {
                    _ = try await client.create(secret)
                }
            }
        }
    }

    /// Every bootstrap token, in the order the API server lists them; Secrets that are not valid tokens are
    /// reported in `skipped` (as kubeadm warns about them) instead of failing the list.
    public func list() async throws -> (tokens: [BootstrapTokenSecret], skipped: [String]) {
        let secrets = try await retry.run("list secrets kube-system (bootstrap tokens)") {
            try await client.list(.secrets, namespace: "kube-system", fieldSelector: "type=\(BootstrapTokenSecret.secretType)")
        }
        var tokens: [BootstrapTokenSecret] = []
        var skipped: [String] = []
        for secret in secrets.items {
            do { tokens.append(try BootstrapTokenSecret(secret: secret)) } catch { skipped.append("\(error)") }
        }
        return (tokens, skipped)
    }

    /// Deletes a token given by its id or its whole value; returns the id.
    @discardableResult
    public func delete(_ idOrToken: String) async throws -> String {
        let id: String
        if idOrToken.contains(".") {
            id = try BootstrapToken(parsing: idOrToken).id
        } else {
            guard idOrToken.range(of: "^[a-z0-9]{6}$", options: .regularExpression) != nil else {
                throw TokenError.invalid("'\(idOrToken)' is neither a token id ([a-z0-9]{6}) nor a token ([a-z0-9]{6}.[a-z0-9]{16})")
            }
            id = idOrToken
        }
        do {
            try await retry.run("delete secrets kube-system/bootstrap-token-\(id)") {
                try await client.delete(.secrets, "bootstrap-token-\(id)", namespace: "kube-system")
            }
        } catch let error as KubeAPIError where error.isNotFound {
            throw TokenError.notFound("bootstrap token \"\(id)\" not found")
        }
        return id
    }
}
