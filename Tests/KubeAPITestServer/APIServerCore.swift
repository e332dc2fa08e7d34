// Part of the test stand-in for kube-apiserver (tests only): one request's way through the server — authentication,
// the fault script, RBAC authorization, the handler — and the audit record of it.
import Foundation

/// What the plumbing does with a request.
enum Answer: Sendable {
    case reply(HTTPReply)
    case watch(WatchSession)
    /// Close the connection without answering (an injected fault).
    case drop
}

struct HTTPReply: Sendable {
    var code: Int
    var contentType = "application/json"
    var body: [UInt8]
    var headers: [(String, String)] = []

    init(code: Int, json: ServerJSON, headers: [(String, String)] = []) {
        self.code = code
        body = Array(json.description.utf8)
        self.headers = headers
    }

    init(code: Int, text: String) {
        self.code = code
        contentType = "text/plain; charset=utf-8"
        body = Array(text.utf8)
    }
}

/// An open watch: the events to stream, and when to stop.
struct WatchSession: Sendable {
    let events: AsyncStream<ServerJSON>
    let timeout: Duration
    /// Send a BOOKMARK with the final resourceVersion before closing (allowWatchBookmarks=true).
    let bookmark: (@Sendable () async -> ServerJSON)?
}

/// The server's state and request handling. An actor: every request and controller step sees a consistent store.
actor APIServerCore {
    let options: TestAPIServer.Options
    var store = ObjectStore()
    private(set) var recorded: [RecordedRequest] = []
    var faults: [Fault] = []
    var watchers: [UUID: (filter: WatchFilter, continuation: AsyncStream<ServerJSON>.Continuation)] = [:]
    var pendingReconcile: Task<Void, Never>?

    init(options: TestAPIServer.Options) {
        self.options = options
        if options.seedBootstrapPolicy {
            let now = options.clock()
            for object in BootstrapPolicy.objects {
                if let seeded = try? Self.seedable(object, existing: nil, now: now) {
                    store.write(seeded.1, at: seeded.0)
                }
            }
        }
    }

    var now: Date { options.clock() }

    func handle(_ request: HTTPRequest, certificate: ClientCertificateSubject?) async -> Answer {
        let info = RequestInfo(method: request.method, uri: request.uri)
        let requestObject = Self.recordedBody(request)
        var user: UserInfo?
        func answer(_ code: Int, _ json: ServerJSON?, reply: HTTPReply, fault: Bool = false) -> Answer {
            record(info, request, user: user, code: code, requestObject: requestObject, responseObject: json, fault: fault)
            return .reply(reply)
        }
        func failure(_ error: APIError, fault: Bool = false) -> Answer {
            let headers = error.retryAfter.map { [("Retry-After", String($0))] } ?? []
            return answer(error.code, error.status, reply: HTTPReply(code: error.code, json: error.status, headers: headers),
                          fault: fault)
        }

        let authenticator = Authenticator(now: now)
        guard case let .authenticated(identity) = authenticator.authenticate(
            certificate: certificate, authorization: request.header("authorization"), store: store)
        else { return failure(.unauthorized) }
        user = identity

        if let index = faults.firstIndex(where: { $0.applies(to: info.path) }) {
            faults[index].count -= 1
            let fault = faults[index]
            if let error = fault.error { return failure(error, fault: true) }
            record(info, request, user: user, code: 0, requestObject: requestObject, responseObject: nil, fault: true)
            return .drop
        }

        let decision = RBACAuthorizer(store: store).authorize(info.attributes(for: identity))
        guard decision.allowed else { return failure(forbidden(info.attributes(for: identity), reason: decision.reason)) }

        guard info.isResourceRequest else {
            let (code, text) = Self.nonResource(info)
            if let json = try? ServerJSON(parsing: text), text.hasPrefix("{") {
                return answer(code, json, reply: HTTPReply(code: code, json: json))
            }
            return answer(code, nil, reply: HTTPReply(code: code, text: text))
        }
        do throws(APIError) {
            if info.verb == "watch" {
                let session = try watch(info)
                record(info, request, user: user, code: 200, requestObject: nil, responseObject: nil, fault: false)
                return .watch(session)
            }
            let (code, json) = try serve(info, request, user: identity)
            return answer(code, json, reply: HTTPReply(code: code, json: json))
        } catch {
            return failure(error)
        }
    }

    func forbidden(_ attributes: RequestAttributes, reason: String) -> APIError {
        let message = reason.isEmpty ? attributes.forbiddenMessage : "\(attributes.forbiddenMessage): \(reason)"
        return .forbidden(group: attributes.apiGroup, resource: attributes.resourceName, name: attributes.name,
                          message: message)
    }

    /// Authorizes a second verb for the same request (an update that creates also needs `create`).
    func authorize(_ info: RequestInfo, verb: String, user: UserInfo) throws(APIError) {
        var attributes = info.attributes(for: user)
        attributes.verb = verb
        let decision = RBACAuthorizer(store: store).authorize(attributes)
        guard decision.allowed else { throw forbidden(attributes, reason: decision.reason) }
    }

    // MARK: Non-resource paths

    static func nonResource(_ info: RequestInfo) -> (Int, String) {
        switch info.path {
        case "/healthz", "/livez", "/readyz":
            guard info.query["verbose"] != nil else { return (200, "ok") }
            let name = String(info.path.dropFirst())
            return (200, "[+]ping ok\n[+]log ok\n[+]etcd ok\n\(name) check passed\n")
        case "/version", "/version/":
            return (200, TestAPIServerInfo.versionJSON.description)
        default:
            return (404, "404 page not found\n")
        }
    }

    // MARK: Recording

    private static func recordedBody(_ request: HTTPRequest) -> ServerJSON? {
        guard !request.body.isEmpty else { return nil }
        if let json = try? ServerJSON(parsing: Data(request.body)) { return json }
        return try? YAMLBody.parse(request.body)
    }

    private func record(_ info: RequestInfo, _ request: HTTPRequest, user: UserInfo?, code: Int, requestObject: ServerJSON?,
                        responseObject: ServerJSON?, fault: Bool)
    {
        recorded.append(RecordedRequest(
            verb: info.verb, method: request.method, requestURI: request.uri, user: user?.name ?? "",
            groups: user?.groups ?? [], userAgent: request.header("user-agent"), contentType: request.contentType,
            code: code, requestObject: requestObject, responseObject: responseObject, injectedFault: fault))
    }

    func requests() -> [RecordedRequest] { recorded }
    func clearRequests() { recorded.removeAll() }
    func inject(_ fault: Fault) { faults.append(fault) }
    func clearFaults() { faults.removeAll() }
    func currentResourceVersion() -> Int { store.resourceVersion }

    // MARK: Watch fan-out

    /// Sends a committed change to every watch it concerns, then lets the controllers react.
    func committed(_ event: StoreEvent) {
        for (_, watcher) in watchers {
            if let watchEvent = watcher.filter.watchEvent(for: event) { watcher.continuation.yield(watchEvent) }
        }
        scheduleReconcile()
    }

    func removeWatcher(_ id: UUID) { watchers[id] = nil }

    func finishWatches() {
        for (_, watcher) in watchers { watcher.continuation.finish() }
        watchers.removeAll()
        pendingReconcile?.cancel()
    }
}
