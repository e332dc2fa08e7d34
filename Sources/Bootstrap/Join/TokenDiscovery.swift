import Foundation
import KubeAPI
import PKI
import Remote

/// What token discovery learns: the cluster's API server and CA, from a cluster-info kubeconfig the token
/// signed and a pinned CA vouched for.
public struct ClusterInfo: Sendable, Equatable {
    public var server: String
    public var certificateAuthorityPEM: String
    /// cluster-info's `kubeconfig` value, as served.
    public var kubeconfig: String
    /// File discovery: the discovery file, everything embedded. Without a TLS bootstrap token it is the
    /// kubelet's bootstrap kubeconfig as it is, credentials included (kubeadm's discovery.For).
    public var discoveryFile: Kubeconfig?

    /// The cluster of a discovery file.
    public init(discoveryFile: Kubeconfig) {
        server = discoveryFile.server
        certificateAuthorityPEM = discoveryFile.certificateAuthorityPEM
        kubeconfig = ""
        self.discoveryFile = discoveryFile
    }

    /// The first cluster of a cluster-info kubeconfig (one cluster named "", no users, no contexts).
    public init(kubeconfig: String) throws {
        let value = try JSONValue(yaml: kubeconfig)
        guard let cluster = value["clusters"]?.arrayValue?.first?["cluster"], let server = cluster["server"]?.stringValue,
              let data = cluster["certificate-authority-data"]?.stringValue, let pem = Data(base64Encoded: data) else {
            throw DiscoveryError.badClusterInfo("its kubeconfig has no cluster with a server and certificate-authority-data")
        }
        self.server = server
        certificateAuthorityPEM = String(decoding: pem, as: UTF8.self)
        self.kubeconfig = kubeconfig
    }
}

/// Why discovery failed, worded so the operator knows what to do.
public enum DiscoveryError: Error, CustomStringConvertible, Equatable {
    case unknownToken(id: String)
    case badSignature
    case pinMismatch(expected: [String], actual: [String])
    case unreachable(endpoint: String, reason: String)
    case tls(endpoint: String, reason: String)
    case changedBetweenFetches
    case badClusterInfo(String)
    /// --discovery-file: the file or URL, and what is wrong with it.
    case badDiscoveryFile(String, String)

    public var description: String {
        switch self {
        case let .unknownToken(id):
            "token id \"\(id)\" is invalid for this cluster or it has expired (cluster-info has no signature for it); create a new one with `kubeforge token create --print-join-command` on a control plane"
        case .badSignature:
            "failed to verify the JWS signature of cluster-info with this token: wrong token secret, or the API server is not the cluster's; kubeforge does not trust it"
        case let .pinMismatch(expected, actual):
            "the cluster CA in cluster-info matches none of the pins: expected \(expected.joined(separator: " or ")), the CA's hash is \(actual.joined(separator: ", ")) (check --discovery-token-ca-cert-hash; on a control plane: `kubeforge token create --print-join-command`)"
        case let .unreachable(endpoint, reason):
            "cannot reach the API server at \(endpoint): \(reason)"
        case let .tls(endpoint, reason):
            "TLS with \(endpoint) failed once verified with the discovered CA: \(reason)"
        case .changedBetweenFetches:
            "cluster-info changed between the unverified and the verified fetch; try again"
        case let .badClusterInfo(reason):
            "cluster-info is not usable: \(reason)"
        case let .badDiscoveryFile(source, reason):
            "--discovery-file \(source): \(reason)"
        }
    }
}

/// kubeadm's token discovery (discovery/token/token.go): fetch kube-public/cluster-info anonymously without
/// trusting the server, accept it only if it carries this token's signature and (unless skipped) a CA
/// matching a pin, then fetch it again trusting only that CA and require the same bytes.
public struct TokenDiscovery: Sendable {
    /// `host:port` the operator gave.
    public var endpoint: String
    public var token: BootstrapToken
    /// `sha256:<hex>` pins, normalised.
    public var caCertHashes: [String]
    public var unsafeSkipCAVerification = false
    /// kubeadm's timeouts.discovery and DiscoveryRetryInterval.
    public var timeout: Duration = .seconds(300)
    public var interval: Duration = .seconds(5)
    /// How a TCP connection to `host:port` is made: the joining host's own view (directly on a node, its SSH
    /// connection from an operator's machine).
    public var host: any Remote.Host

