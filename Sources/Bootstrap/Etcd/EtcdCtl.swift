import Foundation
import Remote

/// etcdctl invocations against a member, over mTLS with kubeadm's healthcheck-client certificate
/// (kubeadm's own etcd client uses apiserver-etcd-client; both are clients of the etcd CA).
public struct EtcdCtl: Sendable {
    public var endpoints: [String]
    public var certificatesDir: String
    public var etcdctl: String
    public var clientCertificate: String
    public var clientKey: String
    /// etcdctl's --command-timeout: short for health probes, longer for member changes.
    public var commandTimeout: Duration

    public init(endpoints: [String] = ["https://127.0.0.1:2379"], certificatesDir: String = "/etc/kubernetes/pki",
                etcdctl: String = "\(BinarySpec.defaultInstallDirectory)/etcdctl",
                clientCertificate: String? = nil, clientKey: String? = nil, commandTimeout: Duration = .seconds(15)) {
        self.commandTimeout = commandTimeout
        self.endpoints = endpoints
        self.certificatesDir = certificatesDir
        self.etcdctl = etcdctl
        self.clientCertificate = clientCertificate ?? "\(certificatesDir)/etcd/healthcheck-client.crt"
        self.clientKey = clientKey ?? "\(certificatesDir)/etcd/healthcheck-client.key"
    }

    /// The full command line: `ETCDCTL_API=3 etcdctl --endpoints=… --cacert=… --cert=… --key=… ARGS…`.
    public func command(_ arguments: [String]) -> String {
        "ETCDCTL_API=3 " + ShellQuote.join([
            etcdctl, "--endpoints=\(endpoints.joined(separator: ","))", "--dial-timeout=5s", "--command-timeout=\(commandTimeout.components.seconds)s",
            "--cacert=\(certificatesDir)/etcd/ca.crt", "--cert=\(clientCertificate)", "--key=\(clientKey)",
        ] + arguments)
    }

    /// `member list -w json`.
    public func memberList(on host: any Remote.Host) async throws -> EtcdMemberList {
        try EtcdMemberList.parse(try await runJSON(["member", "list"], on: host), host: host.name)
    }

    /// `member add NAME --peer-urls=URL [--learner] -w json`: the new member's ID and every member afterwards.
    public func memberAdd(name: String, peerURL: String, learner: Bool = false, on host: any Remote.Host) async throws -> EtcdMemberList {
        let arguments = ["member", "add", name, "--peer-urls=\(peerURL)"] + (learner ? ["--learner"] : [])
        return try EtcdMemberList.parse(try await runJSON(arguments, on: host), host: host.name)
    }

    /// `member promote HEXID`: a learner becomes a voting member (etcd refuses until it has caught up).
    /// Without `-w json`: etcdctl 3.4's JSON printer dereferences nil for promote and panics.
    public func memberPromote(id: UInt64, on host: any Remote.Host) async throws {
        _ = try await run(["member", "promote", String(id, radix: 16)], on: host)
    }

    /// `member remove HEXID`.
    public func memberRemove(id: UInt64, on host: any Remote.Host) async throws {
        _ = try await runJSON(["member", "remove", String(id, radix: 16)], on: host)
    }

    private func runJSON(_ arguments: [String], on host: any Remote.Host) async throws -> Data {
        try await run(arguments, json: true, on: host)
    }

    private func run(_ arguments: [String], json: Bool = false, on host: any Remote.Host) async throws -> Data {
        let full = command(arguments + (json ? ["-w", "json"] : []))
        let result = try await host.run(full, timeout: .seconds(30))
        guard result.succeeded else {
            throw EtcdError.commandFailed(host: host.name, command: "etcdctl " + arguments.joined(separator: " "),
                                          output: (result.stderrText + result.stdoutText).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result.stdout
    }
}

extension EtcdCtl {
    /// etcd's answers that mean "not now" rather than "no": right after a membership change it refuses the
    /// next one until every member has been connected for 5 s (--strict-reconfig-check); kubeadm retries too.
    static func isTransient(_ output: String) -> Bool {
        ["etcdserver: unhealthy cluster", "etcdserver: request timed out", "etcdserver: leader changed",
         "context deadline exceeded", "not enough started members"].contains { output.contains($0) }
    }

    /// Runs `body` again, once a second, while etcdctl fails with an answer `notYet` accepts, until `duration` is up.
    static func retrying<T>(for duration: Duration, while notYet: (String) -> Bool = isTransient,
                            _ body: () async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + duration
        while true {
            do {
                return try await body()
            } catch let EtcdError.commandFailed(_, _, output) where notYet(output) && clock.now < deadline {
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}

public enum EtcdError: Error, Equatable, CustomStringConvertible {
    case commandFailed(host: String, command: String, output: String)
    case unreadableOutput(host: String, reason: String)
    case memberConflict(host: String, detail: String)

    public var description: String {
        switch self {
        case let .commandFailed(host, command, output): "\(host): \(command) failed: \(output)"
        case let .unreadableOutput(host, reason): "\(host): cannot read etcdctl's JSON output: \(reason)"
        case let .memberConflict(host, detail): "\(host): \(detail)"
        }
    }
}
