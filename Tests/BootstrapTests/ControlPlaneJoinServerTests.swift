import ClusterTestSupport
import Foundation
import KubeAPI
import KubeAPITestServer
import KubeadmConfig
import PKI
import Preflight
import Remote
import Testing
@testable import Bootstrap

/// `join --control-plane` against the stand-in kube-apiserver (kube-apiserver cannot run in CI) with a real etcd:
/// the existing control plane's member is Debian's etcd on 127.0.0.3, the joining node's is started from the
/// etcd.yaml the join writes, by `StaticPodKubelet` — the kubelet's part (TLS bootstrap by `KubeletStandIn`,
/// the etcd static Pod run with its hostPath mounts). The joining node advertises 127.0.0.2, so its etcd
/// binds 127.0.0.2:2379/2380 and 127.0.0.1:2379/2381, as kubeadm's manifest has it.
@Suite(.serialized) struct ControlPlaneJoinServerTests {
    static let key = String(repeating: "0123456789abcdef", count: 4)
    static let existingAddress = "127.0.0.3"
    static let joiningAddress = "127.0.0.2"

    /// The control plane after `init --upload-certs`: kubeadm-config (with a controlPlaneEndpoint unless told),
    /// the bootstrap token, kubeadm-certs and its Role, and its Node labelled as a control plane with its InternalIP.
    static func initialise(_ cluster: TestCluster, endpoint: Bool = true) async throws {
        var config = cluster.config
        if endpoint { config.clusterConfiguration.controlPlaneEndpoint = "127.0.0.1:\(cluster.server.port)" }
        try await cluster.server.put(["apiVersion": "v1", "kind": "Node",
                                      "metadata": ["name": "k8s-master", "labels": ["kubernetes.io/hostname": "k8s-master",
                                                                                     "node-role.kubernetes.io/control-plane": ""]],
                                      "status": ["addresses": [["type": "InternalIP", "address": .string(existingAddress)]]]])
        try await cluster.server.put(["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": ["name": "test:node-self"],
                                      "rules": [["apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "patch"]]]])
        try await cluster.server.put(["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": ["name": "test:node-self"],
                                      "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "test:node-self"],
                                      "subjects": [["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:nodes"]]])
        let objects = try InitObjects(config: config)
        // v1.29+: admin.conf's group kubeadm:cluster-admins is bound by init with super-admin.conf.
        let superAdmin = config.clusterConfiguration.version.isAtLeast(minor: 29) ? try await cluster.client("super-admin.conf") : nil
        try await cluster.withClient { client in
            if superAdmin != nil { try await InitAPIPhases.ensureClusterAdmins(objects: objects, admin: client) { superAdmin } }
            var phases = InitAPIPhases(client: client, objects: objects, report: { _ in })
            phases.retry = KubeRetry(timeout: .seconds(5), interval: .milliseconds(50))
            let pki = "\(cluster.root)/etc/kubernetes/pki"
            try await phases.uploadConfig()
            try await phases.bootstrapToken([try BootstrapTokenSecret(token: try BootstrapToken(parsing: "zzjwhc.tx6j2cemohmstuve"),
                                                                       expires: Date().addingTimeInterval(3600))],
                                            certificateAuthorityPEM: try String(contentsOfFile: "\(pki)/ca.crt", encoding: .utf8))
            var files: [String: Data] = [:]
            for file in KubeadmCertsSecret.files(externalEtcd: false) {
                files[file.key] = try Data(contentsOf: URL(fileURLWithPath: "\(pki)/\(file.path)"))
            }
            try await phases.uploadCerts(files: files, key: try CertificateKey(hex: key))
            try await phases.addons()
        }
        await superAdmin?.shutdown()
        await cluster.server.settle()
    }

    static func node() throws -> LocalHost {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kubeforge-cp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return LocalHost(name: "k8s-node1", rootfs: root)
    }

    static func options(_ cluster: TestCluster, key: String = key) async throws -> JoinWorkflow.Options {
        var options = try await JoinServerTests.options(cluster)
        var controlPlane = ControlPlaneJoin.Options(certificateKey: try CertificateKey(hex: key), advertiseAddress: joiningAddress)
        controlPlane.etcdWaiter = HealthWaiter(timeout: .seconds(30))
        options.controlPlane = controlPlane
        return options
    }

    /// An initialised cluster and a fresh joining node, for joins that never reach the kubelet's TLS bootstrap.
    static func withJoiningNode(_ body: (TestCluster, LocalHost, JoinWorkflow.Options) async throws -> Void) async throws {
        try await TestCluster.with(bindToServer: true, signer: true) { cluster in
            try await Self.initialise(cluster)
            let node = try Self.node()
            defer { try? FileManager.default.removeItem(atPath: node.rootfs!) }
            var options = try await Self.options(cluster)
            options.controlPlane?.etcdctl = "/usr/bin/etcdctl"
            try await body(cluster, node, options)
        }
    }

    static func workflow(_ node: LocalHost, _ options: JoinWorkflow.Options, lines: Lines = Lines()) -> JoinWorkflow {
        JoinWorkflow(host: node, options: options, kubelet: KubeletStandIn(host: node, nodeName: "k8s-node1", apiServerPort: 1)) { lines.add($0) }
    }

    @Test(arguments: ["v1.28.7", "v1.29.15"])
    func controlPlaneJoinDownloadsTheSharedCertificatesAndAddsAnEtcdMember(version: String) async throws {
        try await TestCluster.with(version: version, bindToServer: true, signer: true, csrSigning: true) { cluster in
            try await Self.initialise(cluster)
            let existing = try await ExistingEtcdMember.start(cluster, address: Self.existingAddress)
            defer { existing.stop() }
            let node = try Self.node()
            defer { try? FileManager.default.removeItem(atPath: node.rootfs!) }
            await cluster.server.clearRequests()
            var standIn = KubeletStandIn(host: node, nodeName: "k8s-node1", apiServerPort: cluster.server.port)
            standIn.registered = { try await cluster.registerNode("k8s-node1") }
            let kubelet = StaticPodKubelet(standIn: standIn)
            defer { kubelet.stop() }
            let lines = Lines()
            try await JoinWorkflow(host: node, options: try await Self.options(cluster), kubelet: kubelet) { lines.add($0) }.run()

            // download-certs read kubeadm-certs with the bootstrap token's identity (which the Role kubeadm:kubeadm-certs
            // lets through), after discovery and the cluster's configuration; the admin.conf issued here did the rest.
            let requests = await cluster.requests()
            let bootstrap = requests.filter { $0.user == "system:bootstrap:zzjwhc" && !$0.path.contains("certificatesigningrequests") }
            #expect(bootstrap.map { "\($0.verb) \($0.code) \($0.path)" } == [
                "get 200 /api/v1/namespaces/kube-system/configmaps/kubeadm-config",
                "get 200 /api/v1/namespaces/kube-system/configmaps/kube-proxy",
                "get 200 /api/v1/namespaces/kube-system/configmaps/kubelet-config",
                "get 404 /api/v1/nodes/k8s-node1",
                "get 200 /api/v1/namespaces/kube-system/secrets/kubeadm-certs",
            ])
            let admin = requests.filter { $0.user == "kubernetes-admin" }.map { "\($0.verb) \($0.code) \($0.requestURI)" }
            #expect(admin.first == "list 404 /api/v1/namespaces/kube-system/pods?labelSelector=component%3Detcd%2Ctier%3Dcontrol-plane",
                    "the stand-in serves no Pods: kubeforge falls back to the control-plane Nodes")
            #expect(admin.dropFirst().first == "list 200 /api/v1/nodes?labelSelector=node-role.kubernetes.io%2Fcontrol-plane")
            #expect(admin.contains { $0.hasPrefix("patch 200 /api/v1/nodes/k8s-node1") })

            // The shared files, byte for byte and with the control plane's modes.
            let controlPlane = cluster.host
            for file in KubeadmCertsSecret.files(externalEtcd: false) {
                let path = "/etc/kubernetes/pki/\(file.path)"
                #expect(try await node.readFile(path) == controlPlane.readFile(path), "\(path)")
                let mode = try await node.stat(path)?.mode
                #expect(mode == (try await controlPlane.stat(path)?.mode), "\(path)")
                #expect(mode == (file.path.hasSuffix(".crt") ? 0o644 : 0o600), "\(path)")
            }

            // This node's leaves, from the downloaded CAs, with its own name and address.
            let pki = node.resolve("/etc/kubernetes/pki")
            for (leaf, ca) in [("apiserver", "ca"), ("apiserver-kubelet-client", "ca"), ("front-proxy-client", "front-proxy-ca"),
                               ("apiserver-etcd-client", "etcd/ca"), ("etcd/server", "etcd/ca"), ("etcd/peer", "etcd/ca"),
                               ("etcd/healthcheck-client", "etcd/ca")] {
                let verify = try await LocalHost().run(ShellQuote.join(["openssl", "verify", "-CAfile", "\(pki)/\(ca).crt", "\(pki)/\(leaf).crt"]))
                #expect(verify.succeeded, "\(leaf): \(verify.stdoutText)\(verify.stderrText)")
                #expect(try await node.stat("/etc/kubernetes/pki/\(leaf).key")?.mode == 0o600)
            }
            func text(_ certificate: String) async throws -> String {
                try await LocalHost().run(ShellQuote.join(["openssl", "x509", "-noout", "-text", "-in", "\(pki)/\(certificate)"])).stdoutText
            }
            let apiServer = try await text("apiserver.crt")
            #expect(apiServer.contains("DNS:k8s-node1") && apiServer.contains("IP Address:\(Self.joiningAddress)"))
            #expect(apiServer.contains("DNS:kubernetes.default.svc.cluster.local") && apiServer.contains("IP Address:10.96.0.1"))
            #expect(!apiServer.contains("DNS:k8s-master"))
            for etcd in ["etcd/server.crt", "etcd/peer.crt"] {
                let sans = try await text(etcd)
                #expect(sans.contains("DNS:k8s-node1") && sans.contains("IP Address:\(Self.joiningAddress)"), "\(etcd)")
            }

            // admin.conf through the controlPlaneEndpoint, the components' own to this node's API server; no super-admin.conf.
            let ca = try String(contentsOfFile: "\(pki)/ca.crt", encoding: .utf8)
            for (file, server, user) in [("admin.conf", "https://127.0.0.1:\(cluster.server.port)", "kubernetes-admin"),
                                         ("controller-manager.conf", "https://\(Self.joiningAddress):6443", "system:kube-controller-manager"),
                                         ("scheduler.conf", "https://\(Self.joiningAddress):6443", "system:kube-scheduler")] {
                let kubeconfig = try await ClusterAccess.kubeconfig(at: "/etc/kubernetes/\(file)", on: node)
                #expect(kubeconfig.server == server && kubeconfig.userName == user && kubeconfig.certificateAuthorityPEM == ca, "\(file)")
                #expect(try await node.stat("/etc/kubernetes/\(file)")?.mode == 0o600)
            }
            #expect(try await node.stat("/etc/kubernetes/super-admin.conf") == nil)

            // The control-plane manifests, and etcd.yaml joining the existing member.
            for component in ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"] {
                #expect(try await node.stat("/etc/kubernetes/manifests/\(component).yaml")?.mode == 0o600, "\(component)")
            }
            let etcdManifest = String(decoding: try await node.readFile("/etc/kubernetes/manifests/etcd.yaml"), as: UTF8.self)
            #expect(etcdManifest.contains("--initial-cluster=k8s-master=https://\(Self.existingAddress):2380,k8s-node1=https://\(Self.joiningAddress):2380"))
            #expect(etcdManifest.contains("--initial-cluster-state=existing"))

            // Two voting members (the learner of v1.29+ promoted).
            let members = try await existing.etcdctl.memberList(on: LocalHost())
            #expect(members.members.map(\.name).sorted() == ["k8s-master", "k8s-node1"])
            #expect(members.members.allSatisfy { !$0.isLearner })
            #expect(lines.all.contains { $0.contains("Add etcd member k8s-node1") })
            #expect(lines.all.contains { $0.contains("Promote etcd learner") } == (version != "v1.28.7"))

            // mark-control-plane, as kubeadm marks a control plane.
            let marked = try #require(await cluster.server.object(.nodes, name: "k8s-node1"))
            #expect(marked[path: ["metadata", "labels", "node-role.kubernetes.io/control-plane"]]?.stringValue == "")
            #expect(marked[path: ["metadata", "labels", "node.kubernetes.io/exclude-from-external-load-balancers"]]?.stringValue == "")
            #expect(marked[path: ["spec", "taints"]]?.arrayValue?.first?[path: ["key"]]?.stringValue == "node-role.kubernetes.io/control-plane")

            #expect(lines.all.contains("[download-certs] Downloading the certificates in Secret \"kubeadm-certs\" in the \"kube-system\" Namespace"))
            #expect(lines.all.last == ControlPlaneJoin.doneMessage(stackedEtcd: true))
            #expect(lines.all.last?.contains("This node has joined the cluster and a new control plane instance was created:") == true)
            #expect(!lines.all.joined().contains(Self.key), "the certificate key is never printed")
        }
    }

