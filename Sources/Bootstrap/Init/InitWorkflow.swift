import Foundation
import Inventory
import KubeAPI
import KubeadmConfig
import PKI
import Preflight
import Remote
import Templates

/// `kubeforge init` on a node, as kubeadm's init workflow: the phases in kubeadm's order, each runnable alone
/// (`init phase NAME [SUB]`), printing kubeadm's `[phase]` lines, in either control-plane mode — static Pods
/// the kubelet runs, or systemd units running the binaries.
public struct InitWorkflow: Sendable {
    public struct Options: Sendable {
        public var mode: ClusterSettings.ControlPlaneMode = .staticPod
        /// Where binaries come from (systemd mode; the kubelet too, when given). nil: already installed.
        public var resolver: BinaryResolver?
        public var kubeconfigDir = "/etc/kubernetes"
        public var ignore: IgnoreList = .none
        public var uploadCerts = false
        /// `--certificate-key`; generated when upload-certs runs without one.
        public var certificateKey: CertificateKey?
        public var skipTokenPrint = false
        public var skipCertificateKeyPrint = false
        public var dryRun = false
        /// Whether the tokens came from flags only (kubeadm then describes its token as init's default).
        public var describeDefaultToken = true
        public var controlPlaneWaiter = HealthWaiter(timeout: .seconds(240))
        public var kubeletWaiter = HealthWaiter(timeout: .seconds(240))
        public init() {}
    }

    /// kubeadm's init phases in order, with their sub-phases (`all` runs every one).
    public static let phases: [(name: String, subphases: [String])] = [
        ("preflight", []),
        ("certs", ["all"] + CertificateCatalog.phaseNames),
        ("kubeconfig", ["all"] + KubeconfigKind.allCases.map(\.phaseName)),
        ("etcd", ["local"]),
        ("control-plane", ["all", "apiserver", "controller-manager", "scheduler"]),
        ("kubelet-start", []),
        ("wait-control-plane", []),
        ("upload-config", InitAPIPhases.UploadConfig.allCases.map(\.rawValue)),
        ("upload-certs", []),
        ("mark-control-plane", []),
        ("bootstrap-token", []),
        ("kubelet-finalize", ["all", "enable-client-cert-rotation"]),
        ("addon", InitAPIPhases.Addon.allCases.map(\.rawValue)),
        ("show-join-command", []),
    ]

    public let config: KubeadmConfiguration
    public let host: any Remote.Host
    public let options: Options
    /// kubeadm's output lines (stdout). They include the token and certificate key where kubeadm prints them.
    public let report: @Sendable (String) -> Void
    let state = InitState()

    public init(config: KubeadmConfiguration, host: any Remote.Host, options: Options, report: @escaping @Sendable (String) -> Void) {
        self.config = config
        self.host = host
        self.options = options
        self.report = report
    }

    var cluster: ClusterConfiguration { config.clusterConfiguration }
    var nodeName: String { config.initConfiguration.nodeRegistration.name }

    /// The whole workflow, without the phases in `skip` (names, or `name/sub`).
    public func run(skipping skip: Set<String> = []) async throws {
        report("[init] Using Kubernetes version: \(cluster.kubernetesVersion)")
        for (name, _) in Self.phases where !skip.contains(name) {
            try await runPhase(name, subphase: nil, skipping: skip)
        }
    }

