import Foundation
import Remote
import Testing
import X509
@testable import PKI

/// Safe to repeat: kept files, reused CAs, reported SAN drift, external-CA mode (kubeadm.md §1.4, §1.5).
@Suite struct RepeatabilityTests {
    func generate(_ options: CertificateTreeOptions, renewMismatched: Bool = false,
                  request: PKIGenerator.Request? = nil) async throws -> PKIReport {
        let resolved = try options.resolve()
        var generator = PKIGenerator(resolved: resolved, host: LocalHost())
        generator.renewMismatched = renewMismatched
        return try await generator.run(request ?? .everything(for: resolved))
    }

    func snapshot(_ root: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)!
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = FileManager.default.contents(atPath: root + "/" + relative)
            }
        }
        return files
    }

    @Test func secondRunChangesNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let options = sampleOptions(directory.path, algorithm: .ecdsaP256)
        _ = try await generate(options)
        let before = try snapshot(directory.path)
        #expect(before.count == 22 + 5)
        let second = try await generate(options)
        #expect(try snapshot(directory.path) == before)
        #expect(second.entries.count == 16)
        #expect(second.entries.allSatisfy { $0.outcome == .reused })
        #expect(second.problems.isEmpty)
    }

    @Test func existingCAIsReusedForMissingLeaves() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let options = sampleOptions(directory.path, algorithm: .ecdsaP256)
        _ = try await generate(options)
        let pki = options.certificatesDir
        let caBefore = try Data(contentsOf: URL(fileURLWithPath: pki + "/ca.crt"))
        try FileManager.default.removeItem(atPath: pki + "/apiserver.crt")
        try FileManager.default.removeItem(atPath: pki + "/apiserver.key")
        let report = try await generate(options)
        #expect(report.outcome(of: "apiserver") == .created)
        #expect(report.outcome(of: "ca") == .reused)
        #expect(try Data(contentsOf: URL(fileURLWithPath: pki + "/ca.crt")) == caBefore)
        let ca = try Certificate(pemEncoded: String(decoding: caBefore, as: UTF8.self))
        let apiserver = try Certificate(pemEncoded: String(contentsOfFile: pki + "/apiserver.crt", encoding: .utf8))
        #expect(apiserver.isSigned(by: ca))
    }

    @Test func changedSANsAreReportedAndRenewedOnlyWhenAsked() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var options = sampleOptions(directory.path, algorithm: .ecdsaP256)
        _ = try await generate(options)
        let apiserverPath = options.certificatesDir + "/apiserver.crt"
        let original = try Data(contentsOf: URL(fileURLWithPath: apiserverPath))

        options.apiServerCertSANs.append("203.0.113.7")
        let reported = try await generate(options)
        #expect(reported.problems.count == 1)
        #expect(reported.problems.first?.contains("203.0.113.7") == true)
        #expect(reported.problems.first?.contains("--renew-mismatched") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: apiserverPath)) == original)

        let renewed = try await generate(options, renewMismatched: true)
        #expect(renewed.problems.isEmpty)
        #expect(renewed.outcome(of: "apiserver") == .renewed)
        let certificate = try Certificate(pemEncoded: String(contentsOfFile: apiserverPath, encoding: .utf8))
        #expect(try CertificateContents(certificate).altNames.ipAddresses.map(\.description).contains("203.0.113.7"))
        #expect(renewed.entries.filter { $0.outcome != .reused }.map(\.name) == ["apiserver"])
    }

    @Test func externalCAModeValidatesInsteadOfGenerating() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let options = sampleOptions(directory.path, algorithm: .ecdsaP256)
        _ = try await generate(options)
        let pki = options.certificatesDir
        try FileManager.default.removeItem(atPath: pki + "/ca.key")
        let report = try await generate(options)
        #expect(report.outcome(of: "ca") == .external)
        #expect(report.outcome(of: "apiserver") == .external)
        #expect(report.outcome(of: "admin.conf") == .external)
        #expect(report.outcome(of: "front-proxy-ca") == .reused)
        #expect(!FileManager.default.fileExists(atPath: pki + "/ca.key"))

        // A leaf of the external CA that is missing cannot be created.
        try FileManager.default.removeItem(atPath: pki + "/apiserver-kubelet-client.crt")
        await #expect(throws: PKIError.self) { try await generate(options) }
        do { _ = try await generate(options) } catch let error as PKIError {
            #expect(error.code == .missingFile)
            #expect(error.message.contains("apiserver-kubelet-client.crt"))
            #expect(error.message.contains("external CA"))
        }
    }

    @Test func leafSignedByAnotherCAIsRefused() async throws {
        let first = try TemporaryDirectory(), second = try TemporaryDirectory()
        defer { first.remove(); second.remove() }
        let a = sampleOptions(first.path, algorithm: .ecdsaP256), b = sampleOptions(second.path, algorithm: .ecdsaP256)
        _ = try await generate(a)
        _ = try await generate(b)
        try FileManager.default.removeItem(atPath: b.certificatesDir + "/apiserver.crt")
        try FileManager.default.copyItem(atPath: a.certificatesDir + "/apiserver.crt", toPath: b.certificatesDir + "/apiserver.crt")
        do {
            _ = try await generate(b)
            Issue.record("a leaf from another CA was accepted")
        } catch let error as PKIError {
            #expect(error.code == .invalidFile)
            #expect(error.message.contains("is not signed by"))
        }
    }

    @Test func singleLeafNeedsItsCA() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let options = sampleOptions(directory.path, algorithm: .ecdsaP256)
        do {
            _ = try await generate(options, request: .init(certificates: ["apiserver"]))
            Issue.record("apiserver was generated without a CA")
        } catch let error as PKIError {
            #expect(error.code == .missingFile)
            #expect(error.message.contains("kubeforge init phase certs ca"))
        }
        let ca = try await generate(options, request: .init(certificates: ["ca"]))
        #expect(ca.entries.map(\.name) == ["ca"])
        let leaf = try await generate(options, request: .init(certificates: ["apiserver"]))
        #expect(leaf.entries.map(\.name) == ["apiserver"])
        #expect(!FileManager.default.fileExists(atPath: options.certificatesDir + "/front-proxy-ca.crt"))
    }

    @Test func writesAreAtomicAndLeaveNoTemporaryFiles() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await generate(sampleOptions(directory.path, algorithm: .ecdsaP256))
        let leftovers = try snapshot(directory.path).keys.filter { $0.contains(".kubeforge-") }
        #expect(leftovers.isEmpty)
    }
}
