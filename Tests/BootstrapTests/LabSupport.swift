import Foundation
import KubeadmConfig
import LabSupport
import PKI
import Remote
import SSH
import Templates
@testable import Bootstrap

/// The running lab (scripts/lab): hosts over real SSH with the lab key and strict host-key checking.
enum Lab {
    static var enabled: Bool { LabEnvironment.enabled }
    static var directory: String { LabEnvironment.directory }

    static let members: [(name: String, address: String)] = [
        ("k8s-master", "10.213.0.11"), ("k8s-node1", "10.213.0.12"), ("k8s-node2", "10.213.0.13"),
    ]

    /// Connected now, so an unreachable lab fails the test at once. Tests disconnect explicitly when done:
    /// SSHHost's deinit closes on a background queue, which can race the test process's exit (signal 11 seen).
    static func host(_ name: String, _ address: String) async throws -> SSHHost {
        let host = SSHHost(SSHHost.Configuration(
            name: name, address: address, user: "root", identityFiles: [LabEnvironment.key], useAgent: false,
            knownHostsFile: LabEnvironment.knownHosts, hostKeyPolicy: .strict, connectAttempts: 2))
        try await host.connect()
        return host
    }

    /// Debian's etcd and etcdctl from this machine, as an air-gapped bundle directory with its SHA256SUMS
    /// (what scripts/etcd-bundle makes).
    static func etcdBundle() async throws -> TemporaryDirectory {
        let bundle = try TemporaryDirectory()
        for name in ["etcd", "etcdctl"] {
            try FileManager.default.createSymbolicLink(atPath: "\(bundle.path)/\(name)", withDestinationPath: "/usr/bin/\(name)")
        }
        let sums = try await LocalHost().run("cd \(ShellQuote.quote(bundle.path)) && sha256sum etcd etcdctl > SHA256SUMS")
        guard sums.succeeded else { throw HostError.io(host: "localhost", path: bundle.path, reason: sums.stderrText) }
        return bundle
    }

    /// This member's kubeadm configuration; etcd runs from /usr/local/bin, beside Debian's (disabled) /usr/bin/etcd.
    static func etcdMember(name: String, address: String, resolver: BinaryResolver, waiter: HealthWaiter = HealthWaiter(timeout: .seconds(60)))
        -> (bringUp: EtcdBringUp, certificates: CertificateTreeOptions) {
        var config = KubeadmConfiguration()
        config.initConfiguration.nodeRegistration.name = name
        config.initConfiguration.localAPIEndpoint.advertiseAddress = address
        var options = RenderOptions()
        options.etcdBinary = "/usr/local/bin/etcd"
        var certificates = CertificateTreeOptions()
        certificates.nodeName = name
        certificates.advertiseAddress = address
        certificates.kubernetesVersion = config.version.description
        return (EtcdBringUp(config: config, options: options, resolver: resolver, etcdVersion: "3.4.23", waiter: waiter), certificates)
    }

    /// Leaves no etcd state behind on a host: unit stopped, disabled and removed, data, certificates and binaries gone.
    static func cleanEtcd(on host: any Remote.Host) async throws {
        try await ResetEtcdPhase(on: host).run()
        _ = try await host.run("rm -rf /etc/kubernetes /usr/local/bin/etcd /usr/local/bin/etcdctl")
    }

    /// The operator's etcdctl (this machine's), over the network with the healthcheck-client certificate read from `host`.
    static func operatorEtcdctl(certificatesFrom host: any Remote.Host, endpoints: [String]) async throws -> (run: @Sendable ([String]) async throws -> CommandResult, keep: TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        for file in ["ca.crt", "healthcheck-client.crt", "healthcheck-client.key"] {
            try AtomicFile.write(try await host.readFile("/etc/kubernetes/pki/etcd/\(file)"), to: "\(directory.path)/\(file)", mode: 0o600)
        }
        let path = directory.path
        let run: @Sendable ([String]) async throws -> CommandResult = { arguments in
            try await LocalHost().run("ETCDCTL_API=3 " + ShellQuote.join([
                "etcdctl", "--endpoints=\(endpoints.joined(separator: ","))", "--cacert=\(path)/ca.crt",
                "--cert=\(path)/healthcheck-client.crt", "--key=\(path)/healthcheck-client.key", "--dial-timeout=5s",
            ] + arguments), timeout: .seconds(60))
        }
        return (run, directory)
    }
}
