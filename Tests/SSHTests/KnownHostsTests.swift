import Foundation
import Testing
@testable import SSH

/// Fixture keys and hashed lines made with ssh-keygen (`ssh-keygen -H` for the hashed ones).
private enum Fixture {
    static let keyA = "AAAAC3NzaC1lZDI1NTE5AAAAIMtT1AUvdEgpgYhBMAurtIaNnykY1X9SbE/4N4CmDu/h"
    static let keyB = "AAAAC3NzaC1lZDI1NTE5AAAAIIBQtLus0RLfAD1G5Fs+XD0GOUWgYzg920666FYuhBWy"
    static let keyC = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBDCkmI/xVVZZxaDS1AuoeR2YRB5VIrdHrWZbv09G1koADFIrXJyc8mDMdhooJH1YkG4zC/bM7yXMZUIAskxe/OE="
    /// `10.0.0.5` and `[10.0.0.6]:2222`, both with key A, hashed.
    static let hashed = """
        |1|zmnTn0npDXAKZKuw0yzNuonqA70=|yaPVGzyIM4pk/dXCtswzCRVlIh4= ssh-ed25519 \(keyA)
        |1|vmWsBVGD0KHHwCgSkqwMfxixw8U=|JQIaAyH2j5zmF12GkdyL35KRg3Q= ssh-ed25519 \(keyA)
        """

    static func ed25519(_ base64: String) -> HostKey { HostKey(kind: .ed25519, blob: Data(base64Encoded: base64)!) }
    static func ecdsa(_ base64: String) -> HostKey { HostKey(kind: .ecdsaP256, blob: Data(base64Encoded: base64)!) }
}

struct KnownHostsTests {
    @Test func trustsAPlainEntryByAddressOrName() {
        let file = KnownHosts(text: "# lab\nk8s-master,10.0.0.1 ssh-ed25519 \(Fixture.keyA)\n")
        #expect(file.check(host: "10.0.0.1", port: 22, key: Fixture.ed25519(Fixture.keyA)) == .trusted)
        #expect(file.check(host: "k8s-master", port: 22, key: Fixture.ed25519(Fixture.keyA)) == .trusted)
        #expect(file.check(host: "10.0.0.2", port: 22, key: Fixture.ed25519(Fixture.keyA)) == .unknown)
    }

    @Test func reportsTheLineOfAChangedKey() {
        let text = """
            # comment on line 1

            10.0.0.9 ssh-ed25519 \(Fixture.keyB)
            10.0.0.1 ssh-ed25519 \(Fixture.keyB)
            10.0.0.1 ecdsa-sha2-nistp256 \(Fixture.keyC)
            """
        let file = KnownHosts(text: text)
        #expect(file.check(host: "10.0.0.1", port: 22, key: Fixture.ed25519(Fixture.keyA)) == .changed(line: 4))
        #expect(file.check(host: "10.0.0.1", port: 22, key: Fixture.ecdsa(Fixture.keyC)) == .trusted)
    }

    @Test func acceptsAnyMatchingLineAmongSeveral() {
        let text = "10.0.0.1 ssh-ed25519 \(Fixture.keyB)\n10.0.0.1 ssh-ed25519 \(Fixture.keyA)\n"
        #expect(KnownHosts(text: text).check(host: "10.0.0.1", port: 22, key: Fixture.ed25519(Fixture.keyA)) == .trusted)
    }

    @Test func matchesHashedEntriesIncludingNonStandardPorts() {
        let file = KnownHosts(text: Fixture.hashed)
        #expect(file.check(host: "10.0.0.5", port: 22, key: Fixture.ed25519(Fixture.keyA)) == .trusted)
        #expect(file.check(host: "10.0.0.6", port: 2222, key: Fixture.ed25519(Fixture.keyA)) == .trusted)
        #expect(file.check(host: "10.0.0.5", port: 22, key: Fixture.ed25519(Fixture.keyB)) == .changed(line: 1))
        #expect(file.check(host: "10.0.0.6", port: 22, key: Fixture.ed25519(Fixture.keyA)) == .unknown)
        #expect(file.check(host: "10.0.0.7", port: 22, key: Fixture.ed25519(Fixture.keyA)) == .unknown)
    }

