import Foundation
import Remote
import SwiftASN1
import Testing
import X509
@testable import PKI

/// What the specification (kubeadm.md §1) says each certificate of the sample cluster must hold.
struct Expected: Sendable, CustomStringConvertible {
    let file: String
    let issuerFile: String
    let commonName: String
    let organizations: [String]
    let usages: [CertificateSpec.Usage]
    let dns: [String]
    let ips: [String]
    var isCA: Bool { file == issuerFile }
    var description: String { file }

    static let v133: [Expected] = [
        Expected(file: "ca", issuerFile: "ca", commonName: "kubernetes", organizations: [], usages: [], dns: ["kubernetes"], ips: []),
        Expected(file: "apiserver", issuerFile: "ca", commonName: "kube-apiserver", organizations: [], usages: [.serverAuth],
                 dns: ["*.apps.example.com", "cp-1", "k8s-api.example.com", "kubernetes", "kubernetes.default",
                       "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"],
                 ips: ["10.96.0.1", "192.168.2.201", "10.0.0.10"]),
        Expected(file: "apiserver-kubelet-client", issuerFile: "ca", commonName: "kube-apiserver-kubelet-client",
                 organizations: ["kubeadm:cluster-admins"], usages: [.clientAuth], dns: [], ips: []),
        Expected(file: "front-proxy-ca", issuerFile: "front-proxy-ca", commonName: "front-proxy-ca", organizations: [],
                 usages: [], dns: ["front-proxy-ca"], ips: []),
        Expected(file: "front-proxy-client", issuerFile: "front-proxy-ca", commonName: "front-proxy-client", organizations: [],
                 usages: [.clientAuth], dns: [], ips: []),
        Expected(file: "etcd/ca", issuerFile: "etcd/ca", commonName: "etcd-ca", organizations: [], usages: [], dns: ["etcd-ca"], ips: []),
        Expected(file: "etcd/server", issuerFile: "etcd/ca", commonName: "cp-1", organizations: [], usages: [.serverAuth, .clientAuth],
                 dns: ["cp-1", "localhost"], ips: ["192.168.2.201", "127.0.0.1", "::1"]),
        Expected(file: "etcd/peer", issuerFile: "etcd/ca", commonName: "cp-1", organizations: [], usages: [.serverAuth, .clientAuth],
                 dns: ["cp-1", "localhost"], ips: ["192.168.2.201", "127.0.0.1", "::1"]),
        Expected(file: "etcd/healthcheck-client", issuerFile: "etcd/ca", commonName: "kube-etcd-healthcheck-client",
                 organizations: [], usages: [.clientAuth], dns: [], ips: []),
        Expected(file: "apiserver-etcd-client", issuerFile: "etcd/ca", commonName: "kube-apiserver-etcd-client",
                 organizations: [], usages: [.clientAuth], dns: [], ips: []),
    ]
}

@Suite struct CertificateTreeTests {
    @Test(arguments: Expected.v133)
    func certificateMatchesSpecificationThroughSwiftCertificates(_ expected: Expected) async throws {
        let tree = try await SharedTree.get()
        let pem = try String(contentsOfFile: "\(tree.pki)/\(expected.file).crt", encoding: .utf8)
        let certificate = try Certificate(pemEncoded: pem)
        let issuer = try Certificate(pemEncoded: String(contentsOfFile: "\(tree.pki)/\(expected.issuerFile).crt", encoding: .utf8))
        let contents = try CertificateContents(certificate)
        #expect(contents.commonName == expected.commonName)
        #expect(contents.organizations == expected.organizations)
        #expect(contents.usages == expected.usages)
        #expect(contents.altNames.dnsNames == expected.dns)
        #expect(contents.altNames.ipAddresses.map(\.description) == expected.ips)
        #expect(contents.isCA == expected.isCA)
        #expect(certificate.isSigned(by: issuer))

        let keyUsage = try #require(try certificate.extensions.keyUsage)
        #expect(keyUsage.digitalSignature && keyUsage.keyEncipherment)
        #expect(keyUsage.keyCertSign == expected.isCA)
        #expect(try certificate.extensions.basicConstraints != nil)
        #expect(certificate.signatureAlgorithm == .sha256WithRSAEncryption)

        // Serial uniformly in [1, 2^63-1): at most 8 bytes, big-endian, in range. (The minimal form of a smaller
        // value may start with a byte ≥ 0x80; DER then adds the 0x00 that keeps it positive.)
        let serial = Array(certificate.serialNumber.bytes)
        #expect(serial.count <= 8)
        let value = serial.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(value >= 1 && value < UInt64(Int64.max))

        // v1.33: backdated 5 minutes; CA 10 years, leaf 1 year from kubeadm's start time.
        #expect(certificate.notValidBefore == tree.startTime.addingTimeInterval(-300))
        let validity: TimeInterval = expected.isCA ? 3650 * 86400 : 365 * 86400
        #expect(certificate.notValidAfter == tree.startTime.addingTimeInterval(validity))

        // The chain verifies with swift-certificates' RFC 5280 verifier.
        var verifier = Verifier(rootCertificates: CertificateStore([issuer])) { RFC5280Policy() }
        let result = await verifier.validate(leaf: certificate, intermediates: CertificateStore())
        guard case .validCertificate = result else {
            Issue.record("\(expected.file) does not verify: \(result)")
            return
        }
    }

