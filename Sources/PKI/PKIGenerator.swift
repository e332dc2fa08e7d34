import Foundation
import Remote
import X509

/// Creates the certificate tree, sa.key/sa.pub and the kubeconfigs, or keeps what is already valid.
///
/// A run first reads what exists and decides, for every requested file, whether to keep, create or report it;
/// then it generates every key it needs in one parallel batch; then it signs and writes, CAs first. A second run
/// over a complete tree therefore generates no key and writes nothing.
public struct PKIGenerator: Sendable {
    public let resolved: CertificateTreeOptions.Resolved
    public let host: any Remote.Host
    public let issuer: CertificateIssuer
    /// Reissue certificates whose SANs no longer cover the configuration (off: report them instead).
    public var renewMismatched = false

    /// Which files to produce: certificate phase names (`ca`, `apiserver`, …, `sa`) and kubeconfig kinds.
    public struct Request: Sendable {
        public var certificates: [String]
        public var kubeconfigs: [KubeconfigKind]

        public init(certificates: [String] = [], kubeconfigs: [KubeconfigKind] = []) {
            self.certificates = certificates
            self.kubeconfigs = kubeconfigs
        }

        /// Every certificate, sa and every kubeconfig of this release: `init phase certs all` + `kubeconfig all`.
        public static func everything(for resolved: CertificateTreeOptions.Resolved) -> Request {
            Request(certificates: CertificateCatalog.specs(for: resolved).map(\.name) + ["sa"],
                    kubeconfigs: KubeconfigKind.kinds(for: resolved.release))
        }
    }

    public init(resolved: CertificateTreeOptions.Resolved, host: any Remote.Host, issuer: CertificateIssuer? = nil) {
        self.resolved = resolved
        self.host = host
        self.issuer = issuer ?? CertificateIssuer(release: resolved.release, validity: resolved.options.certificateValidity,
                                                  caValidity: resolved.options.caCertificateValidity)
    }

    private enum Authority {
        case present(Certificate, SigningKey)
        case external(Certificate)
        case toCreate(CertificateSpec)
    }

    private enum Step {
        case createCA(CertificateSpec)
        case issueLeaf(CertificateSpec, PKIReport.Outcome)
        case createServiceAccountKey
        case writeServiceAccountPublicKey(SigningKey)
        case writeKubeconfig(KubeconfigKind)

        var needsKey: Bool {
            if case .writeServiceAccountPublicKey = self { return false }
            return true
        }
    }

