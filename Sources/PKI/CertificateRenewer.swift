import Foundation
import Remote
import X509

/// `certs renew`: reissues certificates with a new key, keeping their CN, organizations, SANs and usages, signed
/// by the CA on disk. Externally managed CAs (no key) make renewal fail for their certificates.
public struct CertificateRenewer: Sendable {
    public let options: CertificateTreeOptions
    public let release: KubernetesRelease
    public let host: any Remote.Host
    public let issuer: CertificateIssuer

    /// Only the directories, release, `externalEtcd`, algorithm and validity of `options` matter here.
    public init(options: CertificateTreeOptions, host: any Remote.Host, issuer: CertificateIssuer? = nil) throws {
        self.options = options
        self.release = try KubernetesRelease(parsing: options.kubernetesVersion)
        self.host = host
        self.issuer = issuer ?? CertificateIssuer(release: release, validity: options.certificateValidity,
                                                  caValidity: options.caCertificateValidity)
    }

    /// Renews the named certificates (`all` = every one present). Names are those of `check-expiration`.
    public func renew(_ names: [String]) async throws -> PKIReport {
        let catalog = RenewableCertificate.all(release: release, externalEtcd: options.externalEtcd)
        let renewAll = names == ["all"]
        let unknown = names.filter { name in !renewAll && !catalog.contains { $0.name == name } }
        guard unknown.isEmpty else {
            throw PKIError(.invalidInput, "cannot renew \(unknown.map { "'\($0)'" }.joined(separator: ", ")); valid names: all, \(catalog.map(\.name).joined(separator: ", ")) (CAs and kubelet.conf are not renewable)")
        }
        let certs = PKIFiles(host: host, directory: options.certificatesDir)
        let kubeconfigs = PKIFiles(host: host, directory: options.kubeconfigDir)
        var report = PKIReport()

        // Read everything first, so a missing CA key fails before any file changes.
        var work: [(RenewableCertificate, Certificate, Kubeconfig?, Certificate, SigningKey)] = []
        var authorities: [String: (Certificate, SigningKey)] = [:]
        for item in catalog where renewAll || names.contains(item.name) {
            let existing: Certificate?
            var config: Kubeconfig?
            switch item.location {
            case let .certificateFiles(baseName):
                existing = try await certs.readCertificate(baseName + ".crt")
            case let .kubeconfig(fileName):
                config = try await kubeconfigs.readText(fileName).map { try Kubeconfig.parse($0, path: kubeconfigs.path(fileName)) }
                existing = try config?.clientCertificatePEM.map { try Certificate(pemEncoded: $0) }
            }
            guard let existing else {
                if renewAll {
                    report.warnings.append("\(item.name) does not exist; skipped")
                    continue
                }
                throw PKIError(.missingFile, "\(item.name) does not exist; create it with `kubeforge init phase` first")
            }
            if authorities[item.caName] == nil {
                let base = RenewableCertificate.caBaseName(item.caName)
                guard let ca = try await certs.readCertificate(base + ".crt") else {
                    throw PKIError(.missingFile, "\(certs.path(base + ".crt")) does not exist; cannot renew \(item.name)")
                }
                guard let caKey = try await certs.readKey(base + ".key") else {
                    throw PKIError(.externalCA, "\(item.name) is signed by an externally managed CA (\(certs.path(base + ".key")) is absent); have that CA renew it")
                }
                authorities[item.caName] = (ca, caKey)
            }
            let (ca, caKey) = authorities[item.caName]!
            work.append((item, existing, config, ca, caKey))
        }

        let keys = try await options.encryptionAlgorithm.generateKeys(count: work.count)
        for ((item, existing, config, ca, caKey), key) in zip(work, keys) {
            let contents = try CertificateContents(existing)
            let renewed = try issuer.leaf(commonName: contents.commonName, organizations: contents.organizations,
                                          usages: contents.usages.isEmpty ? [.clientAuth] : contents.usages,
                                          altNames: contents.altNames, publicKey: key.publicKey, ca: ca, caKey: caKey)
            switch item.location {
            case let .certificateFiles(baseName):
                try await certs.writeCertificateAndKey(renewed, key: key, baseName: baseName)
                report.entries.append(.init(name: item.name, path: certs.path(baseName + ".crt"), outcome: .renewed, detail: nil))
            case let .kubeconfig(fileName):
                var updated = config!
                updated.clientCertificatePEM = try renewed.pemText()
                updated.clientKeyPEM = key.pemEncoded
                try await kubeconfigs.write(Data(updated.rendered().utf8), to: fileName, mode: PKIFiles.privateMode)
                report.entries.append(.init(name: item.name, path: kubeconfigs.path(fileName), outcome: .renewed, detail: nil))
            }
        }
        return report
    }
}
