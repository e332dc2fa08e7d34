import Foundation
import LabSupport
import Testing

/// The self-contained release binary (scripts/build-release) on a lab host, which has neither the Swift toolchain
/// nor its runtime nor libssh2: kubeforge runs on a node as kubeadm does (`init`, `join` there).
@Suite(.enabled(if: Lab.enabled, "needs the lab: KUBEFORGE_LAB=1 after scripts/lab up"),
       .enabled(if: ReleaseBinary.path != nil,
                "no release binary (KUBEFORGE_RELEASE_BINARY; scripts/test sets it after scripts/build-release)"))
struct ReleaseBinaryLabTests {
    static let host = "10.213.0.11"  // k8s-master
    static let remote = "/tmp/kubeforge-release-test/kubeforge"

    @Test func needsOnlyGlibcsLibraries() async throws {
        try await ReleaseBinary.uploaded.value
        let ldd = try ReleaseBinary.ssh(Self.host, "ldd \(Self.remote)")
        #expect(ldd.status == 0, "\(ldd.stderr)")
        // `\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x…)`, `\t/lib64/ld-linux-x86-64.so.2 (0x…)`
        let libraries = ldd.stdout.split(separator: "\n")
            .compactMap { $0.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) }
        #expect(!libraries.isEmpty)
        #expect(!ldd.stdout.contains("libswift") && !ldd.stdout.contains("libssh2") && !ldd.stdout.contains("not found"), "\(ldd.stdout)")
        // libgcc_s stays shared (scripts/build-release says why); it is on every glibc system.
        let glibc = ["linux-vdso.so.1", "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libgcc_s.so.1"]
        for library in libraries {
            #expect(glibc.contains(library) || library.contains("/ld-linux"), "\(library) is not glibc's: \(ldd.stdout)")
        }
        // The host really lacks what the binary no longer needs.
        let absent = try ReleaseBinary.ssh(Self.host, "command -v swift; ls /usr/lib/x86_64-linux-gnu/libssh2.so.1 /usr/lib/swift 2>/dev/null; true")
        #expect(absent.stdout.isEmpty, "\(absent.stdout)")
    }

    @Test func versionAsJSON() async throws {
        try await ReleaseBinary.uploaded.value
        let outcome = try ReleaseBinary.ssh(Self.host, "\(Self.remote) version -o json")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: String])
        #expect(object["platform"] == "linux")
        #expect(object["version"]?.isEmpty == false)
        #expect(object["swift"]?.hasPrefix("6") == true)
    }

    @Test func initPhaseCertsAllWritesTheTreeUnderARootfs() async throws {
        try await ReleaseBinary.uploaded.value
        let rootfs = "/tmp/kf-release-\(UUID().uuidString.prefix(8))"
        defer { _ = try? ReleaseBinary.ssh(Self.host, "rm -rf \(rootfs)") }
        let outcome = try ReleaseBinary.ssh(Self.host, "\(Self.remote) init phase certs all --rootfs \(rootfs)")
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.contains("[certs] Generated ca (/etc/kubernetes/pki/ca.crt)"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("[certs] Valid certificates and keys now exist in \"/etc/kubernetes/pki\""))
        let files = ["ca.crt", "ca.key", "apiserver.crt", "apiserver-kubelet-client.crt", "front-proxy-ca.crt",
                     "front-proxy-client.crt", "etcd/ca.crt", "etcd/server.crt", "etcd/peer.crt",
                     "etcd/healthcheck-client.crt", "apiserver-etcd-client.crt", "sa.key", "sa.pub"]
        let listing = try ReleaseBinary.ssh(Self.host, files.map { "test -s \(rootfs)/etc/kubernetes/pki/\($0) && echo \($0)" }
            .joined(separator: "; "))
        #expect(listing.stdout.split(separator: "\n").map(String.init) == files, "\(listing.stdout)\(listing.stderr)")
        let key = try ReleaseBinary.ssh(Self.host, "head -n 1 \(rootfs)/etc/kubernetes/pki/ca.key")
        #expect(key.stdout.hasPrefix("-----BEGIN ") && key.stdout.contains("PRIVATE KEY-----"), "\(key.stdout)")
    }

    @Test func configPrintInitDefaults() async throws {
        try await ReleaseBinary.uploaded.value
        let outcome = try ReleaseBinary.ssh(Self.host, "\(Self.remote) config print init-defaults")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for line in ["apiVersion: kubeadm.k8s.io/", "kind: InitConfiguration", "kind: ClusterConfiguration", "kubernetesVersion:"] {
            #expect(outcome.stdout.contains(line), "missing \(line): \(outcome.stdout)")
        }
    }
}

/// The binary scripts/build-release made, found through KUBEFORGE_RELEASE_BINARY; OpenSSH to the lab
/// (UpLabTests' helpers), independent of kubeforge's own transport.
enum ReleaseBinary {
    static var path: String? {
        guard let path = ProcessInfo.processInfo.environment["KUBEFORGE_RELEASE_BINARY"], !path.isEmpty,
              FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return path
    }

    /// Copied once to k8s-master for every test of the suite.
    static let uploaded = Task<Void, any Error> {
        guard let path else { throw UpLabTests.LabFailure("KUBEFORGE_RELEASE_BINARY is not set") }
        let remote = ReleaseBinaryLabTests.remote
        let directory = (remote as NSString).deletingLastPathComponent
        let outcome = try UpLabTests.shell("ssh -o BatchMode=yes -o UserKnownHostsFile='\(Lab.directory)/known_hosts' "
            + "-o StrictHostKeyChecking=yes -i '\(Lab.directory)/id_ed25519' root@\(ReleaseBinaryLabTests.host) "
            + "'mkdir -p \(directory) && cat > \(remote).tmp && chmod 0755 \(remote).tmp && mv \(remote).tmp \(remote)' < '\(path)'")
        guard outcome.status == 0 else { throw UpLabTests.LabFailure("upload to \(ReleaseBinaryLabTests.host) failed: \(outcome.stderr)") }
    }

    static func ssh(_ host: String, _ command: String) throws -> KubeforgeBinary.Outcome {
        try UpLabTests.ssh(host, command)
    }
}
