import Foundation
import Inventory
import KubeAPI
import KubeadmConfig
import KubeTypes
import PKI
import Preflight
import Remote
import Templates

/// `kubeforge join --control-plane`, as kubeadm v1.28's (kubeadm.md §5.7): discovery and the cluster's
/// configuration as for a worker, preflight for a control plane (the cluster must have a controlPlaneEndpoint),
/// control-plane-prepare (download-certs, this node's certificates and kubeconfigs from the shared CAs,
/// check-etcd, the control-plane components), kubelet-start and the TLS bootstrap, then control-plane-join
/// (this node's stacked etcd member, mark-control-plane). In systemd mode the components are units from the
/// bundle, and etcd comes up before the API server is waited for.
public struct ControlPlaneJoin: Sendable {
    public struct Options: Sendable {
        /// Decrypts kube-system/kubeadm-certs; nil: the shared certificates were copied here by hand.
        public var certificateKey: CertificateKey?
        /// This node's API server: the IP it advertises (`--apiserver-advertise-address`) and its port.
        public var advertiseAddress: String
        public var bindPort: Int
        public var mode: ClusterSettings.ControlPlaneMode = .staticPod
        /// etcdctl on this node; nil: the bundle's, else the one on PATH.
        public var etcdctl: String?
        public var etcdWaiter = HealthWaiter(timeout: .seconds(90))
        public var controlPlaneWaiter = HealthWaiter(timeout: .seconds(240))

        public init(certificateKey: CertificateKey?, advertiseAddress: String, bindPort: Int = 6443) {
            self.certificateKey = certificateKey
            self.advertiseAddress = advertiseAddress
            self.bindPort = bindPort
        }
    }

    public static let adminKubeconfigPath = "/etc/kubernetes/admin.conf"

    let join: JoinWorkflow
    let options: Options

    var host: any Remote.Host { join.host }
    var dryRun: Bool { join.options.dryRun }
    func report(_ line: String) { join.report(line) }

    func run() async throws {
        report("[preflight] Running pre-flight checks")
        let state = try await join.readCluster()
        guard !state.cluster.controlPlaneEndpoint.isEmpty else { throw InitError.failed(Self.notReady(Self.noEndpoint)) }
        let config = nodeConfiguration(state)
        report("[preflight] Running pre-flight checks before initializing the new control plane instance")
        try await join.preflight(preflightTarget(config), joinFiles: [JoinWorkflow.kubeletKubeconfigPath, JoinWorkflow.bootstrapKubeconfigPath])
        if options.mode == .systemd, join.options.resolver == nil {
            throw InitError.badInput("--control-plane-mode systemd needs --bundle DIR with etcd, etcdctl, kube-apiserver, kube-controller-manager, kube-scheduler and kubelet")
        }
        // Every refusal comes before this: a wrong key, a missing Secret or a failed check writes nothing.
        try await sharedCertificates(state, config: config)
        let stackedEtcd: Bool
        do {
            stackedEtcd = try await setUp(state, config: config)
        } catch let error where !dryRun {
            throw InitError.failed("\(error)\n" + Self.partlyJoined)
        }
        report(dryRun ? "[dryrun] Finished dry-running successfully. Above are the resources that would be created." : Self.doneMessage(stackedEtcd: stackedEtcd))
    }

    /// Everything after download-certs, in kubeadm's order; systemd mode starts etcd before the API server
    /// is waited for. Returns whether a stacked etcd member was added.
    private func setUp(_ state: JoinWorkflow.ClusterState, config: KubeadmConfiguration) async throws -> Bool {
        try await certificatesAndKubeconfigs(config)
        let etcd = try await prepareEtcd(config)
        try await join.installKubelet(version: state.cluster.kubernetesVersion)
        if options.mode == .systemd, let etcd { try await runPhases(etcd.phases(mode: .systemd), prefix: "[etcd]") }
        try await controlPlane(config)
        try await join.kubeletStart(state)
        if options.mode == .staticPod, let etcd { try await runPhases(etcd.phases(mode: .staticPod), prefix: "[etcd]") }
        try await markControlPlane(config)
        return etcd != nil
    }

    /// This node as init would describe it: the cluster's configuration, its registration and API endpoint.
    func nodeConfiguration(_ state: JoinWorkflow.ClusterState) -> KubeadmConfiguration {
        var config = KubeadmConfiguration()
        config.clusterConfiguration = state.cluster
        config.initConfiguration.nodeRegistration = join.options.registration
        config.initConfiguration.nodeRegistration.name = state.nodeName
        config.initConfiguration.localAPIEndpoint.advertiseAddress = options.advertiseAddress
        config.initConfiguration.localAPIEndpoint.bindPort = options.bindPort
        return config
    }