    /// What joining refuses, before anything is written: each reason said as kubeadm says it, never the key.
    @Test func refusalsSayWhyAndWriteNothing() async throws {
        try await Self.withJoiningNode { cluster, node, _ in
            let lines = Lines()
            func failure(_ options: JoinWorkflow.Options) async -> String {
                do {
                    try await Self.workflow(node, options, lines: lines).run()
                    return "joined"
                } catch { return "\(error)" }
            }
            let wrongKey = String(repeating: "f", count: 64)
            let wrong = await failure(try await Self.options(cluster, key: wrongKey))
            #expect(wrong.hasPrefix("cannot decrypt "))
            #expect(wrong.hasSuffix(" of the kubeadm-certs Secret: wrong certificate key, or the Secret was re-uploaded with another one (run `kubeforge init phase upload-certs --upload-certs` on a control plane and use the key it prints)"))
            #expect(!wrong.contains(wrongKey) && !lines.all.joined().contains(wrongKey))

            // Without the RoleBinding kubeadm:kubeadm-certs the bootstrap token may not read the Secret.
            try await cluster.withClient { try await $0.delete(.roleBindings, "kubeadm:kubeadm-certs", namespace: "kube-system") }
            let forbidden = await failure(try await Self.options(cluster))
            #expect(forbidden.hasPrefix("the bootstrap token may not read Secret kube-system/kubeadm-certs ("))
            #expect(forbidden.contains("run `kubeforge init phase upload-certs --upload-certs` on a control plane"))

            try await Self.initialise(cluster)
            try await cluster.withClient { try await $0.delete(.secrets, "kubeadm-certs", namespace: "kube-system") }
            #expect(await failure(try await Self.options(cluster)) == "Secret \"kubeadm-certs\" was not found in the \"kube-system\" Namespace. This Secret might have expired. Please, run `kubeforge init phase upload-certs --upload-certs` on a control plane to generate a new one")
            #expect(await cluster.requests().contains { $0.user == "system:bootstrap:zzjwhc" && $0.code == 404 && $0.path.hasSuffix("/secrets/kubeadm-certs") })

            try await Self.initialise(cluster, endpoint: false)
            #expect(await failure(try await Self.options(cluster)) == """
                One or more conditions for hosting a new control plane instance is not satisfied.

                unable to add a new control plane instance to a cluster that doesn't have a stable controlPlaneEndpoint address

                Please ensure that:
                * The cluster has a stable controlPlaneEndpoint address.
                * The certificates that must be shared among control plane instances are provided.
                """)

            // Nothing of a join was left on the node.
            #expect(FileManager.default.enumerator(atPath: node.rootfs!)?.allObjects.isEmpty ?? true)
            #expect(!lines.all.joined().contains(Self.key))
        }
    }

    /// check-etcd comes before the components: with no etcd member answering, the join stops with what failed
    /// and how to recover, and no manifest is written.
    @Test func anUnreachableEtcdStopsTheJoinBeforeAnyComponent() async throws {
        try await Self.withJoiningNode { _, node, options throws in
            let error = await #expect(throws: InitError.self) { try await Self.workflow(node, options).run() }
            let text = error.map { "\($0)" } ?? ""
            #expect(text.hasPrefix("[check-etcd] the etcd cluster at https://\(Self.existingAddress):2379 does not answer from this node: "))
            #expect(text.hasSuffix("\n" + ControlPlaneJoin.partlyJoined))
            #expect(try await node.stat("/etc/kubernetes/pki/apiserver.crt") != nil)
            #expect(try await node.stat("/etc/kubernetes/manifests") == nil)
            #expect(try await node.stat("/var/lib/kubelet/config.yaml") == nil)
        }
    }

    @Test func dryRunDecryptsAndListsButWritesNothing() async throws {
        try await Self.withJoiningNode { cluster, node, options in
            var options = options
            options.dryRun = true
            let lines = Lines()
            try await Self.workflow(node, options, lines: lines).run()
            let all = lines.all.joined(separator: "\n")
            #expect(all.contains("[dryrun] would write k8s-node1:/etc/kubernetes/pki/ca.key (mode 600)"))
            #expect(all.contains("[dryrun] would write k8s-node1:/etc/kubernetes/pki/etcd/ca.crt (mode 644)"))
            #expect(all.contains("[dryrun] would generate apiserver, apiserver-kubelet-client"))
            #expect(all.contains("would write k8s-node1:/etc/kubernetes/manifests/kube-apiserver.yaml (mode 600)"))
            #expect(all.contains("would run etcdctl member add k8s-node1 --peer-urls=https://\(Self.joiningAddress):2380"))
            #expect(all.contains("would write k8s-node1:/etc/kubernetes/manifests/etcd.yaml (mode 600)"))
            #expect(all.contains("[dryrun] [mark-control-plane] would label Node k8s-node1"))
            #expect(lines.all.last == "[dryrun] Finished dry-running successfully. Above are the resources that would be created.")
            #expect(!all.contains(Self.key))
            #expect(FileManager.default.enumerator(atPath: node.rootfs!)?.allObjects.isEmpty ?? true)
            #expect(await !cluster.requests().contains { $0.verb != "get" && $0.verb != "list" && $0.user.hasPrefix("system:bootstrap:") })
        }
    }

    /// The capture's kubeadm-certs (upstream kubeadm v1.28.7) becomes the files kubeadm writes, with its modes.
    @Test func theCapturedSecretBecomesKubeadmsFilesAndModes() throws {
        let decrypted = try KubeadmCertsSecret.decrypt(CapturedKubeadmCertsTests.captured(), key: CertificateKey(hex: CapturedKubeadmCertsTests.key))
        let files = try DownloadCerts.files(decrypted, cluster: ClusterConfiguration())
        #expect(Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.mode) }) == [
            "/etc/kubernetes/pki/ca.crt": 0o644, "/etc/kubernetes/pki/ca.key": 0o600,
            "/etc/kubernetes/pki/front-proxy-ca.crt": 0o644, "/etc/kubernetes/pki/front-proxy-ca.key": 0o600,
            "/etc/kubernetes/pki/sa.pub": 0o600, "/etc/kubernetes/pki/sa.key": 0o600,
            "/etc/kubernetes/pki/etcd/ca.crt": 0o644, "/etc/kubernetes/pki/etcd/ca.key": 0o600,
        ])
        var partial = decrypted
        partial["sa.key"] = nil
        #expect(throws: InitError.self) { try DownloadCerts.files(partial, cluster: ClusterConfiguration()) }
    }
}