    @Test(arguments: Expected.v133)
    func certificateMatchesSpecificationThroughOpenSSL(_ expected: Expected) async throws {
        let tree = try await SharedTree.get()
        let file = "\(tree.pki)/\(expected.file).crt"
        let verify = try runTool("/usr/bin/openssl", ["verify", "-CAfile", "\(tree.pki)/\(expected.issuerFile).crt", file])
        #expect(verify.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(file): OK")
        let text = try runTool("/usr/bin/openssl", ["x509", "-in", file, "-noout", "-text"]).stdout
        let parsed = OpenSSLCertificateText(text)
        let subject = (expected.organizations.map { "O = \($0)" } + ["CN = \(expected.commonName)"]).joined(separator: ", ")
        #expect(parsed.subject == subject)
        #expect(parsed.subjectAltNames == expected.dns.map { "DNS:\($0)" } + expected.ips.map { "IP Address:\(Self.opensslIP($0))" })
        #expect(parsed.keyUsage == (expected.isCA ? "Digital Signature, Key Encipherment, Certificate Sign" : "Digital Signature, Key Encipherment"))
        #expect(parsed.keyUsageCritical)
        let usageNames = expected.usages.map { $0 == .serverAuth ? "TLS Web Server Authentication" : "TLS Web Client Authentication" }
        #expect(parsed.extendedKeyUsage == (usageNames.isEmpty ? nil : usageNames.joined(separator: ", ")))
        #expect(parsed.basicConstraints == (expected.isCA ? "CA:TRUE" : "CA:FALSE"))
        #expect(parsed.publicKey == "RSA Public-Key: (2048 bit)" || parsed.publicKey == "Public-Key: (2048 bit)")
        #expect(parsed.hasSubjectKeyIdentifier == expected.isCA)
        #expect(parsed.hasAuthorityKeyIdentifier == !expected.isCA)
    }

    /// OpenSSL prints IPv6 addresses expanded and upper-case.
    static func opensslIP(_ ip: String) -> String { ip == "::1" ? "0:0:0:0:0:0:0:1" : ip }

    @Test func filesHaveKubeadmFormatsAndModes() async throws {
        let tree = try await SharedTree.get()
        for expected in Expected.v133 {
            let crt = "\(tree.pki)/\(expected.file).crt", key = "\(tree.pki)/\(expected.file).key"
            #expect(fileMode(crt) == 0o644, "\(crt)")
            #expect(fileMode(key) == 0o600, "\(key)")
            let keyText = try String(contentsOfFile: key, encoding: .utf8)
            #expect(keyText.hasPrefix("-----BEGIN RSA PRIVATE KEY-----\n"), "\(key) must be PKCS#1")
            let crtText = try String(contentsOfFile: crt, encoding: .utf8)
            #expect(crtText.hasPrefix("-----BEGIN CERTIFICATE-----\n") && crtText.hasSuffix("-----END CERTIFICATE-----\n"))
            // The key is the certificate's.
            let certificate = try Certificate(pemEncoded: crtText)
            #expect(try SigningKey(pemEncoded: keyText, path: key).publicKey == certificate.publicKey)
        }
        #expect(fileMode("\(tree.pki)/sa.key") == 0o600)
        #expect(fileMode("\(tree.pki)/sa.pub") == 0o600)
        #expect(fileMode("\(tree.pki)/etcd") == 0o755)
        #expect(try String(contentsOfFile: "\(tree.pki)/sa.pub", encoding: .utf8).hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        // openssl agrees sa.pub is sa.key's public half.
        let derived = try runTool("/usr/bin/openssl", ["pkey", "-in", "\(tree.pki)/sa.key", "-pubout"]).stdout
        #expect(derived == (try String(contentsOfFile: "\(tree.pki)/sa.pub", encoding: .utf8)))
        let rsa = try runTool("/usr/bin/openssl", ["rsa", "-in", "\(tree.pki)/sa.key", "-check", "-noout"]).stdout
        #expect(rsa.contains("RSA key ok"))
    }

    @Test func serialsAreDistinct() async throws {
        let tree = try await SharedTree.get()
        var serials = Set<[UInt8]>()
        for expected in Expected.v133 {
            let certificate = try Certificate(pemEncoded: String(contentsOfFile: "\(tree.pki)/\(expected.file).crt", encoding: .utf8))
            serials.insert(Array(certificate.serialNumber.bytes))
        }
        #expect(serials.count == Expected.v133.count)
    }

    @Test func skippedSANIsReportedInUpstreamWords() async throws {
        let tree = try await SharedTree.get()
        #expect(tree.report.warnings == ["'Not_Valid!' was not added to the 'apiserver' SAN, because it is not a valid IP or RFC-1123 compliant DNS entry"])
        #expect(tree.report.problems.isEmpty)
        #expect(tree.report.entries.allSatisfy { $0.outcome == .created })
        #expect(tree.report.entries.count == 10 + 1 + 5)
    }
}