    public func run(_ request: Request) async throws -> PKIReport {
        let specs = CertificateCatalog.specs(for: resolved)
        let byName = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0) })
        let unknown = request.certificates.filter { byName[$0] == nil && $0 != "sa" }
        guard unknown.isEmpty else {
            let known = specs.map(\.name) + ["sa"]
            throw PKIError(.invalidInput, "unknown certificate \(unknown.map { "'\($0)'" }.joined(separator: ", "))"
                + (resolved.options.externalEtcd ? " (etcd certificates are not used with external etcd)" : "")
                + "; valid names: all, \(known.joined(separator: ", "))")
        }
        let unavailable = request.kubeconfigs.filter { !KubeconfigKind.kinds(for: resolved.release).contains($0) }
        guard unavailable.isEmpty else {
            throw PKIError(.invalidInput, "\(unavailable.map(\.fileName).joined(separator: ", ")) does not exist before Kubernetes v1.29 (target \(resolved.release))")
        }
        let certs = PKIFiles(host: host, directory: resolved.options.certificatesDir)
        var report = PKIReport()
        report.warnings = resolved.warnings

        // 1. The CAs involved, as they are on disk.
        let requested = Set(request.certificates)
        var needed = Set(request.certificates.compactMap { byName[$0]?.caName ?? (byName[$0] != nil ? $0 : nil) })
        if !request.kubeconfigs.isEmpty { needed.insert("ca") }
        var authorities: [String: Authority] = [:]
        for spec in specs where spec.isCA && needed.contains(spec.name) {
            authorities[spec.name] = try await loadAuthority(spec, mayCreate: requested.contains(spec.name), files: certs, report: &report)
        }

        // 2. Decide every step before generating any key.
        var steps: [Step] = []
        for spec in specs where requested.contains(spec.name) {
            if spec.isCA {
                if case .toCreate = authorities[spec.name] { steps.append(.createCA(spec)) }
                continue
            }
            if let step = try await planLeaf(spec, authority: authorities[spec.caName!]!, files: certs, report: &report) {
                steps.append(step)
            }
        }
        if requested.contains("sa") {
            if let key = try await certs.readKey("sa.key") {
                report.entries.append(.init(name: "sa", path: certs.path("sa.key"), outcome: .reused, detail: nil))
                if try await !certs.exists("sa.pub") { steps.append(.writeServiceAccountPublicKey(key)) }
            } else {
                steps.append(.createServiceAccountKey)
            }
        }
        let kubeconfigs = PKIFiles(host: host, directory: resolved.options.kubeconfigDir)
        for kind in request.kubeconfigs {
            if try await planKubeconfig(kind, authority: authorities["ca"]!, files: kubeconfigs, report: &report) {
                steps.append(.writeKubeconfig(kind))
            }
        }

        // 3. All keys at once, in parallel; then sign and write in dependency order (CAs were planned first).
        var keys = try await resolved.options.encryptionAlgorithm.generateKeys(count: steps.filter(\.needsKey).count)
        for step in steps {
            let key = step.needsKey ? keys.removeLast() : nil
            switch step {
            case let .createCA(spec):
                let certificate = try issuer.selfSignedCA(spec, key: key!)
                try await certs.writeCertificateAndKey(certificate, key: key!, baseName: spec.baseName)
                authorities[spec.name] = .present(certificate, key!)
                report.entries.append(.init(name: spec.name, path: certs.path(spec.certificateFile), outcome: .created, detail: nil))
            case let .issueLeaf(spec, outcome):
                guard case let .present(ca, caKey) = authorities[spec.caName!]! else { continue }
                let certificate = try issuer.leaf(spec, publicKey: key!.publicKey, ca: ca, caKey: caKey)
                try await certs.writeCertificateAndKey(certificate, key: key!, baseName: spec.baseName)
                let detail = spec.usages.contains(.serverAuth) ? "serving certificate is signed for \(spec.altNames.summary)" : nil
                report.entries.append(.init(name: spec.name, path: certs.path(spec.certificateFile), outcome: outcome, detail: detail))
            case .createServiceAccountKey:
                try await certs.write(Data(key!.pemEncoded.utf8), to: "sa.key", mode: PKIFiles.privateMode)
                try await certs.write(Data(key!.publicKeyPEM().utf8), to: "sa.pub", mode: PKIFiles.privateMode)
                report.entries.append(.init(name: "sa", path: certs.path("sa.key"), outcome: .created, detail: nil))
            case let .writeServiceAccountPublicKey(existing):
                try await certs.write(Data(existing.publicKeyPEM().utf8), to: "sa.pub", mode: PKIFiles.privateMode)
            case let .writeKubeconfig(kind):
                guard case let .present(ca, caKey) = authorities["ca"]! else { continue }
                let config = try kubeconfig(kind, key: key!, ca: ca, caKey: caKey)
                try await kubeconfigs.write(Data(config.rendered().utf8), to: kind.fileName, mode: PKIFiles.privateMode)
                report.entries.append(.init(name: kind.fileName, path: kubeconfigs.path(kind.fileName), outcome: .created, detail: nil))
            }
        }
        return report
    }

    /// A kubeconfig for `kind` with a fresh client certificate signed by the cluster CA.
    public func kubeconfig(_ kind: KubeconfigKind, key: SigningKey, ca: Certificate, caKey: SigningKey) throws -> Kubeconfig {
        let identity = kind.identity(for: resolved)
        let client = try issuer.leaf(commonName: identity.user, organizations: identity.organizations, usages: [.clientAuth],
                                     altNames: AltNames(), publicKey: key.publicKey, ca: ca, caKey: caKey)
        return Kubeconfig(clusterName: resolved.options.clusterName, server: identity.server,
                          certificateAuthorityPEM: try ca.pemText(), userName: identity.user,
                          clientCertificatePEM: try client.pemText(), clientKeyPEM: key.pemEncoded)
    }

    private func loadAuthority(_ spec: CertificateSpec, mayCreate: Bool, files: PKIFiles, report: inout PKIReport)
        async throws -> Authority
    {
        let certificate = try await files.readCertificate(spec.certificateFile)
        let key = try await files.readKey(spec.keyFile)
        guard let certificate else {
            if key != nil {
                throw PKIError(.invalidFile, "\(files.path(spec.keyFile)) exists but \(files.path(spec.certificateFile)) does not; restore the certificate or remove the key")
            }
            guard mayCreate else {
                throw PKIError(.missingFile, "\(files.path(spec.certificateFile)) does not exist; run `kubeforge init phase certs \(spec.name)` first")
            }
            return .toCreate(spec)
        }
        guard try CertificateContents(certificate).isCA else {
            throw PKIError(.invalidFile, "\(files.path(spec.certificateFile)) is not a CA certificate (basic constraints CA:FALSE)")
        }
        if certificate.notValidAfter < issuer.startTime {
            report.warnings.append("\(files.path(spec.certificateFile)) expired on \(certificate.notValidAfter)")
        }
        guard let key else {
            if mayCreate {
                report.entries.append(.init(name: spec.name, path: files.path(spec.certificateFile), outcome: .external, detail: "no \(spec.keyFile): external CA"))
            }
            return .external(certificate)
        }
        guard key.publicKey == certificate.publicKey else {
            throw PKIError(.invalidFile, "\(files.path(spec.keyFile)) does not belong to \(files.path(spec.certificateFile))")
        }
        if mayCreate {
            report.entries.append(.init(name: spec.name, path: files.path(spec.certificateFile), outcome: .reused, detail: nil))
        }
        return .present(certificate, key)
    }

    private func planLeaf(_ spec: CertificateSpec, authority: Authority, files: PKIFiles, report: inout PKIReport)
        async throws -> Step?
    {
        let existing = try await files.readCertificate(spec.certificateFile)
        let caFile = files.path(spec.caName! == "etcd-ca" ? "etcd/ca.crt" : spec.caName! + ".crt")
        let ca: Certificate
        switch authority {
        case .toCreate:
            if existing != nil {
                throw PKIError(.invalidFile, "\(files.path(spec.certificateFile)) exists but its CA \(caFile) does not; remove the old \(spec.name) files or restore the CA")
            }
            return .issueLeaf(spec, .created)
        case let .present(certificate, _), let .external(certificate):
            ca = certificate
        }
        let isExternal = if case .external = authority { true } else { false }
        guard let existing else {
            if isExternal {
                throw PKIError(.missingFile, "external CA mode (\(caFile) without its key): \(files.path(spec.certificateFile)) must be provided, kubeforge cannot sign it")
            }
            return .issueLeaf(spec, .created)
        }
        guard existing.isSigned(by: ca) else {
            throw PKIError(.invalidFile, "\(files.path(spec.certificateFile)) is not signed by \(caFile); remove the \(spec.name) files to have them regenerated")
        }
        guard let key = try await files.readKey(spec.keyFile) else {
            throw PKIError(.missingFile, "\(files.path(spec.certificateFile)) exists but its key \(files.path(spec.keyFile)) does not")
        }
        guard key.publicKey == existing.publicKey else {
            throw PKIError(.invalidFile, "\(files.path(spec.keyFile)) does not belong to \(files.path(spec.certificateFile))")
        }
        if existing.notValidAfter < issuer.startTime {
            report.warnings.append("\(files.path(spec.certificateFile)) expired on \(existing.notValidAfter); run `kubeforge certs renew \(spec.name)`")
        }
        let missing = try CertificateContents(existing).altNames.missing(from: spec.altNames)
        guard missing.isEmpty else {
            if renewMismatched && !isExternal { return .issueLeaf(spec, .renewed) }
            report.problems.append("\(files.path(spec.certificateFile)) lacks the required \(missing.summary); "
                + (isExternal ? "have the external CA issue a new one" : "re-run with --renew-mismatched to reissue it"))
            return nil
        }
        report.entries.append(.init(name: spec.name, path: files.path(spec.certificateFile), outcome: isExternal ? .external : .reused, detail: nil))
        return nil
    }

    /// True when the kubeconfig has to be written; an existing one is kept if it trusts the same CA.
    private func planKubeconfig(_ kind: KubeconfigKind, authority: Authority, files: PKIFiles, report: inout PKIReport)
        async throws -> Bool
    {
        let caPEM: String?
        switch authority {
        case let .present(ca, _), let .external(ca): caPEM = try ca.pemText()
        case .toCreate: caPEM = nil
        }
        let isExternal = if case .external = authority { true } else { false }
        guard let text = try await files.readText(kind.fileName) else {
            if isExternal {
                throw PKIError(.missingFile, "external CA mode (ca.crt without ca.key): \(files.path(kind.fileName)) must be provided")
            }
            return true
        }
        let existing = try Kubeconfig.parse(text, path: files.path(kind.fileName))
        guard let caPEM else {
            throw PKIError(.invalidFile, "\(files.path(kind.fileName)) exists but the CA it trusts is gone; remove it to have it regenerated with the new CA")
        }
        if existing.certificateAuthorityPEM.trimmingCharacters(in: .whitespacesAndNewlines)
            != caPEM.trimmingCharacters(in: .whitespacesAndNewlines) {
            throw PKIError(.invalidFile, "\(files.path(kind.fileName)) exists but trusts a different CA than \(resolved.options.certificatesDir)/ca.crt; remove it to have it regenerated")
        }
        let expectedServer = kind.identity(for: resolved).server
        if existing.server != expectedServer {
            report.warnings.append("\(files.path(kind.fileName)) points at \(existing.server), expected \(expectedServer)")
        }
        report.entries.append(.init(name: kind.fileName, path: files.path(kind.fileName), outcome: isExternal ? .external : .reused, detail: nil))
        return false
    }
}
