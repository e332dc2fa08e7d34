import Foundation
import KubeAPI
import Testing
@testable import Bootstrap

/// The node table up ends with, from Node objects as the API server returns them.
struct NodeStatusTests {
    static func node(_ name: String, ready: Bool, roles: [String] = []) throws -> KubeObject {
        var labels: [String: String] = ["kubernetes.io/hostname": name]
        for role in roles { labels["node-role.kubernetes.io/\(role)"] = "" }
        let json: JSONValue = .object([
            "apiVersion": "v1", "kind": "Node",
            "metadata": .object(["name": .string(name), "creationTimestamp": "2026-12-01T16:50:00Z", "labels": .strings(labels)]),
            "status": .object([
                "nodeInfo": .object(["kubeletVersion": "v1.28.7"]),
                "conditions": .array([.object(["type": "Ready", "status": .string(ready ? "True" : "False"), "reason": .string(ready ? "KubeletReady" : "KubeletNotReady"),
                                               "message": .string(ready ? "kubelet is posting ready status" : "container runtime network not ready: cni plugin not initialized"),
                                               "lastTransitionTime": "2026-12-01T16:50:13Z"])]),
            ]),
        ])
        return try #require(KubeObject(json))
    }

    @Test func tableShowsRolesStatusVersionAndTimeToReady() throws {
        let lines = NodeStatus.table([try Self.node("k8s-node1", ready: true), try Self.node("k8s-master", ready: true, roles: ["control-plane"]),
                                      try Self.node("k8s-node2", ready: false)])
        #expect(lines == [
            "NAME         ROLES           STATUS     VERSION   READY AFTER",
            "k8s-master   control-plane   Ready      v1.28.7   13s",
            "k8s-node1    <none>          Ready      v1.28.7   13s",
            "k8s-node2    <none>          NotReady   v1.28.7   -",
        ])
        #expect(NodeStatus(try Self.node("k8s-node2", ready: false)).readyCondition
                == ["Ready=False KubeletNotReady: container runtime network not ready: cni plugin not initialized"])
    }
}
