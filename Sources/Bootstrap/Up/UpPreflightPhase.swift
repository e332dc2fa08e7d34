import Inventory
import KubeTypes
import Preflight
import Remote

/// Preflight on every host. Failures of checks that `prepare` fixes (swap, sysctls, containerd's cgroup
/// driver, …) are left for it and checked again afterwards; any other failure stops the run, printed per host.
public struct UpPreflightPhase: Phase {
    public let hosts: [UpHost]
    public let cluster: ClusterSettings
    public let ignore: IgnoreList
    public let concurrency: Int
    /// False when prepare is skipped: then nothing is deferred.
    public let deferToPrepare: Bool
    public let session: UpSession
    public let report: @Sendable (String) -> Void
    public var title: String { "Preflight on \(hosts.count) host\(hosts.count == 1 ? "" : "s")" }

    /// The checks `kubeforge prepare` makes pass.
    public static let preparedChecks: Set<String> = [
        "Swap", "SELinux", "Firewalld", "FileContent--proc-sys-net-ipv4-ip_forward",
        "FileContent--proc-sys-net-bridge-bridge-nf-call-iptables", "FileContent--proc-sys-net-bridge-bridge-nf-call-ip6tables",
        "KernelModules", "TimeSync", "Hostname", "UniqueHostname", "CRI", "CgroupDriver",
    ]

    public init(_ hosts: [UpHost], cluster: ClusterSettings, ignore: IgnoreList, concurrency: Int, deferToPrepare: Bool,
                session: UpSession, report: @escaping @Sendable (String) -> Void) {
        self.hosts = hosts
        self.cluster = cluster
        self.ignore = ignore
        self.concurrency = concurrency
        self.deferToPrepare = deferToPrepare
        self.session = session
        self.report = report
    }

    public func run() async throws {
        let hosts = await session.newHosts(self.hosts)
        guard !hosts.isEmpty else { report("    every host is already in the cluster"); return }
        let preflight = await Preflight.run(hosts.map { (Self.target(for: $0.inventory, cluster: cluster), $0.host) },
                                            concurrency: concurrency, ignore: ignore)
        let (failures, deferred) = Self.judge(preflight, deferToPrepare: deferToPrepare)
        for host in preflight.hosts {
            let failed = failures[host.name]?.count ?? 0
            let later = deferred[host.name]?.count ?? 0
            report("    \(host.name): \(failed == 0 ? "ok" : "\(failed) failed")" + (later > 0 ? ", \(later) left for prepare (\(deferred[host.name]!.map(\.name).joined(separator: ", ")))" : ""))
        }
        await session.setDeferred(deferred)
        guard failures.isEmpty else { throw UpError.preflightFailed(failures) }
    }

    /// Read-only, so the dry run runs it too and says what would stop the run.
    public func dryRun() async throws -> [String] {
        try await run()
        return ["preflight passed (failures prepare fixes are re-checked after it)"]
    }

    /// Splits a report (pure): host → failure lines that stop the run, and host → failed checks prepare owns.
    public static func judge(_ preflight: PreflightReport, deferToPrepare: Bool) -> (failures: [String: [String]], deferred: [String: [CheckResult]]) {
        var failures: [String: [String]] = [:]
        var deferred: [String: [CheckResult]] = [:]
        for host in preflight.hosts {
            if let error = host.error { failures[host.name, default: []].append(error) }
            for check in host.checks where check.status == .fail {
                if deferToPrepare && preparedChecks.contains(check.name) {
                    deferred[host.name, default: []].append(check)
                } else {
                    failures[host.name, default: []].append("\(check.name): \(check.message)" + (check.fix.isEmpty ? "" : " (fix: \(check.fix))"))
                }
            }
        }
        return (failures, deferred)
    }

    static func target(for host: InventoryHost, cluster: ClusterSettings) -> PreflightTarget {
        PreflightTarget(
            name: host.name, address: host.address, roles: Set(host.roles.compactMap { PreflightTarget.Role(rawValue: $0.rawValue) }),
            kubernetesVersion: cluster.kubernetesVersion.flatMap { KubernetesVersion($0) },
            podSubnet: cluster.networking.podSubnet, serviceSubnet: cluster.networking.serviceSubnet,
            apiServerPort: ClusterSettings.defaultAPIServerPort)
    }
}
