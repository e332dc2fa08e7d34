import Foundation
import KubeAPI
import KubeadmConfig
import KubeTypes
import PKI
import Preflight
import Remote
import Templates

/// `kubeforge join` of a worker, as kubeadm's join: preflight, token discovery, the cluster's configuration
/// read with the bootstrap token, kubelet-start (bootstrap-kubelet.conf, ca.crt, config.yaml, kubeadm-flags.env,
/// the kubelet started), then the wait for the kubelet's TLS bootstrap (kubelet.conf written, the Node
/// registered) and bootstrap-kubelet.conf removed. Runs against a `Host`: on the node itself, or over SSH
/// from `up`.
public struct JoinWorkflow: Sendable {
    public struct Options: Sendable {
        public var endpoint: String
        /// The discovery token, and the TLS bootstrap token (the same unless given). Only file discovery goes
        /// without one, when the file carries credentials.
        public var token: PKI.BootstrapToken?
        /// `--discovery-file`: a kubeconfig on the joining host or at an https URL whose cluster (server, CA) is
        /// trusted instead of token discovery (`FileDiscovery`); the TLS bootstrap token is then `token`, or
        /// the file's own credentials.
        public var discoveryFile: String?
        public var tlsBootstrapToken: PKI.BootstrapToken?
        public var caCertHashes: [String] = []
        public var unsafeSkipCAVerification = false
        public var registration = NodeRegistration()
        public var ignore: IgnoreList = .none
        public var dryRun = false
        public var discoveryTimeout: Duration = .seconds(300)
        /// kubeadm's DiscoveryRetryInterval. `up` polls faster: it has just created the token, and cluster-info is
        /// signed only once kube-controller-manager starts its bootstrap signer, seconds after the API server is up.
        public var discoveryInterval: Duration = .seconds(5)
        public var tlsBootstrapTimeout: Duration = .seconds(300)
        public var apiRetry: KubeRetry = .kubeadm
        /// The control plane's version when known before discovery (up knows it): the kubelet's is checked
        /// against it.
        public var kubernetesVersion: KubernetesVersion?
        /// Installs the kubelet (binary, kubelet.service, its 10-kubeadm.conf drop-in) from a bundle first; nil:
        /// it is installed already (packages), as kubeadm assumes.
        public var resolver: BinaryResolver?
        /// `--control-plane`: this node becomes another control plane (kubeadm's control-plane-prepare and
        /// control-plane-join); nil joins a worker.
        public var controlPlane: ControlPlaneJoin.Options?

        /// The token the kubelet's TLS bootstrap uses, if any.
        public var bootstrapToken: PKI.BootstrapToken? { tlsBootstrapToken ?? token }

        public init(endpoint: String, token: PKI.BootstrapToken?) {
            self.endpoint = endpoint
            self.token = token
        }
    }

    public static let kubernetesDir = "/etc/kubernetes"
    public static let bootstrapKubeconfigPath = "/etc/kubernetes/bootstrap-kubelet.conf"
    public static let kubeletKubeconfigPath = "/etc/kubernetes/kubelet.conf"
    public static let caCertificatePath = "/etc/kubernetes/pki/ca.crt"

    public let host: any Remote.Host
    public let options: Options
    public let kubelet: any KubeletService
    public let report: @Sendable (String) -> Void

    public init(host: any Remote.Host, options: Options, kubelet: (any KubeletService)? = nil, report: @escaping @Sendable (String) -> Void) {
        self.host = host
        self.options = options
        self.kubelet = kubelet ?? SystemdKubelet(host: host)
        self.report = report
    }

    /// What join learned from the cluster, for the phases that write files.
    public struct ClusterState: Sendable {
        public var info: ClusterInfo
        public var cluster: ClusterConfiguration
        public var kubeletConfiguration: String
        public var nodeName: String
    }

