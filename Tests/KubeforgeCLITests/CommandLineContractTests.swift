import Foundation
import LabSupport
import Testing

/// design.md's CLI contract on the built binary: exit codes and machine-readable output.
@Suite struct CommandLineContractTests {
    @Test func versionAsJSON() throws {
        let outcome = try KubeforgeBinary.run(["version", "-o", "json"])
        #expect(outcome.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: String]
        #expect(object?["version"]?.isEmpty == false)
    }

    /// Bad flags are bad input: exit 2, not ArgumentParser's 64.
    @Test(arguments: [["run", "--no-such-flag"], ["preflight"], ["run", "-i", "x.yaml"], ["version", "-o", "xml"]])
    func badFlagsExitTwo(arguments: [String]) throws {
        let outcome = try KubeforgeBinary.run(arguments)
        #expect(outcome.status == 2, "\(arguments): \(outcome.stderr)")
        #expect(!outcome.stderr.isEmpty)
    }

    @Test func missingInventoryNamesTheFile() throws {
        let outcome = try KubeforgeBinary.run(["run", "-i", "/nonexistent/inv.yaml", "--", "true"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("/nonexistent/inv.yaml"))
    }

    @Test func unknownHostSelectionIsBadInput() throws {
        let inventory = FileManager.default.temporaryDirectory.appendingPathComponent("kf-sel-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: inventory) }
        try """
            apiVersion: kubeforge/v1alpha1
            kind: Inventory
            hosts:
              - {name: k8s-master, address: 10.213.0.11, roles: [control-plane]}

            """.write(toFile: inventory, atomically: true, encoding: .utf8)
        let outcome = try KubeforgeBinary.run(["run", "-i", inventory, "--hosts", "k8s-nope", "--", "true"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("k8s-nope"))
    }

    /// `--config` reaches the certificate phase: the file's SANs, version and node name end up in the tree.
    @Test func certsPhaseReadsKubeadmConfig() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kf-cfg-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = root + ".yaml"
        defer { try? FileManager.default.removeItem(atPath: config) }
        try """
            apiVersion: kubeadm.k8s.io/v1beta4
            kind: InitConfiguration
            localAPIEndpoint: {advertiseAddress: 192.168.2.201}
            nodeRegistration: {name: k8s-master}
            ---
            apiVersion: kubeadm.k8s.io/v1beta4
            kind: ClusterConfiguration
            kubernetesVersion: v1.31.2
            controlPlaneEndpoint: lb.example.com:6443
            apiServer: {certSANs: [extra.example.com]}
            encryptionAlgorithm: ECDSA-P256

            """.write(toFile: config, atomically: true, encoding: .utf8)
        let outcome = try KubeforgeBinary.run(["init", "phase", "certs", "all", "--rootfs", root, "--config", config])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let text = try openssl(["x509", "-in", root + "/etc/kubernetes/pki/apiserver.crt", "-noout", "-text"])
        for expected in ["DNS:k8s-master", "DNS:lb.example.com", "DNS:extra.example.com", "IP Address:192.168.2.201",
                         "IP Address:10.96.0.1", "id-ecPublicKey"] {
            #expect(text.contains(expected), "\(expected)")
        }
    }

    @Test func configMixedWithForbiddenFlagIsBadInput() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("kf-mix-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: config) }
        try "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n".write(toFile: config, atomically: true, encoding: .utf8)
        let outcome = try KubeforgeBinary.run(["init", "phase", "certs", "all", "--rootfs", "/tmp/kf-never",
                                               "--config", config, "--service-cidr", "10.0.0.0/16"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--service-cidr"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/kf-never"))
    }

    /// The tutorial's flags reach the static Pod manifests; --dry-run writes nothing.
    @Test func controlPlaneAndEtcdPhasesWriteManifests() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kf-cp-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let flags = ["--rootfs", root, "--kubernetes-version", "v1.28.0", "--apiserver-advertise-address", "192.168.2.201",
                     "--control-plane-endpoint", "k8s-master:6443", "--pod-network-cidr", "192.168.0.0/16",
                     "--image-repository", "registry.aliyuncs.com/google_containers", "--node-name", "k8s-master"]
        let dry = try KubeforgeBinary.run(["init", "phase", "etcd", "local", "--dry-run"] + flags)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("/etc/kubernetes/manifests/etcd.yaml"))
        #expect(!FileManager.default.fileExists(atPath: root + "/etc/kubernetes/manifests/etcd.yaml"))

        for phase in [["control-plane", "all"], ["etcd", "local"]] {
            let outcome = try KubeforgeBinary.run(["init", "phase"] + phase + flags)
            #expect(outcome.status == 0, "\(phase): \(outcome.stderr)")
        }
        let manifests = root + "/etc/kubernetes/manifests/"
        for name in ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: manifests + name + ".yaml")
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(name)")
        }
        let apiserver = try String(contentsOfFile: manifests + "kube-apiserver.yaml", encoding: .utf8)
        #expect(apiserver.contains("- --advertise-address=192.168.2.201"))
        #expect(apiserver.contains("image: registry.aliyuncs.com/google_containers/kube-apiserver:v1.28.0"))
        let controllerManager = try String(contentsOfFile: manifests + "kube-controller-manager.yaml", encoding: .utf8)
        #expect(controllerManager.contains("- --cluster-cidr=192.168.0.0/16"))
        let etcd = try String(contentsOfFile: manifests + "etcd.yaml", encoding: .utf8)
        #expect(etcd.contains("- --initial-cluster=k8s-master=https://192.168.2.201:2380"))
    }

    private func openssl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
