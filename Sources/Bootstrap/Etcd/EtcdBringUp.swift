import KubeadmConfig
import Remote
import Templates

/// The phases that bring up one stacked etcd member as a systemd unit: `init phase etcd local` for the
/// first member, and kubeadm's control-plane join (`member add`, then `--initial-cluster-state=existing`) for
/// the others. Certificates are a separate phase (`EtcdCertificatesPhase`).
public struct EtcdBringUp: Sendable {
    /// This member's configuration: `nodeRegistration.name` and `localAPIEndpoint.advertiseAddress` set.
    public var config: KubeadmConfiguration
    public var options: RenderOptions
    public var resolver: BinaryResolver
    public var installer: BinaryInstaller
    /// The version etcd and etcdctl must report; nil accepts any.
    public var etcdVersion: String?
    public var waiter: HealthWaiter
    public var report: @Sendable (InstallOutcome) -> Void

    public init(config: KubeadmConfiguration, options: RenderOptions = RenderOptions(), resolver: BinaryResolver,
                installer: BinaryInstaller = BinaryInstaller(), etcdVersion: String? = nil, waiter: HealthWaiter = HealthWaiter(),
                report: @escaping @Sendable (InstallOutcome) -> Void = { _ in }) {
        self.config = config
        self.options = options
        self.resolver = resolver
        self.installer = installer
        self.etcdVersion = etcdVersion
        self.waiter = waiter
        self.report = report
    }

    public var name: String { config.initConfiguration.nodeRegistration.name }
    public var peerURL: String { "https://\(HealthCheck.hostPort(config.initConfiguration.localAPIEndpoint.advertiseAddress, 2380))" }
    public var clientURL: String { "https://\(HealthCheck.hostPort(config.initConfiguration.localAPIEndpoint.advertiseAddress, 2379))" }
    var certificatesDir: String { config.clusterConfiguration.certificatesDir }

    /// etcd and etcdctl, installed beside `options.etcdBinary` (the path the unit runs).
    public var binaries: [BinarySpec] {
        let directory = String(options.etcdBinary.prefix(upTo: options.etcdBinary.lastIndex(of: "/") ?? options.etcdBinary.startIndex))
        return [BinarySpec.etcd(version: etcdVersion, directory: directory), BinarySpec.etcdctl(version: etcdVersion, directory: directory)]
    }

    /// etcdctl on a member of this cluster, talking to its local client URL.
    public var etcdctl: EtcdCtl {
        EtcdCtl(certificatesDir: certificatesDir, etcdctl: binaries[1].installPath)
    }

    /// kubeadm's EtcdLearnerMode: joining members are added as learners and promoted once in sync. On by
    /// default from v1.29 (beta, then GA in v1.32); `featureGates: {EtcdLearnerMode: …}` decides otherwise.
    public var learnerMode: Bool {
        config.clusterConfiguration.featureGates["EtcdLearnerMode"] ?? config.clusterConfiguration.version.isAtLeast(minor: 29)
    }

    public var healthCheck: HealthCheck {
        .etcd(certificatesDir: certificatesDir, etcdctl: binaries[1].installPath)
    }

    /// The first member (`--initial-cluster=<this member>`).
    public func firstMemberPhases(on host: any Remote.Host) -> [any Phase] {
        let renderer = (config: config, options: options)
        return [
            InstallBinariesPhase(binaries, on: host, resolver: resolver, installer: installer, report: report),
            WriteFilesPhase("Write the etcd unit on \(host.name)", on: host) {
                let unit = try ClusterRenderer(config: renderer.config, options: renderer.options).systemdUnit(.etcd)
                return ["\(ClusterRenderer.systemdDirectory)/etcd.service": unit]
            },
            StartUnitsPhase(["etcd.service"], on: host),
            WaitForHealthPhase([healthCheck], on: host, waiter: waiter),
        ]
    }

    /// A member joining the cluster `existing` belongs to: member add there (as a learner in learner mode),
    /// then start this one with the member list and `--initial-cluster-state=existing`, promote it once it
    /// has caught up, and wait until it serves quorum reads. `etcdctl` reaches the existing members (by
    /// default etcdctl on `existing`, talking to its own member).
    public func joiningMemberPhases(on host: any Remote.Host, through existing: any Remote.Host, etcdctl: EtcdCtl? = nil) -> [any Phase] {
        let renderer = (config: config, options: options)
        let unit = { @Sendable (plan: EtcdJoinPlan) in
            WriteFilesPhase("Write the etcd unit (joining) on \(host.name)", on: host) {
                var options = renderer.options
                options.etcdExistingMembers = await plan.initialCluster
                let unit = try ClusterRenderer(config: renderer.config, options: options).systemdUnit(.etcd)
                return ["\(ClusterRenderer.systemdDirectory)/etcd.service": unit]
            }
        }
        return [InstallBinariesPhase(binaries, on: host, resolver: resolver, installer: installer, report: report)]
            + joining(on: host, through: existing, etcdctl: etcdctl ?? self.etcdctl, files: unit,
                      start: [StartUnitsPhase(["etcd.service"], on: host)], health: healthCheck)
    }

    /// The same join in static-Pod mode (`join --control-plane`): the manifest with the member list, which the
    /// running kubelet starts; `etcdctl` runs on `host` against the existing members, `health` probes this one.
    public func joiningStaticPodPhases(on host: any Remote.Host, etcdctl: EtcdCtl, health: HealthCheck) -> [any Phase] {
        let renderer = (config: config, options: options)
        let manifest = { @Sendable (plan: EtcdJoinPlan) in
            WriteFilesPhase("Write the etcd static Pod manifest (joining) on \(host.name)", on: host) {
                var options = renderer.options
                options.etcdExistingMembers = await plan.initialCluster
                return try ClusterRenderer(config: renderer.config, options: options).etcdLocalPhase()
            }
        }
        return joining(on: host, through: host, etcdctl: etcdctl, files: manifest, start: [], health: health)
    }

    private func joining(on host: any Remote.Host, through existing: any Remote.Host, etcdctl: EtcdCtl,
                         files: (EtcdJoinPlan) -> WriteFilesPhase, start: [any Phase], health: HealthCheck) -> [any Phase] {
        let plan = EtcdJoinPlan()
        return [AddEtcdMemberPhase(name: name, peerURL: peerURL, through: existing, etcdctl: etcdctl, plan: plan, learner: learnerMode),
                files(plan)]
            + start
            + (learnerMode ? [PromoteEtcdMemberPhase(name: name, peerURL: peerURL, through: existing, etcdctl: etcdctl)] : [])
            + [WaitForHealthPhase([health], on: host, waiter: waiter)]
    }
}
