import Foundation
import Yams

/// A kubeconfig with one cluster, one user authenticated by an embedded client certificate (or token), and one
/// context `<user>@<cluster>`, as kubeadm's `kubeconfigutil.CreateWithCerts` builds it.
public struct Kubeconfig: Sendable, Equatable {
    public var clusterName: String
    public var server: String
    public var certificateAuthorityPEM: String
    public var userName: String
    public var clientCertificatePEM: String?
    /// Secret: never log it.
    public var clientKeyPEM: String?
    public var token: String?
    /// A file holding the client certificate and key (kubelet.conf after kubelet-finalize: the kubelet's rotated
    /// `kubelet-client-current.pem`), instead of embedded data.
    public var clientCertificateFile: String?
    /// Files a hand-written kubeconfig names instead of embedded data (`certificate-authority`, `client-key`
    /// when it differs from `client-certificate`); read by `parse`, never rendered: whoever uses such a
    /// kubeconfig elsewhere embeds their content first (kubeadm's file discovery does).
    public var certificateAuthorityFile: String?
    public var clientKeyFile: String?

    public init(clusterName: String, server: String, certificateAuthorityPEM: String, userName: String,
                clientCertificatePEM: String? = nil, clientKeyPEM: String? = nil, token: String? = nil,
                clientCertificateFile: String? = nil) {
        self.clientCertificateFile = clientCertificateFile
        self.clusterName = clusterName
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.userName = userName
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.token = token
    }

    public var contextName: String { "\(userName)@\(clusterName)" }

    /// Whether it authenticates its user (an embedded client certificate or a token), rather than being a
    /// cluster-only kubeconfig as handed out for discovery.
    public var hasCredentials: Bool { clientCertificatePEM != nil || token != nil }

    /// YAML laid out as client-go's `clientcmd.Write` does (keys sorted, data base64-encoded).
    public func rendered() -> String {
        func b64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        var user: [String] = []
        if let clientCertificateFile { user.append("    client-certificate: \(Self.scalar(clientCertificateFile))") }
        if let clientCertificatePEM { user.append("    client-certificate-data: \(b64(clientCertificatePEM))") }
        if let clientCertificateFile { user.append("    client-key: \(Self.scalar(clientCertificateFile))") }
        if let clientKeyPEM { user.append("    client-key-data: \(b64(clientKeyPEM))") }
        if let token { user.append("    token: \(Self.scalar(token))") }
        return """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: \(b64(certificateAuthorityPEM))
            server: \(Self.scalar(server))
          name: \(Self.scalar(clusterName))
        contexts:
        - context:
            cluster: \(Self.scalar(clusterName))
            user: \(Self.scalar(userName))
          name: \(Self.scalar(contextName))
        current-context: \(Self.scalar(contextName))
        kind: Config
        preferences: {}
        users:
        - name: \(Self.scalar(userName))
          user:
        \(user.joined(separator: "\n"))

        """
    }

    /// Reads the current context's cluster and user from any kubeconfig (files written by kubeadm or by hand).
    public static func parse(_ text: String, path: String) throws -> Kubeconfig {
        func fail(_ why: String) -> PKIError { PKIError(.invalidFile, "\(path) is not a usable kubeconfig: \(why)") }
        guard let root = (try? Yams.load(yaml: text)) as? [String: Any] else { throw fail("it is not a YAML mapping") }
        guard let current = root["current-context"] as? String, !current.isEmpty else { throw fail("no current-context") }
        func entry(_ list: String, _ name: String, _ key: String) -> [String: Any]? {
            (root[list] as? [[String: Any]])?.first { ($0["name"] as? String) == name }?[key] as? [String: Any]
        }
        guard let context = entry("contexts", current, "context"), let clusterName = context["cluster"] as? String,
              let cluster = entry("clusters", clusterName, "cluster") else {
            throw fail("context '\(current)' or its cluster is missing")
        }
        func decoded(_ value: Any?) -> String? {
            (value as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
        }
        let userName = context["user"] as? String ?? ""
        let user = entry("users", userName, "user") ?? [:]
        var kubeconfig = Kubeconfig(clusterName: clusterName, server: cluster["server"] as? String ?? "",
                                    certificateAuthorityPEM: decoded(cluster["certificate-authority-data"]) ?? "",
                                    userName: userName, clientCertificatePEM: decoded(user["client-certificate-data"]),
                                    clientKeyPEM: decoded(user["client-key-data"]), token: user["token"] as? String,
                                    clientCertificateFile: user["client-certificate"] as? String)
        kubeconfig.certificateAuthorityFile = cluster["certificate-authority"] as? String
        if let keyFile = user["client-key"] as? String, keyFile != kubeconfig.clientCertificateFile { kubeconfig.clientKeyFile = keyFile }
        return kubeconfig
    }

    /// A plain YAML scalar when that reads back unchanged, a double-quoted one otherwise.
    static func scalar(_ value: String) -> String {
        let safe = value.unicodeScalars.allSatisfy {
            ($0.isASCII && (CharacterSet.alphanumerics.contains($0) || ":@._/-[]".unicodeScalars.contains($0)))
        }
        let plain = safe && !value.isEmpty && (value.first!.isLetter || value.first == "/") && !value.hasSuffix(":")
            && !["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"].contains(value.lowercased())
        if plain { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }
}
