import Foundation
import KubeAPI
import PKI
import Remote

/// `up`'s share of kubeadm init's API phases, once the control plane is healthy: kubeadm:cluster-admins
/// (v1.29+), upload-config, mark-control-plane on every control plane, the bootstrap token with node
/// bootstrap RBAC and cluster-info, kubelet-finalize, the addons — all through the first control plane's SSH
/// connection (its API server as it sees it), so nothing is needed on the hosts and no route to the cluster
/// network from here. Ends by printing one join command, once.
public struct ClusterAPIPhase: Phase {
    public let plan: UpPlan
    public let session: UpSession
    /// Progress lines.
    public let report: @Sendable (String) -> Void
    /// Where the join command goes (stdout): it carries the token, so it is printed once and nowhere else.
    public let output: @Sendable (String) -> Void
    public var retry: KubeRetry = .kubeadm
    public var title: String { "Cluster objects (kubeadm's API phases) through \(plan.controlPlanes.first?.name ?? "-")" }

    public init(plan: UpPlan, session: UpSession, report: @escaping @Sendable (String) -> Void, output: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        self.session = session
        self.report = report
        self.output = output
    }

    public func shouldRun() async throws -> Bool {
        guard await session.apiServerHealthy else {
            report("    skipped: no API server was brought up in this run (controlPlaneMode static-pod writes manifests only; "
                + "with a bundle holding the kubelet, or controlPlaneMode systemd, up brings the control plane up)")
            return false
        }
        return true
    }

    public func run() async throws {
        guard let first = plan.controlPlanes.first else { return }
        let config = plan.configuration(for: first.inventory)
        let endpoint = config.initConfiguration.localAPIEndpoint
        let admin = try await ClusterAccess.kubeconfig(at: "\(ClusterCertificatesPhase.kubeconfigDir)/admin.conf", on: first.host)
        let token = try BootstrapTokenSecret(token: .generate(), description: BootstrapTokenSecret.initDescription,
                                             expires: Date().addingTimeInterval(24 * 3600))
        let indented: @Sendable (String) -> Void = { [report] in report("    " + $0) }
        let newWorkers = await session.newHosts(plan.workers)
        let existing = await session.existing
        let needsToken = !newWorkers.isEmpty || (plan.workers.isEmpty && existing.isEmpty)
        try await ClusterAccess.with(admin, apiServer: endpoint.advertiseAddress, port: endpoint.bindPort, on: first.host) { client in
            let objects = try InitObjects(config: config, options: plan.renderOptions())
            try await InitAPIPhases.ensureClusterAdmins(objects: objects, admin: client, superAdmin: {
                let superAdmin = try await ClusterAccess.kubeconfig(at: "\(ClusterCertificatesPhase.kubeconfigDir)/super-admin.conf", on: first.host)
                return try await ClusterAccess.client(superAdmin, apiServer: endpoint.advertiseAddress, port: endpoint.bindPort, on: first.host).client
            }, retry: retry)
            var phases = InitAPIPhases(client: client, objects: objects, report: indented)
            phases.retry = retry
            try await phases.uploadConfig(.all)
            for host in plan.controlPlanes {
                var own = InitAPIPhases(client: client, objects: try InitObjects(config: plan.configuration(for: host.inventory),
                                                                                 options: plan.renderOptions()), report: indented)
                own.retry = retry
                if host.name != first.name { try await own.annotateCRISocket() }
                try await own.markControlPlane()
            }
            let ca = String(decoding: try await first.host.readFile("\(ClusterCertificatesPhase.pkiDir)/ca.crt"), as: UTF8.self)
            // A token only when this run joins workers or has none to join (then its join command is printed).
            try await phases.bootstrapToken(needsToken ? [token] : [], certificateAuthorityPEM: ca, printTokens: false)
            try await phases.addons(.all)
        }
        for host in plan.controlPlanes {
            let finalize = KubeletFinalize(host: host.host, registration: plan.configuration(for: host.inventory).initConfiguration.nodeRegistration)
            try await finalize.run(report: { [report] in report("    \(host.name): " + $0) })
        }
        guard needsToken else { return }
        await session.setJoinToken(token.token)
        let join = JoinCommandLine(endpoint: JoinCommandLine.endpoint(fromServer: admin.server), token: token.token.value,
                               caCertHashes: try DiscoveryHash.of(certificatePEM: admin.certificateAuthorityPEM))
        if plan.workers.isEmpty {
            output("    join workers with (valid 24 h; `kubeforge token create --print-join-command` on a control plane makes another):")
            output("    " + join.singleLine)
        }
    }

    public func dryRun() async throws -> [String] {
        guard let first = plan.controlPlanes.first else { return [] }
        let objects = try InitObjects(config: plan.configuration(for: first.inventory), options: plan.renderOptions())
        let token = try BootstrapTokenSecret(token: .generate(), expires: nil)
        var lines = ["would create, through \(first.name)'s SSH connection to its API server:"]
        lines += try InitAPIPhases.plan(objects: objects, phases: ["upload-config", "mark-control-plane", "bootstrap-token", "addon"], tokens: [token], uploadCerts: false)
            .map { "  " + $0.replacingOccurrences(of: token.token.secretName, with: "bootstrap-token-<new id>") }
        lines.append("would point each control plane's kubelet.conf at its rotating client certificate, and print a join command")
        return lines
    }
}
