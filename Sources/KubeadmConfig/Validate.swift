import KubeTypes

/// Value checks shared by the file decoder and the init flags; each returns a reason, or nil when the value is fine.
enum Validate {
    static func cidrList(_ text: String) -> String? {
        let parts = text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty, parts.count <= 2 else { return "'\(text)' must be one CIDR, or two (IPv4 and IPv6) separated by a comma" }
        for part in parts where IPAddressRange(part) == nil {
            return "'\(part)' is not a CIDR such as 10.96.0.0/12"
        }
        return nil
    }

    /// `host` or `host:port`, host being a DNS name or an IP (IPv6 bracketed when a port follows).
    static func endpoint(_ text: String) -> String? {
        if text.isEmpty { return nil }
        var host = text
        var portText: String?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return "'\(text)' has an unclosed '['" }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") { portText = String(rest.dropFirst()) } else if !rest.isEmpty { return "'\(text)' is not host:port" }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        if let portText {
            guard let port = Int(portText), (1...65535).contains(port) else { return "'\(portText)' in '\(text)' is not a port (1-65535)" }
        }
        if IPAddress(host) != nil || isDNSSubdomain(host) { return nil }
        return "'\(host)' is neither an IP address nor a DNS name"
    }

    static func dnsDomain(_ text: String) -> String? {
        isDNSSubdomain(text) ? nil : "'\(text)' is not a valid DNS domain"
    }

    /// RFC 1123 subdomain: dot-separated labels of [a-z0-9-], not starting or ending with '-', at most 253 chars.
    static func isDNSSubdomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.count <= 253 else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.allSatisfy(allowed.contains) && label.first != "-" && label.last != "-"
        }
    }

    /// kubeadm's ValidateCertSANs: an IP, a DNS name, or a wildcard DNS name (`*.example.com`).
    static func certSAN(_ text: String) -> String? {
        if IPAddress(text) != nil || isDNSSubdomain(text) { return nil }
        if text.hasPrefix("*."), isDNSSubdomain(String(text.dropFirst(2))) { return nil }
        return "'\(text)' is not a valid IP address, DNS name or wildcard DNS name"
    }

    static func certificateKey(_ text: String) -> String? {
        text.isEmpty || (text.count == 64 && text.allSatisfy(\.isHexDigit)) ? nil : "the certificate key must be 64 hexadecimal characters"
    }

    static func isCACertHash(_ text: String) -> Bool {
        guard text.hasPrefix("sha256:") else { return false }
        let hex = text.dropFirst("sha256:".count)
        return hex.count == 64 && hex.allSatisfy(\.isHexDigit)
    }
}
