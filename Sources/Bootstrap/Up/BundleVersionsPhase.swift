import Remote

/// Asks the bundle's Kubernetes binaries for their version on this machine before any host is changed, so that a
/// bundle of another release fails here, in a second, and not after etcd has started on the hosts. Each host
/// checks again what it installs (BinaryInstaller); on a machine that cannot run linux/amd64 binaries this
/// phase is skipped and those checks are the only ones.
struct BundleVersionsPhase: Phase {
    let specs: [BinarySpec]
    let resolver: BinaryResolver
    let report: @Sendable (String) -> Void

    var title: String { "Check the bundle's Kubernetes versions" }

    /// From the plan: the control-plane components in systemd mode, the kubelet and kubectl, those of them the bundle
    /// has, each expected at the cluster's kubernetesVersion.
    init?(plan: UpPlan, resolver: BinaryResolver?, report: @escaping @Sendable (String) -> Void) {
        guard let resolver, case .directory = resolver.source, let first = plan.controlPlanes.first else { return nil }
        let bringUp = ControlPlaneBringUp(config: plan.configuration(for: first.inventory), options: plan.renderOptions(), resolver: resolver)
        // A binary the bundle lacks is named, with every path searched, by the phase that installs it.
        let specs = ((plan.cluster.controlPlaneMode == .systemd ? bringUp.controlPlaneBinaries : [])
            + [bringUp.kubeletBinary, BinarySpec.kubectl(version: bringUp.kubernetesVersion)]).filter { resolver.offers($0.name) }
        guard !specs.isEmpty else { return nil }
        self.specs = specs
        self.resolver = resolver
        self.report = report
    }

    func shouldRun() async throws -> Bool {
        #if os(Linux) && arch(x86_64)
        return true
        #else
        return false
        #endif
    }

    func run() async throws {
        let (resolver, machine) = (resolver, LocalHost(name: "bundle"))
        let versions = await FanOut.map(specs, concurrency: specs.count) { spec in
            var local = spec
            local.installPath = try await resolver.resolve(spec).localPath
            return try await BinaryInstaller().checkVersion(local, on: machine)
        }
        for (spec, version) in zip(specs, versions) { report("    \(spec.name): \(try version.get())") }
    }

    func dryRun() async throws -> [String] {
        ["would ask \(specs.map(\.name).joined(separator: ", ")) in the bundle for their version (expected \(specs[0].expectedVersion ?? "any"))"]
    }
}
