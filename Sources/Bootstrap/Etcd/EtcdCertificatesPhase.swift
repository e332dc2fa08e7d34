import Foundation
import PKI
import Remote

/// The etcd certificates of one member: the etcd CA (created on the first member, copied from it to the
/// others, as `join --control-plane` downloads it) and this member's server, peer and healthcheck-client
/// certificates, issued for its own name and address. Valid files already there are kept.
public struct EtcdCertificatesPhase: Phase {
    public let host: any Remote.Host
    public let options: CertificateTreeOptions
    /// The first member, holding etcd/ca.crt and ca.key; nil on the first member itself.
    public let caSource: (any Remote.Host)?
    public var title: String { "Etcd certificates for \(options.nodeName) on \(host.name)" }

    public static let leafCertificates = ["etcd-server", "etcd-peer", "etcd-healthcheck-client"]

    public init(on host: any Remote.Host, options: CertificateTreeOptions, caSource: (any Remote.Host)? = nil) {
        self.host = host
        self.options = options
        self.caSource = caSource
    }

    public func run() async throws {
        let resolved = try options.resolve(hostname: options.nodeName)
        if let caSource { try await copyCA(from: caSource) }
        let names = (caSource == nil ? ["etcd-ca"] : []) + Self.leafCertificates
        _ = try await PKIGenerator(resolved: resolved, host: host).run(PKIGenerator.Request(certificates: names))
    }

    private func copyCA(from source: any Remote.Host) async throws {
        for (file, mode) in [("etcd/ca.crt", UInt16(0o644)), ("etcd/ca.key", UInt16(0o600))] {
            let path = "\(options.certificatesDir)/\(file)"
            let data = try await source.readFile(path)
            if let existing = try? await host.readFile(path), existing == data { continue }
            try await host.writeFile(path, contents: data, mode: mode)
        }
    }
}
