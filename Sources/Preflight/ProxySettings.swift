import Foundation
import KubeTypes

/// HTTP proxy variables from one source (the session environment, `/etc/environment`, a runtime's
/// systemd drop-in), judged the way Go's `net/http` (and so kubeadm and the kubelet) uses them.
public struct ProxySettings: Sendable, Equatable {
    public var source: String
    public var httpsProxy: String?
    public var noProxy: [String]

    public init(source: String, variables: [String: String]) {
        self.source = source
        func pick(_ upper: String) -> String? {
            let value = variables[upper] ?? variables[upper.lowercased()]
            return value?.isEmpty == false ? value : nil
        }
        httpsProxy = pick("HTTPS_PROXY")
        noProxy = (pick("NO_PROXY") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The proxy an HTTPS request to `address` would go through, or nil when it would go direct.
    public func proxy(for address: IPAddress) -> String? {
        guard let httpsProxy, !address.isLoopback else { return nil }
        for entry in noProxy {
            if entry == "*" { return nil }
            var host = entry
            // Entries may carry a port (`10.0.0.1:6443`); any port matches for our purposes.
            if let ip = IPAddress(host: host) { if ip == address { return nil } else { continue } }
            if let network = IPNetwork(host) { if network.contains(address) { return nil } else { continue } }
            if host.hasPrefix("[") , let end = host.firstIndex(of: "]") { host = String(host[host.index(after: host.startIndex)..<end]) }
            else if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
            if let ip = IPAddress(host: host), ip == address { return nil }
        }
        return httpsProxy
    }

    /// `KEY=value` lines (shell or /etc/environment style, optionally `export`ed and quoted).
    public static func parseAssignments(_ text: String) -> [String: String] {
        var variables: [String: String] = [:]
        for line in text.split(separator: "\n") {
            var trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("export ") { trimmed = String(trimmed.dropFirst(7)) }
            guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
            variables[String(trimmed[..<equals])] = value
        }
        return variables
    }

    /// systemd `Environment="HTTPS_PROXY=http://p:3128" "NO_PROXY=localhost"` lines.
    public static func parseSystemdEnvironment(_ text: String) -> [String: String] {
        var variables: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("Environment=") else { continue }
            var body = Substring(trimmed.dropFirst("Environment=".count))
            while !body.isEmpty {
                body = body.drop(while: { $0 == " " })
                let word: Substring
                if body.first == "\"" {
                    let rest = body.dropFirst()
                    let end = rest.firstIndex(of: "\"") ?? rest.endIndex
                    word = rest[..<end]
                    body = end < rest.endIndex ? rest[rest.index(after: end)...] : ""
                } else {
                    let end = body.firstIndex(of: " ") ?? body.endIndex
                    word = body[..<end]
                    body = body[end...]
                }
                if let equals = word.firstIndex(of: "=") {
                    variables[String(word[..<equals])] = String(word[word.index(after: equals)...])
                }
            }
        }
        return variables
    }
}
