import KubeadmConfig
import Remote
import Templates

/// Binary mode (`controlPlaneMode: systemd`): kube-apiserver, kube-controller-manager and kube-scheduler as
/// systemd units with exactly their static Pods' flags, and the kubelet — installed from the bundle, started,
/// and waited for on the endpoints kubeadm's probes use. The same phases as etcd, so the lab's etcd runs
/// exercise this code path; only the binaries and health endpoints differ.
public struct ControlPlaneBringUp: Sendable {
    public var config: KubeadmConfiguration
    public var options: RenderOptions
    public var resolver: BinaryResolver
    public var installer: BinaryInstaller
    /// The version every Kubernetes binary must report; defaults to the configured kubernetesVersion.
    public var kubernetesVersion: String?
    public var waiter: HealthWaiter
    public var report: @Sendable (InstallOutcome) -> Void

    public init(config: KubeadmConfiguration, options: RenderOptions = RenderOptions(), resolver: BinaryResolver,
                installer: BinaryInstaller = BinaryInstaller(), kubernetesVersion: String? = nil,
                waiter: HealthWaiter = HealthWaiter(timeout: .seconds(240)), report: @escaping @Sendable (InstallOutcome) -> Void = { _ in }) {
        self.config = config
        self.options = options
        self.resolver = resolver
        self.installer = installer
        self.kubernetesVersion = kubernetesVersion ?? config.version.description
        self.waiter = waiter
        self.report = report
    }

    public static let components: [ControlPlaneComponentName] = [.apiServer, .controllerManager, .scheduler]

    /// Binaries installed from a bundle go to /usr/local/bin (as `up` installs them); without a bundle they are
    /// the packages' (/usr/bin/kubelet, Debian's /usr/bin/etcd).
    public static func renderOptions(bundled: Bool) -> RenderOptions {
        var render = RenderOptions()
        if bundled {
            render.binaryDirectory = BinarySpec.defaultInstallDirectory
            render.etcdBinary = BinarySpec.defaultInstallDirectory + "/etcd"
            render.kubeletBinary = BinarySpec.defaultInstallDirectory + "/kubelet"
        }
        return render
    }

    public var controlPlaneBinaries: [BinarySpec] {
        Self.components.map { BinarySpec.kubernetes($0.rawValue, version: kubernetesVersion, directory: options.binaryDirectory) }
    }

    public var kubeletBinary: BinarySpec {
        let path = options.kubeletBinary
        let directory = String(path.prefix(upTo: path.lastIndex(of: "/") ?? path.startIndex))
        return BinarySpec.kubernetes("kubelet", version: kubernetesVersion, directory: directory)
    }

    /// kubeadm's probes, as kubeforge's own requests to the host (over its SSH connection from an operator's
    /// machine): the API server on its advertise address and bind port (127.0.0.1 when unset), the
    /// controller-manager and the scheduler on the host's loopback.
    public var controlPlaneHealthChecks: [HealthCheck] {
        let endpoint = config.initConfiguration.localAPIEndpoint
        let address = endpoint.advertiseAddress.isEmpty || endpoint.advertiseAddress == "0.0.0.0" ? "127.0.0.1" : endpoint.advertiseAddress
        return [
            .apiServerLivez(address: address, port: endpoint.bindPort),
            .apiServerReadyz(address: address, port: endpoint.bindPort),
            .controllerManager,
            .scheduler,
        ]
    }

    /// `init phase control-plane all` in binary mode, through to healthy components.
    public func controlPlanePhases(on host: any Remote.Host) -> [any Phase] {
        let renderer = (config: config, options: options)
        return [
            InstallBinariesPhase(controlPlaneBinaries, on: host, resolver: resolver, installer: installer, report: report),
            WriteFilesPhase("Write the control-plane units on \(host.name)", on: host) {
                let cluster = try ClusterRenderer(config: renderer.config, options: renderer.options)
                var files: [String: String] = [:]
                for component in Self.components {
                    files["\(ClusterRenderer.systemdDirectory)/\(component.rawValue).service"] = try cluster.systemdUnit(component)
                }
                return files
            },
            StartUnitsPhase(Self.components.map { "\($0.rawValue).service" }, on: host),
            WaitForHealthPhase(controlPlaneHealthChecks, on: host, waiter: waiter),
        ]
    }

    /// kubectl beside the other binaries, for the operator on a control plane (when the bundle has one).
    public func kubectlPhase(on host: any Remote.Host) -> any Phase {
        InstallBinariesPhase([BinarySpec.kubectl(version: kubernetesVersion, directory: options.binaryDirectory)], on: host,
                             resolver: resolver, installer: installer, report: report)
    }

    /// `kubelet-start`: the kubelet's unit, drop-in, config.yaml and kubeadm-flags.env, then its /healthz.
    public func kubeletPhases(on host: any Remote.Host) -> [any Phase] {
        let renderer = (config: config, options: options)
        return [
            InstallBinariesPhase([kubeletBinary], on: host, resolver: resolver, installer: installer, report: report),
            MakeDirectoriesPhase([ClusterRenderer.manifestsDirectory], on: host),
            WriteFilesPhase("Write the kubelet unit and configuration on \(host.name)", on: host) {
                let cluster = try ClusterRenderer(config: renderer.config, options: renderer.options)
                return try cluster.kubeletUnitFiles().merging(try cluster.kubeletFiles()) { $1 }
            },
            StartUnitsPhase(["kubelet.service"], on: host),
            WaitForHealthPhase([.kubelet], on: host, waiter: waiter),
        ]
    }
}