    public func run() async throws {
        if let controlPlane = options.controlPlane {
            return try await ControlPlaneJoin(join: self, options: controlPlane).run()
        }
        report("[preflight] Running pre-flight checks")
        let address = (try? TokenDiscovery.split(options.endpoint).0) ?? ""
        try await preflight(PreflightTarget(name: try await nodeName(), address: address, roles: [.worker], kubernetesVersion: options.kubernetesVersion,
                                            kubelet: kubeletSource),
                            joinFiles: [Self.kubeletKubeconfigPath, Self.bootstrapKubeconfigPath, Self.caCertificatePath])
        // A version known beforehand (up's) lets the kubelet be installed while cluster-info is not signed yet.
        if let version = options.kubernetesVersion { try await installKubelet(version: version.description) }
        let state = try await readCluster()
        if options.kubernetesVersion == nil { try await installKubelet(version: state.cluster.kubernetesVersion) }
        try await kubeletStart(state)
        report("""

            This node has joined the cluster:
            * Certificate signing request was sent to apiserver and a response was received.
            * The Kubelet was informed of the new secure connection details.

            Run 'kubectl get nodes' on the control-plane to see this node join the cluster.
            """)
    }

    // MARK: the kubelet itself

    /// With a bundle: the kubelet of the bundle (which must be the cluster's `version`) in /usr/local/bin, its
    /// unit and drop-in, enabled (kubelet-start starts it).
    func installKubelet(version: String) async throws {
        guard let resolver = options.resolver else { return }
        let options = ControlPlaneBringUp.renderOptions(bundled: true)
        var config = KubeadmConfiguration()
        config.clusterConfiguration.kubernetesVersion = version
        let bringUp = ControlPlaneBringUp(config: config, options: options, resolver: resolver, kubernetesVersion: version)
        for phase in bringUp.kubeletPhases(on: host) where !(phase is StartUnitsPhase) && !(phase is WaitForHealthPhase) {
            if self.options.dryRun {
                for line in try await phase.dryRun() { report("[dryrun] \(line)") }
            } else {
                try await phase.run()
            }
        }
        if !self.options.dryRun { _ = try await host.run(ShellQuote.join(["systemctl", "enable", "kubelet.service"])) }
    }

    // MARK: preflight

    /// Without a bundle the kubelet is the operator's (packages), and kubeadm's checks hold strictly.
    var kubeletSource: PreflightTarget.KubeletSource { options.resolver == nil ? .preinstalled : .installedByKubeforge }

    /// The host's checks for `target`, and kubeadm's join-only ones: nothing of an earlier join may be at `joinFiles`.
    func preflight(_ target: PreflightTarget, joinFiles: [String]) async throws {
        let result = await Preflight.run([(target, host)], concurrency: 1, ignore: options.ignore)
        guard let hostReport = result.hosts.first else { return }
        if let error = hostReport.error { throw InitError.failed("[preflight] \(error)") }
        for check in hostReport.checks where check.status == .warn || check.status == .ignored {
            report("\t[WARNING \(check.name)]: \(check.message)")
        }
        var errors = hostReport.checks.filter { $0.status == .fail }.map { "\t[ERROR \($0.name)]: \($0.message)" }
        for path in joinFiles where try await host.stat(path) != nil {
            let name = "FileAvailable-" + path.replacingOccurrences(of: "/", with: "-")
            if !options.ignore.ignores(name) { errors.append("\t[ERROR \(name)]: \(path) already exists") }
        }
        guard errors.isEmpty else {
            throw InitError.failed("[preflight] Some fatal errors occurred:\n" + errors.joined(separator: "\n")
                + "\n[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`"
                + "\n(a node that joined before: `kubeforge reset` it first)")
        }
    }

    // MARK: discovery and the cluster's configuration