    /// One phase (`init phase NAME [SUB]`); `subphase` nil or `all` runs all of its sub-phases.
    public func runPhase(_ name: String, subphase: String?, skipping skip: Set<String> = []) async throws {
        guard let phase = Self.phases.first(where: { $0.name == name }) else {
            throw InitError.badInput("unknown phase '\(name)'; phases: \(Self.phases.map(\.name).joined(separator: ", "))")
        }
        if let subphase, !phase.subphases.contains(subphase) {
            throw InitError.badInput("unknown sub-phase '\(subphase)' of \(name); valid: \(phase.subphases.joined(separator: ", "))")
        }
        let sub = subphase ?? phase.subphases.first ?? ""
        if options.dryRun, Self.apiPhases.contains(name) {
            return try await planAPIPhase(name)
        }
        switch name {
        case "preflight": try await preflight()
        case "certs": try await certificates(sub)
        case "kubeconfig": try await kubeconfigs(sub)
        case "etcd": try await etcd()
        case "control-plane": try await controlPlane(sub)
        case "kubelet-start": try await kubeletStart()
        case "wait-control-plane": try await waitControlPlane()
        case "upload-config": try await withAPI { try await $0.uploadConfig(InitAPIPhases.UploadConfig(rawValue: sub) ?? .all) }
        case "upload-certs": try await uploadCerts()
        case "mark-control-plane": try await withAPI { try await $0.markControlPlane() }
        case "bootstrap-token": try await bootstrapToken()
        case "kubelet-finalize": try await kubeletFinalize()
        case "addon":
            let which = InitAPIPhases.Addon(rawValue: sub) ?? .all
            try await withAPI { try await $0.addons(which.rawValue == "all" ? Self.addons(skipping: skip) : which) }
        case "show-join-command": try await showJoinCommand()
        default: break
        }
    }

    /// `--skip-phases addon/coredns` leaves only kube-proxy, and the reverse.
    static func addons(skipping skip: Set<String>) -> InitAPIPhases.Addon {
        switch (skip.contains("addon/coredns"), skip.contains("addon/kube-proxy")) {
        case (true, false): .kubeProxy
        case (false, true): .coredns
        default: .all
        }
    }

    // MARK: - the API phases

    static let apiPhases: Set<String> = ["upload-config", "upload-certs", "mark-control-plane", "bootstrap-token", "addon", "show-join-command"]

    /// --dry-run of an API phase: the objects it would create or change.
    func planAPIPhase(_ name: String) async throws {
        if name == "upload-certs", !options.uploadCerts {
            report("[upload-certs] Skipping phase. Please see --upload-certs")
            return
        }
        if name == "show-join-command" {
            report("[dryrun] would print the join commands (the token and the CA's discovery hash)")
            return
        }
        let tokens = try await state.tokens(from: config, describeDefault: options.describeDefaultToken)
        for line in try InitAPIPhases.plan(objects: try InitObjects(config: config), phases: [name], tokens: tokens, uploadCerts: options.uploadCerts) {
            report("[dryrun] [\(name)] \(line)")
        }
    }

    /// Runs `body` with the API phases on an admin client of this node's API server (created once per run;
    /// on v1.29+ it first makes sure admin.conf's group is bound to cluster-admin).
    func withAPI(_ body: (InitAPIPhases) async throws -> Void) async throws {
        let admin = try await ClusterAccess.kubeconfig(at: "\(options.kubeconfigDir)/admin.conf", on: host)
        try await ClusterAccess.with(admin, apiServer: apiServerAddress, port: apiServerPort, on: host) { client in
            let objects = try InitObjects(config: config)
            if await state.needsClusterAdmins() {
                try await InitAPIPhases.ensureClusterAdmins(objects: objects, admin: client) {
                    let superAdmin = try await ClusterAccess.kubeconfig(at: "\(options.kubeconfigDir)/super-admin.conf", on: host)
                    return try await ClusterAccess.client(superAdmin, apiServer: apiServerAddress, port: apiServerPort, on: host).client
                }
                await state.clusterAdminsEnsured()
            }
            try await body(InitAPIPhases(client: client, objects: objects, report: report))
        }
    }

    /// This node's API server as the node sees it: the advertise address (loopback when unspecified) and bind port.
    var apiServerAddress: String {
        let address = config.initConfiguration.localAPIEndpoint.advertiseAddress
        return address.isEmpty || address == "0.0.0.0" || address == "::" ? "127.0.0.1" : address
    }
    var apiServerPort: Int { config.initConfiguration.localAPIEndpoint.bindPort }

    func uploadCerts() async throws {
        guard options.uploadCerts else {
            report("[upload-certs] Skipping phase. Please see --upload-certs")
            return
        }
        let key = await state.certificateKey(options.certificateKey)
        var files: [String: Data] = [:]
        for file in KubeadmCertsSecret.files(externalEtcd: cluster.etcd.external != nil) {
            files[file.key] = try await host.readFile("\(cluster.certificatesDir)/\(file.path)")
        }
        let captured = files
        try await withAPI { try await $0.uploadCerts(files: captured, key: key) }
        if !options.skipCertificateKeyPrint {
            report("[upload-certs] Using certificate key:\n\(key.hex)")
        }
    }

