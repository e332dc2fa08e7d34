// A strict, small stand-in for kube-apiserver v1.28.7, for tests only: no kube-apiserver binary can run in CI here.
// It behaves as the real server did in the captured transcripts (shared/reference/kubeadm-api): TLS with the
// cluster's certificates, x509 / bootstrap-token / anonymous authentication, RBAC, real Status replies, and an
// audit record of every request. This file is its public face: options, start and stop, seeding and inspection.
import Foundation
import NIOSSL

/// The version the stand-in reports, as kube-apiserver v1.28.7 does on `/version`.
public enum TestAPIServerInfo {
    public static let version = "v1.28.7"

    /// `/version`'s answer: major, minor and gitVersion as v1.28.7's; the capture shows no more of the build than
    /// the short commit in its user agents (`kubernetes/9258ab6`), so the other fields are placeholders.
    static let versionJSON: ServerJSON = [
        "major": "1", "minor": "28", "gitVersion": .string(version), "gitCommit": "9258ab6",
        "gitTreeState": "clean", "buildDate": "2024-02-14T10:32:40Z", "goVersion": "go1.21.7", "compiler": "gc",
        "platform": "linux/amd64",
    ]
}

/// A running stand-in for kube-apiserver on `https://127.0.0.1:<port>`. Start one with `withTestAPIServer`, which
/// always shuts it down.
public final class TestAPIServer: Sendable {
    public struct Options: Sendable {
        /// The serving certificate (chain, leaf first) and its key, PEM. Give it IP SAN 127.0.0.1 (or the name the
        /// client connects as).
        public var servingCertificatePEM: String
        public var servingKeyPEM: String
        /// The CA(s) client certificates must chain to, PEM (kube-apiserver's --client-ca-file).
        public var clientCAPEM: String
        /// The clock token expiry and timestamps use.
        public var clock: @Sendable () -> Date = { Date() }
        /// The namespaces, the `kubernetes` Service and the bootstrap RBAC policy of a fresh kube-apiserver.
        public var seedBootstrapPolicy = true
        /// --service-cluster-ip-range, for ClusterIP allocation.
        public var serviceCIDR = "10.96.0.0/12"
        /// Off by default. Stands in for kube-controller-manager's bootstrapsigner controller: keeps a
        /// `jws-kubeconfig-<token-id>` signature in kube-public/cluster-info for every bootstrap token that may sign.
        public var bootstrapSigner = false
        /// Off by default (nil). Stands in for kube-controller-manager's csrapproving and csrsigning controllers:
        /// auto-approves kubelet client CSRs whose requester RBAC allows (the nodeclient / selfnodeclient roles)
        /// and signs them with this CA.
        public var csrSigning: CSRSigning?
        /// How long the controllers wait after a change before reacting (zero: at once, after the request).
        public var controllerDelay: Duration = .zero

        public init(servingCertificatePEM: String, servingKeyPEM: String, clientCAPEM: String) {
            self.servingCertificatePEM = servingCertificatePEM
            self.servingKeyPEM = servingKeyPEM
            self.clientCAPEM = clientCAPEM
        }
    }

    /// The cluster CA kube-controller-manager signs with (--cluster-signing-cert-file/-key-file) and how long its
    /// certificates last (--cluster-signing-duration, one year by default).
    public struct CSRSigning: Sendable {
        public var caCertificatePEM: String
        public var caKeyPEM: String
        public var duration: TimeInterval

        public init(caCertificatePEM: String, caKeyPEM: String, duration: TimeInterval = 365 * 24 * 3600) {
            self.caCertificatePEM = caCertificatePEM
            self.caKeyPEM = caKeyPEM
            self.duration = duration
        }
    }

    public let port: Int
    /// `https://127.0.0.1:<port>`.
    public var url: String { "https://127.0.0.1:\(port)" }

    private let core: APIServerCore
    private let http: HTTPServer

    private init(core: APIServerCore, http: HTTPServer) {
        self.core = core
        self.http = http
        port = http.port
    }

    /// Binds 127.0.0.1 on a free port and serves until `shutdown()`.
    public static func start(_ options: Options) async throws -> TestAPIServer {
        let tls = try serverTLS(options)
        let core = APIServerCore(options: options)
        return TestAPIServer(core: core, http: try await HTTPServer.start(tls: tls, core: core))
    }

    /// Ends every watch and connection and stops listening.
    public func shutdown() async {
        await core.finishWatches()
        await http.shutdown()
    }

