import Foundation
import LabSupport
import Testing

/// The built `kubeforge` binary end to end: phases, exit statuses, repeat runs (design.md exit codes).
@Suite struct CommandLineTests {
    func kubeforge(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runTool(KubeforgeBinary.path, arguments, allowFailure: true)
    }

    @Test func phasesWriteUnderRootfsAndRepeatSafely() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let common = ["--rootfs", root.path, "--apiserver-advertise-address", "10.1.2.3", "--node-name", "cp-1",
                      "--kubernetes-version", "v1.30.4"]
        let certs = try kubeforge(["init", "phase", "certs", "all"] + common)
        #expect(certs.status == 0, "\(certs.stderr)")
        #expect(certs.stdout.contains("[certs] Generated apiserver"))
        let kubeconfig = try kubeforge(["init", "phase", "kubeconfig", "all"] + common)
        #expect(kubeconfig.status == 0, "\(kubeconfig.stderr)")
        for file in ["pki/ca.key", "pki/etcd/peer.crt", "pki/sa.pub", "admin.conf", "super-admin.conf", "kubelet.conf"] {
            #expect(FileManager.default.fileExists(atPath: root.path + "/etc/kubernetes/" + file), "\(file)")
        }
        let again = try kubeforge(["init", "phase", "certs", "all"] + common)
        #expect(again.status == 0)
        #expect(!again.stdout.contains("Generated"))

        let drift = try kubeforge(["init", "phase", "certs", "apiserver", "--apiserver-cert-extra-sans", "9.9.9.9"] + common)
        #expect(drift.status == 1)
        #expect(drift.stderr.contains("9.9.9.9") && drift.stderr.contains("--renew-mismatched"))
        let fixed = try kubeforge(["init", "phase", "certs", "apiserver", "--apiserver-cert-extra-sans", "9.9.9.9", "--renew-mismatched"] + common)
        #expect(fixed.status == 0)
        #expect(fixed.stdout.contains("Renewed apiserver"))

        let expiration = try kubeforge(["certs", "check-expiration", "--rootfs", root.path, "-o", "json"])
        #expect(expiration.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(expiration.stdout.utf8)) as? [String: Any]
        #expect(json?["kind"] as? String == "CertificateExpirationInfo")
        #expect((json?["certificates"] as? [Any])?.count == 11)
        let renew = try kubeforge(["certs", "renew", "all", "--rootfs", root.path])
        #expect(renew.status == 0)
    }

    @Test func badInputExitsTwoWithAClearMessage() throws {
        let bogus = try kubeforge(["init", "phase", "certs", "bogus", "--apiserver-advertise-address", "10.0.0.1", "--rootfs", "/nonexistent"])
        #expect(bogus.status == 2)
        #expect(bogus.stderr.contains("unknown certificate 'bogus'"))
        let address = try kubeforge(["init", "phase", "certs", "--apiserver-advertise-address", "nope", "--rootfs", "/nonexistent"])
        #expect(address.status == 2)
        #expect(address.stderr.contains("--apiserver-advertise-address"))
        let kubeconfig = try kubeforge(["init", "phase", "kubeconfig", "nope", "--apiserver-advertise-address", "10.0.0.1"])
        #expect(kubeconfig.status == 2)
        let renew = try kubeforge(["certs", "renew", "ca", "--rootfs", "/nonexistent"])
        #expect(renew.status == 2)
    }

    /// Without --apiserver-advertise-address the address of the default-route interface is used, as kubeadm does.
    @Test func advertiseAddressDefaultsToTheDefaultRouteInterface() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let result = try kubeforge(["init", "phase", "certs", "apiserver", "--rootfs", root.path, "--node-name", "cp-1"])
        // apiserver needs the CA: the error proves the flags resolved (bad input would exit 2).
        #expect(result.status == 1)
        #expect(result.stderr.contains("kubeforge init phase certs ca"))
    }

    @Test func tokenAndCertificateKeyGeneration() throws {
        let token = try kubeforge(["token", "generate"])
        #expect(token.stdout.trimmingCharacters(in: .newlines).wholeMatch(of: try Regex("[a-z0-9]{6}\\.[a-z0-9]{16}")) != nil)
        let key = try kubeforge(["certs", "certificate-key"])
        #expect(key.stdout.trimmingCharacters(in: .newlines).wholeMatch(of: try Regex("[0-9a-f]{64}")) != nil)
    }
}
