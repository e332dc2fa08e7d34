import Foundation
import Remote
import X509

/// What `certs check-expiration` reports: every renewable certificate, then the CAs.
public struct CertificateExpiration: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let expirationDate: Date?
        public let residualTime: TimeInterval
        /// The signing CA's name (nil for the CAs themselves).
        public let certificateAuthority: String?
        /// The CA key is absent, so kubeforge cannot renew it.
        public let externallyManaged: Bool
        public let missing: Bool
    }

    public var certificates: [Entry] = []
    public var certificateAuthorities: [Entry] = []

    /// Reads every certificate and kubeconfig of the cluster described by `resolved`.
    public static func inspect(_ resolved: CertificateTreeOptions.Resolved, host: any Remote.Host, now: Date = Date())
        async throws -> CertificateExpiration
    {
        let certs = PKIFiles(host: host, directory: resolved.options.certificatesDir)
        let kubeconfigs = PKIFiles(host: host, directory: resolved.options.kubeconfigDir)
        var report = CertificateExpiration()
        var externallyManaged: [String: Bool] = [:]
        for spec in CertificateCatalog.specs(for: resolved) where spec.isCA {
            let certificate = try await certs.readCertificate(spec.certificateFile)
            let hasKey = try await certs.exists(spec.keyFile)
            externallyManaged[spec.name] = certificate != nil && !hasKey
            report.certificateAuthorities.append(entry(spec.name, certificate, ca: nil, external: certificate != nil && !hasKey, now: now))
        }
        report.certificateAuthorities.sort { $0.name < $1.name }
        for item in RenewableCertificate.all(for: resolved) {
            let certificate: Certificate?
            switch item.location {
            case let .certificateFiles(baseName):
                certificate = try await certs.readCertificate(baseName + ".crt")
            case let .kubeconfig(fileName):
                certificate = try await kubeconfigs.readText(fileName).flatMap { text in
                    try Kubeconfig.parse(text, path: kubeconfigs.path(fileName)).clientCertificatePEM
                        .flatMap { try? Certificate(pemEncoded: $0) }
                }
            }
            report.certificates.append(entry(item.name, certificate, ca: item.caName,
                                             external: externallyManaged[item.caName] ?? false, now: now))
        }
        return report
    }

    private static func entry(_ name: String, _ certificate: Certificate?, ca: String?, external: Bool, now: Date) -> Entry {
        Entry(name: name, expirationDate: certificate?.notValidAfter,
              residualTime: certificate.map { max(0, $0.notValidAfter.timeIntervalSince(now)) } ?? 0,
              certificateAuthority: ca, externallyManaged: external, missing: certificate == nil)
    }

    /// The short form kubeadm prints (`364d`, `9y`, `23h`), after apimachinery's `ShortHumanDuration`.
    public static func shortDuration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds)
        if s < -1 { return "<invalid>" }
        if s < 0 { return "0s" }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 24 * 3600 { return "\(s / 3600)h" }
        if s < 365 * 24 * 3600 { return "\(s / 86400)d" }
        return "\(s / (365 * 86400))y"
    }
}
