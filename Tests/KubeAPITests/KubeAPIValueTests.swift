import Foundation
import Testing
@testable import KubeAPI

/// What the client computes without a server: JSON from templates' YAML, paths, query strings, errors, retries.
struct KubeAPIValueTests {
    @Test func yamlScalarsResolveAsSigsYAMLDoes() throws {
        let value = try JSONValue(yaml: """
            replicas: 2
            quoted: "2"
            flag: true
            text: 'true'
            empty:
            ratio: 0.5
            name: kube-dns
            port: "53"
            list: [a, 1]
            """)
        #expect(value["replicas"] == .int(2))
        #expect(value["quoted"] == .string("2"))
        #expect(value["flag"] == .bool(true))
        #expect(value["text"] == .string("true"))
        #expect(value["empty"] == .null)
        #expect(value["ratio"] == .double(0.5))
        #expect(value["name"] == .string("kube-dns"))
        #expect(value["list"] == .array([.string("a"), .int(1)]))
    }

    @Test func multiDocumentTemplatesBecomeObjects() throws {
        let objects = try KubeObject.objects(yaml: """
            # a comment
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: coredns
              namespace: kube-system
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: system:coredns
            """)
        #expect(objects.map(\.reference) == ["serviceaccounts kube-system/coredns", "clusterroles system:coredns"])
        #expect(objects[1].resourceKind == .clusterRoles)
    }

    @Test func pathsFollowTheAPIGroupsLayout() {
        #expect(ResourceKind.configMaps.objectPath("cluster-info", namespace: "kube-public") == "/api/v1/namespaces/kube-public/configmaps/cluster-info")
        #expect(ResourceKind.clusterRoleBindings.collectionPath(namespace: "ignored") == "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings")
        #expect(ResourceKind.daemonSets.collectionPath(namespace: "kube-system") == "/apis/apps/v1/namespaces/kube-system/daemonsets")
        #expect(ResourceKind.nodes.objectPath("k8s-master", namespace: nil) == "/api/v1/nodes/k8s-master")
    }

    @Test func queriesAreEncodedAsClientGoEncodesThem() {
        let list = KubeClient.Request(verb: "list", kind: .secrets, name: nil, namespace: "kube-system", method: .GET,
                                      path: "/api/v1/namespaces/kube-system/secrets", query: [("fieldSelector", "type=bootstrap.kubernetes.io/token")])
        #expect(list.uri == "/api/v1/namespaces/kube-system/secrets?fieldSelector=type%3Dbootstrap.kubernetes.io%2Ftoken")
        let watch = KubeClient.Request(verb: "watch", kind: .certificateSigningRequests, name: nil, namespace: nil, method: .GET,
                                       path: "/apis/certificates.k8s.io/v1/certificatesigningrequests",
                                       query: [("watch", "true"), ("timeoutSeconds", "361"), ("timeout", "6m1s"),
                                               ("resourceVersion", "621"), ("fieldSelector", "metadata.name=csr-6fwj5"),
                                               ("allowWatchBookmarks", "true")])
        // The capture's watch URI, byte for byte.
        #expect(watch.uri == "/apis/certificates.k8s.io/v1/certificatesigningrequests?allowWatchBookmarks=true&fieldSelector=metadata.name%3Dcsr-6fwj5&resourceVersion=621&timeout=6m1s&timeoutSeconds=361&watch=true")
        #expect(KubeClient.goDuration(.seconds(10)) == "10s")
        #expect(KubeClient.goDuration(.seconds(361)) == "6m1s")
        #expect(KubeClient.goDuration(.seconds(120)) == "2m0s")
    }