    public init(endpoint: String, token: BootstrapToken, caCertHashes: [String], unsafeSkipCAVerification: Bool = false, host: any Remote.Host) {
        self.endpoint = endpoint
        self.token = token
        self.caCertHashes = caCertHashes
        self.unsafeSkipCAVerification = unsafeSkipCAVerification
        self.host = host
    }

    public func discover() async throws -> ClusterInfo {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var last: DiscoveryError = .unreachable(endpoint: endpoint, reason: "not tried")
        while true {
            do {
                let first = try await fetch(trust: .unverified)
                return try await validate(first, refetch: { try await fetch(trust: .certificateAuthorities(pem: $0)) })
            } catch let error as DiscoveryError {
                switch error {
                case .unknownToken, .unreachable:
                    last = error  // the signer may not have run yet, the server may be starting: wait
                default:
                    throw error
                }
            }
            guard clock.now + interval < deadline else { throw last }
            try await Task.sleep(for: interval)
        }
    }

    /// Checks signature and pins of a first, unverified answer; `refetch` fetches again trusting a CA.
    func validate(_ first: [String: String], refetch: (String) async throws -> [String: String]) async throws -> ClusterInfo {
        guard let kubeconfig = first["kubeconfig"] else { throw DiscoveryError.badClusterInfo("no kubeconfig key") }
        guard let signature = first["jws-kubeconfig-\(token.id)"] else { throw DiscoveryError.unknownToken(id: token.id) }
        guard DetachedJWS.isValid(signature, payload: kubeconfig, tokenID: token.id, secret: token.secret) else {
            throw DiscoveryError.badSignature
        }
        let info = try ClusterInfo(kubeconfig: kubeconfig)
        if unsafeSkipCAVerification { return info }
        let actual = try DiscoveryHash.of(certificatePEM: info.certificateAuthorityPEM)
        guard actual.contains(where: caCertHashes.contains) else { throw DiscoveryError.pinMismatch(expected: caCertHashes, actual: actual) }
        let second = try await refetch(info.certificateAuthorityPEM)
        guard second["kubeconfig"] == kubeconfig else { throw DiscoveryError.changedBetweenFetches }
        return info
    }

    /// One anonymous GET of cluster-info (as the joining host reaches the endpoint).
    func fetch(trust: KubeTrust) async throws -> [String: String] {
        let (address, port) = try Self.split(endpoint)
        let forward: any PortForward
        do {
            forward = try await host.forwardPort(port, on: address)
        } catch {
            throw DiscoveryError.unreachable(endpoint: endpoint, reason: "\(error)")
        }
        do {
            let connection = try KubeConnection(server: "https://\(endpoint)", credentials: .anonymous, trust: trust,
                                                userAgent: ClusterAccess.userAgent).routed(through: forward)
            let object = try await KubeClient.with(connection) { client in
                try await client.get(.configMaps, "cluster-info", namespace: "kube-public")
            }
            await forward.close()
            return object.stringData
        } catch let error as KubeAPIError {
            await forward.close()
            switch error {
            case let .tls(_, _, reason): throw DiscoveryError.tls(endpoint: endpoint, reason: reason)
            case let .transport(_, _, reason): throw DiscoveryError.unreachable(endpoint: endpoint, reason: reason)
            // Not served yet (404), or the RBAC rule for anonymous is missing (403): kubeadm keeps trying too.
            default: throw DiscoveryError.unreachable(endpoint: endpoint, reason: "\(error)")
            }
        } catch {
            await forward.close()
            throw error
        }
    }

    /// `host:port`, `[v6]:port`.
    static func split(_ endpoint: String) throws -> (String, Int) {
        guard let colon = endpoint.lastIndex(of: ":"), let port = Int(endpoint[endpoint.index(after: colon)...]), (1...65535).contains(port) else {
            throw DiscoveryError.badClusterInfo("the endpoint '\(endpoint)' is not host:port")
        }
        let host = endpoint[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return (host, port)
    }
}
