import Foundation
import LabSupport
import Testing

/// Upstream Kubernetes binaries for the lab (never committed, in no registry here): KUBEFORGE_BUNDLE=DIR.
enum UpstreamBundle {
    static var directory: String? {
        ProcessInfo.processInfo.environment["KUBEFORGE_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// The whole cluster on the lab with upstream binaries (KUBEFORGE_BUNDLE=DIR: kube-apiserver,
/// kube-controller-manager, kube-scheduler, kubelet, kubectl, kubeadm; the lab booted in kubelet mode):
/// `up` to three Ready nodes, a second `up` that changes nothing, upstream kubeadm reading kubeforge's tokens
/// and joining with kubeforge's join command, and one worker reset and joined again alone.
@Suite(.serialized, .enabled(if: Lab.enabled, "needs the lab: KUBEFORGE_LAB=1 after scripts/lab up"),
       .enabled(if: UpstreamBundle.directory != nil, "skipped: no upstream bundle (KUBEFORGE_BUNDLE)"))
struct ClusterLabTests {
    static var upstream: String? { UpstreamBundle.directory }

    /// Debian's etcd with the upstream binaries, and an inventory of the lab as one cluster with the bridge network.
    static func setUp() throws -> (inventory: String, bundle: String) {
        let bundle = try UpLabTests.bundle()
        for binary in ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kubectl", "kubeadm"] {
            try FileManager.default.copyItem(atPath: "\(upstream!)/\(binary)", toPath: "\(bundle)/\(binary)")
        }
        _ = try UpLabTests.shell("cd '\(bundle)' && sha256sum etcd etcdctl kube* > SHA256SUMS")
        // The cluster's version is the bundle's (`Kubernetes v1.28.7`).
        let version = try UpLabTests.shell("'\(bundle)/kubelet' --version").stdout.split(separator: " ").last.map(String.init) ?? ""
        let addon = FileManager.default.temporaryDirectory.appendingPathComponent("kf-addon-\(UUID().uuidString).yaml").path
        try Self.addon.write(toFile: addon, atomically: true, encoding: .utf8)
        let text = """
            apiVersion: kubeforge/v1alpha1
            kind: Inventory
            cluster:
              kubernetesVersion: \(version.trimmingCharacters(in: .whitespacesAndNewlines))
              controlPlaneMode: systemd
              binaries: {dir: \(bundle)}
              networking: {podSubnet: 10.244.0.0/16}
              network: {plugin: bridge}
              kubeletExtraArgs: {cgroups-per-qos: "false", enforce-node-allocatable: ""}
              addons: [\(addon)]
            ssh: {user: root, identityFile: \(Lab.directory)/id_ed25519, knownHostsFile: \(Lab.directory)/known_hosts, hostKeyPolicy: strict}
            hosts:
              - {name: k8s-master, address: 10.213.0.11, roles: [control-plane]}
              - {name: k8s-node1, address: 10.213.0.12, roles: [worker]}
              - {name: k8s-node2, address: 10.213.0.13, roles: [worker]}

            """
        let inventory = FileManager.default.temporaryDirectory.appendingPathComponent("kf-cluster-\(UUID().uuidString).yaml").path
        try text.write(toFile: inventory, atomically: true, encoding: .utf8)
        return (inventory, bundle)
    }

    /// An addon with a CustomResourceDefinition and an object of its kind right after it (applied once the
    /// API server serves the kind), in a namespace of its own.
    static let addon = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.kubeforge.io
        spec:
          group: example.kubeforge.io
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget}
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    spec: {type: object, properties: {size: {type: integer}}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: kubeforge-demo
        ---
        apiVersion: example.kubeforge.io/v1
        kind: Widget
        metadata:
          name: first
          namespace: kubeforge-demo
        spec:
          size: 3

        """

    /// crictl is in no registry here; a writable /sys shows every lab host the same MAC (lab-notes.md).
    static let ignored = ["--ignore-preflight-errors", "UniqueMAC,FileExisting-crictl"]

    static func kubectl(_ bundle: String, _ kubeconfig: String, _ arguments: String) throws -> KubeforgeBinary.Outcome {
        try UpLabTests.shell("'\(bundle)/kubectl' --kubeconfig '\(kubeconfig)' \(arguments)")
    }

    @Test func upBringsThreeReadyNodesAndASecondUpChangesNothing() async throws {
        let (inventory, bundle) = try Self.setUp()
        _ = try await KubeforgeBinary.run(["reset", "-i", inventory, "--force"])
        let up = try await KubeforgeBinary.run(["up", "-i", inventory] + Self.ignored)
        #expect(up.status == 0, "\(up.stdout)\n\(up.stderr)")
        for node in ["k8s-master   control-plane   Ready", "k8s-node1    <none>          Ready", "k8s-node2    <none>          Ready"] {
            #expect(up.stdout.contains(node), "\(up.stdout)")
        }
        #expect(!up.stderr.contains("--token"), "the token is printed on stdout only")

        let fetched = try await KubeforgeBinary.run(["kubeconfig", "-i", inventory])
        let kubeconfig = FileManager.default.temporaryDirectory.appendingPathComponent("kf-kubeconfig-\(UUID().uuidString)").path
        try fetched.stdout.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        let nodes = try Self.kubectl(bundle, kubeconfig, "get nodes --no-headers")
        #expect(nodes.stdout.split(separator: "\n").filter { $0.contains(" Ready ") }.count == 3, "\(nodes.stdout)\(nodes.stderr)")
        // kubeadm's marks on the control plane, every CSR approved and issued (the master's rotation one too).
        let master = try Self.kubectl(bundle, kubeconfig, "get node k8s-master -o jsonpath='{.metadata.labels}{.spec.taints}'")
        #expect(master.stdout.contains("node-role.kubernetes.io/control-plane") && master.stdout.contains("NoSchedule"))
        let csrs = try Self.kubectl(bundle, kubeconfig, "get csr --no-headers")
        #expect(!csrs.stdout.isEmpty && csrs.stdout.split(separator: "\n").allSatisfy { $0.contains("Approved,Issued") }, "\(csrs.stdout)")
        for object in ["-n kube-system cm kubeadm-config", "-n kube-system cm kubelet-config", "-n kube-public cm cluster-info",
                       "-n kube-system deploy coredns", "-n kube-system ds kube-proxy", "clusterrolebinding kubeadm:node-autoapprove-bootstrap"] {
            #expect(try Self.kubectl(bundle, kubeconfig, "get \(object)").status == 0, "\(object) exists")
        }
        #expect(up.stdout.contains("applied 3 objects (1 customresourcedefinitions, 1 namespaces, 1 widgets)"), "\(up.stdout)")
        let widget = try Self.kubectl(bundle, kubeconfig, "-n kubeforge-demo get widget first -o jsonpath='{.spec.size} {.metadata.managedFields[0].manager}'")
        #expect(widget.stdout == "3 kubeforge", "\(widget.stdout)\(widget.stderr)")

        let fingerprints = try UpLabTests.addresses.map(Self.fingerprint)
        let again = try await KubeforgeBinary.run(["up", "-i", inventory] + Self.ignored)
        #expect(again.status == 0 && again.stdout.contains("3 hosts already in the cluster"), "\(again.stdout)\(again.stderr)")
        #expect(try UpLabTests.addresses.map(Self.fingerprint) == fingerprints, "a second up changes nothing on the hosts")
        #expect(try Self.kubectl(bundle, kubeconfig, "-n kube-system get secrets --no-headers").stdout
                    .split(separator: "\n").filter { $0.hasPrefix("bootstrap-token-") }.count == 1, "no new token without a new worker")
        _ = try await KubeforgeBinary.run(["reset", "-i", inventory, "--force"])
    }

    @Test func upstreamKubeadmReadsTheTokensAndAResetWorkerJoinsAgainAlone() async throws {
        let (inventory, bundle) = try Self.setUp()
        _ = try await KubeforgeBinary.run(["reset", "-i", inventory, "--force"])
        let up = try await KubeforgeBinary.run(["up", "-i", inventory] + Self.ignored)
        #expect(up.status == 0, "\(up.stderr)")
        // Upstream kubeadm on the control plane lists kubeforge's tokens.
        _ = try UpLabTests.shell("scp -q -o UserKnownHostsFile='\(Lab.directory)/known_hosts' -i '\(Lab.directory)/id_ed25519' '\(bundle)/kubeadm' root@10.213.0.11:/usr/local/bin/kubeadm")
        let tokens = try UpLabTests.ssh("10.213.0.11", "kubeadm token list --kubeconfig /etc/kubernetes/admin.conf")
        #expect(tokens.status == 0 && tokens.stdout.contains("authentication,signing"), "\(tokens.stdout)\(tokens.stderr)")

        let reset = try await KubeforgeBinary.run(["reset", "-i", inventory, "--hosts", "k8s-node2", "--force"])
        #expect(reset.status == 0, "\(reset.stderr)")
        let rejoin = try await KubeforgeBinary.run(["up", "-i", inventory] + Self.ignored)
        #expect(rejoin.status == 0, "\(rejoin.stdout)\(rejoin.stderr)")
        #expect(rejoin.stdout.contains("2 hosts already in the cluster (k8s-master, k8s-node1); bringing up k8s-node2"), "\(rejoin.stdout)")
        #expect(rejoin.stdout.contains("k8s-node2: joined in"))
        #expect(rejoin.stdout.contains("k8s-node2    <none>          Ready"))
        _ = try await KubeforgeBinary.run(["reset", "-i", inventory, "--force"])
    }

    /// What a second up must leave alone on a host, as comparable text.
    static func fingerprint(_ address: String) throws -> String {
        try UpLabTests.ssh(address, "find /etc/kubernetes /etc/systemd/system /var/lib/kubelet/config.yaml /var/lib/kubelet/kubeadm-flags.env /etc/cni/net.d -type f -exec md5sum {} + 2>/dev/null | sort; "
            + "systemctl show -p MainPID kubelet.service etcd.service kube-apiserver.service; ip route").stdout
    }
}
