import KubeTypes

/// `host[:port]` as kubeadm's `--control-plane-endpoint` takes it; IPv6 in brackets when a port follows.
struct Endpoint: Sendable, Equatable, CustomStringConvertible {
    let host: String
    let port: Int

    var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    init?(_ text: String, defaultPort: Int) {
        var host = Substring(text)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
            guard IPAddress(String(host))?.isIPv4 == false else { return nil }
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        let hostText = String(host)
        if IPAddress.looksLikeAddress(hostText) {
            guard IPAddress(hostText) != nil else { return nil }
        } else {
            guard DNSName.isHostName(hostText) else { return nil }
        }
        var port = defaultPort
        if let portText {
            guard let parsed = Endpoint.port(String(portText)) else { return nil }
            port = parsed
        }
        self.host = hostText
        self.port = port
    }

    /// A TCP port, 1–65535, decimal digits only.
    static func port(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int(text), (1...65535).contains(value) else { return nil }
        return value
    }
}
