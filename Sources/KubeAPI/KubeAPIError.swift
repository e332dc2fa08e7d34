import Foundation

/// The API server's `meta.v1.Status`: what it says when a request fails (and on a successful delete).
public struct KubeStatus: Codable, Sendable, Equatable {
    public struct Details: Codable, Sendable, Equatable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var retryAfterSeconds: Int?
    }

    public var status: String?
    public var message: String?
    public var reason: String?
    public var code: Int?
    public var details: Details?

    public init(status: String? = nil, message: String? = nil, reason: String? = nil, code: Int? = nil, details: Details? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
        self.code = code
        self.details = details
    }

    /// Decodes a body that is a Status object; nil for anything else.
    static func decode(_ body: Data) -> KubeStatus? {
        guard let value = try? JSONValue.decode(body), value["kind"]?.stringValue == "Status" else { return nil }
        return try? JSONDecoder().decode(KubeStatus.self, from: body)
    }
}

/// Why a request to the API server (or a component's health endpoint) failed. Descriptions name the request
/// (`create configmaps kube-system/kubeadm-config`) and the endpoint, never a credential.
public enum KubeAPIError: Error, CustomStringConvertible, Sendable {
    /// The server answered with a Status (reason, message, code).
    case status(KubeStatus, request: String)
    /// The server answered with a code and a body that is not a Status.
    case unexpectedResponse(code: Int, request: String, body: String)
    /// The answer could not be read as the object asked for.
    case decoding(request: String, reason: String)
    /// TLS failed: the server's certificate is not from the trusted CA or not for this name, or ours was refused.
    case tls(request: String, endpoint: String, reason: String)
    /// The connection could not be made or was lost.
    case transport(request: String, endpoint: String, reason: String)
    /// Retries ran out of time; `last` is the last failure.
    case timedOut(request: String, after: Duration, last: String)
    /// A value given to the client is unusable (a PEM that does not parse, a URL without a host).
    case invalidInput(String)

    public var description: String {
        switch self {
        case let .status(status, request):
            let reason = status.reason.map { "\($0): " } ?? ""
            return "\(request): \(status.code ?? 0) \(reason)\(status.message ?? "(no message)")"
        case let .unexpectedResponse(code, request, body):
            return "\(request): unexpected answer \(code)\(body.isEmpty ? "" : ": \(body)")"
        case let .decoding(request, reason):
            return "\(request): the answer is not what was expected: \(reason)"
        case let .tls(request, endpoint, reason):
            return "\(request): TLS with \(endpoint) failed: \(reason)"
        case let .transport(request, endpoint, reason):
            return "\(request): cannot reach \(endpoint): \(reason)"
        case let .timedOut(request, after, last):
            return last.hasPrefix(request) ? "\(last) (still failing after \(Self.seconds(after)) of retries)"
                : "\(request): still failing after \(Self.seconds(after)) of retries: \(last)"
        case let .invalidInput(reason):
            return reason
        }
    }

    static func seconds(_ duration: Duration) -> String {
        duration.formatted(.units(allowed: [.seconds], width: .narrow, fractionalPart: .show(length: 1)))
    }

    /// The Status code, when the server sent one.
    public var code: Int? {
        switch self {
        case let .status(status, _): status.code
        case let .unexpectedResponse(code, _, _): code
        default: nil
        }
    }

    public var reason: String? {
        if case let .status(status, _) = self { return status.reason }
        return nil
    }

    public var isNotFound: Bool { code == 404 }
    public var isAlreadyExists: Bool { code == 409 && reason == "AlreadyExists" }
    public var isConflict: Bool { code == 409 && reason != "AlreadyExists" }
    public var isUnauthorized: Bool { code == 401 }
    public var isForbidden: Bool { code == 403 }

    /// Worth trying again: the server or the way to it is busy, restarting or not up yet. Never a TLS
    /// verification failure or an answer that will not change (400, 401, 403, 404, 409, 422).
    public var isRetryable: Bool {
        switch self {
        case .transport: return true
        case .status, .unexpectedResponse:
            guard let code else { return false }
            if code == 429 || code >= 500 { return true }
            return ["ServerTimeout", "Timeout", "ServiceUnavailable", "TooManyRequests"].contains(reason ?? "")
        case .tls, .decoding, .timedOut, .invalidInput: return false
        }
    }

    /// What the server asked us to wait (`Retry-After`, or the Status' `retryAfterSeconds`).
    public var retryAfter: Duration? {
        if case let .status(status, _) = self, let seconds = status.details?.retryAfterSeconds { return .seconds(seconds) }
        return nil
    }
}
