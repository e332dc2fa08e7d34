import Foundation
import KubeTypes

/// Everything that decides the certificate tree and kubeconfigs, in kubeadm's own terms.
///
/// Plain values so that flags (`--apiserver-advertise-address`, …) and a kubeadm configuration file map onto
/// it field by field: `localAPIEndpoint` → `advertiseAddress`/`bindPort`, `nodeRegistration.name` →
/// `nodeName`, `networking` → `serviceSubnet`/`dnsDomain`, `apiServer.certSANs` → `apiServerCertSANs`,
/// `etcd.local.serverCertSANs`/`peerCertSANs`, `etcd.external` → `externalEtcd`, and so on.
/// `resolve()` validates the lot and reports every problem at once.
public struct CertificateTreeOptions: Sendable, Equatable {
    public var certificatesDir = "/etc/kubernetes/pki"
    public var kubeconfigDir = "/etc/kubernetes"
    /// Defaults to the lower-cased hostname, as upstream.
    public var nodeName = ""
    public var advertiseAddress = ""
    public var bindPort = 6443
    public var controlPlaneEndpoint = ""
    public var apiServerCertSANs: [String] = []
    public var etcdServerCertSANs: [String] = []
    public var etcdPeerCertSANs: [String] = []
    /// Comma-separated for dual stack; the first block gives the `kubernetes` Service IP.
    public var serviceSubnet = "10.96.0.0/12"
    public var dnsDomain = "cluster.local"
    public var clusterName = "kubernetes"
    public var kubernetesVersion = "stable-1"
    public var encryptionAlgorithm = EncryptionAlgorithm.rsa2048
    public var certificateValidity: TimeInterval = 365 * 24 * 3600
    public var caCertificateValidity: TimeInterval = 3650 * 24 * 3600
    /// With external etcd only ca, apiserver, apiserver-kubelet-client and the front-proxy pair exist.
    public var externalEtcd = false

    public init() {}

    /// The validated, derived form the generators work from.
    public struct Resolved: Sendable {
        public let options: CertificateTreeOptions
        public let release: KubernetesRelease
        public let nodeName: String
        public let advertiseAddress: IPAddress
        /// `https://<controlPlaneEndpoint or advertise address>:<port>`, for admin, super-admin and kubelet.
        public let controlPlaneURL: String
        /// `https://<advertise address>:<bindPort>`, for controller-manager and scheduler.
        public let localAPIURL: String
        public let apiServerAltNames: AltNames
        public let etcdServerAltNames: AltNames
        public let etcdPeerAltNames: AltNames
        /// SANs that were skipped, in upstream's words.
        public let warnings: [String]
    }

