import Foundation
import KubeAPI
import PKI
import Remote

/// kubeadm's file discovery (discovery/file, discovery/https): a kubeconfig on the joining node, or at an https
/// URL, names the API server and the CA to trust instead of a token's signature. Before anything is written,
/// kube-public/cluster-info is read with that CA (and the file's credentials, if it has any), which proves the
/// TLS connection early; a 403 means anonymous may not read it, and the file is used as it is, as kubeadm
/// does. A file that names its CA, certificate or key by path gets their contents embedded, so that it can
/// serve as bootstrap-kubelet.conf.
public struct FileDiscovery: Sendable {
    /// A path on `host`, or an `https://` URL.
    public var source: String
    /// kubeadm's timeouts.discovery and DiscoveryRetryInterval.
    public var timeout: Duration = .seconds(300)
    public var interval: Duration = .seconds(5)
    /// Whom an https URL's certificate must chain to: the machine's CA store, as for kubeadm's Go HTTP client.
    public var urlTrust: KubeTrust = .systemRoots
    /// Where files are read and from where TCP connections are made (the joining node).
    public var host: any Remote.Host
    public var report: @Sendable (String) -> Void

    public init(source: String, host: any Remote.Host, report: @escaping @Sendable (String) -> Void) {
        self.source = source
        self.host = host
        self.report = report
    }

    static func isURL(_ source: String) -> Bool { source.lowercased().hasPrefix("https://") }

    /// A plain http:// URL is refused: nothing would vouch for the CA it hands out.
    public static func refuseUntrustedURL(_ source: String) throws(DiscoveryError) {
        if source.lowercased().hasPrefix("http://") {
            throw .badDiscoveryFile(source, "an http:// URL cannot be trusted; serve it over https or copy the file to the node")
        }
    }

    /// The file's kubeconfig with everything embedded, once its API server proved to hold the CA's certificate.
    public func discover() async throws -> Kubeconfig {
        try Self.refuseUntrustedURL(source)
        let text = try await Self.isURL(source) ? fetchURL() : readFile(source)
        var kubeconfig: Kubeconfig
        do {
            kubeconfig = try Kubeconfig.parse(text, path: source)
        } catch {
            throw DiscoveryError.badDiscoveryFile(source, "\(error)")
        }
        try await embed(&kubeconfig)
        try await validate(kubeconfig)
        return kubeconfig
    }

    func readFile(_ path: String) async throws -> String {
        do {
            return String(decoding: try await host.readFile(path), as: UTF8.self)
        } catch {
            throw DiscoveryError.badDiscoveryFile(path, "cannot read it on \(host.name): \(error)")
        }
    }

    /// One GET, as the node reaches the URL's host; the body is the kubeconfig.
    func fetchURL() async throws -> String {
        guard let url = URLComponents(string: source), let address = url.host, !address.isEmpty else {
            throw DiscoveryError.badDiscoveryFile(source, "not a URL")
        }
        let port = url.port ?? 443
        let path = (url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath) + (url.percentEncodedQuery.map { "?\($0)" } ?? "")
        do {
            let connection = try KubeConnection(server: "https://\(url.percentEncodedHost ?? address):\(port)", credentials: .anonymous,
                                                trust: urlTrust, userAgent: ClusterAccess.userAgent)
            return try await ClusterAccess.with(connection, address: address.trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
                                                port: port, on: host) { try await $0.text(at: path) }
        } catch {
            throw DiscoveryError.badDiscoveryFile(source, "cannot fetch it: \(error)")
        }
    }

    /// kubeadm's EnsureCertificateAuthorityIsEmbedded and EnsureAuthenticationInfoAreEmbedded.
    func embed(_ kubeconfig: inout Kubeconfig) async throws {
        if kubeconfig.certificateAuthorityPEM.isEmpty, let file = kubeconfig.certificateAuthorityFile {
            kubeconfig.certificateAuthorityPEM = try await readFile(file)
        }
        guard !kubeconfig.certificateAuthorityPEM.isEmpty else {
            throw DiscoveryError.badDiscoveryFile(source, "its cluster has neither certificate-authority-data nor certificate-authority, so its server cannot be verified")
        }
        if kubeconfig.clientCertificatePEM == nil, let file = kubeconfig.clientCertificateFile {
            kubeconfig.clientCertificatePEM = try await readFile(file)
            kubeconfig.clientKeyPEM = try await readFile(kubeconfig.clientKeyFile ?? file)
        }
        kubeconfig.certificateAuthorityFile = nil
        kubeconfig.clientCertificateFile = nil
        kubeconfig.clientKeyFile = nil
    }

    /// Reads cluster-info through the file's trust until it answers or forbids (kubeadm's ValidateConfigInfo).
    func validate(_ kubeconfig: Kubeconfig) async throws {
        let (address, port) = try JoinWorkflow.serverAddress(kubeconfig.server)
        let credentials = kubeconfig.hasCredentials
        report("[discovery] Requesting cluster-info from \(kubeconfig.server) \(credentials ? "with the discovery file's credentials" : "anonymously") to validate the TLS connection")
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let last: String
            do {
                let info = try await clusterInfo(kubeconfig, credentials: credentials, address: address, port: port)
                if let refreshed = try? ClusterInfo(kubeconfig: info), refreshed.server != kubeconfig.server {
                    report("[discovery] WARNING: the API server endpoint \"\(kubeconfig.server)\" in use is different from the endpoint \"\(refreshed.server)\" which is defined in the cluster-info ConfigMap")
                }
                return
            } catch let error as KubeAPIError where error.isForbidden {
                report("[discovery] Could not access the cluster-info ConfigMap for refreshing the cluster-info information, but the TLS cert is valid so proceeding...")
                return
            } catch let error as KubeAPIError {
                // A certificate that fails verification or a CA that does not parse will not change by waiting.
                if case let .tls(_, endpoint, reason) = error { throw DiscoveryError.tls(endpoint: endpoint, reason: reason) }
                if case let .invalidInput(reason) = error { throw DiscoveryError.badDiscoveryFile(source, reason) }
                last = "\(error)"
            } catch let error as DiscoveryError {
                last = "\(error)"
            }
            guard clock.now + interval < deadline else {
                throw DiscoveryError.unreachable(endpoint: kubeconfig.server, reason: "abort reading the cluster-info ConfigMap after timeout of \(timeout.formatted(.units(allowed: [.seconds], width: .narrow, fractionalPart: .show(length: 1)))): \(last)")
            }
            try await Task.sleep(for: interval)
        }
    }

    /// cluster-info's `kubeconfig` value (empty when the ConfigMap lacks it: the file is then used as it is).
    func clusterInfo(_ kubeconfig: Kubeconfig, credentials: Bool, address: String, port: Int) async throws -> String {
        let forward: any PortForward
        do {
            forward = try await host.forwardPort(port, on: address)
        } catch {
            throw DiscoveryError.unreachable(endpoint: kubeconfig.server, reason: "\(error)")
        }
        do {
            let connection = try credentials ? ClusterAccess.connection(kubeconfig)
                : KubeConnection(server: kubeconfig.server, credentials: .anonymous,
                                 trust: .certificateAuthorities(pem: kubeconfig.certificateAuthorityPEM), userAgent: ClusterAccess.userAgent)
            let object = try await KubeClient.with(connection.routed(through: forward)) { client in
                try await client.get(.configMaps, "cluster-info", namespace: "kube-public")
            }
            await forward.close()
            return object.stringData["kubeconfig"] ?? ""
        } catch {
            await forward.close()
            throw error
        }
    }
}
