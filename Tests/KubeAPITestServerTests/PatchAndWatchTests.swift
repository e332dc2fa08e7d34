// Tests of the stand-in for kube-apiserver (it stands in for kube-apiserver v1.28.7 in kubeforge's tests): PATCH in
// its media types, watch streams, and the fault script for retry tests.
import AsyncHTTPClient
import Foundation
import KubeAPITestServer
import Testing

@Suite struct PatchTests {
    static let node = "/api/v1/nodes/k8s-master?timeout=10s"

    /// The Node kubeadm found, before upload-config's patch (the capture's GET answer).
    static func capturedNode() throws -> ServerJSON {
        try #require(try Capture.requests("upload-config").first { $0.verb == "get" }?.responseObject)
    }

    @Test func kubeadmsNodePatchesGiveTheCapturedNode() async throws {
        try await withServer { server, client in
            let admin = try client(.admin)
            try await server.put(try Self.capturedNode())
            for phase in ["upload-config", "mark-control-plane"] {
                let patch = try #require(try Capture.requests(phase).last)
                let reply = try await admin.send(.PATCH, patch.requestURI, body: patch.requestObject,
                                                 contentType: "application/strategic-merge-patch+json")
                #expect(reply.code == 200)
                #expect(Capture.withoutServerFields(reply.json) == Capture.withoutServerFields(patch.responseObject), "\(phase)")
            }
        }
    }

    @Test func strategicMergeMergesTaintsByKeyAndDeletesWithNull() async throws {
        try await withServer { server, client in
            let admin = try client(.admin)
            var node = try Self.capturedNode()
            node[path: ["spec", "taints"]] = [["key": "a", "effect": "NoSchedule"], ["key": "b", "effect": "NoExecute"]]
            try await server.put(node)
            let patch: ServerJSON = [
                "metadata": ["labels": ["kubernetes.io/os": nil, "added": "yes"]],
                "spec": ["taints": [["key": "b", "effect": "NoSchedule"], ["key": "c", "effect": "NoSchedule"]],
                         "$setElementOrder/taints": [["key": "c"], ["key": "a"], ["key": "b"]]],
            ]
            let reply = try await admin.send(.PATCH, Self.node, body: patch, contentType: "application/strategic-merge-patch+json")
            #expect(reply.json?[path: ["spec", "taints"]] == [["key": "c", "effect": "NoSchedule"], ["key": "a", "effect": "NoSchedule"],
                                                              ["key": "b", "effect": "NoSchedule"]])
            #expect(reply.json?[path: ["metadata", "labels", "kubernetes.io/os"]] == nil)
            #expect(reply.json?[path: ["metadata", "labels", "added"]] == "yes")
            // A merge patch replaces lists whole.
            let merge = try await admin.send(.PATCH, Self.node, body: ["spec": ["taints": [["key": "z", "effect": "NoSchedule"]]]],
                                             contentType: "application/merge-patch+json")
            #expect(merge.json?[path: ["spec", "taints"]] == [["key": "z", "effect": "NoSchedule"]])
            let json = try await admin.send(.PATCH, Self.node, body: [["op": "add", "path": "/metadata/labels/json", "value": "patch"],
                                                                        ["op": "remove", "path": "/spec/taints/0"]],
                                            contentType: "application/json-patch+json")
            #expect(json.json?[path: ["metadata", "labels", "json"]] == "patch")
            #expect(json.json?[path: ["spec", "taints"]] == [])
        }
    }

    @Test func patchRefusesUnknownTypesMissingObjectsAndStaleVersions() async throws {
        try await withServer { server, client in
            let admin = try client(.admin)
            let unknown = try await admin.send(.PATCH, Self.node, body: [:], contentType: "application/xml")
            #expect(unknown.code == 415)
            #expect(unknown.json?["reason"] == "UnsupportedMediaType")
            let missing = try await admin.send(.PATCH, Self.node, body: [:], contentType: "application/merge-patch+json")
            #expect(missing.code == 404)
            #expect(missing.json?["message"] == "nodes \"k8s-master\" not found")
            try await server.put(try Self.capturedNode())
            let stale = try await admin.send(.PATCH, Self.node, body: ["metadata": ["resourceVersion": "1"]],
                                             contentType: "application/merge-patch+json")
            #expect(stale.code == 409)
        }
    }

    @Test func serverSideApplyCreatesThenMergesAndNeedsAFieldManager() async throws {
        try await withServer { _, client in
            let admin = try client(.admin)
            let path = "/api/v1/namespaces/default/configmaps/applied"
            let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: default\ndata:\n  a: \"1\"\n"
            let noManager = try await admin.send(.PATCH, path, text: yaml, contentType: "application/apply-patch+yaml")
            #expect(noManager.code == 422)
            let created = try await admin.send(.PATCH, path + "?fieldManager=kubeforge", text: yaml,
                                               contentType: "application/apply-patch+yaml")
            #expect(created.code == 201)
            let merged = try await admin.send(.PATCH, path + "?fieldManager=kubeforge&force=true",
                                              text: yaml.replacingOccurrences(of: "a: \"1\"", with: "b: \"2\""),
                                              contentType: "application/apply-patch+yaml")
            #expect(merged.code == 200)
            #expect(merged.json?["data"] == ["a": "1", "b": "2"])
        }
    }
}

