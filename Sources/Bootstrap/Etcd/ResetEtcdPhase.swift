import Remote

/// `reset` for a stacked etcd member: optionally leave the cluster (kubeadm's remove-etcd-member), stop and
/// disable the unit, remove its unit file and the data directory.
public struct ResetEtcdPhase: Phase {
    public let host: any Remote.Host
    public let dataDir: String
    /// Remove this member (found by its peer URL) through etcdctl on the host first; nil for the last member.
    public let leave: (etcdctl: EtcdCtl, peerURL: String)?
    public var title: String { "Reset etcd on \(host.name)" }

    public init(on host: any Remote.Host, dataDir: String = "/var/lib/etcd", leave: (etcdctl: EtcdCtl, peerURL: String)? = nil) {
        self.host = host
        self.dataDir = dataDir
        self.leave = leave
    }

    public func run() async throws {
        if let leave, let member = try await leave.etcdctl.memberList(on: host).member(withPeerURL: leave.peerURL) {
            try await leave.etcdctl.memberRemove(id: member.id, on: host)
        }
        let script = [
            "systemctl disable --now etcd.service 2>/dev/null || true",
            "rm -f /etc/systemd/system/etcd.service",
            "systemctl daemon-reload",
            "systemctl reset-failed etcd.service 2>/dev/null || true",
            "rm -rf -- \(ShellQuote.quote(dataDir))",
        ].joined(separator: "; ")
        let result = try await host.run(script, timeout: .seconds(120))
        guard result.succeeded else { throw UnitError(host: host.name, command: "reset etcd", output: result.stderrText) }
    }
}