    /// kubeadm's checks of a secondary control plane: init's, without those of the first one.
    func preflightTarget(_ config: KubeadmConfiguration) -> PreflightTarget {
        let cluster = config.clusterConfiguration
        return PreflightTarget(name: config.initConfiguration.nodeRegistration.name, address: options.advertiseAddress, roles: [.controlPlane],
                               kubernetesVersion: try? KubeTypes.KubernetesVersion(parsing: cluster.kubernetesVersion),
                               podSubnet: cluster.networking.podSubnet.isEmpty ? nil : cluster.networking.podSubnet,
                               serviceSubnet: cluster.networking.serviceSubnet, apiServerPort: options.bindPort,
                               localEtcd: cluster.etcd.local != nil, kubelet: join.kubeletSource)
    }

    // MARK: control-plane-prepare

    /// download-certs with a certificate key; without one, the shared files must be here already.
    func sharedCertificates(_ state: JoinWorkflow.ClusterState, config: KubeadmConfiguration) async throws {
        guard let key = options.certificateKey else {
            var missing: [String] = []
            for entry in DownloadCerts.destinations(state.cluster) where !entry.key.hasPrefix("external-") {
                if try await host.stat(entry.path) == nil { missing.append(entry.path) }
            }
            guard missing.isEmpty else { throw InitError.failed(Self.notReady(Self.missingShared(missing))) }
            return
        }
        let download = DownloadCerts(host: host, cluster: state.cluster, key: key, dryRun: dryRun, retry: join.options.apiRetry, report: join.report)
        try await join.withBootstrapClient(state.info) { try await download.run(with: $0) }
    }

    /// This node's leaves from the shared CAs, then admin, controller-manager and scheduler kubeconfigs.
    func certificatesAndKubeconfigs(_ config: KubeadmConfiguration) async throws {
        let resolved = try CertificateTreeOptions(config, kubeconfigDir: JoinWorkflow.kubernetesDir).resolve(hostname: config.initConfiguration.nodeRegistration.name)
        let request = PKIGenerator.Request.joiningControlPlane(for: resolved)
        report("[certs] Using certificateDir folder \"\(resolved.options.certificatesDir)\"")
        if dryRun {
            report("[dryrun] would generate \(request.certificates.joined(separator: ", ")) there from the shared CAs (apiserver SANs: \(resolved.apiServerAltNames.summary))")
            report("[dryrun] would write \(request.kubeconfigs.map(\.fileName).joined(separator: ", ")) to \(JoinWorkflow.kubernetesDir) (mode 600)")
            return
        }
        let generator = PKIGenerator(resolved: resolved, host: host)
        try printed(try await generator.run(PKIGenerator.Request(certificates: request.certificates)), prefix: "[certs]")
        report("[kubeconfig] Generating kubeconfig files")
        report("[kubeconfig] Using kubeconfig folder \"\(JoinWorkflow.kubernetesDir)\"")
        try printed(try await generator.run(PKIGenerator.Request(kubeconfigs: request.kubeconfigs)), prefix: "[kubeconfig]")
    }

    private func printed(_ outcome: PKIReport, prefix: String) throws {
        for line in outcome.lines { report("\(prefix) \(line)") }
        guard outcome.problems.isEmpty else { throw InitError.failed(outcome.problems.map { "\(prefix) \($0)" }.joined(separator: "\n")) }
    }

    /// With stacked etcd: etcdctl on this node (the bundle's installed first), the existing members found with
    /// the new admin.conf, and check-etcd. nil with external etcd.
    func prepareEtcd(_ config: KubeadmConfiguration) async throws -> StackedEtcdJoin? {
        guard config.clusterConfiguration.etcd.local != nil else { return nil }
        let resolver = join.options.resolver
        let bringUp = EtcdBringUp(config: config, options: ControlPlaneBringUp.renderOptions(bundled: resolver != nil),
                                  resolver: resolver ?? BinaryResolver(source: .directory("/")), waiter: options.etcdWaiter)
        if let resolver {
            let binaries = options.mode == .systemd ? bringUp.binaries : resolver.offers("etcdctl") ? [BinarySpec.etcdctl()] : []
            if !binaries.isEmpty { try await runPhases([InstallBinariesPhase(binaries, on: host, resolver: resolver)], prefix: "[etcd]") }
        }
        let etcdctl = options.mode == .systemd ? bringUp.binaries[1].installPath
            : try await StackedEtcdJoin.etcdctl(given: options.etcdctl, resolver: resolver, on: host)
        if dryRun {
            return StackedEtcdJoin(host: host, bringUp: bringUp, endpoints: ["<the etcd members found with admin.conf>"], etcdctlPath: etcdctl)
        }
        let endpoints = try await withAdmin { client in
            try await StackedEtcdJoin.existingClientURLs(client: client, nodeName: bringUp.name, ownURL: bringUp.clientURL)
        }
        let etcd = StackedEtcdJoin(host: host, bringUp: bringUp, endpoints: endpoints, etcdctlPath: etcdctl)
        try await etcd.checkEtcd(report: join.report)
        return etcd
    }