    @Test func statusAnswersBecomeErrorsThatSayWhatFailed() {
        let body = Data(#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"kubeadm-config\" already exists","reason":"AlreadyExists","details":{"name":"kubeadm-config","kind":"configmaps"},"code":409}"#.utf8)
        let error = KubeClient.failure(code: 409, headers: [:], body: body, request: "create configmaps kube-system/kubeadm-config")
        #expect(error.isAlreadyExists && !error.isConflict && !error.isRetryable)
        #expect(error.description == #"create configmaps kube-system/kubeadm-config: 409 AlreadyExists: configmaps "kubeadm-config" already exists"#)
        let busy = KubeClient.failure(code: 503, headers: ["Retry-After": "2"], body: Data("upstream down".utf8), request: "get nodes x")
        #expect(busy.isRetryable && busy.code == 503)
        #expect(busy.description == "get nodes x: unexpected answer 503: upstream down")
        let throttled = KubeClient.failure(code: 429, headers: ["Retry-After": "3"],
                                           body: Data(#"{"kind":"Status","status":"Failure","reason":"TooManyRequests","code":429}"#.utf8), request: "list secrets")
        #expect(throttled.retryAfter == .seconds(3) && throttled.isRetryable)
    }

    @Test func retriesOnlyWhatCanPassAndReportsTheLastFailure() async throws {
        let attempts = Counter()
        let retry = KubeRetry(timeout: .milliseconds(300), interval: .milliseconds(20))
        let busy = KubeAPIError.status(KubeStatus(reason: "ServiceUnavailable", code: 503), request: "get nodes a")
        await #expect(throws: KubeAPIError.self) {
            try await retry.run("get nodes a") { attempts.add(); throw busy }
        }
        #expect(attempts.value >= 2, "retried until the deadline")
        do {
            try await retry.run("get nodes a") { throw busy }
        } catch let error as KubeAPIError {
            guard case .timedOut = error else { Issue.record("expected timedOut, got \(error)"); return }
            #expect(error.description.contains("503 ServiceUnavailable") && error.description.contains("still failing after"))
        }
        let forbidden = Counter()
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: KubeAPIError.self) {
            try await retry.run("get secrets x") {
                forbidden.add()
                throw KubeAPIError.status(KubeStatus(reason: "Forbidden", code: 403), request: "get secrets x")
            }
        }
        #expect(forbidden.value == 1 && clock.now - start < .milliseconds(100), "a 403 fails at once")
        let flaky = Counter()
        let value = try await KubeRetry(timeout: .seconds(30), interval: .milliseconds(20)).run("get nodes b") {
            flaky.add()
            if flaky.value < 3 { throw KubeAPIError.transport(request: "get nodes b", endpoint: "x", reason: "connection refused") }
            return 42
        }
        #expect(value == 42 && flaky.value == 3)
    }

    @Test func watchLinesAreFramedAcrossChunks() throws {
        var framer = LineFramer()
        #expect(framer.append(Data(#"{"type":"ADDED","object":{"kind":"#.utf8)).isEmpty)
        let lines = framer.append(Data((#""X"}}"# + "\n" + #"{"type":"MOD"#).utf8))
        #expect(lines.count == 1)
        let event = try KubeClient.event(lines[0], request: "watch x")
        #expect(event.type == "ADDED" && event.object.kind == "X")
        let gone = Data(#"{"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"too old resource version","reason":"Expired","code":410}}"#.utf8)
        #expect(throws: KubeAPIError.self) { try KubeClient.event(gone, request: "watch x") }
    }

    @Test func comparableDropsServerFieldsAndZeroValues() throws {
        let sent = try #require(KubeObject(JSONValue.decode(Data(#"{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"coredns","namespace":"kube-system","creationTimestamp":null}}"#.utf8))))
        let stored = try #require(KubeObject(JSONValue.decode(Data(#"{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"coredns","namespace":"kube-system","uid":"u","resourceVersion":"7","creationTimestamp":"2026-12-01T00:00:00Z"},"secrets":[]}"#.utf8))))
        #expect(sent.comparable == stored.comparable)
    }

    @Test func ipServersAreCheckedForTheirKubernetesNameWhenForwarded() throws {
        let direct = try KubeConnection(server: "https://10.213.0.11:6443", credentials: .anonymous, trust: .unverified)
        #expect(direct.baseURL == "https://10.213.0.11:6443" && direct.dnsOverride.isEmpty)
        let routed = direct.routed(through: ForwardStub(localAddress: "127.0.0.1", localPort: 40123))
        #expect(routed.baseURL == "https://kubernetes:40123")
        #expect(routed.dnsOverride == ["kubernetes": "127.0.0.1"])
        let named = try KubeConnection(server: "https://k8s-master:6443", credentials: .bearerToken("abcdef.0123456789abcdef"), trust: .unverified)
            .routed(through: ForwardStub(localAddress: "127.0.0.1", localPort: 40124))
        #expect(named.baseURL == "https://k8s-master:40124" && named.dnsOverride == ["k8s-master": "127.0.0.1"])
        #expect(!"\(named.credentials)".contains("0123456789abcdef"), "a token is never shown")
        #expect(throws: KubeAPIError.self) { try KubeConnection(server: "k8s-master:6443", credentials: .anonymous, trust: .unverified) }
    }
}

import Remote

struct ForwardStub: PortForward {
    var localAddress: String
    var localPort: Int
    func close() async {}
}

final class Counter: @unchecked Sendable {  // invariant: `count` under `lock`
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
