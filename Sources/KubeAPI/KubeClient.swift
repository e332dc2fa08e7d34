import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// A small Kubernetes REST client over one `HTTPClient` (HTTP/1.1, TLS): exactly the verbs kubeforge's phases
/// use, `Status` answers as errors, and no retry of its own (see `KubeRetry` and the kubeadm helpers).
///
/// Create one per credential and endpoint, and shut it down when done (`KubeClient.with` does both).
public final class KubeClient: Sendable {
    public let connection: KubeConnection
    private let http: HTTPClient
    /// How long one request may take (kubeadm's client-go clients use 10 s, and say so in `?timeout=10s`).
    public let requestTimeout: Duration

    public init(_ connection: KubeConnection, requestTimeout: Duration = .seconds(10)) throws(KubeAPIError) {
        self.connection = connection
        self.requestTimeout = requestTimeout
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: connection.scheme == "https" ? try connection.tlsConfiguration() : nil,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: nil))
        configuration.dnsOverride = connection.dnsOverride
        configuration.httpVersion = .http1Only
        // A TLS or connect failure is reported at once; retrying is the caller's decision (KubeRetry).
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Shuts the HTTP client down; open requests fail. Later calls do nothing.
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// A client for the duration of `body`, shut down afterwards whatever happens.
    public static func with<T: Sendable>(_ connection: KubeConnection, _ body: (KubeClient) async throws -> T) async throws -> T {
        let client = try KubeClient(connection)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    // MARK: - verbs

    public func get(_ kind: ResourceKind, _ name: String, namespace: String? = nil) async throws -> KubeObject {
        let request = Request(verb: "get", kind: kind, name: name, namespace: namespace, method: .GET,
                              path: kind.objectPath(name, namespace: namespace), query: timeoutQuery)
        return try object(from: try await send(request), request)
    }

    public func list(_ kind: ResourceKind, namespace: String? = nil, labelSelector: String? = nil,
                     fieldSelector: String? = nil) async throws -> KubeList {
        var query: [(String, String)] = []
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        let request = Request(verb: "list", kind: kind, name: nil, namespace: namespace, method: .GET,
                              path: kind.collectionPath(namespace: namespace), query: query)
        let list = try object(from: try await send(request), request)
        let items = (list["items"]?.arrayValue ?? []).compactMap(KubeObject.init)
        return KubeList(items: items, resourceVersion: list.resourceVersion)
    }

    /// POST; the object's apiVersion and kind choose the collection.
    public func create(_ object: KubeObject) async throws -> KubeObject {
        let kind = try resourceKind(of: object)
        let request = Request(verb: "create", kind: kind, name: object.name, namespace: object.namespace, method: .POST,
                              path: kind.collectionPath(namespace: object.namespace), query: timeoutQuery,
                              body: object.value.encoded(), contentType: "application/json")
        return try self.object(from: try await send(request), request)
    }

    /// PUT: replaces the object (conditionally, when it carries a resourceVersion).
    public func update(_ object: KubeObject) async throws -> KubeObject {
        let kind = try resourceKind(of: object)
        let request = Request(verb: "update", kind: kind, name: object.name, namespace: object.namespace, method: .PUT,
                              path: kind.objectPath(object.name, namespace: object.namespace), query: timeoutQuery,
                              body: object.value.encoded(), contentType: "application/json")
        return try self.object(from: try await send(request), request)
    }

    public enum PatchType: String, Sendable {
        case strategicMerge = "application/strategic-merge-patch+json"
        case merge = "application/merge-patch+json"
        case json = "application/json-patch+json"
    }

    public func patch(_ kind: ResourceKind, _ name: String, namespace: String? = nil, _ patch: JSONValue,
                      type: PatchType = .strategicMerge) async throws -> KubeObject {
        let request = Request(verb: "patch", kind: kind, name: name, namespace: namespace, method: .PATCH,
                              path: kind.objectPath(name, namespace: namespace), query: timeoutQuery,
                              body: patch.encoded(), contentType: type.rawValue)
        return try object(from: try await send(request), request)
    }

    /// Server-side apply: the fields this object sets become `fieldManager`'s; `force` takes over fields
    /// another manager owns (what `kubectl apply --server-side --force-conflicts` does).
    public func apply(_ object: KubeObject, fieldManager: String = "kubeforge", force: Bool = true) async throws -> KubeObject {
        try await apply(configuration: object.value.encoded().utf8String, kind: try resourceKind(of: object), name: object.name,
                        namespace: object.namespace, fieldManager: fieldManager, force: force)
    }

    /// Server-side apply of a configuration as written (YAML or JSON): the API server parses it, as it does
    /// for `kubectl apply --server-side`, and fills in the namespace of the URL when it names none.
    public func apply(configuration: String, kind: ResourceKind, name: String, namespace: String?,
                      fieldManager: String = "kubeforge", force: Bool = true) async throws -> KubeObject {
        var query = timeoutQuery + [("fieldManager", fieldManager)]
        if force { query.append(("force", "true")) }
        let request = Request(verb: "apply", kind: kind, name: name, namespace: namespace, method: .PATCH,
                              path: kind.objectPath(name, namespace: namespace), query: query,
                              body: Data(configuration.utf8), contentType: "application/apply-patch+yaml")
        return try self.object(from: try await send(request), request)
    }

    /// The resources a group version serves (`GET /api/v1`, `/apis/GROUP/VERSION`), subresources left out; nil
    /// when the API server does not serve that group version (yet: a CustomResourceDefinition just created).
    public func resources(of apiVersion: String) async throws -> [ResourceKind]? {
        let parts = apiVersion.split(separator: "/", maxSplits: 1).map(String.init)
        let (group, version) = parts.count == 2 ? (parts[0], parts[1]) : ("", apiVersion)
        let path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        let request = Request(verb: "get", kind: nil, name: path, namespace: nil, method: .GET, path: path, query: timeoutQuery)
        let list: KubeObject
        do {
            list = try object(from: try await send(request), request)
        } catch let error as KubeAPIError where error.isNotFound {
            return nil
        }
        return (list["resources"]?.arrayValue ?? []).compactMap { entry -> ResourceKind? in
            guard let plural = entry["name"]?.stringValue, !plural.contains("/"), let kind = entry["kind"]?.stringValue else { return nil }
            return ResourceKind(group: group, version: version, plural: plural, kind: kind,
                                namespaced: entry["namespaced"]?.boolValue ?? false)
        }
    }

    public func delete(_ kind: ResourceKind, _ name: String, namespace: String? = nil) async throws {
        let request = Request(verb: "delete", kind: kind, name: name, namespace: namespace, method: .DELETE,
                              path: kind.objectPath(name, namespace: namespace), query: timeoutQuery)
        _ = try await send(request)
    }

    /// The body of a health endpoint (`/livez`, `/readyz`, `/healthz`); a non-200 answer is an error whose
    /// text carries the body (which names the failing checks).
    public func health(_ path: String) async throws -> String {
        try await text(at: path, accept: "text/plain")
    }

    /// The body of a GET of a path outside the API (a health endpoint, a discovery file on a web server).
    public func text(at path: String, accept: String = "*/*") async throws -> String {
        let request = Request(verb: "get", kind: nil, name: path, namespace: nil, method: .GET, path: path, query: [],
                              accept: accept)
        return String(decoding: try await send(request), as: UTF8.self)
    }

    // MARK: - plumbing

    private var timeoutQuery: [(String, String)] { [("timeout", Self.goDuration(requestTimeout))] }

    struct Request: Sendable {
        var verb: String
        var kind: ResourceKind?
        var name: String?
        var namespace: String?
        var method: HTTPMethod
        var path: String
        var query: [(String, String)]
        var body: Data?
        var contentType: String?
        var accept = "application/json"
        /// How long the request may take, when not the client's `requestTimeout` (a watch).
        var timeout: Duration?

        init(verb: String, kind: ResourceKind?, name: String?, namespace: String?, method: HTTPMethod, path: String,
             query: [(String, String)], body: Data? = nil, contentType: String? = nil, accept: String = "application/json") {
            self.verb = verb
            self.kind = kind
            self.name = name
            self.namespace = namespace
            self.method = method
            self.path = path
            self.query = query
            self.body = body
            self.contentType = contentType
            self.accept = accept
        }

        /// `create configmaps kube-system/kubeadm-config`, as errors name a request.
        var description: String {
            var words = [verb]
            if let kind { words.append(kind.plural) }
            if let name { words.append((namespace.map { "\($0)/" } ?? "") + name) }
            return words.joined(separator: " ")
        }

        /// `path?k=v&…` with keys sorted and values escaped as Go's url.Values.Encode does (client-go's order).
        var uri: String {
            guard !query.isEmpty else { return path }
            let encoded = query.sorted { $0.0 < $1.0 }.map { "\(KubeClient.escape($0.0))=\(KubeClient.escape($0.1))" }
            return path + "?" + encoded.joined(separator: "&")
        }
    }

    /// Sends a request and returns the body of a 2xx answer; anything else becomes a `KubeAPIError`.
    func send(_ request: Request) async throws -> Data {
        let response = try await execute(request)
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: 64 << 20)
        } catch {
            throw classify(error, request)
        }
        let data = Data(buffer: body)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw Self.failure(code: Int(response.status.code), headers: response.headers, body: data, request: request.description)
        }
        return data
    }

    func execute(_ request: Request) async throws -> HTTPClientResponse {
        var outgoing = HTTPClientRequest(url: connection.baseURL + request.uri)
        outgoing.method = request.method
        outgoing.headers.add(name: "Accept", value: request.accept)
        outgoing.headers.add(name: "User-Agent", value: connection.userAgent)
        if case let .bearerToken(token) = connection.credentials {
            outgoing.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(data: body))
            outgoing.headers.add(name: "Content-Type", value: request.contentType ?? "application/json")
        }
        do {
            return try await http.execute(outgoing, timeout: Self.timeAmount(request.timeout ?? requestTimeout))
        } catch {
            throw classify(error, request)
        }
    }

    static func failure(code: Int, headers: HTTPHeaders, body: Data, request: String) -> KubeAPIError {
        if var status = KubeStatus.decode(body) {
            if status.code == nil { status.code = code }
            if let retryAfter = headers.first(name: "Retry-After").flatMap(Int.init), status.details?.retryAfterSeconds == nil {
                status.details = KubeStatus.Details(name: status.details?.name, group: status.details?.group,
                                                    kind: status.details?.kind, retryAfterSeconds: retryAfter)
            }
            return .status(status, request: request)
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return .unexpectedResponse(code: code, request: request, body: text)
    }

    private func object(from data: Data, _ request: Request) throws -> KubeObject {
        do {
            guard let object = KubeObject(try JSONValue.decode(data)) else {
                throw KubeAPIError.decoding(request: request.description, reason: "not a JSON object")
            }
            return object
        } catch let error as KubeAPIError {
            throw error
        } catch {
            throw KubeAPIError.decoding(request: request.description, reason: "not JSON (\(data.count) bytes)")
        }
    }

    private func resourceKind(of object: KubeObject) throws -> ResourceKind {
        guard let kind = object.resourceKind else {
            throw KubeAPIError.invalidInput("kubeforge cannot send a \(object.kind.isEmpty ? "(no kind)" : object.kind) of apiVersion '\(object.apiVersion)'")
        }
        return kind
    }

    /// Transport and TLS failures, worded for the operator.
    func classify(_ error: any Error, _ request: Request) -> KubeAPIError {
        if let error = error as? KubeAPIError { return error }
        let endpoint = connection.endpointDescription
        // What a forwarded port gives when nothing listens behind it: the SSH channel fails after the local accept.
        if "\(error)".contains("EOF during handshake") {
            return .transport(request: request.description, endpoint: endpoint,
                              reason: "the connection closed during the TLS handshake (nothing listening there, or not yet)")
        }
        if let reason = Self.tlsReason(error, serverName: connection.serverName) {
            return .tls(request: request.description, endpoint: endpoint, reason: reason)
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout:
                return .transport(request: request.description, endpoint: endpoint, reason: "no answer within \(requestTimeout)")
            case .remoteConnectionClosed:
                return .transport(request: request.description, endpoint: endpoint, reason: "the connection was closed before an answer")
            default:
                break
            }
        }
        return .transport(request: request.description, endpoint: endpoint, reason: "\(error)")
    }

    static func tlsReason(_ error: any Error, serverName: String) -> String? {
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return "the server's certificate is not valid for the name '\(serverName)'"
        }
        let text: String
        switch error {
        case let error as NIOSSLError: text = "\(error)"
        case let error as BoringSSLError: text = "\(error)"
        case let error as NIOSSLExtraError: return "\(error)"
        default: return nil
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") { return "the server's certificate is not issued by the trusted CA" }
        if text.contains("ALERT_BAD_CERTIFICATE") || text.contains("ALERT_UNKNOWN_CA") || text.contains("CERTIFICATE_REQUIRED") {
            return "the server refused kubeforge's client certificate (not issued by the cluster CA?)"
        }
        if text.contains("WRONG_VERSION_NUMBER") { return "the server does not speak TLS on this port" }
        return text
    }

    /// Go's `url.QueryEscape` minus the space rule (kubeforge never sends spaces): unreserved characters stay.
    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-_.~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .milliseconds(Int64(duration / .milliseconds(1)))
    }

    /// `10s`, `6m1s`: how Go prints a duration, for `?timeout=`.
    static func goDuration(_ duration: Duration) -> String {
        let seconds = Int(duration.components.seconds)
        if seconds < 60 { return "\(seconds)s" }
        let minutes = seconds / 60
        return seconds % 60 == 0 ? "\(minutes)m0s" : "\(minutes)m\(seconds % 60)s"
    }
}
