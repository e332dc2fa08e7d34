import Foundation
import LabSupport
import Testing

/// The self-contained release binary run on the nodes themselves, as kubeadm is: `kubeforge init` on k8s-master
/// (controlPlaneMode systemd, binaries from a bundle copied there), then `kubeforge token create
/// --print-join-command` there and `kubeforge join --bundle` on k8s-node1 with what it printed. Needs the lab in
/// kubelet mode and upstream binaries (KUBEFORGE_BUNDLE).
@Suite(.serialized, .enabled(if: Lab.enabled, "needs the lab: KUBEFORGE_LAB=1 after scripts/lab up"),
       .enabled(if: UpstreamBundle.directory != nil, "skipped: no upstream bundle (KUBEFORGE_BUNDLE)"),
       .enabled(if: ReleaseBinary.path != nil, "no release binary (KUBEFORGE_RELEASE_BINARY; scripts/test sets it)"))
struct NodeWorkflowLabTests {
    static let master = "10.213.0.11", worker = "10.213.0.12"

    static func scp(_ local: String, _ address: String, _ remote: String) throws {
        let outcome = try UpLabTests.shell("scp -q -o BatchMode=yes -o UserKnownHostsFile='\(Lab.directory)/known_hosts' -i '\(Lab.directory)/id_ed25519' '\(local)' root@\(address):\(remote)")
        guard outcome.status == 0 else { throw UpLabTests.LabFailure("scp \(local) to \(address): \(outcome.stderr)") }
    }

    static func cleanNodes(_ inventory: String) async throws {
        _ = try await KubeforgeBinary.run(["reset", "-i", inventory, "--force"])
        for address in [master, worker] { _ = try UpLabTests.ssh(address, "rm -rf /root/kf-node") }
    }