    @Test func distinguishesPortsOnPlainEntries() {
        let file = KnownHosts(text: "[10.0.0.1]:2222 ssh-ed25519 \(Fixture.keyA)\n")
        #expect(file.check(host: "10.0.0.1", port: 2222, key: Fixture.ed25519(Fixture.keyA)) == .trusted)
        #expect(file.check(host: "10.0.0.1", port: 22, key: Fixture.ed25519(Fixture.keyA)) == .unknown)
    }

    @Test func honoursRevokedKeysAndSkipsCertificateAuthorities() {
        let text = """
            @cert-authority *.example.com ssh-ed25519 \(Fixture.keyB)
            10.0.0.1 ssh-ed25519 \(Fixture.keyA)
            @revoked 10.0.0.1 ssh-ed25519 \(Fixture.keyA)
            """
        #expect(KnownHosts(text: text).check(host: "10.0.0.1", port: 22, key: Fixture.ed25519(Fixture.keyA)) == .revoked(line: 3))
    }

    @Test func listsTheKeyTypesRecordedForAHost() {
        let text = "10.0.0.1 ecdsa-sha2-nistp256 \(Fixture.keyC)\n10.0.0.2 ssh-ed25519 \(Fixture.keyA)\n"
        let file = KnownHosts(text: text)
        #expect(file.knownKinds(host: "10.0.0.1", port: 22) == [.ecdsaP256])
        #expect(file.knownKinds(host: "10.0.0.3", port: 22) == [])
        #expect(KnownHosts(text: Fixture.hashed).knownKinds(host: "10.0.0.5", port: 22) == [.ed25519])
    }

    @Test func writesLinesOpenSSHReadsBack() throws {
        #expect(KnownHosts.entryLine(host: "10.0.0.1", port: 22, key: Fixture.ed25519(Fixture.keyA))
            == "10.0.0.1 ssh-ed25519 \(Fixture.keyA)")
        let line = KnownHosts.entryLine(host: "10.0.0.1", port: 2222, key: Fixture.ecdsa(Fixture.keyC))
        #expect(line == "[10.0.0.1]:2222 ecdsa-sha2-nistp256 \(Fixture.keyC)")
        let directory = try LocalCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/known_hosts"
        try KnownHostsWriter.append(line, to: path) { _ in false }
        try KnownHostsWriter.append(line, to: path) { KnownHosts(text: $0).check(host: "10.0.0.1", port: 2222, key: Fixture.ecdsa(Fixture.keyC)) != .unknown }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == line + "\n", "recorded once")
        let found = try LocalCommand.run(["ssh-keygen", "-F", "[10.0.0.1]:2222", "-f", path])
        #expect(found.status == 0 && found.stdout.contains(Fixture.keyC))
    }
}

struct HostKeyFingerprintTests {
    @Test func formatsLikeSSHKeygen() throws {
        // ssh-keygen -lf prints "256 SHA256:dbO7XzbSO2moMLzlWFQ2WMk+J6sFlMWh3xgRs0PTQRM a (ED25519)" for key A.
        let blob = try #require(Data(base64Encoded: Fixture.keyA))
        let hex = try LocalCommand.run(["sha256sum"], stdin: blob).stdout.prefix(64)
        let digest = Data(stride(from: 0, to: 64, by: 2).map { offset in
            UInt8(hex[hex.index(hex.startIndex, offsetBy: offset)..<hex.index(hex.startIndex, offsetBy: offset + 2)], radix: 16)!
        })
        #expect(HostKeyFingerprint.sha256(digest: digest) == "SHA256:dbO7XzbSO2moMLzlWFQ2WMk+J6sFlMWh3xgRs0PTQRM")
    }
}
