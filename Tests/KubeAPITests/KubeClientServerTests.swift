import ClusterTestSupport
import Foundation
import KubeAPITestServer
import PKI
import Remote
import Testing
@testable import Bootstrap
@testable import KubeAPI

/// The client against the stand-in kube-apiserver (KubeAPITestServer, which stands in for kube-apiserver since
/// none can run in CI): credentials, TLS failures that fail fast, Status errors, retries and watch.
struct KubeClientServerTests {
    @Test func everyCredentialIsWhoTheServerSays() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withClient { admin in
                _ = try await admin.list(.secrets, namespace: "kube-system")
                // A bootstrap token of the cluster authenticates; kubeadm's bindings do not exist yet: 403, not 401.
                try await cluster.server.put(TestAPIServer.bootstrapTokenSecret(id: "abcdef", secret: "0123456789abcdef"))
                let ca = try await cluster.kubeconfig().certificateAuthorityPEM
                let token = try KubeConnection(server: "https://kubernetes:\(cluster.server.port)", credentials: .bearerToken("abcdef.0123456789abcdef"),
                                               trust: .certificateAuthorities(pem: ca))
                    .routed(through: DirectPortForward(address: "127.0.0.1", port: cluster.server.port))
                let forbidden = await #expect(throws: KubeAPIError.self) {
                    try await KubeClient.with(token) { try await $0.get(.configMaps, "kubeadm-config", namespace: "kube-system") }
                }
                #expect(forbidden?.isForbidden == true)
                #expect(forbidden?.description.contains(#"User "system:bootstrap:abcdef" cannot get resource "configmaps""#) == true, "\(forbidden.map { "\($0)" } ?? "")")
                let records = await cluster.requests()
                #expect(records.map(\.user) == ["kubernetes-admin", "system:bootstrap:abcdef"])
            }
        }
    }

    @Test func expiredAndMalformedTokensAreUnauthorized() async throws {
        try await TestCluster.with { cluster in
            try await cluster.server.put(TestAPIServer.bootstrapTokenSecret(id: "expire", secret: "0123456789abcdef", expiration: Date().addingTimeInterval(-60)))
            let ca = try await cluster.kubeconfig().certificateAuthorityPEM
            for credential in ["expire.0123456789abcdef", "nobody.0123456789abcdef"] {
                let connection = try KubeConnection(server: "https://kubernetes:\(cluster.server.port)", credentials: .bearerToken(credential),
                                                    trust: .certificateAuthorities(pem: ca))
                    .routed(through: DirectPortForward(address: "127.0.0.1", port: cluster.server.port))
                let error = await #expect(throws: KubeAPIError.self) {
                    try await KubeClient.with(connection) { try await $0.list(.nodes) }
                }
                #expect(error?.isUnauthorized == true)
                #expect(error?.description.contains("0123456789abcdef") == false, "a token never appears in an error")
            }
        }
    }

    @Test func tlsFailuresFailFastAndSayWhy() async throws {
        try await TestCluster.with { cluster in
            let admin = try await cluster.kubeconfig()
            let forward = DirectPortForward(address: "127.0.0.1", port: cluster.server.port)
            let clock = ContinuousClock()
            // Trusting another CA.
            let otherCA = try await TestCluster.with(version: "v1.28.7") { other in try await other.kubeconfig().certificateAuthorityPEM }
            var wrongCA = admin
            wrongCA.certificateAuthorityPEM = otherCA
            let start = clock.now
            let untrusted = await #expect(throws: KubeAPIError.self) {
                try await KubeClient.with(try ClusterAccess.connection(wrongCA).routed(through: forward)) { try await $0.list(.nodes) }
            }
            #expect(clock.now - start < .seconds(3))
            guard case .tls = untrusted else { Issue.record("expected a TLS error, got \(String(describing: untrusted))"); return }
            #expect(untrusted?.description.contains("not issued by the trusted CA") == true)
            // A name the certificate does not carry.
            let misnamed = try KubeConnection(server: "https://example.invalid:\(cluster.server.port)", credentials: .anonymous,
                                              trust: .certificateAuthorities(pem: admin.certificateAuthorityPEM)).routed(through: forward)
            let wrongName = await #expect(throws: KubeAPIError.self) { try await KubeClient.with(misnamed) { try await $0.health("/livez") } }
            #expect(wrongName?.description.contains("not valid for the name 'example.invalid'") == true, "\(String(describing: wrongName))")
        }
    }

    @Test func statusErrorsNameTheRequest() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withClient { admin in
                let missing = await #expect(throws: KubeAPIError.self) { try await admin.get(.configMaps, "nope", namespace: "kube-system") }
                #expect(missing?.isNotFound == true)
                #expect(missing?.description == #"get configmaps kube-system/nope: 404 NotFound: configmaps "nope" not found"#)
                let object = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: "twice", namespace: "default")
                _ = try await admin.create(object)
                let again = await #expect(throws: KubeAPIError.self) { try await admin.create(object) }
                #expect(again?.isAlreadyExists == true)
                // createOrUpdate turns the 409 into a read and a conditional update.
                var changed = object
                changed["data"] = .strings(["k": "v"])
                let stored = try await admin.createOrUpdate(changed)
                #expect(stored.stringData == ["k": "v"])
            }
        }
    }

    @Test func busyServersAreRetriedWithinTheBudget() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withClient { admin in
                await cluster.server.inject(.respond(503, times: 2, pathPrefix: "/api/v1/namespaces/kube-system/configmaps"))
                await cluster.server.inject(.respond(429, retryAfter: 1, times: 1, pathPrefix: "/api/v1/namespaces/kube-system/configmaps"))
                await cluster.server.inject(.dropConnection(times: 1, pathPrefix: "/api/v1/namespaces/kube-system/configmaps"))
                let retry = KubeRetry(timeout: .seconds(20), interval: .milliseconds(100))
                let created = try await admin.createOrUpdate(KubeObject(apiVersion: "v1", kind: "ConfigMap", name: "busy", namespace: "kube-system"), retry: retry)
                #expect(created.uid != nil)
                let codes = await cluster.requests().map(\.code)
                #expect(codes.prefix(3) == [503, 503, 429])
                #expect(codes.last == 201)
                // A 403 is not retried.
                try await cluster.server.put(TestAPIServer.bootstrapTokenSecret(id: "abcdef", secret: "0123456789abcdef"))
                await cluster.server.clearRequests()
                let clock = ContinuousClock()
                let start = clock.now
                let token = try KubeConnection(server: "https://kubernetes:\(cluster.server.port)", credentials: .bearerToken("abcdef.0123456789abcdef"),
                                               trust: .certificateAuthorities(pem: try await cluster.kubeconfig().certificateAuthorityPEM))
                    .routed(through: DirectPortForward(address: "127.0.0.1", port: cluster.server.port))
                await #expect(throws: KubeAPIError.self) {
                    try await KubeClient.with(token) { client in try await retry.run("list") { try await client.list(.nodes) } }
                }
                let requests = await cluster.requests()
                #expect(clock.now - start < .seconds(2) && requests.count == 1)
            }
        }
    }

    @Test func watchSeesWhatChanges() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withClient { admin in
                let list = try await admin.list(.configMaps, namespace: "default")
                let events = admin.watch(.configMaps, namespace: "default", fieldSelector: "metadata.name=watched",
                                         resourceVersion: list.resourceVersion, timeout: .seconds(10))
                async let seen: [String] = {
                    var types: [String] = []
                    for try await event in events where event.object.name == "watched" {
                        types.append(event.type)
                        if types.count == 2 { break }
                    }
                    return types
                }()
                try await Task.sleep(for: .milliseconds(200))
                var object = try await admin.create(KubeObject(apiVersion: "v1", kind: "ConfigMap", name: "watched", namespace: "default"))
                object["data"] = .strings(["a": "b"])
                _ = try await admin.update(object)
                #expect(try await seen == ["ADDED", "MODIFIED"])
            }
        }
    }

    /// The API server names the field manager of a create or update after the user agent's part before the
    /// first `/`, so kubeforge's writes are managed by "kubeforge" as kubeadm's are by "kubeadm".
    @Test func theUserAgentNamesKubeforgeAsItsFieldManager() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withClient { admin in _ = try await admin.list(.nodes) }
            let agent = try #require(await cluster.server.requests().first?.userAgent)
            #expect(agent.hasPrefix("kubeforge/v") && agent.hasSuffix(" (linux/amd64)"), "\(agent)")
            #expect(agent.split(separator: "/").first == "kubeforge")
        }
    }
}
