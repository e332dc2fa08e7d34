import ArgumentParser
import Bootstrap
import Foundation
import Inventory
import KubeadmConfig
import PKI
import Preflight
import Remote

/// `kubeforge join ENDPOINT --token T --discovery-token-ca-cert-hash sha256:H [--control-plane --certificate-key K]`:
/// kubeadm's join on this node (discovery, the cluster's configuration, the kubelet's TLS bootstrap), as a worker
/// or as another control plane (the shared certificates downloaded, this node's own, an etcd member, the
/// control-plane components as static Pods or, with --control-plane-mode systemd --bundle DIR, systemd units).
struct JoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Join this node to a cluster as a worker or a control plane (kubeadm-compatible).",
        discussion: """
        Discovery fetches kube-public/cluster-info, accepts it only with this token's signature and a CA matching a \
        --discovery-token-ca-cert-hash (or --discovery-token-unsafe-skip-ca-verification), then the kubelet starts \
        with a bootstrap token and is waited for until its client certificate is signed. With --control-plane, the \
        certificates uploaded by `init --upload-certs` (or `init phase upload-certs --upload-certs`) are downloaded \
        and decrypted with --certificate-key, and this node gets its own certificates, kubeconfigs, etcd member and \
        control-plane components; the cluster needs a controlPlaneEndpoint. Exits 1 when the join fails, 2 on bad input.
        """)

    @Argument(help: "The API server endpoint (host:port), as init's join command prints it.")
    var endpoint: String?

    @Option(help: "The token for both discovery and the kubelet's TLS bootstrap.")
    var token: String?

    @Option(help: "The token for discovery (default: --token).")
    var discoveryToken: String?

    @Option(help: "The token for the kubelet's TLS bootstrap (default: --token).")
    var tlsBootstrapToken: String?

    @Option(help: "The cluster CA's public key pin (sha256:<hex>); may be given more than once.")
    var discoveryTokenCaCertHash: [String] = []

    @Flag(help: "Trust cluster-info without a CA pin (only its token signature protects the join).")
    var discoveryTokenUnsafeSkipCaVerification = false

    @Option(help: ArgumentHelp("A kubeconfig on this node or at an https URL whose cluster (server, CA) is trusted instead of token discovery; the kubelet authenticates with --tls-bootstrap-token (or --token), else with the file's credentials.", valueName: "file-or-url"))
    var discoveryFile: String?

    @Option(help: "The node name (default: the lower-cased hostname).")
    var nodeName: String?

    @Option(help: "The container runtime's CRI socket.")
    var criSocket: String?

    @Option(help: ArgumentHelp("A JoinConfiguration (v1beta3 or v1beta4).", valueName: "file"))
    var config: String?

    @Option(help: "Preflight checks whose errors become warnings, comma separated, or 'all'.")
    var ignorePreflightErrors: [String] = []

    @Flag(help: "Join as a control-plane node.")
    var controlPlane = false

    @Option(help: "With --control-plane: the key that decrypts the uploaded certificates (64 hex characters).")
    var certificateKey: String?

    @Option(help: "With --control-plane: the IP this node's API server advertises (default: the address of the default-route interface).")
    var apiserverAdvertiseAddress: String?

    @Option(help: "With --control-plane: the port this node's API server binds (default 6443).")
    var apiserverBindPort: Int?

    @Option(help: "With --control-plane: static-pod (the kubelet runs the control plane) or systemd (units from --bundle).")
    var controlPlaneMode: String?

    @Option(help: ArgumentHelp("Install the kubelet (binary, kubelet.service, 10-kubeadm.conf) from this directory of binaries first; with --control-plane also etcdctl, kubectl and, in systemd mode, etcd and the kube-* binaries.", valueName: "dir"))
    var bundle: String?

    @Option(help: ArgumentHelp("Resolve every host path under this directory.", valueName: "dir"))
    var rootfs: String?

    @Flag(help: "Run discovery and print what would be written; change nothing.")
    var dryRun = false

    func run() async throws {
        let options = try joinOptions()
        let workflow = JoinWorkflow(host: LocalHost.named(rootfs: rootfs), options: options) { print($0) }
        do {
            try await workflow.run()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Flags over the JoinConfiguration of --config; every problem is bad input (exit 2) with what to fix.
    func joinOptions() throws -> JoinWorkflow.Options {
        var join = JoinConfiguration()
        if let config {
            do {
                guard let loaded = try KubeadmConfiguration.load(contentsOf: config).joinConfiguration else {
                    throw ConfigInput.badInput("\(config): no JoinConfiguration document")
                }
                join = loaded
            } catch let error as KubeadmConfigError {
                throw ConfigInput.badInput(error.description)
            }
        }
        var discovery = join.discovery.bootstrapToken ?? JoinConfiguration.BootstrapTokenDiscovery()
        if let endpoint { discovery.apiServerEndpoint = endpoint }
        if let value = discoveryToken ?? token { discovery.token = value }
        if !discoveryTokenCaCertHash.isEmpty { discovery.caCertHashes = discoveryTokenCaCertHash }
        if discoveryTokenUnsafeSkipCaVerification { discovery.unsafeSkipCAVerification = true }
        let tls = tlsBootstrapToken ?? (join.discovery.tlsBootstrapToken.isEmpty ? nil : join.discovery.tlsBootstrapToken) ?? token
        let tlsToken: PKI.BootstrapToken?
        do {
            tlsToken = try tls.map { try PKI.BootstrapToken(parsing: $0) }
        } catch {
            throw ConfigInput.badInput("--tls-bootstrap-token: \(error)")
        }
        var options: JoinWorkflow.Options
        if let file = discoveryFile ?? (join.discovery.kubeConfigPath.isEmpty ? nil : join.discovery.kubeConfigPath) {
            // kubeadm's file discovery: the file's CA is the trust anchor; the kubelet authenticates with the TLS
            // bootstrap token, or with the file's own credentials.
            do { try FileDiscovery.refuseUntrustedURL(file) } catch { throw ConfigInput.badInput(error.description) }
            options = JoinWorkflow.Options(endpoint: endpoint ?? "-", token: nil)
            options.discoveryFile = file
            options.tlsBootstrapToken = tlsToken
        } else {
            guard !discovery.apiServerEndpoint.isEmpty else { throw ConfigInput.badInput("give the API server endpoint (host:port), as init's join command prints it") }
            guard !discovery.token.isEmpty else { throw ConfigInput.badInput("give --token (or --discovery-token)") }
            do {
                options = JoinWorkflow.Options(endpoint: discovery.apiServerEndpoint, token: try PKI.BootstrapToken(parsing: discovery.token))
            } catch {
                throw ConfigInput.badInput("\(error)")
            }
            options.tlsBootstrapToken = tlsToken
            do {
                options.caCertHashes = try discovery.caCertHashes.map(DiscoveryHash.parse)
            } catch {
                throw ConfigInput.badInput("--discovery-token-ca-cert-hash: \(error)")
            }
            options.unsafeSkipCAVerification = discovery.unsafeSkipCAVerification
            guard !options.caCertHashes.isEmpty || options.unsafeSkipCAVerification else {
                throw ConfigInput.badInput("token discovery without --discovery-token-ca-cert-hash is unsafe: give the CA's hash (init's join command prints it), or --discovery-token-unsafe-skip-ca-verification")
            }
        }
        options.registration = join.nodeRegistration
        if let nodeName { options.registration.name = nodeName }
        if let criSocket { options.registration.criSocket = criSocket }
        do {
            options.ignore = try IgnoreList(parsing: ignorePreflightErrors.flatMap { $0.split(separator: ",").map(String.init) } + join.nodeRegistration.ignorePreflightErrors)
        } catch {
            throw ConfigInput.badInput("--ignore-preflight-errors: \(error)")
        }
        options.dryRun = dryRun
        let bundlePath = bundle.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if let bundle, let path = bundlePath {
            guard FileManager.default.fileExists(atPath: "\(path)/kubelet") else { throw ConfigInput.badInput("--bundle \(bundle): no kubelet there") }
            options.resolver = BinaryResolver(source: .directory(path))
        }
        options.controlPlane = try controlPlaneOptions(join.controlPlane)
        if let bundle, let path = bundlePath, options.controlPlane?.mode == .systemd {
            let missing = Self.systemdBinaries.filter { !FileManager.default.fileExists(atPath: "\(path)/\($0)") }
            guard missing.isEmpty else { throw ConfigInput.badInput("--bundle \(bundle): \(missing.joined(separator: ", ")) missing there (systemd mode runs the control plane from the bundle)") }
        }
        options.discoveryTimeout = Duration.seconds(join.timeouts.discovery.seconds)
        options.tlsBootstrapTimeout = Duration.seconds(join.timeouts.tlsBootstrap.seconds)
        return options
    }

    static let systemdBinaries = ["etcd", "etcdctl", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet"]

    /// --control-plane (or the config's `controlPlane`), over its `localAPIEndpoint` and `certificateKey`; nil
    /// for a worker, which the control-plane flags do not fit.
    func controlPlaneOptions(_ configured: JoinConfiguration.ControlPlane?) throws -> ControlPlaneJoin.Options? {
        guard controlPlane || configured != nil else {
            let given = [("--certificate-key", certificateKey != nil), ("--apiserver-advertise-address", apiserverAdvertiseAddress != nil),
                         ("--apiserver-bind-port", apiserverBindPort != nil), ("--control-plane-mode", controlPlaneMode != nil)]
            let stray = given.filter(\.1).map(\.0)
            guard stray.isEmpty else { throw ConfigInput.badInput("\(stray.joined(separator: ", ")): only for a control-plane join; add --control-plane") }
            return nil
        }
        var settings = configured ?? JoinConfiguration.ControlPlane()
        if let apiserverAdvertiseAddress { settings.localAPIEndpoint.advertiseAddress = apiserverAdvertiseAddress }
        if let apiserverBindPort { settings.localAPIEndpoint.bindPort = apiserverBindPort }
        if let certificateKey { settings.certificateKey = certificateKey }
        let key: CertificateKey?
        do {
            key = settings.certificateKey.isEmpty ? nil : try CertificateKey(hex: settings.certificateKey)
        } catch {
            throw ConfigInput.badInput("--certificate-key: \(error)")
        }
        var address = settings.localAPIEndpoint.advertiseAddress
        if ["", "0.0.0.0", "::"].contains(address) {
            do { address = try InitPhaseAddressDetection.defaultRouteAddress() } catch { throw ConfigInput.badInput("\(error)") }
        }
        guard (1...65535).contains(settings.localAPIEndpoint.bindPort) else {
            throw ConfigInput.badInput("--apiserver-bind-port \(settings.localAPIEndpoint.bindPort): expected a port between 1 and 65535")
        }
        var options = ControlPlaneJoin.Options(certificateKey: key, advertiseAddress: address, bindPort: settings.localAPIEndpoint.bindPort)
        let modeText = controlPlaneMode ?? ClusterSettings.ControlPlaneMode.staticPod.rawValue
        guard let mode = ClusterSettings.ControlPlaneMode(rawValue: modeText) else {
            throw ConfigInput.badInput("--control-plane-mode \(modeText): expected static-pod or systemd")
        }
        if mode == .systemd, bundle == nil {
            throw ConfigInput.badInput("--control-plane-mode systemd needs --bundle DIR with \(Self.systemdBinaries.joined(separator: ", "))")
        }
        options.mode = mode
        return options
    }
}
