import ClusterTestSupport
import Foundation
import KubeAPI
import KubeAPITestServer
import LabSupport
import PKI
import Testing
@testable import Bootstrap

/// `token create|list|delete` against the stand-in kube-apiserver (it stands in for kube-apiserver, which cannot
/// run in CI), compared with upstream kubeadm's `token create` and `token list` (token.json).
struct TokenServerTests {
    @Test func createListDeleteAsKubeadm() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withClient { client in
                let operations = TokenOperations(client: client)
                let created = try BootstrapTokenSecret(token: try BootstrapToken(parsing: "zzjwhc.tx6j2cemohmstuve"),
                                                       expires: Date().addingTimeInterval(2 * 3600))
                try await operations.createOrUpdate([created], failIfExists: true)
                let (listed, skipped) = try await operations.list()
                let captured = try KubeadmCapture.requests("token")
                let ours = await cluster.requests()
                #expect(ours.map { "\($0.verb) \($0.code) \($0.requestURI)" } == captured.prefix(3).map { "\($0.verb) \($0.code) \($0.requestURI)" })
                // The Secret: kubeadm's keys and values (the expiry time aside).
                var mine = try #require(ours[1].requestObject).secretData
                var theirs = try #require(captured[1].requestObject).secretData
                mine["expiration"] = nil
                theirs["expiration"] = nil
                #expect(mine == theirs)
                #expect(skipped.isEmpty)
                #expect(listed.map(\.token.value) == ["zzjwhc.tx6j2cemohmstuve"])
                #expect(listed.first?.usages == ["authentication", "signing"])
                // A second create of the same id is refused, as kubeadm's.
                let duplicate = await #expect(throws: TokenError.self) { try await operations.createOrUpdate([created], failIfExists: true) }
                #expect(duplicate == .exists("a token with id \"zzjwhc\" already exists"))
                #expect(try await operations.delete("zzjwhc.tx6j2cemohmstuve") == "zzjwhc")
                #expect(try await operations.list().tokens.isEmpty)
                let gone = await #expect(throws: TokenError.self) { try await operations.delete("zzjwhc") }
                #expect(gone == .notFound("bootstrap token \"zzjwhc\" not found"))
            }
        }
    }

    @Test func theCapturedListReadsBackAsKubeadmPrintsIt() throws {
        let list = try #require(try KubeadmCapture.requests("token").last?.responseObject)
        let tokens = try (list["items"]?.arrayValue ?? []).compactMap(KubeObject.init).map(BootstrapTokenSecret.init(secret:))
        #expect(tokens.map(\.token.id) == ["abcdef", "zzjwhc"])
        let now = try #require(BootstrapTokenSecret.parseRFC3339("2026-12-01T14:07:03Z"))
        let table = TokenTable.render(tokens, now: now)
        // kubeadm's own layout, as an operator sees it (the widths of a real `kubeadm token list`).
        let lines = table.split(separator: "\n")
        #expect(lines[0] == "TOKEN                     TTL         EXPIRES                USAGES                   DESCRIPTION                                                EXTRA GROUPS")
        #expect(lines[1] == "abcdef.0123456789abcdef   23h         2026-12-02T14:06:58Z   authentication,signing   <none>                                                     system:bootstrappers:kubeadm:default-node-token")
        #expect(lines[2].hasPrefix("zzjwhc.tx6j2cemohmstuve   2h          2026-12-01T16:07:03Z   authentication,signing   <none>"))
        #expect(TokenTable.shortHumanDuration(-5) == "<invalid>")
    }

    @Test func tokensAreValidatedAsKubeadmDoes() throws {
        let token = BootstrapToken.generate()
        #expect(throws: TokenError.self) { try BootstrapTokenSecret(token: token, expires: nil, usages: ["signing", "kicking"]) }
        #expect(throws: TokenError.self) { try BootstrapTokenSecret(token: token, expires: nil, groups: ["system:masters"]) }
        #expect(throws: TokenError.self) { try BootstrapTokenSecret(token: token, expires: nil, usages: ["signing"]) }
        #expect(throws: (any Error).self) { try BootstrapToken(parsing: "abcdef.0123") }
        let secret = try BootstrapTokenSecret(token: token, expires: nil)
        #expect(!"\(secret)".contains(token.secret))
    }
}
