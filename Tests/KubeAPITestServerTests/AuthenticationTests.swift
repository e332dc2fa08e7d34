// Tests of the stand-in for kube-apiserver (it stands in for kube-apiserver v1.28.7 in kubeforge's tests): each
// way a request authenticates, over real TLS.
import Foundation
import KubeAPITestServer
import Testing

@Suite struct AuthenticationTests {
    static let unauthorized: ServerJSON = [
        "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": "Unauthorized",
        "reason": "Unauthorized", "code": 401,
    ]

    @Test func aClientCertificateIsItsCommonNameAndOrganizations() async throws {
        try await withServer { server, client in
            let reply = try await client(.admin).get("/api/v1/namespaces/kube-system/secrets")
            #expect(reply.code == 200)
            #expect(reply.json?["kind"] == "SecretList")
            let recorded = try #require(await server.requests().last)
            #expect(recorded.user == "kubernetes-admin")
            #expect(recorded.groups == ["system:masters", "system:authenticated"])
            #expect(recorded.verb == "list")
            #expect(recorded.userAgent == "kubeforge-tests")
        }
    }

    @Test func aBootstrapTokenIsItsIDWithTheBootstrapperGroups() async throws {
        try await withServer { server, client in
            try await server.put(TestAPIServer.bootstrapTokenSecret(id: "abcdef", secret: "0123456789abcdef",
                                                                  expiration: Date().addingTimeInterval(3600)))
            let reply = try await client(.token("abcdef.0123456789abcdef")).get("/api/v1/nodes/k8s-node1")
            // Authenticated, but nothing grants it nodes yet: a 403 that names the user.
            #expect(reply.code == 403)
            #expect(reply.json?["message"]?.stringValue?.contains("User \"system:bootstrap:abcdef\"") == true)
            let recorded = try #require(await server.requests().last)
            #expect(recorded.groups == ["system:bootstrappers", "system:bootstrappers:kubeadm:default-node-token",
                                        "system:authenticated"])
        }
    }

    @Test func noCredentialsIsAnonymous() async throws {
        try await withServer { server, client in
            let anonymous = try client(.anonymous)
            let health = try await anonymous.get("/healthz")
            #expect(health.code == 200)
            #expect(health.text == "ok")
            for path in ["/livez", "/readyz"] { #expect(try await anonymous.get(path).text == "ok") }
            let version = try await anonymous.get("/version")
            #expect(version.json?["gitVersion"] == "v1.28.7")
            #expect(version.json?["minor"] == "28")
            let recorded = try #require(await server.requests().last)
            #expect(recorded.user == "system:anonymous")
            #expect(recorded.groups == ["system:unauthenticated"])
            #expect(recorded.verb == "get")
        }
    }

    @Test(arguments: [
        ("an expired token", TestAPIServer.bootstrapTokenSecret(id: "abcdef", secret: "0123456789abcdef",
                                                                 expiration: Date().addingTimeInterval(-1))),
        ("a token without usage-bootstrap-authentication",
         TestAPIServer.bootstrapTokenSecret(id: "abcdef", secret: "0123456789abcdef", usages: ["signing"])),
        ("a token with another secret", TestAPIServer.bootstrapTokenSecret(id: "abcdef", secret: "fedcba9876543210")),
        ("a token with an invalid extra group",
         TestAPIServer.bootstrapTokenSecret(id: "abcdef", secret: "0123456789abcdef", extraGroups: ["nodes"])),
    ])
    func tokensKubeAPIServerRejectsAre401(_ case: String, secret: ServerJSON) async throws {
        try await withServer { server, client in
            try await server.put(secret)
            let reply = try await client(.token("abcdef.0123456789abcdef")).get("/api/v1/namespaces/kube-system/configmaps")
            #expect(reply.code == 401, "\(`case`)")
            #expect(reply.json == Self.unauthorized, "\(`case`)")
            #expect(try #require(await server.requests().last).user == "")
        }
    }

    @Test func aBearerTokenNoSecretBacksIs401NotAnonymous() async throws {
        try await withServer { _, client in
            for token in ["abcdef.0123456789abcdef", "not-a-bootstrap-token"] {
                let reply = try await client(.token(token)).get("/healthz")
                #expect(reply.code == 401)
                #expect(reply.json == Self.unauthorized)
            }
        }
    }

    @Test func aCertificateFromAnotherCAFailsTheHandshake() async throws {
        let foreign = try TestPKI()
        try await withServer { server, _ in
            let (certificate, key) = try foreign.client("intruder", organizations: ["system:masters"])
            let pki = try await TestPKI.shared.value
            let client = try ClientPool.client(trusting: pki.caCertificatePEM, identity: (certificate, key), token: nil,
                                               server: server)
            await #expect(throws: (any Error).self) { try await client.get("/api/v1/namespaces") }
            try await client.http.shutdown()
            #expect(await server.requests().isEmpty)
        }
    }
}
