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

    /// Reads every certificate and kubeconfig below `options`' directories; which ones exist follows the release
    /// (super-admin.conf) and `externalEtcd`.
    public static func inspect(_ options: CertificateTreeOptions, host: any Remote.Host, now: Date = Date())
        async throws -> CertificateExpiration
    {
        let release = try KubernetesRelease(parsing: options.kubernetesVersion)
        let certs = PKIFiles(host: host, directory: options.certificatesDir)
        let kubeconfigs = PKIFiles(host: host, directory: options.kubeconfigDir)
        var report = CertificateExpiration()
        var externallyManaged: [String: Bool] = [:]
        for name in RenewableCertificate.authorities(externalEtcd: options.externalEtcd) {
            let base = RenewableCertificate.caBaseName(name)
            let certificate = try await certs.readCertificate(base + ".crt")
            let hasKey = try await certs.exists(base + ".key")
            externallyManaged[name] = certificate != nil && !hasKey
            report.certificateAuthorities.append(entry(name, certificate, ca: nil, external: certificate != nil && !hasKey, now: now))
        }
        for item in RenewableCertificate.all(release: release, externalEtcd: options.externalEtcd) {
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
