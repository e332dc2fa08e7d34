import ArgumentParser
import Bootstrap
import Foundation
import Inventory
import KubeadmConfig
import PKI
import Preflight
import Remote

/// kubeadm's init flags (and kubeforge's control-plane mode and bundle), turned into one `InitWorkflow` on this
/// node. Shared by `kubeforge init` and every `init phase` that talks to the node or the API server.
struct InitWorkflowOptions: ParsableArguments {
    @OptionGroup var kubeadm: KubeadmInitFlagOptions

    @Option(help: ArgumentHelp("A kubeadm configuration file (InitConfiguration and ClusterConfiguration, v1beta3 or v1beta4).", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Resolve every host path under this directory.", valueName: "dir"))
    var rootfs: String?

    @Flag(help: "Print what would be done; change nothing.")
    var dryRun = false

    @Option(help: "static-pod (the kubelet runs the control plane) or systemd (the binaries run as systemd units).")
    var controlPlaneMode: String = ClusterSettings.ControlPlaneMode.staticPod.rawValue

    @Option(help: ArgumentHelp("Directory of binaries to install (etcd, etcdctl, kube-*, kubelet; optional SHA256SUMS); systemd mode needs it.", valueName: "dir"))
    var bundle: String?

    @Option(name: .customLong("kubeconfig-dir"), help: "Where the kubeconfig files are.")
    var kubeconfigDir = "/etc/kubernetes"

    @Option(help: "Preflight checks whose errors become warnings, by name (case-insensitive), comma separated, or 'all'.")
    var ignorePreflightErrors: [String] = []

    @Flag(help: "Upload the control-plane certificates to the kubeadm-certs Secret (encrypted with the certificate key).")
    var uploadCerts = false

    @Option(help: "The key (64 hex characters) that encrypts the uploaded certificates; generated when not given.")
    var certificateKey: String?

    @Option(help: "The bootstrap token to use ([a-z0-9]{6}.[a-z0-9]{16}); generated when not given.")
    var token: String?

    @Option(help: "How long the bootstrap token is valid (Go duration, 24h0m0s by default; 0 means forever).")
    var tokenTtl: String?

    @Flag(help: "Do not print the bootstrap token.")
    var skipTokenPrint = false

    @Flag(help: "Do not print the certificate key.")
    var skipCertificateKeyPrint = false

    /// The workflow these flags describe. Bad input becomes exit 2 with the message on stderr.
    func workflow() throws -> InitWorkflow {
        var configuration = try ConfigInput.load(configFile: config, flags: kubeadm.initFlags, rejectMixedFlags: true)
        do {
            try applyTokenFlags(to: &configuration)
            let address = configuration.initConfiguration.localAPIEndpoint.advertiseAddress
            let detected = ["", "0.0.0.0", "::"].contains(address) ? try InitPhaseAddressDetection.defaultRouteAddress() : address
            configuration.completeNodeSpecific(hostname: ProcessInfo.processInfo.hostName, defaultRouteAddress: detected)
        } catch {
            throw ConfigInput.badInput("\(error)")
        }
        var options = InitWorkflow.Options()
        guard let mode = ClusterSettings.ControlPlaneMode(rawValue: controlPlaneMode) else {
            throw ConfigInput.badInput("--control-plane-mode \(controlPlaneMode): expected static-pod or systemd")
        }
        options.mode = mode
        options.resolver = try resolver()
        options.kubeconfigDir = kubeconfigDir
        options.dryRun = dryRun
        options.uploadCerts = uploadCerts
        options.skipTokenPrint = skipTokenPrint
        options.skipCertificateKeyPrint = skipCertificateKeyPrint
        options.describeDefaultToken = config == nil
        let key = certificateKey ?? (configuration.initConfiguration.certificateKey.isEmpty ? nil : configuration.initConfiguration.certificateKey)
        if let key {
            do { options.certificateKey = try CertificateKey(hex: key) } catch { throw ConfigInput.badInput("--certificate-key: \(error)") }
        }
        do {
            let names = ignorePreflightErrors.flatMap { $0.split(separator: ",").map(String.init) }
                + configuration.initConfiguration.nodeRegistration.ignorePreflightErrors
            options.ignore = try IgnoreList(parsing: names)
        } catch {
            throw ConfigInput.badInput("--ignore-preflight-errors: \(error)")
        }
        if mode == .systemd, options.resolver == nil {
            throw ConfigInput.badInput("--control-plane-mode systemd needs --bundle DIR with etcd, etcdctl, kube-apiserver, kube-controller-manager, kube-scheduler and kubelet")
        }
        return InitWorkflow(config: configuration, host: LocalHost.named(rootfs: rootfs), options: options) { print($0) }
    }

    /// kubeadm's --token and --token-ttl set the first bootstrap token.
    func applyTokenFlags(to configuration: inout KubeadmConfiguration) throws {
        guard token != nil || tokenTtl != nil else { return }
        var first = configuration.initConfiguration.bootstrapTokens.first ?? KubeadmConfig.BootstrapToken()
        if let token {
            _ = try PKI.BootstrapToken(parsing: token)
            first.token = token
        }
        if let tokenTtl {
            guard let ttl = GoDuration(parsing: tokenTtl) else { throw InitError.badInput("--token-ttl \(tokenTtl): not a duration (like 24h0m0s, 2h, 0)") }
            first.ttl = ttl
        }
        if configuration.initConfiguration.bootstrapTokens.isEmpty {
            configuration.initConfiguration.bootstrapTokens = [first]
        } else {
            configuration.initConfiguration.bootstrapTokens[0] = first
        }
    }

    func resolver() throws -> BinaryResolver? {
        guard let bundle else { return nil }
        let path = URL(fileURLWithPath: bundle).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigInput.badInput("--bundle \(bundle): not a directory")
        }
        return BinaryResolver(source: .directory(path))
    }

    /// Runs `body` on the workflow; a failure is printed on stderr and becomes exit 1 (2 for bad input).
    func run(_ body: (InitWorkflow) async throws -> Void) async throws {
        let workflow = try workflow()
        do {
            try await body(workflow)
        } catch let error as InitError {
            if case .badInput = error { throw ConfigInput.badInput(error.description) }
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// One init phase that `InitWorkflow` runs (`kubeforge init phase NAME [SUB]`).
protocol InitWorkflowPhase {
    static var name: String { get }
    static var abstract: String { get }
}

struct InitPhaseRunCommand<P: InitWorkflowPhase>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        let subphases = InitWorkflow.phases.first { $0.name == P.name }?.subphases ?? []
        return CommandConfiguration(commandName: P.name, abstract: P.abstract + (subphases.isEmpty ? "" : " (\(subphases.joined(separator: ", ")))"))
    }

    @Argument(help: "A sub-phase, or all.")
    var subphase: String?

    @OptionGroup var workflow: InitWorkflowOptions

    func run() async throws {
        try await workflow.run { try await $0.runPhase(P.name, subphase: subphase) }
    }
}

/// The init phases `InitWorkflow` runs that have no command of their own.
enum InitStep {
    enum Preflight: InitWorkflowPhase {
        static let name = "preflight", abstract = "Run init's pre-flight checks on this node."
    }
    enum KubeletStart: InitWorkflowPhase {
        static let name = "kubelet-start", abstract = "Write the kubelet's configuration and (re)start it."
    }
    enum WaitControlPlane: InitWorkflowPhase {
        static let name = "wait-control-plane", abstract = "Wait for the kubelet and the control plane to be healthy."
    }
    enum UploadConfig: InitWorkflowPhase {
        static let name = "upload-config", abstract = "Upload the kubeadm and kubelet configurations to ConfigMaps."
    }
    enum UploadCerts: InitWorkflowPhase {
        static let name = "upload-certs", abstract = "Upload the control-plane certificates to the kubeadm-certs Secret (with --upload-certs)."
    }
    enum MarkControlPlane: InitWorkflowPhase {
        static let name = "mark-control-plane", abstract = "Label and taint this node as a control plane."
    }
    enum BootstrapToken: InitWorkflowPhase {
        static let name = "bootstrap-token", abstract = "Create the bootstrap token, node bootstrap RBAC and cluster-info."
    }
    enum KubeletFinalize: InitWorkflowPhase {
        static let name = "kubelet-finalize", abstract = "Point kubelet.conf at the kubelet's rotating client certificate."
    }
    enum Addon: InitWorkflowPhase {
        static let name = "addon", abstract = "Install the CoreDNS and kube-proxy addons."
    }
    enum ShowJoinCommand: InitWorkflowPhase {
        static let name = "show-join-command", abstract = "Print the join commands."
    }
}
