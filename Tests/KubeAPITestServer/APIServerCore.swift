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

    /// kube-apiserver's filter order: authentication (401), then the fault script (where API priority and
    /// fairness would answer 429), then authorization (403), then the handler.
    func handle(_ request: HTTPRequest, certificate: ClientCertificateSubject?) async -> Answer {
        let info = RequestInfo(method: request.method, uri: request.uri)
        let authentication = Authenticator(now: now).authenticate(
            certificate: certificate, authorization: request.header("authorization"), store: store)
        guard case let .authenticated(user) = authentication else {
            return finish(info, request, user: nil, .failure(.unauthorized))
        }
        if let index = faults.firstIndex(where: { $0.applies(to: info.path) }) {
            faults[index].count -= 1
            return finish(info, request, user: user, faults[index].error.map { .failure($0) } ?? .drop, fault: true)
        }
        do throws(APIError) {
            try authorize(info, verb: info.verb, user: user)
            return finish(info, request, user: user, try respond(info, request, user: user))
        } catch {
            return finish(info, request, user: user, .failure(error))
        }
    }

    /// What a request gets, before it is recorded and written.
    enum Outcome {
        case json(Int, ServerJSON)
        case text(Int, String)
        case failure(APIError)
        case watch(WatchSession)
        case drop
    }

    private func respond(_ info: RequestInfo, _ request: HTTPRequest, user: UserInfo) throws(APIError) -> Outcome {
        guard info.isResourceRequest else { return Self.nonResource(info) }
        if info.verb == "watch" { return .watch(try watch(info)) }
        let (code, json) = try serve(info, request, user: user)
        return .json(code, json)
    }

    /// Records the request as the audit log would and turns the outcome into what the plumbing writes.
    private func finish(_ info: RequestInfo, _ request: HTTPRequest, user: UserInfo?, _ outcome: Outcome,
                        fault: Bool = false) -> Answer
    {
        let (code, response, answer): (Int, ServerJSON?, Answer) = switch outcome {
        case let .json(code, json): (code, json, .reply(HTTPReply(code: code, json: json)))
        case let .text(code, text): (code, nil, .reply(HTTPReply(code: code, text: text)))
        case let .failure(error):
            (error.code, error.status, .reply(HTTPReply(code: error.code, json: error.status,
                                                        headers: error.retryAfter.map { [("Retry-After", String($0))] } ?? [])))
        case let .watch(session): (200, nil, .watch(session))
        case .drop: (0, nil, .drop)
        }
        recorded.append(RecordedRequest(
            verb: info.verb, method: request.method, requestURI: request.uri, user: user?.name ?? "",
            groups: user?.groups ?? [], userAgent: request.header("user-agent"), contentType: request.contentType,
            code: code, requestObject: Self.recordedBody(request), responseObject: response, injectedFault: fault))
        return answer
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

    static func nonResource(_ info: RequestInfo) -> Outcome {
        switch info.path {
        case "/healthz", "/livez", "/readyz":
            guard info.query["verbose"] != nil else { return .text(200, "ok") }
            return .text(200, "[+]ping ok\n[+]log ok\n[+]etcd ok\n\(info.path.dropFirst()) check passed\n")
        case "/version", "/version/":
            return .json(200, TestAPIServerInfo.versionJSON)
        default:
            if let list = discovery(info.path) { return .json(200, list) }
            return .text(404, "404 page not found\n")
        }
    }

    /// `/api/v1` and `/apis/GROUP/VERSION`: the APIResourceList of a served group version, subresources
    /// included as kube-apiserver lists them (`nodes/status`), with the verbs the stand-in serves.
    static func discovery(_ path: String) -> ServerJSON? {
        let parts = path.split(separator: "/").map(String.init)
        let (group, version): (String, String)
        switch parts.count {
        case 2 where parts[0] == "api": (group, version) = ("", parts[1])
        case 3 where parts[0] == "apis": (group, version) = (parts[1], parts[2])
        default: return nil
        }
        let served = Resource.allCases.filter { $0.group == group && $0.version == version }
        guard !served.isEmpty else { return nil }
        var resources: [ServerJSON] = []
        for resource in served {
            let verbs: ServerJSON = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
            resources.append(["name": .string(resource.rawValue), "singularName": .string(resource.kind.lowercased()),
                              "namespaced": .bool(resource.isNamespaced), "kind": .string(resource.kind), "verbs": verbs])
            for subresource in resource.subresources.sorted() {
                resources.append(["name": .string("\(resource.rawValue)/\(subresource)"), "singularName": "",
                                  "namespaced": .bool(resource.isNamespaced), "kind": .string(resource.kind),
                                  "verbs": ["get", "patch", "update"]])
            }
        }
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"),
                "resources": .array(resources)]
    }

    // MARK: Recording

    private static func recordedBody(_ request: HTTPRequest) -> ServerJSON? {
        guard !request.body.isEmpty else { return nil }
        if let json = try? ServerJSON(parsing: Data(request.body)) { return json }
        return try? YAMLBody.parse(request.body)
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
