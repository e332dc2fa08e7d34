// Support for the tests of the stand-in for kube-apiserver: a throwaway cluster PKI made with kubeforge's PKI
// module, HTTPS clients on async-http-client with each kind of credential, and the captured transcripts.
import AsyncHTTPClient
import Foundation
import KubeAPITestServer
import KubeTypes
import NIOCore
import NIOHTTP1
import NIOSSL
import PKI
import Testing
import X509

/// A cluster CA, the API server's serving certificate for 127.0.0.1, and client certificates on demand (ECDSA,
/// so tests do not wait on RSA key generation).
struct TestPKI: Sendable {
    let caCertificatePEM: String
    let caKeyPEM: String
    let servingCertificatePEM: String
    let servingKeyPEM: String
    private let ca: Certificate
    private let caKey: SigningKey

    static let shared = Task { try TestPKI() }

    private static let issuer = CertificateIssuer(release: KubernetesRelease(major: 1, minor: 28, patch: 7))

    init() throws {
        caKey = try EncryptionAlgorithm.ecdsaP256.generateKey()
        ca = try Self.issuer.selfSignedCA(CertificateSpec(name: "ca", baseName: "ca", caName: nil, commonName: "kubernetes",
                                                          longName: "self-signed Kubernetes CA"), key: caKey)
        caCertificatePEM = try ca.pemText()
        caKeyPEM = caKey.pemEncoded
        let servingKey = try EncryptionAlgorithm.ecdsaP256.generateKey()
        let names = AltNames(dnsNames: ["kubernetes", "localhost"], ipAddresses: [IPAddress("127.0.0.1")].compactMap { $0 })
        let serving = try Self.issuer.leaf(commonName: "kube-apiserver", organizations: [], usages: [.serverAuth],
                                           altNames: names, publicKey: servingKey.publicKey, ca: ca, caKey: caKey)
        servingCertificatePEM = try serving.pemText()
        servingKeyPEM = servingKey.pemEncoded
    }

    /// A client certificate (PEM certificate and key) for `commonName` in `organizations`, signed by the CA.
    func client(_ commonName: String, organizations: [String]) throws -> (certificate: String, key: String) {
        let key = try EncryptionAlgorithm.ecdsaP256.generateKey()
        let certificate = try Self.issuer.leaf(commonName: commonName, organizations: organizations, usages: [.clientAuth],
                                               altNames: AltNames(), publicKey: key.publicKey, ca: ca, caKey: caKey)
        return (try certificate.pemText(), key.pemEncoded)
    }

    func options() -> TestAPIServer.Options {
        TestAPIServer.Options(servingCertificatePEM: servingCertificatePEM, servingKeyPEM: servingKeyPEM,
                              clientCAPEM: caCertificatePEM)
    }
}

/// How a test client authenticates.
enum Credentials {
    case certificate(commonName: String, organizations: [String])
    case token(String)
    case anonymous

    /// kubeadm v1.28's admin.conf user.
    static let admin = Credentials.certificate(commonName: "kubernetes-admin", organizations: ["system:masters"])
}

/// An answer as the tests look at it.
struct Reply: Sendable {
    let code: Int
    let headers: HTTPHeaders
    let text: String

    var json: ServerJSON? { try? ServerJSON(parsing: text) }
}

/// An HTTPS client for the stand-in: trusts only the test CA, HTTP/1.1, no retries of its own.
struct TestClient: Sendable {
    let http: HTTPClient
    let baseURL: String
    let token: String?

    func send(_ method: HTTPMethod, _ uri: String, body: ServerJSON? = nil, text: String? = nil,
              contentType: String = "application/json") async throws -> Reply
    {
        var request = HTTPClientRequest(url: baseURL + uri)
        request.method = method
        request.headers.add(name: "User-Agent", value: "kubeforge-tests")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let payload = text ?? body?.description {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: payload))
        }
        let response = try await http.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Reply(code: Int(response.status.code), headers: response.headers, text: String(buffer: bytes))
    }

    func get(_ uri: String) async throws -> Reply { try await send(.GET, uri) }
    func post(_ uri: String, _ body: ServerJSON) async throws -> Reply { try await send(.POST, uri, body: body) }
    func put(_ uri: String, _ body: ServerJSON) async throws -> Reply { try await send(.PUT, uri, body: body) }
    func delete(_ uri: String) async throws -> Reply { try await send(.DELETE, uri) }

    /// A watch request's event lines, read until the server ends the response or `count` events arrived (then
    /// the request is cancelled, as a client that stops watching closes its connection).
    func watch(_ uri: String, events count: Int = .max) async throws -> [ServerJSON] {
        var watchRequest = HTTPClientRequest(url: baseURL + uri)
        if let token { watchRequest.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let request = watchRequest
        let (lines, sink) = AsyncThrowingStream.makeStream(of: ServerJSON.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    let response = try await http.execute(request, timeout: .seconds(10))
                    #expect(response.status.code == 200)
                    var pending = ""
                    for try await chunk in response.body {
                        pending += String(buffer: chunk)
                        while let newline = pending.firstIndex(of: "\n") {
                            sink.yield(try ServerJSON(parsing: String(pending[..<newline])))
                            pending = String(pending[pending.index(after: newline)...])
                        }
                    }
                    sink.finish()
                } catch {
                    sink.finish(throwing: error)
                }
            }
            var events: [ServerJSON] = []
            for try await event in lines {
                events.append(event)
                if events.count >= count { break }
            }
            group.cancelAll()
            return events
        }
    }
}

