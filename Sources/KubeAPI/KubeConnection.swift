import Foundation
import NIOSSL
import Remote

/// Who kubeforge is to the API server.
public enum KubeCredentials: Sendable, CustomStringConvertible {
    /// A client certificate (chain) and its key, PEM: a kubeconfig's client-certificate-data/client-key-data.
    case clientCertificate(certificatePEM: String, keyPEM: String)
    /// `Authorization: Bearer …` (a bootstrap token `<id>.<secret>`).
    case bearerToken(String)
    /// No credentials: `system:anonymous` (join's discovery).
    case anonymous

    /// Never shows the key or the token.
    public var description: String {
        switch self {
        case .clientCertificate: "client certificate"
        case let .bearerToken(token): "bearer token \(token.split(separator: ".").first.map(String.init) ?? "")…"
        case .anonymous: "anonymous"
        }
    }
}

/// Which server certificates kubeforge accepts.
public enum KubeTrust: Sendable {
    /// Only certificates issued by these CAs (PEM, one or more), for the connection's server name. The normal case.
    case certificateAuthorities(pem: String)
    /// Any certificate. Only for what is verified by other means: join's first cluster-info fetch (whose content
    /// is checked against the token's signature and the CA pin) and health probes of self-signed components.
    case unverified
    /// The machine's CA store: a web server rather than a cluster (an https discovery file, as kubeadm fetches it).
    case systemRoots
}

/// How to reach one API server (or component endpoint) and as whom.
public struct KubeConnection: Sendable {
    /// The server as a kubeconfig names it (`https://k8s-master:6443`), for messages.
    public var server: String
    /// The name its certificate is checked against (the server URL's host unless given).
    public var serverName: String
    public var port: Int
    /// Where the TCP connection actually goes (a forwarded local port), when that differs from the server.
    public var connectAddress: String?
    public var connectPort: Int?
    public var scheme: String
    public var credentials: KubeCredentials
    public var trust: KubeTrust
    public var userAgent: String

    public static let defaultUserAgent = "kubeforge/dev (linux/amd64)"

    /// - Parameter server: `https://host[:port]` (a kubeconfig's `server`); the port defaults to 443.
    public init(server: String, serverName: String? = nil, credentials: KubeCredentials, trust: KubeTrust,
                userAgent: String = KubeConnection.defaultUserAgent) throws(KubeAPIError) {
        guard let url = URLComponents(string: server), let scheme = url.scheme, ["https", "http"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            throw .invalidInput("'\(server)' is not a server URL (expected https://HOST[:PORT])")
        }
        self.server = server
        self.scheme = scheme
        self.serverName = serverName ?? host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        self.port = url.port ?? (scheme == "https" ? 443 : 80)
        self.credentials = credentials
        self.trust = trust
        self.userAgent = userAgent
    }

    /// The same server reached through `forward` (a host's port over SSH, or directly). The certificate is
    /// still checked for the server's name; when that name is an IP address (which the forwarded socket's
    /// peer address can never match), it is checked for `kubernetes`, a name every kubeadm API server
    /// certificate carries.
    public func routed(through forward: any PortForward, nameForIPServers: String = "kubernetes") -> KubeConnection {
        var routed = self
        routed.connectAddress = forward.localAddress
        routed.connectPort = forward.localPort
        if Self.isIPAddress(serverName), forward.localAddress != serverName || forward.localPort != port {
            routed.serverName = nameForIPServers
        }
        return routed
    }

    /// Where requests are sent: the server name and the port that reaches it.
    var baseURL: String {
        let host = serverName.contains(":") ? "[\(serverName)]" : serverName
        return "\(scheme)://\(host):\(connectPort ?? port)"
    }

    /// `serverName` → the address that actually answers, when they differ.
    var dnsOverride: [String: String] {
        guard let connectAddress, connectAddress != serverName else { return [:] }
        return [serverName: connectAddress]
    }

    /// For messages: the server, and the forwarded port when there is one.
    public var endpointDescription: String {
        guard let connectAddress, let connectPort else { return server }
        return "\(server) (via \(connectAddress):\(connectPort))"
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    func tlsConfiguration() throws(KubeAPIError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        do {
            switch trust {
            case let .certificateAuthorities(pem):
                let roots = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
                guard !roots.isEmpty else { throw KubeAPIError.invalidInput("the CA bundle for \(server) holds no certificate") }
                tls.trustRoots = .certificates(roots)
            case .unverified:
                tls.certificateVerification = .none
            case .systemRoots:
                break  // the client configuration's default trust roots
            }
            if case let .clientCertificate(certificatePEM, keyPEM) = credentials {
                let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8))
                guard !chain.isEmpty else { throw KubeAPIError.invalidInput("the client certificate for \(server) is empty") }
                tls.certificateChain = chain.map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
            }
        } catch let error as KubeAPIError {
            throw error
        } catch {
            throw .invalidInput("the certificates or key for \(server) do not parse as PEM (\(type(of: error)))")
        }
        return tls
    }
}
