import ClusterTestSupport
import Foundation
import KubeAPI
import KubeAPITestServer
import LabSupport
import PKI
import Preflight
import Remote
import Testing
@testable import Bootstrap

/// `join` of a worker against the stand-in kube-apiserver (it stands in for kube-apiserver, which cannot run
/// in CI; its bootstrapsigner and CSR signer stand in for kube-controller-manager's), with the kubelet's part
/// played by `KubeletStandIn`: kubeforge's requests compared with upstream kubeadm's (join.json), the files
/// it leaves compared with worker-files-after-join.txt.
struct JoinServerTests {
    /// init's API phases on the control plane (what a joining node needs), with the token of the capture.
    static func initialise(_ cluster: TestCluster) async throws {
        try await cluster.registerNode()
        // Stands in for kube-apiserver's Node authorizer, which lets a kubelet read and patch its own Node.
        try await cluster.server.put(["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": ["name": "test:node-self"],
                                      "rules": [["apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "patch"]]]])
        try await cluster.server.put(["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": ["name": "test:node-self"],
                                      "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "test:node-self"],
                                      "subjects": [["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:nodes"]]])
        try await cluster.withClient { client in
            var phases = InitAPIPhases(client: client, objects: try InitObjects(config: cluster.config), report: { _ in })
            phases.retry = KubeRetry(timeout: .seconds(5), interval: .milliseconds(50))
            let ca = try String(contentsOfFile: "\(cluster.root)/etc/kubernetes/pki/ca.crt", encoding: .utf8)
            try await phases.uploadConfig()
            try await phases.bootstrapToken([try BootstrapTokenSecret(token: try BootstrapToken(parsing: "zzjwhc.tx6j2cemohmstuve"),
                                                                       expires: Date().addingTimeInterval(3600))],
                                            certificateAuthorityPEM: ca)
            try await phases.addons()
        }
        await cluster.server.settle()
    }

    static func worker() throws -> LocalHost {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kubeforge-worker-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return LocalHost(name: "k8s-node1", rootfs: root)
    }

    static func options(_ cluster: TestCluster, token: String = "zzjwhc.tx6j2cemohmstuve", pins: [String]? = nil) async throws -> JoinWorkflow.Options {
        var options = JoinWorkflow.Options(endpoint: "127.0.0.1:\(cluster.server.port)", token: try BootstrapToken(parsing: token))
        let ca = try await cluster.kubeconfig().certificateAuthorityPEM
        options.caCertHashes = try pins ?? DiscoveryHash.of(certificatePEM: ca)
        options.registration.name = "k8s-node1"
        options.ignore = try IgnoreList(parsing: ["all"])  // this machine is no Kubernetes node
        options.discoveryTimeout = .seconds(3)
        options.tlsBootstrapTimeout = .seconds(10)
        options.apiRetry = KubeRetry(timeout: .seconds(5), interval: .milliseconds(50))
        return options
    }

    @Test func workerJoinSendsWhatKubeadmSentAndLeavesItsFiles() async throws {
        try await TestCluster.with(bindToServer: true, signer: true, csrSigning: true) { cluster in
            try await Self.initialise(cluster)
            await cluster.server.clearRequests()
            let worker = try Self.worker()
            defer { try? FileManager.default.removeItem(atPath: worker.rootfs!) }
            let lines = Lines()
            var kubelet = KubeletStandIn(host: worker, nodeName: "k8s-node1", apiServerPort: cluster.server.port)
            kubelet.registered = { try await cluster.registerNode("k8s-node1") }
            let join = JoinWorkflow(host: worker, options: try await Self.options(cluster), kubelet: kubelet) { lines.add($0) }
            try await join.run()

            // kubeadm's own requests, in order (the kubelet's are the stand-in's).
            let kubeadmRequests = try KubeadmCapture.requests("join").filter { !$0.user.isEmpty }.prefix(6)
            let ours = await cluster.requests().filter { $0.user == "system:anonymous" || ($0.user.hasPrefix("system:bootstrap:") && $0.verb == "get") }
            #expect(ours.prefix(6).map { "\($0.verb) \($0.code) \($0.user) \($0.requestURI)" }
                    == kubeadmRequests.map { "\($0.verb) \($0.code) \($0.user) \($0.requestURI)" })

            // The files of a joined worker (worker-files-after-join.txt): the kubelet's configuration is the
            // cluster's, kubeadm-flags.env as kubeadm wrote it, ca.crt 0644, no bootstrap-kubelet.conf left.
            let captured = try String(contentsOf: KubeadmCapture.directory.appendingPathComponent("worker-files-after-join.txt"), encoding: .utf8)
            func section(_ name: String) -> String {
                let parts = captured.components(separatedBy: "### \(name)\n")
                return String(parts[1].prefix { $0 != "#" })
            }
            let config = try String(contentsOfFile: worker.resolve("/var/lib/kubelet/config.yaml"), encoding: .utf8)
            #expect(config == section("/var/lib/kubelet/config.yaml"))
            let flags = try String(contentsOfFile: worker.resolve("/var/lib/kubelet/kubeadm-flags.env"), encoding: .utf8)
            // This machine is not called k8s-node1, so kubeadm's rule adds --hostname-override; the rest is the capture's.
            #expect(flags.replacingOccurrences(of: " --hostname-override=k8s-node1", with: "") == section("/var/lib/kubelet/kubeadm-flags.env"))
            #expect(flags.contains("--hostname-override=k8s-node1") == (ProcessInfo.processInfo.hostName.lowercased() != "k8s-node1"))
            #expect(try await worker.stat(JoinWorkflow.caCertificatePath)?.mode == 0o644)
            #expect(try await worker.stat("/var/lib/kubelet/kubeadm-flags.env")?.mode == 0o644)
            #expect(try await worker.stat(JoinWorkflow.bootstrapKubeconfigPath) == nil)
            #expect(try await worker.stat(JoinWorkflow.kubeletKubeconfigPath)?.mode == 0o600)
            #expect(lines.all.contains("[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap..."))
            #expect(lines.all.last?.contains("This node has joined the cluster:") == true)
            // The node's CRI socket on its Node, set with the node's own identity as kubeadm v1.28's join does.
            let node = await cluster.server.object(.nodes, name: "k8s-node1")
            #expect(node?[path: ["metadata", "annotations", "kubeadm.alpha.kubernetes.io/cri-socket"]]?.stringValue == "unix:///var/run/containerd/containerd.sock")
            #expect(await cluster.requests().contains { $0.verb == "patch" && $0.user == "system:node:k8s-node1" })
        }
    }

    @Test func wrongTokensAndPinsAreSaidPlainly() async throws {
        try await TestCluster.with(bindToServer: true, signer: true) { cluster in
            try await Self.initialise(cluster)
            let worker = try Self.worker()
            defer { try? FileManager.default.removeItem(atPath: worker.rootfs!) }
            func failure(_ options: JoinWorkflow.Options) async -> String {
                do {
                    try await JoinWorkflow(host: worker, options: options, kubelet: KubeletStandIn(host: worker, nodeName: "x", apiServerPort: 1)) { _ in }.run()
                    return "joined"
                } catch { return "\(error)" }
            }
            #expect(await failure(try await Self.options(cluster, token: "qqqqqq.tx6j2cemohmstuve")).contains("token id \"qqqqqq\" is invalid for this cluster or it has expired"))
            let pin = "sha256:" + String(repeating: "a", count: 64)
            let mismatch = await failure(try await Self.options(cluster, pins: [pin]))
            #expect(mismatch.contains("expected \(pin)") && mismatch.contains("the CA's hash is sha256:"))
            var unreachable = try await Self.options(cluster)
            unreachable.endpoint = "127.0.0.1:1"
            #expect(await failure(unreachable).contains("cannot reach the API server at 127.0.0.1:1"))
            // Nothing was written on the worker by a join that failed in discovery.
            #expect(try await worker.stat("/var/lib/kubelet/config.yaml") == nil)
        }
    }

    @Test func aReadyNodeOfTheSameNameIsRefused() async throws {
        try await TestCluster.with(bindToServer: true, signer: true) { cluster in
            try await Self.initialise(cluster)
            try await cluster.server.put(["apiVersion": "v1", "kind": "Node", "metadata": ["name": "k8s-node1"],
                                          "status": ["conditions": [["type": "Ready", "status": "True"]]]])
            let worker = try Self.worker()
            defer { try? FileManager.default.removeItem(atPath: worker.rootfs!) }
            let join = JoinWorkflow(host: worker, options: try await Self.options(cluster),
                                    kubelet: KubeletStandIn(host: worker, nodeName: "k8s-node1", apiServerPort: cluster.server.port)) { _ in }
            let error = await #expect(throws: InitError.self) { try await join.run() }
            #expect("\(error.map { "\($0)" } ?? "")".contains("a Node with name \"k8s-node1\" and status \"Ready\" already exists"))
        }
    }
}