    /// Discovery, then kubeadm-config, kube-proxy and kubelet-config read with the bootstrap token, and the
    /// check that no Ready Node of this name exists.
    func readCluster() async throws -> ClusterState {
        let info = try await discover()
        report("[preflight] Reading configuration from the cluster...")
        report("[preflight] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'")
        let name = try await nodeName()
        return try await withBootstrapClient(info) { client in
            let retry = options.apiRetry
            let kubeadmConfig = try await retry.run("get configmaps kube-system/kubeadm-config") {
                try await client.get(.configMaps, "kubeadm-config", namespace: "kube-system")
            }
            // kubeadm reads kube-proxy's configuration too (its component configs); a missing one is fine.
            _ = try? await client.get(.configMaps, "kube-proxy", namespace: "kube-system")
            let kubeletConfig = try await retry.run("get configmaps kube-system/kubelet-config") {
                try await client.get(.configMaps, "kubelet-config", namespace: "kube-system")
            }
            guard let clusterText = kubeadmConfig.stringData["ClusterConfiguration"], let kubelet = kubeletConfig.stringData["kubelet"] else {
                throw InitError.failed("the cluster's kubeadm-config or kubelet-config ConfigMap lacks its configuration (was it made by kubeadm or kubeforge init?)")
            }
            let cluster: ClusterConfiguration
            do {
                cluster = try KubeadmConfiguration.load(yaml: clusterText, file: "kube-system/kubeadm-config").clusterConfiguration
            } catch {
                throw InitError.failed("the cluster's kubeadm-config does not parse: \(error)")
            }
            try await refuseReadyNode(name, client: client)
            return ClusterState(info: info, cluster: cluster, kubeletConfiguration: kubelet, nodeName: name)
        }
    }

    /// Token discovery, or file discovery with --discovery-file.
    func discover() async throws -> ClusterInfo {
        if let file = options.discoveryFile {
            var discovery = FileDiscovery(source: file, host: host, report: report)
            discovery.timeout = options.discoveryTimeout
            let kubeconfig = try await discovery.discover()
            guard options.bootstrapToken != nil || kubeconfig.hasCredentials else {
                throw DiscoveryError.badDiscoveryFile(file, "it has no credentials for the kubelet's TLS bootstrap: give --tls-bootstrap-token (or --token)")
            }
            return ClusterInfo(discoveryFile: kubeconfig)
        }
        guard let token = options.token else { throw InitError.badInput("token discovery needs a token (--token or --discovery-token)") }
        var discovery = TokenDiscovery(endpoint: options.endpoint, token: token, caCertHashes: options.caCertHashes,
                                       unsafeSkipCAVerification: options.unsafeSkipCAVerification, host: host)
        discovery.timeout = options.discoveryTimeout
        discovery.interval = options.discoveryInterval
        return try await discovery.discover()
    }

    func refuseReadyNode(_ name: String, client: KubeClient) async throws {
        do {
            let node = try await client.get(.nodes, name)
            let ready = node["status"]?["conditions"]?.arrayValue?.contains {
                $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True"
            } ?? false
            if ready {
                throw InitError.failed("a Node with name \"\(name)\" and status \"Ready\" already exists in the cluster. You must delete the existing Node or change the name of this new joining Node")
            }
        } catch let error as KubeAPIError where error.isNotFound {
            return
        }
    }

    /// The bootstrap kubeconfig kubeadm hands the kubelet: cluster `kubernetes`, user `tls-bootstrap-token-user`
    /// with the TLS bootstrap token; without a token, the discovery file as it is.
    func bootstrapKubeconfig(_ info: ClusterInfo) -> Kubeconfig {
        if let file = info.discoveryFile, options.bootstrapToken == nil { return file }
        return Kubeconfig(clusterName: "kubernetes", server: info.server, certificateAuthorityPEM: info.certificateAuthorityPEM,
                          userName: "tls-bootstrap-token-user", token: options.bootstrapToken?.value)
    }

    func withBootstrapClient<T: Sendable>(_ info: ClusterInfo, _ body: (KubeClient) async throws -> T) async throws -> T {
        let (address, port) = try Self.serverAddress(info.server)
        return try await ClusterAccess.with(bootstrapKubeconfig(info), apiServer: address, port: port, on: host, body)
    }

