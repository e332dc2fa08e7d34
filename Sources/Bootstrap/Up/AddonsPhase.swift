import Inventory
import KubeAPI

/// `cluster.addons`: the manifests (a CNI such as Calico, anything else) applied with the admin credentials
/// once the cluster objects exist — through the first control plane's SSH connection, like the API phases.
/// Every manifest is read, fetched and verified before the first object is sent.
public struct AddonsPhase: Phase {
    public let plan: UpPlan
    public let session: UpSession
    public let report: @Sendable (String) -> Void
    public var manifests = AddonManifests()
    public var title: String { "Addons (\(plan.cluster.addons.count) manifest\(plan.cluster.addons.count == 1 ? "" : "s"), server-side apply)" }

    public init(plan: UpPlan, session: UpSession, report: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        self.session = session
        self.report = report
    }

    public func shouldRun() async throws -> Bool {
        guard !plan.cluster.addons.isEmpty else { return false }
        guard await session.apiServerHealthy else {
            report("    skipped: no API server was brought up in this run")
            return false
        }
        return true
    }

    public func run() async throws {
        guard let first = plan.controlPlanes.first else { return }
        let loaded = try await manifests.load(plan.cluster.addons)
        try await ClusterAccess.asAdmin(through: first) { client in
            try await AddonApplier(client: client).apply(loaded) { [report] in report("    " + $0) }
        }
    }

    /// Reads and verifies the manifests (a bad one fails the dry run too) and lists their objects.
    public func dryRun() async throws -> [String] {
        var lines: [String] = []
        for manifest in try await manifests.load(plan.cluster.addons) {
            let count = manifest.documents.count
            lines.append("would apply \(manifest.name) (\(count) object\(count == 1 ? "" : "s")), field manager kubeforge:")
            lines += manifest.documents.map { document in
                "  \(document.object.kind) \(document.object.namespace.map { "\($0)/" } ?? "")\(document.object.name)"
            }
        }
        return lines
    }
}
