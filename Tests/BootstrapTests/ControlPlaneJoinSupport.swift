import ClusterTestSupport
import Foundation
import PKI
import Remote
@testable import Bootstrap

/// The existing control plane's etcd member: Debian's etcd, named k8s-master, on `address` (2379 clients,
/// 2380 peers), serving with etcd certificates issued for that address by the cluster's etcd CA.
final class ExistingEtcdMember: @unchecked Sendable {  // invariant: set up once in `start`, then only read
    let directory: String
    let process: Process
    let etcdctl: EtcdCtl

    private init(directory: String, process: Process, etcdctl: EtcdCtl) {
        self.directory = directory
        self.process = process
        self.etcdctl = etcdctl
    }

    static func start(_ cluster: TestCluster, address: String) async throws -> ExistingEtcdMember {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeforge-etcd-\(UUID().uuidString)").path
        let pki = "\(directory)/pki"
        try FileManager.default.createDirectory(atPath: "\(pki)/etcd", withIntermediateDirectories: true)
        for file in ["ca.crt", "ca.key"] {
            try FileManager.default.copyItem(atPath: "\(cluster.root)/etc/kubernetes/pki/etcd/\(file)", toPath: "\(pki)/etcd/\(file)")
        }
        var config = cluster.config
        config.initConfiguration.localAPIEndpoint.advertiseAddress = address
        var tree = try CertificateTreeOptions(config, kubeconfigDir: directory)
        tree.certificatesDir = pki
        _ = try await PKIGenerator(resolved: try tree.resolve(hostname: "k8s-master"), host: LocalHost())
            .run(PKIGenerator.Request(certificates: ["etcd-server", "etcd-peer", "etcd-healthcheck-client"]))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/etcd")
        process.arguments = [
            "--name=k8s-master", "--data-dir=\(directory)/data",
            "--listen-client-urls=https://\(address):2379", "--advertise-client-urls=https://\(address):2379",
            "--listen-peer-urls=https://\(address):2380", "--initial-advertise-peer-urls=https://\(address):2380",
            "--initial-cluster=k8s-master=https://\(address):2380",
            "--cert-file=\(pki)/etcd/server.crt", "--key-file=\(pki)/etcd/server.key", "--client-cert-auth=true",
            "--trusted-ca-file=\(pki)/etcd/ca.crt", "--peer-cert-file=\(pki)/etcd/peer.crt", "--peer-key-file=\(pki)/etcd/peer.key",
            "--peer-client-cert-auth=true", "--peer-trusted-ca-file=\(pki)/etcd/ca.crt",
        ]
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let member = ExistingEtcdMember(directory: directory, process: process,
                                        etcdctl: EtcdCtl(endpoints: ["https://\(address):2379"], certificatesDir: pki, etcdctl: "/usr/bin/etcdctl"))
        for _ in 0..<80 {
            if (try? await member.etcdctl.memberList(on: LocalHost())) != nil { return member }
            try await Task.sleep(for: .milliseconds(250))
        }
        member.stop()
        throw EtcdError.unreadableOutput(host: "k8s-master", reason: "the existing etcd member on \(address) did not answer within 20 s")
    }

    func stop() {
        StaticPodKubelet.end(process)
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The kubelet's part of a control-plane join: `KubeletStandIn`'s TLS bootstrap, and the etcd static Pod run as
/// the kubelet runs it once its manifest appears — the container's command with its hostPath mounts (the same
/// paths on the node, so under the node's root here).
final class StaticPodKubelet: KubeletService, @unchecked Sendable {  // invariant: `processes` and `watcher` under `lock`
    let standIn: KubeletStandIn
    private let lock = NSLock()
    private var processes: [Process] = []
    private var watcher: Task<Void, Never>?

    init(standIn: KubeletStandIn) { self.standIn = standIn }

    func restart() async throws {
        try await standIn.restart()
        let task = Task { [self] in
            let manifest = standIn.host.resolve("/etc/kubernetes/manifests/etcd.yaml")
            while !Task.isCancelled {
                if let text = try? String(contentsOfFile: manifest, encoding: .utf8) {
                    try? runEtcd(manifest: text)
                    return
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        lock.withLock { watcher = task }
    }

    func waitHealthy() async throws {}

    /// `- --flag=value` lines of the container's command; absolute paths are hostPath mounts.
    private func runEtcd(manifest: String) throws {
        let arguments = manifest.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("- --") else { return nil }
            let flag = String(trimmed.dropFirst(2))
            guard let equals = flag.firstIndex(of: "="), flag[flag.index(after: equals)...].hasPrefix("/") else { return flag }
            return flag[...equals] + standIn.host.resolve(String(flag[flag.index(after: equals)...]))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/etcd")
        process.arguments = arguments
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        process.standardError = log
        try process.run()
        lock.withLock { processes.append(process) }
    }

    func stop() {
        let (task, running) = lock.withLock { (watcher, processes) }
        task?.cancel()
        running.forEach(Self.end)
    }

    static func end(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
