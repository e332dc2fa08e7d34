import Foundation
import KubeadmConfig
import KubeTypes
import PKI
import Preflight
import Remote
import Templates

/// The phases of init that act on the node itself: preflight, certificates, kubeconfigs, etcd, the control
/// plane, the kubelet, and the waits.
extension InitWorkflow {
    // MARK: preflight

    var preflightTarget: PreflightTarget {
        PreflightTarget(name: nodeName, address: apiServerAddress, roles: [.controlPlane],
                        kubernetesVersion: try? KubernetesVersion(parsing: cluster.kubernetesVersion),
                        podSubnet: cluster.networking.podSubnet.isEmpty ? nil : cluster.networking.podSubnet,
                        serviceSubnet: cluster.networking.serviceSubnet, apiServerPort: apiServerPort, localEtcd: cluster.etcd.local != nil,
                        // Without a bundle the operator installed the kubelet (packages), and kubeadm's checks hold strictly.
                        kubelet: options.resolver == nil ? .preinstalled : .installedByKubeforge)
    }

    func preflight() async throws {
        report("[preflight] Running pre-flight checks")
        let result = await Preflight.run([(preflightTarget, host)], concurrency: 1, ignore: options.ignore)
        guard let hostReport = result.hosts.first else { return }
        if let error = hostReport.error { throw InitError.failed("[preflight] \(error)") }
        for check in hostReport.checks where check.status == .warn || check.status == .ignored {
            report("\t[WARNING \(check.name)]: \(check.message)")
        }
        let errors = hostReport.checks.filter { $0.status == .fail }
        guard errors.isEmpty else {
            let lines = errors.map { "\t[ERROR \($0.name)]: \($0.message)" + ($0.fix.isEmpty ? "" : " (fix: \($0.fix))") }
            throw InitError.failed("[preflight] Some fatal errors occurred:\n" + lines.joined(separator: "\n")
                + "\n[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`")
        }
    }

    // MARK: certs and kubeconfig

    func treeOptions() throws -> CertificateTreeOptions.Resolved {
        try CertificateTreeOptions(config, kubeconfigDir: options.kubeconfigDir).resolve(hostname: nodeName)
    }

    func certificates(_ name: String) async throws {
        let resolved = try treeOptions()
        report("[certs] Using certificateDir folder \"\(resolved.options.certificatesDir)\"")
        if options.dryRun { report("[dryrun] would generate the certificates (\(name)) there"); return }
        let request = name == "all"
            ? PKIGenerator.Request(certificates: CertificateCatalog.specs(for: resolved).map(\.name) + ["sa"])
            : PKIGenerator.Request(certificates: [name])
        try await printed(try await PKIGenerator(resolved: resolved, host: host).run(request), prefix: "[certs]")
    }

    func kubeconfigs(_ name: String) async throws {
        let resolved = try treeOptions()
        report("[kubeconfig] Using kubeconfig folder \"\(options.kubeconfigDir)\"")
        if options.dryRun { report("[dryrun] would write the kubeconfig files (\(name)) there"); return }
        let kinds = name == "all" ? KubeconfigKind.kinds(for: resolved.release) : KubeconfigKind(rawValue: name).map { [$0] } ?? []
        try await printed(try await PKIGenerator(resolved: resolved, host: host).run(.init(kubeconfigs: kinds)), prefix: "[kubeconfig]")
    }

    private func printed(_ report: PKIReport, prefix: String) async throws {
        for line in report.lines { self.report("\(prefix) \(line)") }
        guard report.problems.isEmpty else {
            throw InitError.failed(report.problems.map { "\(prefix) \($0)" }.joined(separator: "\n"))
        }
    }

    // MARK: etcd and control plane

    /// Binaries kubeforge installs from a bundle go to /usr/local/bin (as `up` installs them); without a bundle
    /// the kubelet is the packages' /usr/bin/kubelet.
    var renderOptions: RenderOptions {
        var render = RenderOptions()
        if options.resolver != nil {
            render.binaryDirectory = BinarySpec.defaultInstallDirectory
            render.etcdBinary = BinarySpec.defaultInstallDirectory + "/etcd"
            render.kubeletBinary = BinarySpec.defaultInstallDirectory + "/kubelet"
        }
        return render
    }

    func etcd() async throws {
        guard cluster.etcd.local != nil else { return }
        switch options.mode {
        case .staticPod:
            report("[etcd] Creating static Pod manifest for local etcd in \"\(ClusterRenderer.manifestsDirectory)\"")
            try await runPhases([WriteFilesPhase("Write the etcd manifest", on: host) { [config] in
                try ClusterRenderer.initPhaseEtcdLocal(config: config)
            }])
        case .systemd:
            report("[etcd] Starting etcd as the systemd unit etcd.service")
            let bringUp = EtcdBringUp(config: config, options: renderOptions, resolver: try resolver(), waiter: options.controlPlaneWaiter)
            try await runPhases(bringUp.firstMemberPhases(on: host))
        }
    }

