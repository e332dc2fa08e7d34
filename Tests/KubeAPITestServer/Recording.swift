// Part of the test stand-in for kube-apiserver (tests only): the audit log (level RequestResponse, as in the
// captured transcripts) and the faults retry tests inject.

/// One request as kube-apiserver's audit log records it, so tests compare kubeforge's requests with the capture in
/// shared/reference/kubeadm-api (`verb`, `requestURI`, `user`, `userAgent`, `code`, `requestObject`, `responseObject`).
public struct RecordedRequest: Sendable, CustomStringConvertible {
    /// The audit verb: get, list, watch, create, update, patch, delete, deletecollection; the lower-case HTTP
    /// method for non-resource paths.
    public let verb: String
    public let method: String
    /// Path and query exactly as sent.
    public let requestURI: String
    /// The authenticated user; empty for a request that failed authentication (401).
    public let user: String
    public let groups: [String]
    public let userAgent: String?
    public let contentType: String?
    public let code: Int
    /// The body as JSON (a patch is recorded as the patch sent); nil without a body.
    public let requestObject: ServerJSON?
    /// The answer as JSON; nil for a watch and for plain-text answers (`/healthz`).
    public let responseObject: ServerJSON?
    /// True when a `Fault` answered (or dropped) this request instead of the server.
    public let injectedFault: Bool

    /// The path without the query.
    public var path: String { String(requestURI.prefix { $0 != "?" }) }

    /// `create  201 kubernetes-admin  /api/v1/...`, the layout of the capture's requests.txt.
    public var description: String {
        let padded = { (text: String, width: Int) in
            text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0)
        }
        return "\(padded(verb, 7)) \(code) \(padded(user, 26)) \(requestURI)"
    }
}

/// A scripted misbehaviour for retry tests: the next `count` requests (whose path starts with `pathPrefix`, if
/// given) get `code` with a Status body, or have their connection closed before any answer.
public struct Fault: Sendable {
    public enum Action: Sendable {
        case respond(code: Int, retryAfter: Int?)
        case dropConnection
    }

    public var action: Action
    public var count: Int
    public var pathPrefix: String?

    /// 429 TooManyRequests, 500 InternalError or 503 ServiceUnavailable (or any code) with kube-apiserver's
    /// Status for it, and a `Retry-After` header when `retryAfter` is set.
    public static func respond(_ code: Int, retryAfter: Int? = nil, times count: Int = 1, pathPrefix: String? = nil)
        -> Fault
    {
        Fault(action: .respond(code: code, retryAfter: retryAfter), count: count, pathPrefix: pathPrefix)
    }

    /// Closes the connection on receiving the request, without a response.
    public static func dropConnection(times count: Int = 1, pathPrefix: String? = nil) -> Fault {
        Fault(action: .dropConnection, count: count, pathPrefix: pathPrefix)
    }

    func applies(to path: String) -> Bool {
        count > 0 && (pathPrefix.map { path.hasPrefix($0) } ?? true)
    }

    /// The Status kube-apiserver sends with these codes (max-in-flight, panics, an unavailable backend).
    var error: APIError? {
        guard case let .respond(code, retryAfter) = action else { return nil }
        switch code {
        case 429:
            let seconds = Int64(retryAfter ?? 1)
            return APIError(code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later.",
                            details: ["retryAfterSeconds": .int(seconds)], retryAfter: retryAfter)
        case 500:
            return APIError(code: 500, reason: "InternalError", message: "Internal error occurred: injected fault",
                            details: ["causes": [["message": "injected fault"]]], retryAfter: retryAfter)
        case 503:
            return APIError(code: 503, reason: "ServiceUnavailable",
                            message: "the server is currently unable to handle the request", retryAfter: retryAfter)
        default:
            return APIError(code: code, reason: nil, message: "injected fault (\(code))", retryAfter: retryAfter)
        }
    }
}
