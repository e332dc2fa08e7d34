import Foundation
import Inventory
import KubeAPI
import KubeTypes
import PKI
import Preflight
import Remote
import Templates

/// The workers join, at most `concurrency` at once, through the same join phases as `kubeforge join` run over
/// each worker's SSH connection: the kubelet (binary, kubelet.service and its 10-kubeadm.conf drop-in)
/// installed from the bundle, discovery through the worker's own view of the control-plane endpoint, the
/// kubelet's TLS bootstrap. A worker whose Node is already in the cluster is left alone.
public struct JoinWorkersPhase: Phase {
    public let plan: UpPlan
    public let session: UpSession
    public let resolver: BinaryResolver?
    public let ignore: IgnoreList
    public let concurrency: Int
    public let report: @Sendable (String) -> Void
    public var kubeletWaiter = HealthWaiter(timeout: .seconds(240))
    public var title: String { "Join \(plan.workers.map(\.name).joined(separator: ", "))" }

    public init(plan: UpPlan, session: UpSession, resolver: BinaryResolver?, ignore: IgnoreList, concurrency: Int,
                report: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        self.session = session
        self.resolver = resolver
        self.ignore = ignore
        self.concurrency = concurrency
        self.report = report
    }

    public func shouldRun() async throws -> Bool {
        guard !plan.workers.isEmpty, await session.apiServerHealthy else { return false }
        return true
    }

    public func run() async throws {
        guard let first = plan.controlPlanes.first else { return }
        let existing = try await ClusterNodes.names(through: first)
        let joining = plan.workers.filter { !existing.contains($0.name) }
        let already = plan.hosts.filter { existing.contains($0.name) }.map(\.name)
        if !already.isEmpty {
            report("    \(already.count) node\(already.count == 1 ? "" : "s") already in the cluster (\(already.joined(separator: ", "))); joining \(joining.isEmpty ? "none" : joining.map(\.name).joined(separator: ", "))")
        }
        guard !joining.isEmpty else { return }
        guard let token = await session.joinToken else { throw UpError.certificates("no bootstrap token was created in this run") }
        let admin = try await ClusterAccess.kubeconfig(at: "\(ClusterCertificatesPhase.kubeconfigDir)/admin.conf", on: first.host)
        let pins = try DiscoveryHash.of(certificatePEM: admin.certificateAuthorityPEM)
        let results = await FanOut.map(joining, concurrency: concurrency) { worker in
            try await join(worker, token: token, pins: pins)
        }
        var failures: [String: [String]] = [:]
        for (worker, result) in zip(joining, results) {
            if case let .failure(error) = result { failures[worker.name] = ["\(error)"] }
        }
        guard failures.isEmpty else { throw UpError.joinFailed(failures) }
    }

    func join(_ worker: UpHost, token: PKI.BootstrapToken, pins: [String]) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let config = plan.configuration(for: worker.inventory)
        var options = JoinWorkflow.Options(endpoint: plan.controlPlaneEndpoint, token: token)
        options.resolver = resolver
        options.caCertHashes = pins
        options.registration = config.initConfiguration.nodeRegistration
        options.ignore = ignore
        options.kubernetesVersion = try? KubernetesVersion(parsing: config.clusterConfiguration.kubernetesVersion)
        options.discoveryInterval = .seconds(1)
        let lines = PrefixedLines(worker.name, report)
        try await JoinWorkflow(host: worker.host, options: options, kubelet: SystemdKubelet(host: worker.host, waiter: kubeletWaiter)) { lines.add($0) }.run()
        await session.markJoined(worker.name, after: clock.now - start)
        report("    \(worker.name): joined in \(UpDurations.text(clock.now - start))")
    }

    public func dryRun() async throws -> [String] {
        plan.workers.map { "would install the kubelet on \($0.name) and join it through \(plan.controlPlaneEndpoint) with this run's bootstrap token" }
    }
}

/// Keeps only join's important lines for up's progress, each under its host's name.
final class PrefixedLines: Sendable {
    let host: String
    let report: @Sendable (String) -> Void
    init(_ host: String, _ report: @escaping @Sendable (String) -> Void) {
        self.host = host
        self.report = report
    }
    func add(_ line: String) {
        guard line.hasPrefix("[kubelet-start]") || line.hasPrefix("\t[WARNING") else { return }
        report("    \(host): \(line.trimmingCharacters(in: .whitespaces))")
    }
}

/// The cluster's Nodes as the first control plane's API server knows them.
enum ClusterNodes {
    static func list(through first: UpHost) async throws -> [KubeObject] {
        try await ClusterAccess.asAdmin(through: first) { client in
            try await KubeRetry.kubeadm.run("list nodes") { try await client.list(.nodes).items }
        }
    }

    static func names(through first: UpHost) async throws -> Set<String> {
        Set(try await list(through: first).map(\.name))
    }
}

extension ClusterAccess {
    /// Runs `body` with an admin client of the API server on `first`, reached through its SSH connection.
    static func asAdmin<T: Sendable>(through first: UpHost, _ body: (KubeClient) async throws -> T) async throws -> T {
        let admin = try await kubeconfig(at: "\(ClusterCertificatesPhase.kubeconfigDir)/admin.conf", on: first.host)
        return try await with(admin, apiServer: first.inventory.internalAddress, port: ClusterSettings.defaultAPIServerPort,
                              on: first.host, body)
    }
}

enum UpDurations {
    static func text(_ duration: Duration) -> String {
        duration.formatted(.units(allowed: [.seconds], width: .narrow, fractionalPart: .show(length: 1)))
    }
}
