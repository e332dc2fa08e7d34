// Part of the test stand-in for kube-apiserver (tests only): authentication as kube-apiserver v1.28 does it with
// --client-ca-file, --enable-bootstrap-token-auth and anonymous requests allowed.
import Foundation
import X509

/// Who made a request, as kube-apiserver's authenticators report it.
struct UserInfo: Sendable, Hashable {
    let name: String
    let groups: [String]

    static let anonymous = UserInfo(name: "system:anonymous", groups: ["system:unauthenticated"])
}

/// The subject of a client certificate the TLS layer verified against the client CA.
struct ClientCertificateSubject: Sendable {
    let commonName: String
    let organizations: [String]

    init(derBytes: [UInt8]) throws {
        (commonName, organizations) = try Certificate(derEncoded: derBytes).subject.commonNameAndOrganizations
    }
}

extension DistinguishedName {
    /// The subject's CN and O values: a Kubernetes user name and groups.
    var commonNameAndOrganizations: (String, [String]) {
        let attributes = flatMap { $0 }
        let commonName = attributes.first { $0.type == .RDNAttributeType.commonName }.flatMap { String($0.value) }
        let organizations = attributes.filter { $0.type == .RDNAttributeType.organizationName }.compactMap { String($0.value) }
        return (commonName ?? "", organizations)
    }
}

/// Request authentication in kube-apiserver's order: the x509 authenticator, then bearer tokens (bootstrap tokens
/// only), else anonymous. A bearer token that no authenticator accepts is a 401, never anonymous.
struct Authenticator {
    static let bootstrapTokenType = "bootstrap.kubernetes.io/token"

    let now: Date

    enum Outcome: Equatable {
        case authenticated(UserInfo)
        case unauthorized
    }

    func authenticate(certificate: ClientCertificateSubject?, authorization: String?, store: ObjectStore) -> Outcome {
        if let certificate, !certificate.commonName.isEmpty {
            return .authenticated(Self.withAuthenticatedGroup(UserInfo(name: certificate.commonName,
                                                                       groups: certificate.organizations)))
        }
        if let token = Self.bearerToken(authorization) {
            guard let user = bootstrapTokenUser(token, store: store) else { return .unauthorized }
            return .authenticated(Self.withAuthenticatedGroup(user))
        }
        return .authenticated(.anonymous)
    }

    /// `Authorization: Bearer X` (scheme case-insensitive); other schemes and empty tokens are ignored, as
    /// kube-apiserver's bearer-token authenticator ignores them.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// plugin/pkg/auth/authenticator/token/bootstrap: the Secret `kube-system/bootstrap-token-<id>` of the bootstrap
    /// type whose token-id and token-secret match, not expired, with usage-bootstrap-authentication "true".
    func bootstrapTokenUser(_ token: String, store: ObjectStore) -> UserInfo? {
        guard let parsed = Self.parseBootstrapToken(token),
              let object = store.get(.secrets, namespace: "kube-system", name: "bootstrap-token-\(parsed.id)"),
              object["type"]?.stringValue == Self.bootstrapTokenType
        else { return nil }
        let data = BootstrapTokenData(object)
        guard data["token-secret"] == parsed.secret, data["token-id"] == parsed.id, !data.hasExpired(at: now),
              data["usage-bootstrap-authentication"] == "true",
              let groups = data.groups
        else { return nil }
        return UserInfo(name: "system:bootstrap:\(parsed.id)", groups: groups)
    }

    /// `[a-z0-9]{6}.[a-z0-9]{16}`.
    static func parseBootstrapToken(_ token: String) -> (id: String, secret: String)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789")
        guard parts.count == 2, parts[0].count == 6, parts[1].count == 16,
              parts.allSatisfy({ $0.allSatisfy(allowed.contains) })
        else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// kube-apiserver's AuthenticatedGroupAdder.
    static func withAuthenticatedGroup(_ user: UserInfo) -> UserInfo {
        guard !user.groups.contains("system:authenticated"), !user.groups.contains("system:unauthenticated"),
              user.name != UserInfo.anonymous.name
        else { return user }
        return UserInfo(name: user.name, groups: user.groups + ["system:authenticated"])
    }
}

/// The decoded `data` of a bootstrap-token Secret (k8s.io/cluster-bootstrap/secret helpers).
struct BootstrapTokenData {
    private let values: [String: String]

    init(_ secret: ServerJSON) {
        var values: [String: String] = [:]
        for (key, encoded) in secret["data"]?.stringMap ?? [:] {
            if let bytes = Data(base64Encoded: encoded) { values[key] = String(decoding: bytes, as: UTF8.self) }
        }
        self.values = values
    }

    subscript(key: String) -> String? { values[key] }

    /// An unparseable expiration counts as expired, as `bootstrapsecretutil.HasExpired` does.
    func hasExpired(at now: Date) -> Bool {
        guard let text = values["expiration"], !text.isEmpty else { return false }
        guard let expiration = RFC3339.parse(text) else { return true }
        return expiration <= now
    }

    /// `system:bootstrappers` plus `auth-extra-groups`, sorted as a Go string set lists them; nil when an extra
    /// group is not a valid `system:bootstrappers:…` name.
    var groups: [String]? {
        var groups: Set<String> = ["system:bootstrappers"]
        let extra = values["auth-extra-groups"] ?? ""
        for group in extra.isEmpty ? [] : extra.split(separator: ",", omittingEmptySubsequences: false) {
            guard Self.isValidGroup(String(group)) else { return nil }
            groups.insert(String(group))
        }
        return groups.sorted()
    }

    /// `\Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\z`.
    static func isValidGroup(_ name: String) -> Bool {
        let prefix = "system:bootstrappers:"
        guard name.hasPrefix(prefix) else { return false }
        let rest = name.dropFirst(prefix.count)
        let alphanumeric = Set("abcdefghijklmnopqrstuvwxyz0123456789")
        guard let last = rest.last, rest.count <= 256, alphanumeric.contains(last) else { return false }
        return rest.allSatisfy { alphanumeric.contains($0) || $0 == ":" || $0 == "-" }
    }
}

/// RFC 3339 timestamps with whole seconds, as Kubernetes writes them (`2026-12-01T14:06:58Z`).
enum RFC3339 {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