    func bootstrapToken() async throws {
        let tokens = try await state.tokens(from: config, describeDefault: options.describeDefaultToken)
        let ca = String(decoding: try await host.readFile("\(cluster.certificatesDir)/ca.crt"), as: UTF8.self)
        try await withAPI { try await $0.bootstrapToken(tokens, certificateAuthorityPEM: ca, printTokens: !options.skipTokenPrint) }
    }

    func showJoinCommand() async throws {
        let admin = try await ClusterAccess.kubeconfig(at: "\(options.kubeconfigDir)/admin.conf", on: host)
        let tokens = try await state.tokens(from: config, describeDefault: options.describeDefaultToken)
        let hashes = try DiscoveryHash.of(certificatePEM: admin.certificateAuthorityPEM)
        let token = options.skipTokenPrint ? "<value withheld>" : tokens.first?.token.value ?? "<value withheld>"
        let endpoint = JoinCommandLine.endpoint(fromServer: admin.server)
        let worker = JoinCommandLine(endpoint: endpoint, token: token, caCertHashes: hashes)
        var controlPlane: JoinCommandLine?
        if !cluster.controlPlaneEndpoint.isEmpty {
            let key = options.uploadCerts ? await state.certificateKey(options.certificateKey) : nil
            let shownKey = key.map { options.skipCertificateKeyPrint ? "<value withheld>" : $0.hex }
            controlPlane = JoinCommandLine(endpoint: endpoint, token: token, caCertHashes: hashes, controlPlane: true, certificateKey: shownKey)
        }
        report("\n" + JoinCommandLine.initDoneMessage(worker: worker, controlPlane: controlPlane, uploadedCerts: options.uploadCerts,
                                                   kubeconfigPath: "\(options.kubeconfigDir)/admin.conf"))
    }
}

/// What one run learns and later phases reuse: the tokens (generated once), the certificate key, and whether
/// kubeadm:cluster-admins was already ensured.
actor InitState {
    private var tokens: [BootstrapTokenSecret]?
    private var key: CertificateKey?
    private var adminsEnsured = false

    func tokens(from config: KubeadmConfiguration, describeDefault: Bool, now: Date = Date()) throws -> [BootstrapTokenSecret] {
        if let tokens { return tokens }
        var entries = config.initConfiguration.bootstrapTokens
        if entries.isEmpty { entries = [KubeadmConfig.BootstrapToken()] }
        let made = try entries.map { entry in
            let token = entry.token.isEmpty ? PKI.BootstrapToken.generate() : try PKI.BootstrapToken(parsing: entry.token)
            var expires: Date?
            if !entry.expires.isEmpty {
                guard let date = BootstrapTokenSecret.parseRFC3339(entry.expires) else {
                    throw InitError.badInput("bootstrapTokens: expires '\(entry.expires)' is not an RFC 3339 time")
                }
                expires = date
            } else if let ttl = entry.ttl, ttl.seconds > 0 {
                expires = now.addingTimeInterval(TimeInterval(ttl.seconds))
            }
            let description = entry.description.isEmpty && describeDefault ? BootstrapTokenSecret.initDescription : entry.description
            return try BootstrapTokenSecret(token: token, description: description, expires: expires, usages: entry.usages, groups: entry.groups)
        }
        tokens = made
        return made
    }

    func certificateKey(_ given: CertificateKey?) -> CertificateKey {
        if let key { return key }
        let made = given ?? CertificateKey.generate()
        key = made
        return made
    }

    func needsClusterAdmins() -> Bool { !adminsEnsured }
    func clusterAdminsEnsured() { adminsEnsured = true }
}

public enum InitError: Error, CustomStringConvertible {
    case badInput(String)
    case failed(String)

    public var description: String {
        switch self {
        case let .badInput(text), let .failed(text): text
        }
    }
}
