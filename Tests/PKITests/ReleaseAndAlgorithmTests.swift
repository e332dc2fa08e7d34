import Foundation
import KubeTypes
import Remote
import Testing
import X509
@testable import PKI

/// Values that follow the target release and `encryptionAlgorithm` (kubeadm.md §1.1, §1.3, §2).
@Suite struct ReleaseAndAlgorithmTests {
    @Test func beforeV129AdminsAreSystemMastersWithoutSuperAdminOrBackdating() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let resolved = try sampleOptions(directory.path, version: "v1.28.4", algorithm: .ecdsaP256).resolve()
        let start = Date()
        let issuer = CertificateIssuer(startTime: start, release: resolved.release)
        let report = try await PKIGenerator(resolved: resolved, host: LocalHost(), issuer: issuer).run(.everything(for: resolved))
        #expect(report.outcome(of: "super-admin.conf") == nil)
        #expect(!FileManager.default.fileExists(atPath: resolved.options.kubeconfigDir + "/super-admin.conf"))
        let pki = resolved.options.certificatesDir
        func contents(_ file: String) throws -> (CertificateContents, Certificate) {
            let certificate = try Certificate(pemEncoded: String(contentsOfFile: "\(pki)/\(file).crt", encoding: .utf8))
            return (try CertificateContents(certificate), certificate)
        }
        #expect(try contents("apiserver-kubelet-client").0.organizations == ["system:masters"])
        #expect(try contents("apiserver-etcd-client").0.organizations == ["system:masters"])
        #expect(try contents("etcd/healthcheck-client").0.organizations == ["system:masters"])
        let (_, ca) = try contents("ca")
        let (_, leaf) = try contents("apiserver")
        #expect(ca.notValidBefore == issuer.startTime)
        #expect(leaf.notValidBefore == ca.notValidBefore)
        #expect(leaf.notValidAfter == issuer.startTime.addingTimeInterval(365 * 86400))
        let admin = try Kubeconfig.parse(String(contentsOfFile: resolved.options.kubeconfigDir + "/admin.conf", encoding: .utf8), path: "admin.conf")
        #expect(try CertificateContents(Certificate(pemEncoded: admin.clientCertificatePEM!)).organizations == ["system:masters"])
    }

    @Test(arguments: [(EncryptionAlgorithm.ecdsaP256, "EC PRIVATE KEY", "Private-Key: (256 bit"),
                      (EncryptionAlgorithm.rsa3072, "RSA PRIVATE KEY", "Private-Key: (3072 bit"),
                      (EncryptionAlgorithm.rsa4096, "RSA PRIVATE KEY", "Private-Key: (4096 bit")])
    func keyAlgorithmIsHonouredAndReadableByOpenSSL(_ algorithm: EncryptionAlgorithm, _ pemType: String, _ size: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let resolved = try sampleOptions(directory.path, algorithm: algorithm).resolve()
        _ = try await PKIGenerator(resolved: resolved, host: LocalHost()).run(.init(certificates: ["ca", "apiserver", "sa"]))
        let pki = resolved.options.certificatesDir
        for file in ["ca.key", "apiserver.key", "sa.key"] {
            #expect(try String(contentsOfFile: "\(pki)/\(file)", encoding: .utf8).hasPrefix("-----BEGIN \(pemType)-----\n"))
            let parsed = try runTool("/usr/bin/openssl", ["pkey", "-in", "\(pki)/\(file)", "-noout", "-text"]).stdout
            #expect(parsed.contains(size), "\(file)")
        }
        let verify = try runTool("/usr/bin/openssl", ["verify", "-CAfile", "\(pki)/ca.crt", "\(pki)/apiserver.crt"])
        #expect(verify.status == 0)
        if algorithm == .ecdsaP256 {
            let certificate = try Certificate(pemEncoded: String(contentsOfFile: "\(pki)/apiserver.crt", encoding: .utf8))
            #expect(certificate.signatureAlgorithm == .ecdsaWithSHA256)
            let ec = try runTool("/usr/bin/openssl", ["ec", "-in", "\(pki)/apiserver.key", "-check", "-noout"])
            #expect(ec.stderr.contains("valid") || ec.stdout.contains("valid") || ec.status == 0)
        }
    }

    /// Key generation is spread over the cores: with a blocking stand-in for RSA generation, at least two run at once.
    @Test func keysAreGeneratedConcurrently() async throws {
        final class InFlight: @unchecked Sendable {  // invariant: fields touched only under `lock`
            let lock = NSLock()
            var current = 0
            var peak = 0
        }
        let inFlight = InFlight()
        let values = try await ParallelWork.run(count: 6) { () -> Int in
            inFlight.lock.withLock { inFlight.current += 1; inFlight.peak = max(inFlight.peak, inFlight.current) }
            Thread.sleep(forTimeInterval: 0.1)
            inFlight.lock.withLock { inFlight.current -= 1 }
            return 1
        }
        #expect(values.count == 6)
        #expect(inFlight.peak >= min(2, ProcessInfo.processInfo.activeProcessorCount))
        let keys = try await EncryptionAlgorithm.ecdsaP256.generateKeys(count: 5)
        #expect(Set(keys.map { $0.pemEncoded }).count == 5)
    }

    @Test func versionsAndAlgorithmsParseWithClearErrors() throws {
        #expect(try KubernetesRelease(parsing: "v1.30.2") == KubernetesRelease(major: 1, minor: 30, patch: 2))
        #expect(try KubernetesRelease(parsing: "1.31") == KubernetesRelease(major: 1, minor: 31))
        #expect(try KubernetesRelease(parsing: "v1.32.0-rc.1") == KubernetesRelease(major: 1, minor: 32))
        #expect(try KubernetesRelease(parsing: "stable-1") == .newestSupported)
        #expect(throws: PKIError.self) { try KubernetesRelease(parsing: "one.two") }
        #expect(try EncryptionAlgorithm(parsing: "") == .rsa2048)
        #expect(try EncryptionAlgorithm(parsing: "ECDSA-P256") == .ecdsaP256)
        do {
            _ = try EncryptionAlgorithm(parsing: "DSA-1024")
            Issue.record("accepted DSA-1024")
        } catch let error as PKIError {
            #expect(error.isBadInput)
            #expect(error.message.contains("RSA-2048, RSA-3072, RSA-4096, ECDSA-P256"))
        }
    }
}