    /// Validates every field, derives SANs and URLs, and throws one error listing every problem.
    public func resolve(hostname: String = ProcessInfo.processInfo.hostName) throws -> Resolved {
        var problems: [String] = []
        var warnings: [String] = []
        let release: KubernetesRelease
        do { release = try KubernetesRelease(parsing: kubernetesVersion) } catch {
            problems.append("\(error)")
            release = .newestSupported
        }
        let node = nodeName.isEmpty ? hostname.lowercased() : nodeName
        if !DNSName.isSubdomain(node) {
            problems.append("invalid node name '\(node)': it must be a lower-case RFC 1123 subdomain (--node-name)")
        }
        let advertise = IPAddress(sloppy: advertiseAddress)
        if advertise == nil {
            problems.append(advertiseAddress.isEmpty
                ? "missing advertise address: give --apiserver-advertise-address with this node's IP"
                : "invalid advertise address '\(advertiseAddress)': it must be an IP address (--apiserver-advertise-address)")
        }
        if !(1...65535).contains(bindPort) {
            problems.append("invalid API server bind port \(bindPort): it must be between 1 and 65535")
        }
        let firstSubnet = serviceSubnet.split(separator: ",").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        let serviceVIP = IPNetwork(firstSubnet)?.address(at: 1)
        if serviceVIP == nil {
            problems.append("invalid service subnet '\(serviceSubnet)': expected a CIDR such as 10.96.0.0/12 (--service-cidr)")
        }
        if !DNSName.isSubdomain(dnsDomain) {
            problems.append("invalid service DNS domain '\(dnsDomain)': it must be an RFC 1123 subdomain (--service-dns-domain)")
        }
        if clusterName.isEmpty { problems.append("the cluster name must not be empty") }
        var endpointHost: String?
        var endpointPort: String?
        if !controlPlaneEndpoint.isEmpty {
            do { (endpointHost, endpointPort) = try Self.parseHostPort(controlPlaneEndpoint) } catch {
                problems.append("\(error)")
            }
        }
        guard problems.isEmpty, let advertise, let serviceVIP else {
            throw PKIError(.invalidInput, problems.joined(separator: "\n"))
        }

        var apiServer = AltNames(
            dnsNames: [node, "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.\(dnsDomain)"],
            ipAddresses: [serviceVIP, advertise])
        if let endpointHost {
            if let ip = IPAddress(sloppy: endpointHost) { apiServer.ipAddresses.append(ip) } else { apiServer.dnsNames.append(endpointHost) }
        }
        warnings += apiServer.append(extra: apiServerCertSANs, forCertificate: "apiserver")
        let etcdDefaults = AltNames(dnsNames: [node, "localhost"],
                                    ipAddresses: [advertise, IPAddress(sloppy: "127.0.0.1")!, IPAddress(sloppy: "::1")!])
        var etcdServer = etcdDefaults
        var etcdPeer = etcdDefaults
        if !externalEtcd {
            warnings += etcdServer.append(extra: etcdServerCertSANs, forCertificate: "etcd/server")
            warnings += etcdPeer.append(extra: etcdPeerCertSANs, forCertificate: "etcd/peer")
        }

        let local = "https://" + IPAddress.joinHostPort(advertise.description, String(bindPort))
        let controlPlane = endpointHost.map { "https://" + IPAddress.joinHostPort($0, endpointPort ?? String(bindPort)) } ?? local
        return Resolved(options: self, release: release, nodeName: node, advertiseAddress: advertise,
                        controlPlaneURL: controlPlane, localAPIURL: local,
                        apiServerAltNames: apiServer.deduplicated(), etcdServerAltNames: etcdServer.deduplicated(),
                        etcdPeerAltNames: etcdPeer.deduplicated(), warnings: warnings)
    }

    /// kubeadm's `ParseHostPort`: `host`, `host:port`, `[v6]:port` or a bare IPv6 address.
    static func parseHostPort(_ value: String) throws -> (host: String, port: String?) {
        var host = value
        var port: String?
        if value.hasPrefix("["), let close = value.firstIndex(of: "]") {
            host = String(value[value.index(after: value.startIndex)..<close])
            let rest = value[value.index(after: close)...]
            if rest.hasPrefix(":") { port = String(rest.dropFirst()) } else if !rest.isEmpty { host = value }
        } else if value.filter({ $0 == ":" }).count == 1, let colon = value.firstIndex(of: ":") {
            host = String(value[..<colon])
            port = String(value[value.index(after: colon)...])
        }
        if let port, !(port.allSatisfy(\.isNumber) && (Int(port).map { (1...65535).contains($0) } ?? false)) {
            throw PKIError(.invalidInput, "invalid control-plane endpoint '\(value)': port \(port) must be a number between 1 and 65535 (--control-plane-endpoint)")
        }
        guard IPAddress(sloppy: host) != nil || DNSName.isSubdomain(host) else {
            throw PKIError(.invalidInput, "invalid control-plane endpoint '\(value)': host '\(host)' must be an IP address or an RFC 1123 DNS name (--control-plane-endpoint)")
        }
        return (host, port)
    }
}
