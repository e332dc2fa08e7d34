import Foundation
import Inventory
import Remote
import Testing
@testable import Bootstrap

/// `up`'s first phase: the bundle's Kubernetes binaries asked for their version on this machine, before any host
/// is touched. The "binaries" are shell scripts that print what upstream's print (`Kubernetes v1.28.7`).
struct BundleVersionsPhaseTests {
    static func bundle(version: String, kubeletVersion: String? = nil) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeforge-bundle-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet"] {
            let script = "#!/bin/sh\necho 'Kubernetes \(name == "kubelet" ? kubeletVersion ?? version : version)'\n"
            FileManager.default.createFile(atPath: "\(directory)/\(name)", contents: Data(script.utf8), attributes: [.posixPermissions: 0o755])
        }
        return directory
    }

    static func phase(_ directory: String, mode: ClusterSettings.ControlPlaneMode = .systemd, lines: Lines = Lines()) throws -> BundleVersionsPhase? {
        let cluster = ClusterSettings(kubernetesVersion: "v1.28.7", controlPlaneMode: mode, binaries: .directory(directory))
        let master = InventoryHost(name: "k8s-master", address: "10.0.0.11", roles: [.controlPlane])
        let plan = UpPlan(cluster: cluster, hosts: [UpHost(master, host: LocalHost(name: "k8s-master", rootfs: "/nonexistent"))])
        return BundleVersionsPhase(plan: plan, resolver: BinaryResolver(source: .directory(directory))) { lines.add($0) }
    }

    @Test func aBundleOfTheClustersReleasePasses() async throws {
        let directory = try Self.bundle(version: "v1.28.7")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lines = Lines()
        let phase = try #require(try Self.phase(directory, lines: lines))
        #expect(phase.specs.map(\.name) == ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet"])
        try await phase.run()
        #expect(lines.all == ["    kube-apiserver: 1.28.7", "    kube-controller-manager: 1.28.7", "    kube-scheduler: 1.28.7", "    kubelet: 1.28.7"])
    }

    @Test func anotherReleaseIsRefusedNamingTheBinaryAndTheFix() async throws {
        let directory = try Self.bundle(version: "v1.28.7", kubeletVersion: "v1.29.1")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let phase = try #require(try Self.phase(directory))
        let error = await #expect(throws: BinaryError.self) { try await phase.run() }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.hasPrefix("bundle: \(directory)/kubelet (kubelet) failed its version check: reports version 1.29.1, expected v1.28.7"))
        #expect(text.contains("set cluster.kubernetesVersion: v1.29.1 in the inventory, or use a bundle of v1.28.7"))
    }

    @Test func onlyWhatTheBundleHasAndTheModeInstallsIsChecked() throws {
        let directory = try Self.bundle(version: "v1.28.7")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try Self.phase(directory, mode: .staticPod)?.specs.map(\.name) == ["kubelet"])
        // A bundle without kube-apiserver (etcd only, as the demo's): what it has is checked; the install phase names what is missing.
        try FileManager.default.removeItem(atPath: "\(directory)/kube-apiserver")
        #expect(try Self.phase(directory)?.specs.map(\.name) == ["kube-controller-manager", "kube-scheduler", "kubelet"])
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("kubeforge-empty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(try Self.phase(empty, mode: .staticPod) == nil, "nothing from the bundle, nothing to check")
    }
}
