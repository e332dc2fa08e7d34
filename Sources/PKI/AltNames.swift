import KubeTypes

/// The DNS names and IP addresses of a certificate's subjectAltName extension.
public struct AltNames: Sendable, Equatable {
    public var dnsNames: [String]
    public var ipAddresses: [IPAddress]

    public init(dnsNames: [String] = [], ipAddresses: [IPAddress] = []) {
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
    }

    public var isEmpty: Bool { dnsNames.isEmpty && ipAddresses.isEmpty }

    /// Upstream's `RemoveDuplicateAltNames`: DNS names become a sorted set, IPs keep first-seen order.
    public func deduplicated() -> AltNames {
        var seen = Set<IPAddress>()
        let ips = ipAddresses.filter { seen.insert($0).inserted }
        return AltNames(dnsNames: Array(Set(dnsNames)).sorted(), ipAddresses: ips)
    }

    /// Appends user-supplied SANs with upstream's rules (`appendSANsToAltNames`): an IP if it parses as one,
    /// else a DNS name if it is an RFC 1123 subdomain or wildcard subdomain; anything else is skipped and
    /// described in the returned warnings.
    public mutating func append(extra values: [String], forCertificate certificate: String) -> [String] {
        var warnings: [String] = []
        for value in values {
            if let ip = IPAddress(sloppy: value) {
                ipAddresses.append(ip)
            } else if DNSName.isSubdomain(value) || DNSName.isWildcardSubdomain(value) {
                dnsNames.append(value)
            } else {
                warnings.append("'\(value)' was not added to the '\(certificate)' SAN, because it is not a valid IP or RFC-1123 compliant DNS entry")
            }
        }
        return warnings
    }

    /// The entries of `required` that this set lacks (empty when every one is present).
    public func missing(from required: AltNames) -> AltNames {
        let dns = Set(dnsNames)
        let ips = Set(ipAddresses)
        return AltNames(dnsNames: required.dnsNames.filter { !dns.contains($0) },
                        ipAddresses: required.ipAddresses.filter { !ips.contains($0) })
    }

    /// `DNS:[a b] IP:[c d]`, as kubeadm prints a serving certificate's names.
    public var summary: String {
        let dns = "DNS names [\(dnsNames.joined(separator: " "))]"
        let ips = "IPs [\(ipAddresses.map(\.description).joined(separator: " "))]"
        if dnsNames.isEmpty && !ipAddresses.isEmpty { return ips }
        if ipAddresses.isEmpty && !dnsNames.isEmpty { return dns }
        return dns + " and " + ips
    }
}
