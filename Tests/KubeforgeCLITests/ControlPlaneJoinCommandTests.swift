import ClusterTestSupport
import Foundation
import KubeAPITestServer
import LabSupport
import Testing

/// `kubeforge join --control-plane` as an operator types it, against the stand-in kube-apiserver (kube-apiserver
/// cannot run in CI) set up by the binary's own `init phase upload-config`, `bootstrap-token` and `upload-certs`:
/// the printed control-plane join command, bad input, refusals and the dry run. The whole join, with etcd, is
/// ControlPlaneJoinServerTests's.
struct ControlPlaneJoinCommandTests {
    static let key = String(repeating: "0123456789abcdef", count: 4)
    static let token = "zzjwhc.tx6j2cemohmstuve"

    /// The control plane's init phases, through the binary, with a controlPlaneEndpoint (the stand-in's address).
    static func initialise(_ cluster: TestCluster) async throws {
        try await cluster.registerNode()
        for phase in [["upload-config", "all"], ["bootstrap-token"], ["upload-certs", "--upload-certs", "--certificate-key", key]] {
            let outcome = try await KubeforgeBinary.run(["init", "phase"] + phase + [
                "--rootfs", cluster.root, "--kubernetes-version", "v1.28.7", "--token", token,
                "--control-plane-endpoint", "127.0.0.1:\(cluster.server.port)", "--apiserver-advertise-address", "127.0.0.1",
                "--apiserver-bind-port", String(cluster.server.port), "--node-name", "k8s-master", "--pod-network-cidr", "10.244.0.0/16",
            ])
            #expect(outcome.status == 0, "\(phase): \(outcome.stderr)")
        }
    }

    /// `join` on a fresh node root (preflight errors ignored: this machine is no Kubernetes node).
    static func join(_ cluster: TestCluster, root: String, _ extra: [String]) async throws -> KubeforgeBinary.Outcome {
        let hash = try #require(try await KubeforgeBinary.run(["token", "create", "--print-join-command", "--kubeconfig", "\(cluster.root)/etc/kubernetes/admin.conf"])
            .stdout.split(separator: " ").first { $0.hasPrefix("sha256:") }).trimmingCharacters(in: .whitespacesAndNewlines)
        return try await KubeforgeBinary.run(["join", "127.0.0.1:\(cluster.server.port)", "--token", token, "--discovery-token-ca-cert-hash", hash,
                                              "--node-name", "k8s-node1", "--rootfs", root, "--ignore-preflight-errors", "all"] + extra)
    }

    static func emptyRoot() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kf-cpjoin-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    @Test func tokenCreatePrintsTheControlPlaneJoinCommand() async throws {
        try await TestCluster.with(bindToServer: true) { cluster in
            let outcome = try await KubeforgeBinary.run(["token", "create", "--print-join-command", "--certificate-key", Self.key,
                                                         "--kubeconfig", "\(cluster.root)/etc/kubernetes/admin.conf"])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout.hasPrefix("kubeadm join 127.0.0.1:\(cluster.server.port) --token "))
            #expect(outcome.stdout.hasSuffix(" --control-plane --certificate-key \(Self.key)\n"))
        }
    }

    @Test func controlPlaneFlagsAreBadInputWithoutControlPlaneAndKeysAreNeverEchoed() async throws {
        let pin = "sha256:" + String(repeating: "a", count: 64)
        let base = ["join", "127.0.0.1:1", "--token", Self.token, "--discovery-token-ca-cert-hash", pin]
        let stray = try await KubeforgeBinary.run(base + ["--certificate-key", Self.key])
        #expect(stray.status == 2 && stray.stderr.contains("--certificate-key: only for a control-plane join; add --control-plane"), "\(stray.stderr)")
        #expect(!stray.stderr.contains(Self.key))
        let short = "0123456789abcdef0123"
        let bad = try await KubeforgeBinary.run(base + ["--control-plane", "--certificate-key", short, "--apiserver-advertise-address", "127.0.0.2"])
        #expect(bad.status == 2 && bad.stderr.contains("invalid certificate key: expected 64 hex characters"), "\(bad.stderr)")
        #expect(!bad.stderr.contains(short))
        let systemd = try await KubeforgeBinary.run(base + ["--control-plane", "--control-plane-mode", "systemd", "--apiserver-advertise-address", "127.0.0.2"])
        #expect(systemd.status == 2 && systemd.stderr.contains("--control-plane-mode systemd needs --bundle DIR"), "\(systemd.stderr)")
    }

    @Test func aWrongKeyFailsBeforeAnythingIsWritten() async throws {
        try await TestCluster.with(bindToServer: true, signer: true) { cluster in
            try await Self.initialise(cluster)
            await cluster.server.settle()
            let root = try Self.emptyRoot()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let wrong = String(repeating: "f", count: 64)
            let outcome = try await Self.join(cluster, root: root, ["--control-plane", "--certificate-key", wrong, "--apiserver-advertise-address", "127.0.0.2"])
            #expect(outcome.status == 1)
            #expect(outcome.stderr.contains("of the kubeadm-certs Secret: wrong certificate key"), "\(outcome.stderr)")
            #expect(!(outcome.stdout + outcome.stderr).contains(wrong))
            #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)
        }
    }

    /// The dry run decrypts (so a wrong key shows) and lists; a JoinConfiguration (v1beta3 or v1beta4) stands
    /// for the flags, its key and this node's API endpoint included.
    @Test(arguments: ["kubeadm.k8s.io/v1beta3", "kubeadm.k8s.io/v1beta4"])
    func dryRunFromAJoinConfiguration(apiVersion: String) async throws {
        try await TestCluster.with(bindToServer: true, signer: true) { cluster in
            try await Self.initialise(cluster)
            await cluster.server.settle()
            let root = try Self.emptyRoot()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let config = root + ".yaml"
            defer { try? FileManager.default.removeItem(atPath: config) }
            try """
                apiVersion: \(apiVersion)
                kind: JoinConfiguration
                controlPlane:
                  certificateKey: \(Self.key)
                  localAPIEndpoint: {advertiseAddress: 127.0.0.2, bindPort: 6444}

                """.write(toFile: config, atomically: true, encoding: .utf8)
            let outcome = try await Self.join(cluster, root: root, ["--config", config, "--dry-run"])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout.contains(":/etc/kubernetes/pki/sa.key (mode 600)"))
            #expect(outcome.stdout.contains("there from the shared CAs (apiserver SANs: ") && outcome.stdout.contains("127.0.0.2"))
            #expect(outcome.stdout.contains("would run etcdctl member add k8s-node1 --peer-urls=https://127.0.0.2:2380"))
            #expect(outcome.stdout.contains(":/etc/kubernetes/manifests/kube-apiserver.yaml (mode 600)"))
            #expect(!(outcome.stdout + outcome.stderr).contains(Self.key))
            #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)
        }
    }
}
