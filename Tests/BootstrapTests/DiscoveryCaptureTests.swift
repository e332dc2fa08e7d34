import Foundation
import KubeAPI
import LabSupport
import PKI
import Remote
import Testing
@testable import Bootstrap

/// Join's discovery against the real cluster-info of the capture (objects-after-init.yaml): its two real JWS
/// signatures and the real CA hash are the test vectors (../shared/reference/kubeadm-api/README.md).
struct DiscoveryCaptureTests {
    static let capturedHash = "sha256:b3570e9c092e72f6f1fdf5370ae9d0060b5afb32d84943bfc751d513f00dbb6a"

    static func clusterInfo() throws -> [String: String] {
        let object = try #require(try KubeadmCapture.objectsAfterInit().first { $0.kind == "ConfigMap" && $0.name == "cluster-info" })
        return object.stringData
    }

    static func discovery(_ token: String, pins: [String] = [capturedHash]) throws -> TokenDiscovery {
        TokenDiscovery(endpoint: "10.213.0.11:6443", token: try BootstrapToken(parsing: token), caCertHashes: pins, host: LocalHost())
    }

    @Test func kubeforgeSignsExactlyAsTheBootstrapSignerDid() throws {
        let data = try Self.clusterInfo()
        let kubeconfig = try #require(data["kubeconfig"])
        #expect(DetachedJWS.sign(kubeconfig, tokenID: "abcdef", secret: "0123456789abcdef") == data["jws-kubeconfig-abcdef"])
        #expect(DetachedJWS.sign(kubeconfig, tokenID: "zzjwhc", secret: "tx6j2cemohmstuve") == data["jws-kubeconfig-zzjwhc"])
    }

    @Test func theCapturedCAHashesToTheCapturedPin() throws {
        let info = try ClusterInfo(kubeconfig: try #require(try Self.clusterInfo()["kubeconfig"]))
        #expect(try DiscoveryHash.of(certificatePEM: info.certificateAuthorityPEM) == [Self.capturedHash])
        #expect(info.server == "https://10.213.0.11:6443")
    }

    @Test func aSignedAndPinnedClusterInfoIsAcceptedAfterTheVerifiedRefetch() async throws {
        let data = try Self.clusterInfo()
        let refetched = Counter()
        let info = try await Self.discovery("zzjwhc.tx6j2cemohmstuve").validate(data) { ca in
            refetched.add()
            #expect(ca.hasPrefix("-----BEGIN CERTIFICATE-----"))
            return data
        }
        #expect(refetched.value == 1 && info.server == "https://10.213.0.11:6443")
    }

    @Test func tamperingIsRefused() async throws {
        let data = try Self.clusterInfo()
        let kubeconfig = try #require(data["kubeconfig"])
        func refused(_ discovery: TokenDiscovery, _ data: [String: String], refetch: [String: String]? = nil) async -> DiscoveryError? {
            do {
                _ = try await discovery.validate(data) { _ in refetch ?? data }
                return nil
            } catch { return error as? DiscoveryError }
        }
        // A token the cluster never signed for: kubeadm's "invalid for this cluster or it has expired".
        #expect(await refused(try Self.discovery("qqqqqq.0123456789abcdef"), data) == .unknownToken(id: "qqqqqq"))
        // The right id with a wrong secret.
        #expect(await refused(try Self.discovery("abcdef.0123456789abcdee"), data) == .badSignature)
        // A payload changed after signing (another server, another CA).
        var payload = data
        payload["kubeconfig"] = kubeconfig.replacingOccurrences(of: "10.213.0.11", with: "10.213.0.66")
        #expect(await refused(try Self.discovery("abcdef.0123456789abcdef"), payload) == .badSignature)
        // A signature for another kid moved under this token's key.
        var moved = data
        moved["jws-kubeconfig-abcdef"] = data["jws-kubeconfig-zzjwhc"]
        #expect(await refused(try Self.discovery("abcdef.0123456789abcdef"), moved) == .badSignature)
        // A pin that is not the CA's: expected and actual both named.
        let wrongPin = "sha256:" + String(repeating: "0", count: 64)
        #expect(await refused(try Self.discovery("abcdef.0123456789abcdef", pins: [wrongPin]), data)
                == .pinMismatch(expected: [wrongPin], actual: [Self.capturedHash]))
        // The verified refetch saw something else.
        var changed = data
        changed["kubeconfig"] = kubeconfig + "\n"
        #expect(await refused(try Self.discovery("abcdef.0123456789abcdef"), data, refetch: changed) == .changedBetweenFetches)
    }

    @Test func skippingCAVerificationStillRequiresTheSignature() async throws {
        var discovery = try Self.discovery("abcdef.0123456789abcdef", pins: [])
        discovery.unsafeSkipCAVerification = true
        let info = try await discovery.validate(try Self.clusterInfo()) { _ in Issue.record("no refetch without a pin"); return [:] }
        #expect(info.server == "https://10.213.0.11:6443")
    }

    @Test func endpointsSplitIntoHostAndPort() throws {
        #expect(try TokenDiscovery.split("10.213.0.11:6443") == ("10.213.0.11", 6443))
        #expect(try TokenDiscovery.split("[fd00::1]:6443") == ("fd00::1", 6443))
        #expect(throws: DiscoveryError.self) { try TokenDiscovery.split("k8s-master") }
    }
}

final class Counter: @unchecked Sendable {  // invariant: `count` under `lock`
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

/// Control-plane join's download-certs against the real kubeadm-certs Secret of the capture, encrypted by
/// upstream kubeadm v1.28.7 with certificate key 0123…cdef (../shared/reference/kubeadm-api/README.md).
struct CapturedKubeadmCertsTests {
    static let key = String(repeating: "0123456789abcdef", count: 4)

    static func captured() throws -> KubeObject {
        try #require(try KubeadmCapture.createdObjects("upload-certs").first { $0.name == "kubeadm-certs" })
    }

    @Test func theCapturedSecretDecryptsWithItsKeyIntoTheClustersFiles() throws {
        let files = try KubeadmCertsSecret.decrypt(Self.captured(), key: CertificateKey(hex: Self.key))
        #expect(Set(files.keys) == Set(KubeadmCertsSecret.files(externalEtcd: false).map(\.key)))
        for name in ["ca.crt", "front-proxy-ca.crt", "etcd-ca.crt"] {
            #expect(String(decoding: files[name] ?? Data(), as: UTF8.self).hasPrefix("-----BEGIN CERTIFICATE-----"), "\(name)")
        }
        for name in ["ca.key", "front-proxy-ca.key", "etcd-ca.key", "sa.key"] {
            #expect(String(decoding: files[name] ?? Data(), as: UTF8.self).contains("PRIVATE KEY-----"), "\(name)")
        }
        #expect(String(decoding: files["sa.pub"] ?? Data(), as: UTF8.self).hasPrefix("-----BEGIN PUBLIC KEY-----"))
        // The CA is the cluster's: the same public key pin as cluster-info's CA.
        #expect(try DiscoveryHash.of(certificatePEM: String(decoding: files["ca.crt"] ?? Data(), as: UTF8.self)) == [DiscoveryCaptureTests.capturedHash])
    }

    @Test func aWrongKeyDecryptsNothing() throws {
        let wrong = try CertificateKey(hex: String(repeating: "f", count: 64))
        #expect(throws: TokenError.self) { try KubeadmCertsSecret.decrypt(Self.captured(), key: wrong) }
    }
}