    static func serverAddress(_ server: String) throws -> (String, Int) {
        guard let url = URLComponents(string: server), let host = url.host else {
            throw InitError.failed("cluster-info's server '\(server)' is not a URL")
        }
        return (host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), url.port ?? 443)
    }

    // MARK: kubelet-start

    func kubeletStart(_ state: ClusterState) async throws {
        var config = KubeadmConfiguration()
        config.clusterConfiguration = state.cluster
        config.initConfiguration.nodeRegistration = options.registration
        config.initConfiguration.nodeRegistration.name = state.nodeName
        let flags = try ClusterRenderer(config: config).kubeletFlagsEnvironment(hostname: try await hostname())
        let files: [(String, String, UInt16)] = [
            (Self.bootstrapKubeconfigPath, bootstrapKubeconfig(state.info).rendered(), 0o600),
            ("/var/lib/kubelet/config.yaml", state.kubeletConfiguration, 0o644),
            ("/var/lib/kubelet/kubeadm-flags.env", flags, 0o644),
        ]
        if options.dryRun {
            for (path, _, mode) in files { report("[dryrun] would write \(host.name):\(path) (mode \(String(mode, radix: 8)))") }
            report("[dryrun] would write \(Self.caCertificatePath) and start the kubelet")
            return
        }
        if try await host.stat(Self.caCertificatePath) == nil {
            try await host.writeFile(Self.caCertificatePath, contents: Data(state.info.certificateAuthorityPEM.utf8), mode: 0o644)
        }
        for (path, contents, mode) in files {
            if path.hasSuffix("config.yaml") { report("[kubelet-start] Writing kubelet configuration to file \"\(path)\"") }
            if path.hasSuffix("kubeadm-flags.env") { report("[kubelet-start] Writing kubelet environment file with flags to file \"\(path)\"") }
            try await host.writeFile(path, contents: Data(contents.utf8), mode: mode)
        }
        try await host.makeDirectory("/etc/kubernetes/manifests", mode: 0o755)
        report("[kubelet-start] Starting the kubelet")
        try await kubelet.restart()
        report("[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap...")
        try await kubelet.waitHealthy()
        try await waitForTLSBootstrap(state)
        try await host.removeFile(Self.bootstrapKubeconfigPath)
        try await annotateCRISocket(state.nodeName)
    }

    /// Until kubelet.conf exists and its identity can talk to the API server (kubeadm polls every second,
    /// up to timeouts.tlsBootstrap); the kubelet writes it once its CSR is approved and signed.
    func waitForTLSBootstrap(_ state: ClusterState) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + options.tlsBootstrapTimeout
        var last = "\(Self.kubeletKubeconfigPath) not written yet"
        while clock.now < deadline {
            if try await host.stat(Self.kubeletKubeconfigPath) != nil {
                do {
                    let kubeconfig = try await kubeletIdentity()
                    let (address, port) = try Self.serverAddress(kubeconfig.server)
                    _ = try await ClusterAccess.with(kubeconfig, apiServer: address, port: port, on: host) { try await $0.health("/healthz") }
                    return
                } catch {
                    last = "\(error)"
                }
            }
            try await Task.sleep(for: .seconds(1))
        }
        throw InitError.failed("the kubelet did not finish its TLS bootstrap within \(options.tlsBootstrapTimeout): \(last) "
            + "(is kube-controller-manager approving and signing CSRs? `journalctl -u kubelet` on \(host.name))")
    }

    /// kubeadm ≤ v1.31 records the node's CRI socket on its Node, with the node's own identity (the Node
    /// authorizer lets a kubelet patch its own Node).
    func annotateCRISocket(_ name: String) async throws {
        let kubeconfig = try await kubeletIdentity()
        let (address, port) = try Self.serverAddress(kubeconfig.server)
        let socket = options.registration.criSocket
        try await ClusterAccess.with(kubeconfig, apiServer: address, port: port, on: host) { client in
            try await client.patchNode(name, retry: options.apiRetry) { node in
                node.annotations[NodeMarks.criSocketAnnotation] == socket ? nil
                    : .object(["metadata": .object(["annotations": .object([NodeMarks.criSocketAnnotation: .string(socket)])])])
            }
        }
    }

    /// kubelet.conf with its certificate read in (the kubelet writes it pointing at kubelet-client-current.pem).
    func kubeletIdentity() async throws -> Kubeconfig {
        var kubeconfig = try await ClusterAccess.kubeconfig(at: Self.kubeletKubeconfigPath, on: host)
        if let file = kubeconfig.clientCertificateFile {
            let pem = String(decoding: try await host.readFile(file), as: UTF8.self)
            kubeconfig.clientCertificatePEM = pem
            kubeconfig.clientKeyPEM = pem
        }
        return kubeconfig
    }

    // MARK: the node's name

    func hostname() async throws -> String {
        let result = try await host.run("hostname")
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    func nodeName() async throws -> String {
        options.registration.name.isEmpty ? try await hostname() : options.registration.name
    }
}