    static let controlPlaneBinaries = ["etcd", "etcdctl", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kubectl"]

    /// The release binary and the bundle's binaries on the master and on k8s-node1 (`joinerBinaries`), then
    /// `kubeforge init --upload-certs` on the master; returns the inventory (for cleaning up) and init's output.
    static func initialise(joinerBinaries: [String]) async throws -> (inventory: String, output: String) {
        let (inventory, bundle) = try ClusterLabTests.setUp()
        try await cleanNodes(inventory)
        // Fresh lab hosts are not prepared (ip_forward, containerd's cgroup driver): prepare, as an operator would.
        let prepared = try await KubeforgeBinary.run(["prepare", "-i", inventory])
        try #require(prepared.status == 0, "\(prepared.stdout)\(prepared.stderr)")
        let version = try UpLabTests.shell("'\(bundle)/kubelet' --version").stdout.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        for (address, binaries) in [(master, controlPlaneBinaries), (worker, joinerBinaries)] {
            _ = try UpLabTests.ssh(address, "mkdir -p /root/kf-node/bundle")
            try scp(ReleaseBinary.path!, address, "/root/kf-node/kubeforge")
            for binary in binaries { try scp("\(bundle)/\(binary)", address, "/root/kf-node/bundle/\(binary)") }
            _ = try UpLabTests.ssh(address, "cd /root/kf-node/bundle && sha256sum * > SHA256SUMS")
        }
        let initConfig = """
            apiVersion: kubeadm.k8s.io/v1beta3
            kind: InitConfiguration
            localAPIEndpoint: {advertiseAddress: \(master)}
            nodeRegistration:
              name: k8s-master
              kubeletExtraArgs: {cgroups-per-qos: "false", enforce-node-allocatable: ""}
            ---
            apiVersion: kubeadm.k8s.io/v1beta3
            kind: ClusterConfiguration
            kubernetesVersion: \(version)
            controlPlaneEndpoint: \(master):6443
            networking: {podSubnet: 10.244.0.0/16}
            """
        _ = try UpLabTests.ssh(master, "cat > /root/kf-node/init.yaml <<'EOF'\n\(initConfig)\nEOF")
        let initialised = try UpLabTests.ssh(master, "/root/kf-node/kubeforge init --config /root/kf-node/init.yaml --control-plane-mode systemd "
            + "--bundle /root/kf-node/bundle --upload-certs --ignore-preflight-errors FileExisting-crictl")
        #expect(initialised.status == 0, "\(initialised.stdout)\(initialised.stderr)")
        return (inventory, initialised.stdout)
    }

    /// k8s-node1's JoinConfiguration (private: it holds the token) from the words of a printed join command.
    static func writeJoinConfiguration(joinCommand words: [String], extra: String = "") throws {
        let config = """
            apiVersion: kubeadm.k8s.io/v1beta3
            kind: JoinConfiguration
            discovery:
              bootstrapToken: {apiServerEndpoint: \(words[2]), token: \(words[4]), caCertHashes: [\(words[6])]}
            nodeRegistration:
              name: k8s-node1
              kubeletExtraArgs: {cgroups-per-qos: "false", enforce-node-allocatable: ""}
            \(extra)
            """
        _ = try UpLabTests.ssh(worker, "umask 077; cat > /root/kf-node/join.yaml <<'EOF'\n\(config)\nEOF")
    }

    @Test func initOnTheMasterAndJoinOnAWorkerWithTheSelfContainedBinary() async throws {
        let (inventory, initialised) = try await Self.initialise(joinerBinaries: ["kubelet"])
        for line in ["[certs] Using certificateDir folder \"/etc/kubernetes/pki\"", "[upload-certs] Storing the certificates in Secret \"kubeadm-certs\"",
                     "[mark-control-plane] Marking the node k8s-master as control-plane", "[addons] Applied essential addon: CoreDNS",
                     "[kubelet-finalize] Updating \"/etc/kubernetes/kubelet.conf\"", "Your Kubernetes control-plane has initialized successfully!"] {
            #expect(initialised.contains(line), "missing: \(line)")
        }

        let join = try UpLabTests.ssh(Self.master, "/root/kf-node/kubeforge token create --print-join-command")
        let words = join.stdout.split(separator: " ").map(String.init)
        try #require(words.count >= 7 && words[0] == "kubeadm" && words[1] == "join", "\(join.stdout)\(join.stderr)")
        try Self.writeJoinConfiguration(joinCommand: words)
        let joined = try UpLabTests.ssh(Self.worker, "/root/kf-node/kubeforge join --config /root/kf-node/join.yaml --bundle /root/kf-node/bundle "
            + "--ignore-preflight-errors FileExisting-crictl")
        #expect(joined.status == 0, "\(joined.stdout)\(joined.stderr)")
        #expect(joined.stdout.contains("This node has joined the cluster:"))
        // The worker's files as upstream kubeadm's join leaves them (worker-files-after-join.txt).
        let files = try UpLabTests.ssh(Self.worker, "stat -c %n:%a /etc/kubernetes/kubelet.conf /etc/kubernetes/pki/ca.crt /var/lib/kubelet/config.yaml; test ! -e /etc/kubernetes/bootstrap-kubelet.conf && echo no-bootstrap")
        #expect(files.stdout == "/etc/kubernetes/kubelet.conf:600\n/etc/kubernetes/pki/ca.crt:644\n/var/lib/kubelet/config.yaml:644\nno-bootstrap\n", "\(files.stdout)")
        let nodes = try UpLabTests.ssh(Self.master, "/root/kf-node/bundle/kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes --no-headers; "
            + "/root/kf-node/bundle/kubectl --kubeconfig /etc/kubernetes/admin.conf get csr --no-headers")
        #expect(nodes.stdout.contains("k8s-master") && nodes.stdout.contains("k8s-node1"), "\(nodes.stdout)\(nodes.stderr)")
        #expect(!nodes.stdout.contains("Pending"), "every CSR approved: \(nodes.stdout)")
        try await Self.cleanNodes(inventory)
    }

    /// kubeadm's file discovery on k8s-node1: a kubeconfig holding only the cluster (server and CA, as an operator
    /// hands it out) instead of token discovery, the kubelet bootstrapping with the token of a JoinConfiguration.
    @Test func aWorkerJoinsWithADiscoveryFile() async throws {
        let (inventory, _) = try await Self.initialise(joinerBinaries: ["kubelet"])
        let join = try UpLabTests.ssh(Self.master, "/root/kf-node/kubeforge token create --print-join-command")
        let words = join.stdout.split(separator: " ").map(String.init)
        try #require(words.count >= 7 && words[0] == "kubeadm" && words[1] == "join", "\(join.stdout)\(join.stderr)")
        let ca = try UpLabTests.ssh(Self.master, "/root/kf-node/bundle/kubectl --kubeconfig /etc/kubernetes/admin.conf config view --raw "
            + "-o jsonpath='{.clusters[0].cluster.certificate-authority-data}'").stdout
        let discovery = """
            apiVersion: v1
            kind: Config
            clusters:
            - cluster: {certificate-authority-data: \(ca), server: "https://\(Self.master):6443"}
              name: kubernetes
            contexts:
            - context: {cluster: kubernetes, user: ""}
              name: discovery
            current-context: discovery
            """
        let config = """
            apiVersion: kubeadm.k8s.io/v1beta3
            kind: JoinConfiguration
            discovery:
              file: {kubeConfigPath: /root/kf-node/discovery.conf}
              tlsBootstrapToken: \(words[4])
            nodeRegistration:
              name: k8s-node1
              kubeletExtraArgs: {cgroups-per-qos: "false", enforce-node-allocatable: ""}
            """
        _ = try UpLabTests.ssh(Self.worker, "umask 077; cat > /root/kf-node/discovery.conf <<'EOF'\n\(discovery)\nEOF\ncat > /root/kf-node/join.yaml <<'EOF'\n\(config)\nEOF")
        let joined = try UpLabTests.ssh(Self.worker, "/root/kf-node/kubeforge join --config /root/kf-node/join.yaml --bundle /root/kf-node/bundle "
            + "--ignore-preflight-errors FileExisting-crictl")
        #expect(joined.status == 0, "\(joined.stdout)\(joined.stderr)")
        #expect(joined.stdout.contains("[discovery] Requesting cluster-info from https://\(Self.master):6443 anonymously to validate the TLS connection"))
        #expect(joined.stdout.contains("This node has joined the cluster:"))
        let nodes = try UpLabTests.ssh(Self.master, "/root/kf-node/bundle/kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes --no-headers")
        #expect(nodes.stdout.contains("k8s-node1"), "\(nodes.stdout)\(nodes.stderr)")
        try await Self.cleanNodes(inventory)
    }

    /// `join --control-plane --certificate-key` on k8s-node1: the shared certificates downloaded, its etcd
    /// member added (through the master's) and started, its control plane as systemd units, marked.
    @Test func aSecondControlPlaneJoinsWithTheCertificateKey() async throws {
        let (inventory, initialised) = try await Self.initialise(joinerBinaries: Self.controlPlaneBinaries)
        let lines = initialised.split(separator: "\n").map(String.init)
        let keyLine = try #require(lines.firstIndex { $0.contains("[upload-certs] Using certificate key:") })
        let key = lines[keyLine + 1].trimmingCharacters(in: .whitespaces)
        try #require(key.count == 64)
        let join = try UpLabTests.ssh(Self.master, "/root/kf-node/kubeforge token create --print-join-command --certificate-key \(key)")
        let words = join.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        try #require(words.count >= 10 && words[7] == "--control-plane", "\(join.stdout)\(join.stderr)")
        try Self.writeJoinConfiguration(joinCommand: words, extra: """
            controlPlane:
              certificateKey: \(key)
              localAPIEndpoint: {advertiseAddress: \(Self.worker)}
            """)
        let joined = try UpLabTests.ssh(Self.worker, "/root/kf-node/kubeforge join --config /root/kf-node/join.yaml --control-plane-mode systemd "
            + "--bundle /root/kf-node/bundle --ignore-preflight-errors FileExisting-crictl")
        #expect(joined.status == 0, "\(joined.stdout)\(joined.stderr)")
        #expect(joined.stdout.contains("This node has joined the cluster and a new control plane instance was created:"))
        #expect(!(joined.stdout + joined.stderr).contains(key), "the certificate key is never printed by join")
        let units = try UpLabTests.ssh(Self.worker, "systemctl is-active etcd kube-apiserver kube-controller-manager kube-scheduler kubelet")
        #expect(units.stdout == "active\nactive\nactive\nactive\nactive\n", "\(units.stdout)")
        let members = try UpLabTests.ssh(Self.worker, "ETCDCTL_API=3 /root/kf-node/bundle/etcdctl --endpoints https://\(Self.master):2379 "
            + "--cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt "
            + "--key /etc/kubernetes/pki/etcd/healthcheck-client.key member list")
        #expect(members.stdout.split(separator: "\n").filter { $0.contains("started") }.count == 2, "\(members.stdout)\(members.stderr)")
        let node = try UpLabTests.ssh(Self.worker, "/root/kf-node/bundle/kubectl --kubeconfig /etc/kubernetes/admin.conf get node k8s-node1 "
            + "-o jsonpath='{.metadata.labels}{.spec.taints}'")
        #expect(node.stdout.contains("node-role.kubernetes.io/control-plane") && node.stdout.contains("NoSchedule"), "\(node.stdout)\(node.stderr)")
        try await Self.cleanNodes(inventory)
    }
}