    /// The three components: static Pod manifests the kubelet starts, or (systemd) the bundle's binaries as
    /// units, started and waited for — etcd already runs then.
    func controlPlane(_ config: KubeadmConfiguration) async throws {
        let resolver = join.options.resolver
        let render = ControlPlaneBringUp.renderOptions(bundled: resolver != nil)
        var phases: [any Phase] = []
        switch options.mode {
        case .staticPod:
            report("[control-plane] Using manifest folder \"\(ClusterRenderer.manifestsDirectory)\"")
            for component in ControlPlaneBringUp.components { report("[control-plane] Creating static Pod manifest for \"\(component.rawValue)\"") }
            phases.append(WriteFilesPhase("Write the control-plane static Pod manifests", on: host) {
                try ClusterRenderer(config: config, options: render).controlPlanePhase("all")
            })
        case .systemd:
            guard let resolver else { return }
            report("[control-plane] Starting kube-apiserver, kube-controller-manager and kube-scheduler as systemd units")
            phases += ControlPlaneBringUp(config: config, options: render, resolver: resolver, waiter: options.controlPlaneWaiter).controlPlanePhases(on: host)
        }
        if let resolver, resolver.offers("kubectl") {
            phases.append(ControlPlaneBringUp(config: config, options: render, resolver: resolver).kubectlPhase(on: host))
        }
        try await runPhases(phases, prefix: "[control-plane]")
    }

    // MARK: control-plane-join

    func markControlPlane(_ config: KubeadmConfiguration) async throws {
        let registration = config.initConfiguration.nodeRegistration
        if dryRun {
            let taints = NodeMarks.controlPlaneTaints(registration).map(NodeMarks.describe)
            report("[dryrun] [mark-control-plane] would label Node \(registration.name) [\(NodeMarks.controlPlaneLabels.joined(separator: " "))] and taint it [\(taints.joined(separator: " "))]")
            return
        }
        try await withAdmin { client in
            var phases = InitAPIPhases(client: client, objects: try InitObjects(config: config), report: join.report)
            phases.retry = join.options.apiRetry
            try await phases.markControlPlane()
        }
    }

    /// A client with this node's new admin.conf, through the controlPlaneEndpoint.
    func withAdmin<T: Sendable>(_ body: (KubeClient) async throws -> T) async throws -> T {
        let admin = try await ClusterAccess.kubeconfig(at: Self.adminKubeconfigPath, on: host)
        let (address, port) = try JoinWorkflow.serverAddress(admin.server)
        return try await ClusterAccess.with(admin, apiServer: address, port: port, on: host, body)
    }

    func runPhases(_ phases: [any Phase], prefix: String) async throws {
        let runner = PhaseRunner(dryRun: dryRun) { [report = join.report, dryRun] line in
            report((dryRun ? "[dryrun] " : "") + "\(prefix) \(line)")
        }
        do {
            try await runner.run(phases)
        } catch let failure as PhaseFailure {
            throw failure.underlying
        }
    }

    // MARK: kubeadm's texts

    static let partlyJoined = "[join] this node is left partly joined: run `kubeforge reset` on it (and, if the error came after its etcd member was added, `etcdctl member remove` that member on a control plane) before joining it again"

    static let noEndpoint = "unable to add a new control plane instance to a cluster that doesn't have a stable controlPlaneEndpoint address"

    static func missingShared(_ paths: [String]) -> String {
        "the certificates that must be shared among control plane instances are missing: \(paths.joined(separator: ", ")) "
            + "(copy them from a control plane, or give --certificate-key: `kubeforge init phase upload-certs --upload-certs` on a control plane uploads them and prints one)"
    }

    /// kubeadm's notReadyToJoinControlPlaneTemp.
    static func notReady(_ reason: String) -> String {
        """
        One or more conditions for hosting a new control plane instance is not satisfied.

        \(reason)

        Please ensure that:
        * The cluster has a stable controlPlaneEndpoint address.
        * The certificates that must be shared among control plane instances are provided.
        """
    }

    /// kubeadm's joinControlPlaneDoneTemp.
    static func doneMessage(stackedEtcd: Bool, kubeconfigPath: String = adminKubeconfigPath) -> String {
        """

        This node has joined the cluster and a new control plane instance was created:

        * Certificate signing request was sent to apiserver and approval was received.
        * The Kubelet was informed of the new secure connection details.
        * Control plane label and taint were applied to the new node.
        * The Kubernetes control plane instances scaled up.
        \(stackedEtcd ? "* A new etcd member was added to the local/stacked etcd cluster.\n" : "")
        To start administering your cluster from this node, you need to run the following as a regular user:

        \tmkdir -p $HOME/.kube
        \tsudo cp -i \(kubeconfigPath) $HOME/.kube/config
        \tsudo chown $(id -u):$(id -g) $HOME/.kube/config

        Run 'kubectl get nodes' to see this node join the cluster.
        """
    }
}