@Suite struct WatchTests {
    @Test func aWatchDeliversAddedThenModifiedThenEndsAtItsTimeout() async throws {
        try await withServer { server, client in
            let admin = try client(.admin)
            let from = await server.resourceVersion()
            async let events = admin.watch(
                "/api/v1/namespaces/kube-system/configmaps?allowWatchBookmarks=true&fieldSelector=metadata.name%3Dwatched"
                    + "&resourceVersion=\(from)&timeoutSeconds=2&watch=true")
            try await Task.sleep(for: .milliseconds(300))
            let created = try await admin.post(ResourceTests.configMaps, ResourceTests.configMap("watched"))
            _ = try await admin.post(ResourceTests.configMaps, ResourceTests.configMap("ignored"))
            var changed = try #require(created.json)
            changed["data"] = ["k": "new"]
            let updated = try await admin.put(ResourceTests.configMaps + "/watched", changed)
            let received = try await events
            #expect(received.map { $0["type"]?.stringValue } == ["ADDED", "MODIFIED", "BOOKMARK"])
            #expect(received.first?["object"] == created.json)
            #expect(received.dropFirst().first?["object"] == updated.json)
            #expect(received.last?[path: ["object", "metadata", "resourceVersion"]]
                == .string(String(await server.resourceVersion())))
            let recorded = await server.requests().first { $0.verb == "watch" }
            #expect(recorded?.code == 200)
            #expect(recorded?.responseObject == nil)
        }
    }

    @Test func aWatchEndsWhenItsClientLeaves() async throws {
        try await withServer { server, client in
            let events = try await client(.admin).watch("/api/v1/namespaces?watch=true", events: 1)
            #expect(events.count == 1)
            var open = await server.openWatches()
            for _ in 0..<40 where open > 0 {
                try await Task.sleep(for: .milliseconds(50))
                open = await server.openWatches()
            }
            #expect(open == 0)
        }
    }

    @Test func aWatchFromAnEarlierVersionReplaysAndFromZeroListsFirst() async throws {
        try await withServer { server, client in
            let admin = try client(.admin)
            let from = await server.resourceVersion()
            _ = try await admin.post(ResourceTests.configMaps, ResourceTests.configMap("one"))
            _ = try await admin.delete(ResourceTests.configMaps + "/one")
            let replayed = try await admin.watch(ResourceTests.configMaps + "?watch=1&resourceVersion=\(from)", events: 2)
            #expect(replayed.map { $0["type"]?.stringValue } == ["ADDED", "DELETED"])
            _ = try await admin.post(ResourceTests.configMaps, ResourceTests.configMap("two"))
            let listed = try await admin.watch(ResourceTests.configMaps + "?watch=true&timeoutSeconds=1")
            #expect(listed.map { $0["type"]?.stringValue } == ["ADDED"])
            #expect(listed.first?[path: ["object", "metadata", "name"]] == "two")
        }
    }
}

@Suite struct FaultTests {
    @Test func theNextRequestsGetTheScriptedStatusThenTheServerAnswers() async throws {
        try await withServer { server, client in
            let admin = try client(.admin)
            await server.inject(.respond(503, retryAfter: 2, times: 2, pathPrefix: "/api/v1/namespaces/kube-system"))
            await server.inject(.respond(429, retryAfter: 1))
            let untouched = try await admin.get("/healthz")
            #expect(untouched.code == 429)
            #expect(untouched.headers.first(name: "Retry-After") == "1")
            #expect(untouched.json?["reason"] == "TooManyRequests")
            for _ in 0..<2 {
                let reply = try await admin.get(ResourceTests.configMaps)
                #expect(reply.code == 503)
                #expect(reply.headers.first(name: "Retry-After") == "2")
                #expect(reply.json?["reason"] == "ServiceUnavailable")
            }
            #expect(try await admin.get(ResourceTests.configMaps).code == 200)
            #expect(await server.requests().map(\.injectedFault) == [true, true, true, false])
        }
    }

    @Test func aDroppedConnectionGivesTheClientNoAnswer() async throws {
        try await withServer { server, client in
            let admin = try client(.admin)
            await server.inject(.dropConnection(times: 1))
            await #expect(throws: HTTPClientError.self) { try await admin.get(ResourceTests.configMaps) }
            #expect(try await admin.get(ResourceTests.configMaps).code == 200)
            #expect(await server.requests().first?.injectedFault == true)
        }
    }

    @Test func connectionsAreKeptAliveAndServedConcurrently() async throws {
        try await withServer { server, client in
            let admin = try client(.admin)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await admin.post(ResourceTests.configMaps, ResourceTests.configMap("concurrent-\(index)")).code
                    }
                }
                for try await code in group { #expect(code == 201) }
            }
            #expect(await server.objects(.configmaps, namespace: "kube-system").count == 20)
        }
    }
}
