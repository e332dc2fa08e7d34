import Foundation
import Remote
import Testing
import X509
@testable import PKI

/// Bootstrap tokens, the discovery hash and the certificate key, checked against independent implementations
/// (kubeadm.md §4, §5.3, §6).
@Suite struct TokenAndKeyTests {
    @Test func generatedTokensHaveUpstreamFormat() throws {
        let pattern = try Regex("^[a-z0-9]{6}\\.[a-z0-9]{16}$")
        var seen = Set<String>()
        for _ in 0..<200 {
            let token = BootstrapToken.generate()
            #expect(token.value.wholeMatch(of: pattern) != nil)
            #expect(try BootstrapToken(parsing: token.value) == token)
            seen.insert(token.value)
        }
        #expect(seen.count == 200)
    }

    @Test func generationUsesEveryCharacterOfTheAlphabet() {
        var characters = Set<Character>()
        for _ in 0..<400 { characters.formUnion(BootstrapToken.generate().secret) }
        #expect(characters == Set("0123456789abcdefghijklmnopqrstuvwxyz"))
    }

    @Test(arguments: ["abcdef0123456789abcdef", "abcde.0123456789abcdef", "ABCDEF.0123456789abcdef",
                      "abcdef.0123456789abcdeX", "abcdef.0123456789abcdefg", "abcdef.01234567.89abcdef", ""])
    func malformedTokensAreRejectedWithoutEchoingTheSecret(_ text: String) {
        do {
            _ = try BootstrapToken(parsing: text)
            Issue.record("accepted \(text)")
        } catch let error as PKIError {
            #expect(error.code == .invalidToken)
            let secret = text.split(separator: ".").dropFirst().joined(separator: ".")
            if !secret.isEmpty { #expect(!error.message.contains(secret), "the secret leaked into: \(error.message)") }
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func descriptionMasksTheSecret() throws {
        let token = try BootstrapToken(parsing: "abcdef.0123456789abcdef")
        #expect("\(token)" == "abcdef.****************")
        #expect(token.secretName == "bootstrap-token-abcdef")
    }

    @Test func discoveryHashMatchesTheOpenSSLPipeline() async throws {
        let tree = try await SharedTree.get()
        let pipeline = try runTool("/bin/sh", ["-c",
            "openssl x509 -pubkey -noout -in \(tree.pki)/ca.crt | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1"]).stdout
        let ca = try Certificate(pemEncoded: String(contentsOfFile: "\(tree.pki)/ca.crt", encoding: .utf8))
        let hash = try DiscoveryHash.of(ca)
        #expect(hash == "sha256:" + pipeline.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try DiscoveryHash.parse(hash.uppercased().replacingOccurrences(of: "SHA256:", with: "SHA256:")) == hash)
        #expect(throws: PKIError.self) { try DiscoveryHash.parse("md5:abcd") }
    }

    @Test func discoveryHashOfAnECDSACAMatchesOpenSSL() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let resolved = try sampleOptions(directory.path, algorithm: .ecdsaP256).resolve()
        _ = try await PKIGenerator(resolved: resolved, host: LocalHost()).run(.init(certificates: ["ca"]))
        let pki = resolved.options.certificatesDir
        let pipeline = try runTool("/bin/sh", ["-c",
            "openssl x509 -pubkey -noout -in \(pki)/ca.crt | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1"]).stdout
        let ca = try Certificate(pemEncoded: String(contentsOfFile: "\(pki)/ca.crt", encoding: .utf8))
        #expect(try DiscoveryHash.of(ca) == "sha256:" + pipeline.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func certificateKeyIs32RandomBytesInHex() throws {
        let key = CertificateKey.generate()
        #expect(key.hex.count == 64 && key.hex.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(try CertificateKey(hex: key.hex) == key)
        #expect(CertificateKey.generate() != key)
        #expect(!"\(key)".contains(key.hex))
        do {
            _ = try CertificateKey(hex: "zz" + key.hex.dropFirst(2))
            Issue.record("accepted non-hex key")
        } catch let error as PKIError {
            #expect(error.code == .invalidToken)
            #expect(!error.message.contains(String(key.hex.dropFirst(2))))
        }
    }

    /// Python's `cryptography` (OpenSSL-backed AESGCM) decrypts what we seal, and we open what it seals.
    @Test func uploadCertsCiphertextInteroperatesWithPythonCryptography() throws {
        let key = CertificateKey.generate()
        let plaintext = Data("-----BEGIN CERTIFICATE-----\nkubeforge\n-----END CERTIFICATE-----\n".utf8)
        let sealed = try key.seal(plaintext)
        #expect(sealed.count == 12 + plaintext.count + 16)
        let script = """
        import sys, base64
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        key = bytes.fromhex(sys.argv[1]); mode = sys.argv[2]; data = base64.b64decode(sys.stdin.read())
        if mode == "open":
            sys.stdout.write(base64.b64encode(AESGCM(key).decrypt(data[:12], data[12:], None)).decode())
        else:
            import os; nonce = os.urandom(12)
            sys.stdout.write(base64.b64encode(nonce + AESGCM(key).encrypt(nonce, data, None)).decode())
        """
        let opened = try runTool("/usr/bin/env", ["python3", "-c", script, key.hex, "open"], stdin: Data(sealed.base64EncodedString().utf8))
        #expect(Data(base64Encoded: opened.stdout) == plaintext)
        let foreign = try runTool("/usr/bin/env", ["python3", "-c", script, key.hex, "seal"], stdin: Data(plaintext.base64EncodedString().utf8))
        #expect(try key.open(try #require(Data(base64Encoded: foreign.stdout))) == plaintext)
        #expect(throws: PKIError.self) { try CertificateKey.generate().open(sealed) }
    }

    @Test func sharedCertificatesRoundTripThroughTheSecretFormat() async throws {
        let tree = try await SharedTree.get()
        let key = CertificateKey.generate()
        let source = PKIFiles(host: LocalHost(), directory: tree.pki)
        let data = try await SharedCertificates.encrypt(from: source, key: key)
        #expect(Set(data.keys) == ["ca.crt", "ca.key", "front-proxy-ca.crt", "front-proxy-ca.key", "sa.pub", "sa.key", "etcd-ca.crt", "etcd-ca.key"])
        let target = try TemporaryDirectory()
        defer { target.remove() }
        try await SharedCertificates.decryptAndWrite(data, to: PKIFiles(host: LocalHost(), directory: target.path), key: key)
        for file in ["ca.crt", "ca.key", "front-proxy-ca.key", "sa.pub", "etcd/ca.crt", "etcd/ca.key"] {
            #expect(FileManager.default.contents(atPath: "\(target.path)/\(file)") == FileManager.default.contents(atPath: "\(tree.pki)/\(file)"))
        }
        #expect(fileMode("\(target.path)/etcd/ca.key") == 0o600)
        #expect(fileMode("\(target.path)/ca.crt") == 0o644)
        await #expect(throws: PKIError.self) {
            try await SharedCertificates.decryptAndWrite(data, to: PKIFiles(host: LocalHost(), directory: target.path), key: .generate())
        }
    }
}
