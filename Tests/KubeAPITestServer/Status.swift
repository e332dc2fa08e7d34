// Part of the test stand-in for kube-apiserver (tests only): the meta/v1 Status replies, worded as
// k8s.io/apimachinery/pkg/api/errors words them.

/// A failed request's answer: an HTTP code and kube-apiserver's `Status` object.
struct APIError: Error {
    let code: Int
    let status: ServerJSON
    var retryAfter: Int? = nil

    init(code: Int, reason: String?, message: String, details: ServerJSON? = nil, retryAfter: Int? = nil) {
        var status: ServerJSON = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(message), "code": .int(Int64(code)),
        ]
        if let reason, !reason.isEmpty { status["reason"] = .string(reason) }
        if let details { status["details"] = details }
        self.code = code
        self.status = status
        self.retryAfter = retryAfter
    }

    /// `{name, group, kind}` with empty members left out, as Go's `omitempty` does.
    static func details(_ resource: Resource?, name: String, extra: [String: ServerJSON] = [:]) -> ServerJSON {
        var members = extra
        if !name.isEmpty { members["name"] = .string(name) }
        if let resource {
            if !resource.group.isEmpty { members["group"] = .string(resource.group) }
            members["kind"] = .string(resource.rawValue)
        }
        return .object(members)
    }

    static func notFound(_ resource: Resource, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(resource.qualifiedName) \"\(name)\" not found",
                 details: details(resource, name: name))
    }

    /// An unknown path under /api or /apis.
    static let unknownResource = APIError(code: 404, reason: "NotFound",
                                          message: "the server could not find the requested resource", details: [:])

    static func alreadyExists(_ resource: Resource, _ name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(resource.qualifiedName) \"\(name)\" already exists",
                 details: details(resource, name: name))
    }

    static func conflict(_ resource: Resource, _ name: String, _ why: String) -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(resource.qualifiedName) \"\(name)\": \(why)",
                 details: details(resource, name: name))
    }

    static let staleObject = "the object has been modified; please apply your changes to the latest version and try again"

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    /// An authorization denial; `resource` empty for a non-resource path.
    static func forbidden(group: String, resource: String, name: String, message: String) -> APIError {
        let qualified = group.isEmpty ? resource : "\(resource).\(group)"
        let prefix = resource.isEmpty ? "forbidden"
            : name.isEmpty ? "\(qualified) is forbidden" : "\(qualified) \"\(name)\" is forbidden"
        var details: [String: ServerJSON] = [:]
        if !group.isEmpty { details["group"] = .string(group) }
        if !resource.isEmpty { details["kind"] = .string(resource) }
        if !name.isEmpty { details["name"] = .string(name) }
        return APIError(code: 403, reason: "Forbidden", message: "\(prefix): \(message)", details: .object(details))
    }

    /// A field-validation failure (HTTP 422), e.g. `ConfigMap "" is invalid: metadata.name: Required value: …`.
    static func invalid(_ resource: Resource, name: String, _ causes: [FieldError]) -> APIError {
        let qualifiedKind = resource.group.isEmpty ? resource.kind : "\(resource.kind).\(resource.group)"
        var extra: [String: ServerJSON] = [
            "causes": .array(causes.map {
                ["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)]
            }),
        ]
        if !resource.group.isEmpty { extra["group"] = .string(resource.group) }
        extra["kind"] = .string(resource.kind)
        if !name.isEmpty { extra["name"] = .string(name) }
        return APIError(code: 422, reason: "Invalid",
                        message: "\(qualifiedKind) \"\(name)\" is invalid: \(aggregate(causes.map(\.text)))",
                        details: .object(extra))
    }

    /// utilerrors.NewAggregate's text: one message alone, several in brackets.
    static func aggregate(_ messages: [String]) -> String {
        messages.count == 1 ? messages[0] : "[" + messages.joined(separator: ", ") + "]"
    }

    static let methodNotAllowed = APIError(code: 405, reason: "MethodNotAllowed",
                                           message: "the server does not allow this method on the requested resource",
                                           details: [:])

    static func unsupportedMediaType(_ accepted: [String]) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType",
                 message: "the body of the request was in an unknown format - accepted media types include: "
                     + accepted.joined(separator: ", "))
    }

    /// A plain Go error that reached the handler: code 500 and no reason (`StatusReasonUnknown`).
    static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: nil, message: message)
    }

    static func success(_ resource: Resource, name: String, uid: String?) -> ServerJSON {
        var extra: [String: ServerJSON] = [:]
        if let uid { extra["uid"] = .string(uid) }
        return ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
                "details": details(resource, name: name, extra: extra)]
    }
}

/// One `field.Error`: `metadata.name: Required value: name or generateName is required`.
struct FieldError {
    let field: String
    let reason: String
    let message: String

    static func required(_ field: String, _ detail: String?) -> FieldError {
        FieldError(field: field, reason: "FieldValueRequired", message: "Required value" + (detail.map { ": \($0)" } ?? ""))
    }

    static func invalid(_ field: String, value: String, _ detail: String) -> FieldError {
        FieldError(field: field, reason: "FieldValueInvalid", message: "Invalid value: \"\(value)\": \(detail)")
    }

    var text: String { "\(field): \(message)" }
}