/// Makes a test client with the given credentials; the test's server shuts it down.
typealias ClientFactory = @Sendable (Credentials) throws -> TestClient

/// Starts a server with `configure`d options, runs `body` with it and a client factory, and shuts both down.
func withServer<Result: Sendable>(
    configure: (inout TestAPIServer.Options) -> Void = { _ in },
    _ body: (TestAPIServer, _ client: @escaping ClientFactory) async throws -> Result
) async throws -> Result {
    let pki = try await TestPKI.shared.value
    var options = pki.options()
    configure(&options)
    let clients = ClientPool()
    return try await withTestAPIServer(options) { server in
        do {
            let result = try await body(server) { credentials in try clients.make(credentials, pki: pki, server: server) }
            try await clients.shutdown()
            return result
        } catch {
            try? await clients.shutdown()
            throw error
        }
    }
}

/// The HTTP clients a test made, shut down when it ends.
final class ClientPool: @unchecked Sendable {
    private let lock = NSLock()
    private var clients: [HTTPClient] = []

    func make(_ credentials: Credentials, pki: TestPKI, server: TestAPIServer) throws -> TestClient {
        var identity: (certificate: String, key: String)?
        var token: String?
        switch credentials {
        case let .certificate(commonName, organizations): identity = try pki.client(commonName, organizations: organizations)
        case let .token(value): token = value
        case .anonymous: break
        }
        let client = try Self.client(trusting: pki.caCertificatePEM, identity: identity, token: token, server: server)
        lock.withLock { clients.append(client.http) }
        return client
    }

    /// A client the caller shuts down.
    static func client(trusting caPEM: String, identity: (certificate: String, key: String)?, token: String?,
                       server: TestAPIServer) throws -> TestClient
    {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        if let identity {
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(identity.certificate.utf8)).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(identity.key.utf8), format: .pem))
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = .http1Only
        configuration.connectionPool.retryConnectionEstablishment = false
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        return TestClient(http: http, baseURL: server.url, token: token)
    }

    func shutdown() async throws {
        let all = lock.withLock { defer { clients.removeAll() }; return clients }
        for client in all { try await client.shutdown() }
    }
}

/// The requests upstream kubeadm v1.28.7 sent to a real kube-apiserver (shared/reference/kubeadm-api), the
/// specification the stand-in is held to.
enum Capture {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/reference/kubeadm-api")
    }

    struct Request {
        let verb: String
        let requestURI: String
        let user: String
        let code: Int
        let requestObject: ServerJSON?
        let responseObject: ServerJSON?
    }

    static func requests(_ phase: String) throws -> [Request] {
        let entries = try ServerJSON(parsing: Data(contentsOf: directory.appendingPathComponent("\(phase).json")))
        return (entries.arrayValue ?? []).map { entry in
            Request(verb: entry["verb"]?.stringValue ?? "", requestURI: entry["requestURI"]?.stringValue ?? "",
                    user: entry["user"]?.stringValue ?? "", code: Int(entry["code"]?.intValue ?? 0),
                    requestObject: entry["requestObject"].flatMap { $0 == .null ? nil : $0 },
                    responseObject: entry["responseObject"].flatMap { $0 == .null ? nil : $0 })
        }
    }

    /// An object without what each server sets differently: uid, resourceVersion, creationTimestamp, managedFields.
    static func withoutServerFields(_ object: ServerJSON?) -> ServerJSON? {
        guard var object else { return nil }
        for field in ["uid", "resourceVersion", "creationTimestamp", "managedFields"] {
            object[path: ["metadata", field]] = nil
        }
        return object
    }
}
