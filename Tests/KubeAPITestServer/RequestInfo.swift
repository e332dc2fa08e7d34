// Part of the test stand-in for kube-apiserver (tests only): what a request asks for, parsed as kube-apiserver's
// RequestInfoFactory (k8s.io/apiserver/pkg/endpoints/request) parses it.
import Foundation

/// One HTTP request as the plumbing hands it over: method, URI, headers (names lower-cased), body.
struct HTTPRequest: Sendable {
    let method: String
    let uri: String
    let headers: [String: String]
    let body: [UInt8]

    func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The media type without parameters (`application/json; charset=utf-8` → `application/json`).
    var contentType: String? {
        header("content-type").map { String($0.prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces).lowercased() }
    }
}

/// The parts of a request URL that authorization and routing use.
struct RequestInfo: Sendable {
    var path: String
    var query: [String: String]
    var verb: String
    var isResourceRequest = false
    var apiGroup = ""
    var apiVersion = ""
    /// The plural as sent (it may name a resource the stand-in does not serve).
    var resourceName = ""
    var subresource = ""
    var namespace = ""
    var name = ""
    private var servedDepth = true

    init(method: String, uri: String) {
        let pathPart = String(uri.prefix { $0 != "?" })
        path = pathPart.removingPercentEncoding ?? pathPart
        query = Self.parseQuery(uri.contains("?") ? String(uri.drop { $0 != "?" }.dropFirst()) : "")
        verb = method.lowercased()

        var parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 3, parts[0] == "api" || parts[0] == "apis" else { return }
        let grouped = parts[0] == "apis"
        parts.removeFirst()
        if grouped {
            guard parts.count >= 3 else { return }
            apiGroup = parts.removeFirst()
        }
        isResourceRequest = true
        apiVersion = parts.removeFirst()
        verb = switch method {
        case "POST": "create"
        case "GET", "HEAD": "get"
        case "PUT": "update"
        case "PATCH": "patch"
        case "DELETE": "delete"
        default: ""
        }
        if parts.first == "namespaces", parts.count > 1 {
            namespace = parts[1]
            if parts.count > 2, !["status", "finalize"].contains(parts[2]) { parts.removeFirst(2) }
        }
        if parts.count >= 3 { subresource = parts[2] }
        if parts.count >= 2 { name = parts[1] }
        if let first = parts.first { resourceName = first }
        servedDepth = parts.count <= 3 // deeper paths (proxy and the like) are not served
        if name.isEmpty, verb == "delete" { verb = "deletecollection" }
        if name.isEmpty, verb == "get" {
            verb = Self.isTrue(query["watch"]) ? "watch" : "list"
            if let selector = query["fieldSelector"], let exact = Self.exactName(selector) { name = exact }
        }
    }

    /// The resource the URL names, if the stand-in serves it (and the subresource, if any, exists).
    var resource: Resource? {
        guard isResourceRequest, servedDepth,
              let resource = Resource.find(group: apiGroup, version: apiVersion, plural: resourceName),
              subresource.isEmpty || resource.subresources.contains(subresource)
        else { return nil }
        return resource
    }

    func attributes(for user: UserInfo) -> RequestAttributes {
        RequestAttributes(user: user, verb: verb, resourceName: isResourceRequest ? resourceName : "",
                          apiGroup: apiGroup, subresource: subresource, namespace: namespace, name: name, path: path)
    }

    /// Go's strconv.ParseBool truths.
    static func isTrue(_ value: String?) -> Bool {
        ["1", "t", "T", "true", "TRUE", "True"].contains(value ?? "")
    }

    /// `metadata.name=x` (or `==`) among the requirements, as RequestInfoFactory reads it for list and watch.
    private static func exactName(_ selector: String) -> String? {
        for term in selector.split(separator: ",") {
            for separator in ["==", "="] where term.hasPrefix("metadata.name" + separator) {
                let name = String(term.dropFirst(("metadata.name" + separator).count))
                return name.isEmpty || name.contains("/") || name == "." || name == ".." ? nil : name
            }
        }
        return nil
    }

    /// Go's url.ParseQuery: `+` is a space, the first value of a repeated key wins.
    static func parseQuery(_ text: String) -> [String: String] {
        var query: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (piece: Substring) in
                let spaced = piece.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let key = decode(pieces[0])
            if query[key] == nil { query[key] = pieces.count > 1 ? decode(pieces[1]) : "" }
        }
        return query
    }
}