    private static func serverTLS(_ options: Options) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMBytes(Array(options.servingCertificatePEM.utf8))
            let key = try NIOSSLPrivateKey(bytes: Array(options.servingKeyPEM.utf8), format: .pem)
            let clientCAs = try NIOSSLCertificate.fromPEMBytes(Array(options.clientCAPEM.utf8))
            guard !chain.isEmpty, !clientCAs.isEmpty else {
                throw TestAPIServerError("the serving certificate and the client CA must each hold a PEM certificate")
            }
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                               privateKey: .privateKey(key))
            // Verify a client certificate when one is sent; token and anonymous requests still reach HTTP.
            tls.certificateVerification = .optionalVerification
            tls.trustRoots = .certificates(clientCAs)
            tls.minimumTLSVersion = .tlsv12
            tls.applicationProtocols = ["http/1.1"]
            return tls
        } catch let error as TestAPIServerError {
            throw error
        } catch {
            throw TestAPIServerError("the test API server's TLS material is not usable PEM (\(error)): give the serving "
                + "certificate, its private key and the client CA as PEM text")
        }
    }

    // MARK: Seeding and inspection (no authentication, no audit record)

    /// Stores `object` as given (create or replace), filling what the server sets: uid and creationTimestamp when
    /// absent, the next resourceVersion. Watches and controllers see the change. Returns the stored object.
    @discardableResult
    public func put(_ object: ServerJSON) async throws -> ServerJSON {
        try await core.seed(object)
    }

    /// The stored object, as a GET would return it; `namespace` is ignored for cluster-scoped resources.
    public func object(_ resource: Resource, namespace: String = "", name: String) async -> ServerJSON? {
        await core.store.get(resource, namespace: namespace, name: name)
    }

    /// Stored objects of one resource in key order; nil namespace means all namespaces.
    public func objects(_ resource: Resource, namespace: String? = nil) async -> [ServerJSON] {
        await core.store.list(resource, namespace: namespace)
    }

    /// Deletes an object (watches see DELETED); false when there was none.
    @discardableResult
    public func remove(_ resource: Resource, namespace: String = "", name: String) async -> Bool {
        await core.remove(resource, namespace: namespace, name: name)
    }

    /// Every request since start (or the last `clearRequests()`), in arrival order.
    public func requests() async -> [RecordedRequest] { await core.requests() }

    public func clearRequests() async { await core.clearRequests() }

    /// The store's current resourceVersion (the last write's).
    public func resourceVersion() async -> Int { await core.currentResourceVersion() }

    /// How many watches are open (a client that stops watching closes its watch).
    public func openWatches() async -> Int { await core.watchers.count }

    /// Adds a scripted fault; faults apply in the order given, each to its next `count` matching requests.
    public func inject(_ fault: Fault) async { await core.inject(fault) }

    public func clearFaults() async { await core.clearFaults() }

    /// Waits until the enabled controllers have reacted to every change so far.
    public func settle() async { await core.settle() }

    // MARK: Fixtures

    /// A bootstrap-token Secret as kubeadm writes it (kube-system/bootstrap-token-<id>, type
    /// bootstrap.kubernetes.io/token, values base64-encoded). `expiration` nil means it never expires.
    public static func bootstrapTokenSecret(id: String, secret: String, expiration: Date? = nil,
                                            usages: [String] = ["signing", "authentication"],
                                            extraGroups: [String] = ["system:bootstrappers:kubeadm:default-node-token"],
                                            description: String? = nil) -> ServerJSON
    {
        var data: [String: String] = ["token-id": id, "token-secret": secret]
        if let expiration { data["expiration"] = RFC3339.format(expiration) }
        for usage in usages { data["usage-bootstrap-\(usage)"] = "true" }
        if !extraGroups.isEmpty { data["auth-extra-groups"] = extraGroups.joined(separator: ",") }
        if let description { data["description"] = description }
        return ["apiVersion": "v1", "kind": "Secret", "type": .string(Authenticator.bootstrapTokenType),
                "metadata": ["name": .string("bootstrap-token-\(id)"), "namespace": "kube-system"],
                "data": .object(data.mapValues { .string(Data($0.utf8).base64EncodedString()) })]
    }
}

/// Starts a stand-in kube-apiserver, runs `body` with it and shuts it down, whether `body` returns or throws.
public func withTestAPIServer<Result: Sendable>(
    _ options: TestAPIServer.Options, _ body: (TestAPIServer) async throws -> Result
) async throws -> Result {
    let server = try await TestAPIServer.start(options)
    do {
        let result = try await body(server)
        await server.shutdown()
        return result
    } catch {
        await server.shutdown()
        throw error
    }
}

extension APIServerCore {
    /// Stores an object with the server-set fields filled in, bypassing admission.
    @discardableResult
    func seed(_ object: ServerJSON) throws -> ServerJSON {
        let key = try Self.key(of: object)
        let (_, stored) = try Self.seedable(object, existing: store.objects[key], now: now)
        let event = store.write(stored, at: key)
        committed(event)
        return event.object
    }

    /// Where a seeded object goes and what is stored: uid and creationTimestamp kept from `existing` or made up.
    static func seedable(_ object: ServerJSON, existing old: ServerJSON?, now: Date) throws -> (ObjectKey, ServerJSON) {
        let key = try key(of: object)
        var stored = object
        if !key.resource.isNamespaced { stored[path: ["metadata", "namespace"]] = nil }
        for field in ["uid", "creationTimestamp"] where stored[path: ["metadata", field]] == nil {
            stored[path: ["metadata", field]] = old?[path: ["metadata", field]]
                ?? .string(field == "uid" ? UUID().uuidString.lowercased() : RFC3339.format(now))
        }
        return (key, stored)
    }

    private static func key(of object: ServerJSON) throws -> ObjectKey {
        guard let resource = Resource.find(apiVersion: object["apiVersion"]?.stringValue ?? "",
                                           kind: object["kind"]?.stringValue ?? "")
        else {
            throw TestAPIServerError("put: the object's apiVersion and kind name no resource the test API server serves "
                + "(\(object["apiVersion"]?.stringValue ?? "none") \(object["kind"]?.stringValue ?? "none"))")
        }
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        let namespace = resource.isNamespaced ? object[path: ["metadata", "namespace"]]?.stringValue ?? "" : ""
        guard !name.isEmpty, resource.isNamespaced == !namespace.isEmpty else {
            throw TestAPIServerError("put: a \(resource.kind) needs metadata.name"
                + (resource.isNamespaced ? " and metadata.namespace" : ""))
        }
        return ObjectKey(resource: resource, namespace: namespace, name: name)
    }

    func remove(_ resource: Resource, namespace: String, name: String) -> Bool {
        let key = ObjectKey(resource: resource, namespace: resource.isNamespaced ? namespace : "", name: name)
        guard let event = store.delete(at: key) else { return false }
        committed(event)
        return true
    }
}