    func controlPlane(_ name: String) async throws {
        switch options.mode {
        case .staticPod:
            report("[control-plane] Using manifest folder \"\(ClusterRenderer.manifestsDirectory)\"")
            let components = name == "all" ? ["kube-apiserver", "kube-controller-manager", "kube-scheduler"] : ["kube-\(name)"]
            for component in components { report("[control-plane] Creating static Pod manifest for \"\(component)\"") }
            try await runPhases([WriteFilesPhase("Write the control-plane manifests", on: host) { [config] in
                try ClusterRenderer.initPhaseControlPlane(name, config: config)
            }])
        case .systemd:
            report("[control-plane] Starting kube-apiserver, kube-controller-manager and kube-scheduler as systemd units")
            let bringUp = ControlPlaneBringUp(config: config, options: renderOptions, resolver: try resolver(), waiter: options.controlPlaneWaiter)
            try await runPhases(bringUp.controlPlanePhases(on: host).filter { !($0 is WaitForHealthPhase) })
        }
    }

    // MARK: kubelet

    func kubeletStart() async throws {
        let renderer = try ClusterRenderer(config: config, options: renderOptions)
        report("[kubelet-start] Writing kubelet environment file with flags to file \"/var/lib/kubelet/kubeadm-flags.env\"")
        report("[kubelet-start] Writing kubelet configuration to file \"/var/lib/kubelet/config.yaml\"")
        let files = try renderer.kubeletFiles()
        var phases: [any Phase] = []
        if let resolver = options.resolver {
            let bringUp = ControlPlaneBringUp(config: config, options: renderOptions, resolver: resolver, waiter: options.kubeletWaiter)
            phases += bringUp.kubeletPhases(on: host).filter { !($0 is WaitForHealthPhase) && !($0 is StartUnitsPhase) }
        }
        phases.append(WriteFilesPhase("Write the kubelet configuration", on: host) { files })
        report("[kubelet-start] Starting the kubelet")
        phases.append(StartUnitsPhase(["kubelet.service"], on: host))
        if !options.dryRun {
            // kubeadm creates the manifest directory; the kubelet logs an error every few seconds without it.
            try await host.makeDirectory(ClusterRenderer.manifestsDirectory, mode: 0o755)
        }
        try await runPhases(phases)
    }

    func waitControlPlane() async throws {
        if options.dryRun { report("[dryrun] would wait for the kubelet and the control plane to be healthy"); return }
        let clock = ContinuousClock()
        let start = clock.now
        report("[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory \"\(ClusterRenderer.manifestsDirectory)\". This can take up to \(GoDurationText.of(options.controlPlaneWaiter.timeout))")
        try await options.kubeletWaiter.wait(for: .kubelet, on: host)
        let bringUp = ControlPlaneBringUp(config: config, options: renderOptions, resolver: BinaryResolver(source: .directory("/")),
                                          waiter: options.controlPlaneWaiter)
        for check in bringUp.controlPlaneHealthChecks { try await options.controlPlaneWaiter.wait(for: check, on: host) }
        let seconds = Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds)
        report("[apiclient] All control plane components are healthy after \(String(format: "%.6f", seconds)) seconds")
    }

    func kubeletFinalize() async throws {
        let finalize = KubeletFinalize(host: host, kubeconfigDir: options.kubeconfigDir, registration: config.initConfiguration.nodeRegistration)
        if options.dryRun {
            report("[dryrun] [kubelet-finalize] would point \(finalize.kubeconfigPath) at \(finalize.certificatePath) once the kubelet has written it, and restart the kubelet")
            return
        }
        try await finalize.run(report: report)
    }

    // MARK: helpers

    func resolver() throws -> BinaryResolver {
        guard let resolver = options.resolver else {
            throw InitError.badInput("controlPlaneMode systemd needs binaries: give --bundle DIR (etcd, etcdctl, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet)")
        }
        return resolver
    }

    func runPhases(_ phases: [any Phase]) async throws {
        let runner = PhaseRunner(dryRun: options.dryRun) { [report, dryRun = options.dryRun] line in
            if dryRun { report("[dryrun] " + line) }
        }
        do {
            try await runner.run(phases)
        } catch let failure as PhaseFailure {
            throw failure.underlying
        }
    }
}

/// Go's duration text for whole minutes and seconds (`4m0s`), as kubeadm prints its timeouts.
enum GoDurationText {
    static func of(_ duration: Duration) -> String {
        let seconds = Int(duration.components.seconds)
        return seconds >= 60 ? "\(seconds / 60)m\(seconds % 60)s" : "\(seconds)s"
    }
}
