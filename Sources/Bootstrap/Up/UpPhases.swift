import Inventory
import Preflight
import Remote
import Templates

/// `kubeforge up` as a list of phases that reads top to bottom (k0sctl's model): connect, preflight,
/// prepare, certificates, etcd (first member, then the others one at a time), control plane, kubelet,
/// bootstrap token. Building the list does no I/O.
public struct UpPhases: Sendable {
    public struct Options: Sendable {
        public var concurrency: Int = FanOut.defaultConcurrency
        public var ignore: IgnoreList = .none
        public var skipPrepare = false
        /// nil: not needed (static-pod mode writes manifests only).
        public var resolver: BinaryResolver?
        /// Built from the inventory unless prepare is skipped.
        public var prepareSettings: PrepareSettings?
        public var etcdWaiter = HealthWaiter(timeout: .seconds(90))
        public var controlPlaneWaiter = HealthWaiter(timeout: .seconds(240))
        public init() {}
    }

    public let plan: UpPlan
    public let options: Options
    public let session: UpSession
    public let connect: @Sendable (any Remote.Host) async throws -> Void
    /// Per-host progress lines.
    public let report: @Sendable (String) -> Void
    /// What only stdout may receive (the join command and its token).
    public let output: @Sendable (String) -> Void

    public init(plan: UpPlan, options: Options, session: UpSession = UpSession(),
                connect: @escaping @Sendable (any Remote.Host) async throws -> Void = { _ in },
                report: @escaping @Sendable (String) -> Void = { _ in }, output: @escaping @Sendable (String) -> Void = { _ in }) {
        self.plan = plan
        self.options = options
        self.session = session
        self.connect = connect
        self.report = report
        self.output = output
    }

    public var mode: ClusterSettings.ControlPlaneMode { plan.cluster.controlPlaneMode }

    public func phases() -> [any Phase] {
        var phases: [any Phase] = []
        if let check = BundleVersionsPhase(plan: plan, resolver: options.resolver, report: report) { phases.append(check) }
        phases += [
            ConnectHostsPhase(plan.hosts, concurrency: options.concurrency, connect: connect, report: report),
            ExistingClusterPhase(plan: plan, session: session, report: report),
            UpPreflightPhase(plan.hosts, cluster: plan.cluster, ignore: options.ignore, concurrency: options.concurrency,
                             deferToPrepare: !options.skipPrepare, session: session, report: report),
        ]
        if !options.skipPrepare, let settings = options.prepareSettings {
            phases.append(UpPreparePhase(plan.hosts, cluster: plan.cluster, settings: settings, ignore: options.ignore,
                                         concurrency: options.concurrency, session: session, report: report))
        }
        phases.append(ClusterCertificatesPhase(plan: plan, session: session, report: report))
        phases += etcdPhases()
        phases += controlPlanePhases()
        phases.append(ClusterAPIPhase(plan: plan, session: session, report: report, output: output))
        if !plan.cluster.addons.isEmpty { phases.append(AddonsPhase(plan: plan, session: session, report: report)) }
        phases.append(JoinWorkersPhase(plan: plan, session: session, resolver: options.resolver, ignore: options.ignore,
                                       concurrency: options.concurrency, report: report))
        phases.append(PodNetworkPhase(plan: plan, session: session, report: report))
        phases.append(WaitForNodesPhase(plan: plan, session: session, report: report))
        return phases
    }

    // MARK: etcd

    func etcdPhases() -> [any Phase] {
        let members = plan.etcdMembers
        guard let first = members.first else { return [] }
        switch mode {
        case .systemd:
            guard let resolver = options.resolver else { return [] }
            let session = session
            var phases = bringUp(first, resolver: resolver).firstMemberPhases(on: first.host).map { UnlessInCluster($0, host: first.name, session: session) }
            for member in members.dropFirst() {
                phases += bringUp(member, resolver: resolver).joiningMemberPhases(on: member.host, through: first.host)
                    .map { UnlessInCluster($0, host: member.name, session: session) }
            }
            return phases.map { phase in KeptPhase(phase) { if phase.inner is StartUnitsPhase { await session.markEtcdStarted() } } }
        case .staticPod:
            // The kubelet starts these; members after the first list the ones before them (kubeadm's join order).
            var phases: [any Phase] = []
            var earlier: [EtcdMember] = []
            for member in members {
                let config = plan.configuration(for: member.inventory)
                var options = plan.renderOptions()
                let me = EtcdMember(name: member.name, peerURL: "https://\(HealthCheck.hostPort(member.inventory.internalAddress, 2380))")
                options.etcdExistingMembers = earlier.isEmpty ? [] : earlier + [me]
                earlier.append(me)
                let render = options
                phases.append(UnlessInCluster(WriteFilesPhase("Write the etcd static Pod manifest on \(member.name)", on: member.host) {
                    try ClusterRenderer(config: config, options: render).etcdLocalPhase()
                }, host: member.name, session: session))
            }
            return phases
        }
    }

    func bringUp(_ member: UpHost, resolver: BinaryResolver) -> EtcdBringUp {
        let report = report
        return EtcdBringUp(config: plan.configuration(for: member.inventory), options: plan.renderOptions(), resolver: resolver,
                           waiter: options.etcdWaiter,
                           report: { outcome in report("    \(member.name): \(outcome.binary) \(outcome.uploaded ? "uploaded" : "already there") (\(outcome.version))") })
    }

    // MARK: control plane and kubelet

    func controlPlanePhases() -> [any Phase] {
        let controlPlanes = plan.controlPlanes
        switch mode {
        case .systemd:
            guard let resolver = options.resolver else { return [] }
            var phases: [any Phase] = []
            let session = session
            for host in controlPlanes {
                let bringUp = ControlPlaneBringUp(config: plan.configuration(for: host.inventory), options: plan.renderOptions(),
                                                  resolver: resolver, waiter: options.controlPlaneWaiter)
                phases += bringUp.controlPlanePhases(on: host.host).map { phase in
                    let wrapped = UnlessInCluster(phase, host: host.name, session: session)
                    return phase is WaitForHealthPhase ? KeptPhase(wrapped) { await session.markAPIServerHealthy() } : wrapped
                }
            }
            for host in controlPlanes {
                let bringUp = ControlPlaneBringUp(config: plan.configuration(for: host.inventory), options: plan.renderOptions(),
                                                  resolver: resolver, waiter: options.controlPlaneWaiter)
                phases += bringUp.kubeletPhases(on: host.host).map { UnlessInCluster($0, host: host.name, session: session) }
                if resolver.offers("kubectl") { phases.append(UnlessInCluster(bringUp.kubectlPhase(on: host.host), host: host.name, session: session)) }
            }
            return phases
        case .staticPod:
            return controlPlanes.map { host in
                let config = plan.configuration(for: host.inventory)
                let render = plan.renderOptions()
                return UnlessInCluster(WriteFilesPhase("Write the control-plane static Pod manifests and kubelet files on \(host.name)", on: host.host) {
                    let cluster = try ClusterRenderer(config: config, options: render)
                    return try cluster.controlPlanePhase("all").merging(try cluster.kubeletFiles()) { $1 }
                }, host: host.name, session: session)
            }
        }
    }
}
