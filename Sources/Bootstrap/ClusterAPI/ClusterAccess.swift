import Foundation
import KubeAPI
import KubeTypes
import PKI
import Remote

/// How kubeforge becomes a client of a cluster: a kubeconfig's credentials and CA, and a route to an API
/// server as a host sees it (directly on a node, over the host's SSH connection from an operator's machine).
public enum ClusterAccess {
    /// `name/version (os/arch)` as client-go's: the API server names the field manager of an update after the
    /// part before the first `/` ("kubeforge"), as it names kubeadm's "kubeadm".
    public static let userAgent = "kubeforge/v\(KubeforgeVersion.current) (linux/amd64)"

    /// Reads and parses a kubeconfig on `host` (admin.conf, super-admin.conf, kubelet.conf).
    public static func kubeconfig(at path: String, on host: any Remote.Host) async throws -> Kubeconfig {
        let data = try await host.readFile(path)
        return try Kubeconfig.parse(String(decoding: data, as: UTF8.self), path: "\(host.name):\(path)")
    }

    /// The credentials a kubeconfig carries (embedded client certificate, token) and its CA.
    public static func connection(_ kubeconfig: Kubeconfig, server: String? = nil) throws -> KubeConnection {
        let credentials: KubeCredentials
        if let certificate = kubeconfig.clientCertificatePEM, let key = kubeconfig.clientKeyPEM {
            credentials = .clientCertificate(certificatePEM: certificate, keyPEM: key)
        } else if let token = kubeconfig.token {
            credentials = .bearerToken(token)
        } else {
            throw KubeAPIError.invalidInput("kubeconfig for \(kubeconfig.userName) has no embedded client certificate or token")
        }
        guard !kubeconfig.certificateAuthorityPEM.isEmpty else {
            throw KubeAPIError.invalidInput("kubeconfig for \(kubeconfig.userName) has no certificate-authority-data: kubeforge never talks to an unverified API server")
        }
        return try KubeConnection(server: server ?? kubeconfig.server, credentials: credentials,
                                  trust: .certificateAuthorities(pem: kubeconfig.certificateAuthorityPEM), userAgent: userAgent)
    }

    /// A client for the API server listening on `address:port` as `host` sees it, with `kubeconfig`'s identity.
    /// The caller shuts the client down and closes the returned forward.
    public static func client(_ kubeconfig: Kubeconfig, apiServer address: String, port: Int, on host: any Remote.Host) async throws
        -> (client: KubeClient, forward: any PortForward) {
        try await client(try connection(kubeconfig), address: address, port: port, on: host)
    }

    /// A client for `connection`'s server reached at `address:port` as `host` sees it.
    static func client(_ connection: KubeConnection, address: String, port: Int, on host: any Remote.Host) async throws
        -> (client: KubeClient, forward: any PortForward) {
        let forward = try await host.forwardPort(port, on: address)
        do {
            return (try KubeClient(connection.routed(through: forward)), forward)
        } catch {
            await forward.close()
            throw error
        }
    }

    /// Runs `body` with a client, then shuts it down and closes the forward whatever happens.
    public static func with<T: Sendable>(_ kubeconfig: Kubeconfig, apiServer address: String, port: Int, on host: any Remote.Host,
                                         _ body: (KubeClient) async throws -> T) async throws -> T {
        try await with(try connection(kubeconfig), address: address, port: port, on: host, body)
    }

    /// `connection`'s server reached at `address:port` as `host` sees it: `body` runs with a client, then the client is
    /// shut down and the forward closed whatever happens.
    public static func with<T: Sendable>(_ connection: KubeConnection, address: String, port: Int, on host: any Remote.Host,
                                         _ body: (KubeClient) async throws -> T) async throws -> T {
        let (client, forward) = try await client(connection, address: address, port: port, on: host)
        do {
            let result = try await body(client)
            await client.shutdown()
            await forward.close()
            return result
        } catch {
            await client.shutdown()
            await forward.close()
            throw error
        }
    }
}
