import Foundation
import KubeAPI
import Remote

/// Finds out whether the inventory's cluster already runs (the first control plane's admin.conf answers and
/// lists Nodes), so that a second `up` leaves the hosts already in it as they are and brings up only the new
/// ones. An etcd-only member counts as in the cluster when its etcd holds data.
public struct ExistingClusterPhase: Phase {
    public let plan: UpPlan
    public let session: UpSession
    public let report: @Sendable (String) -> Void
    public var title: String { "Look for the running cluster on \(plan.controlPlanes.first?.name ?? "-")" }

    public init(plan: UpPlan, session: UpSession, report: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        self.session = session
        self.report = report
    }

    public func shouldRun() async throws -> Bool {
        guard let first = plan.controlPlanes.first else { return false }
        return try await first.host.stat("\(ClusterCertificatesPhase.kubeconfigDir)/admin.conf") != nil
    }

    public func run() async throws {
        guard let first = plan.controlPlanes.first else { return }
        let admin = try await ClusterAccess.kubeconfig(at: "\(ClusterCertificatesPhase.kubeconfigDir)/admin.conf", on: first.host)
        let endpoint = plan.configuration(for: first.inventory).initConfiguration.localAPIEndpoint
        let nodes: [String]
        do {
            nodes = try await ClusterAccess.with(admin, apiServer: endpoint.advertiseAddress, port: endpoint.bindPort, on: first.host) { client in
                try await KubeRetry(timeout: .seconds(5), interval: .milliseconds(500)).run("list nodes") { try await client.list(.nodes).items.map(\.name) }
            }
        } catch {
            report("    \(first.name) has an admin.conf but its API server does not answer (\(error)); bringing everything up")
            return
        }
        var existing = Set(nodes).intersection(plan.hosts.map(\.name))
        for host in plan.etcdMembers where !host.inventory.isControlPlane && !host.inventory.isWorker {
            if try await host.host.stat("/var/lib/etcd/member") != nil { existing.insert(host.name) }
        }
        await session.setExisting(existing)
        await session.markAPIServerHealthy()
        let new = plan.hosts.map(\.name).filter { !existing.contains($0) }
        report("    \(existing.count) host\(existing.count == 1 ? "" : "s") already in the cluster (\(existing.sorted().joined(separator: ", ")))"
            + (new.isEmpty ? "; nothing new to bring up" : "; bringing up \(new.joined(separator: ", "))"))
    }

    /// Reading only: the dry run looks too, so it lists what would really change.
    public func dryRun() async throws -> [String] {
        try await run()
        let existing = await session.existing
        return existing.isEmpty ? ["no running cluster found"] : ["\(existing.sorted().joined(separator: ", ")) already in the cluster: left as they are"]
    }
}

/// A bring-up phase for one host that a second `up` skips when the host is already in the cluster.
public struct UnlessInCluster: Phase {
    public let inner: any Phase
    public let host: String
    public let session: UpSession
    public var title: String { inner.title }

    public init(_ inner: any Phase, host: String, session: UpSession) {
        self.inner = inner
        self.host = host
        self.session = session
    }

    public func shouldRun() async throws -> Bool {
        guard await !session.existing.contains(host) else { return false }
        return try await inner.shouldRun()
    }
    public func run() async throws { try await inner.run() }
    public func dryRun() async throws -> [String] { try await inner.dryRun() }
    public func cleanUp() async { await inner.cleanUp() }
}
