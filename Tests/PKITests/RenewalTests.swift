import Foundation
import Remote
import Testing
import X509
@testable import PKI

/// `certs renew` and `certs check-expiration` (kubeadm.md §8.5).
@Suite struct RenewalTests {
    @Test func renewalKeepsIdentityWithANewKey() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let resolved = try sampleOptions(directory.path, algorithm: .ecdsaP256).resolve()
        _ = try await PKIGenerator(resolved: resolved, host: LocalHost()).run(.everything(for: resolved))
        let pki = resolved.options.certificatesDir
        let before = try Certificate(pemEncoded: String(contentsOfFile: pki + "/apiserver.crt", encoding: .utf8))
        let adminBefore = try String(contentsOfFile: resolved.options.kubeconfigDir + "/admin.conf", encoding: .utf8)
        let caBefore = FileManager.default.contents(atPath: pki + "/ca.crt")

        let later = CertificateIssuer(startTime: Date().addingTimeInterval(86400), release: resolved.release)
        let report = try await CertificateRenewer(options: resolved.options, host: LocalHost(), issuer: later).renew(["all"])
        #expect(report.entries.count == 11)
        #expect(report.entries.allSatisfy { $0.outcome == .renewed })
        let after = try Certificate(pemEncoded: String(contentsOfFile: pki + "/apiserver.crt", encoding: .utf8))
        #expect(try CertificateContents(after) == CertificateContents(before))
        #expect(after.publicKey != before.publicKey)
        #expect(after.notValidAfter > before.notValidAfter)
        #expect(FileManager.default.contents(atPath: pki + "/ca.crt") == caBefore)
        let adminAfter = try String(contentsOfFile: resolved.options.kubeconfigDir + "/admin.conf", encoding: .utf8)
        #expect(adminAfter != adminBefore)
        let verify = try runTool("/usr/bin/openssl", ["verify", "-attime", String(Int(later.startTime.timeIntervalSince1970)), "-CAfile", pki + "/ca.crt", pki + "/apiserver.crt"])
        #expect(verify.status == 0)
        _ = try runTool("/usr/bin/kubectl", ["config", "view", "--kubeconfig", resolved.options.kubeconfigDir + "/admin.conf"])
    }

    @Test func renewalRefusesUnknownNamesAndExternalCAs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let resolved = try sampleOptions(directory.path, algorithm: .ecdsaP256).resolve()
        _ = try await PKIGenerator(resolved: resolved, host: LocalHost()).run(.everything(for: resolved))
        let renewer = try CertificateRenewer(options: resolved.options, host: LocalHost())
        do {
            _ = try await renewer.renew(["ca"])
            Issue.record("renewed a CA")
        } catch let error as PKIError { #expect(error.isBadInput) }
        try FileManager.default.removeItem(atPath: resolved.options.certificatesDir + "/etcd/ca.key")
        do {
            _ = try await renewer.renew(["etcd-server"])
            Issue.record("renewed with an external CA")
        } catch let error as PKIError { #expect(error.code == .externalCA) }
        let expiration = try await CertificateExpiration.inspect(resolved.options, host: LocalHost())
        #expect(expiration.certificates.map(\.name) == [
            "admin.conf", "apiserver", "apiserver-etcd-client", "apiserver-kubelet-client", "controller-manager.conf",
            "etcd-healthcheck-client", "etcd-peer", "etcd-server", "front-proxy-client", "scheduler.conf", "super-admin.conf",
        ])
        #expect(expiration.certificateAuthorities.map(\.name) == ["ca", "etcd-ca", "front-proxy-ca"])
        #expect(expiration.certificates.first { $0.name == "etcd-server" }?.externallyManaged == true)
        #expect(expiration.certificates.first { $0.name == "apiserver" }?.externallyManaged == false)
        #expect(expiration.certificateAuthorities.first { $0.name == "etcd-ca" }?.externallyManaged == true)
        let apiserver = try #require(expiration.certificates.first { $0.name == "apiserver" })
        #expect(abs(apiserver.residualTime - 365 * 86400) < 120)
        #expect(CertificateExpiration.shortDuration(apiserver.residualTime) == "364d")
        #expect(CertificateExpiration.shortDuration(3649 * 86400) == "9y")
        #expect(CertificateExpiration.shortDuration(5 * 3600 + 10) == "5h")
    }
}
