import Foundation
import PKI
import Preflight
import Remote

/// What `up`'s phases learn and hand on to later phases: preflight failures left for prepare to fix, the
/// operator-side certificate directory, the cluster CA, and how far the cluster got.
public actor UpSession {
    /// Host name → preflight checks that failed but belong to prepare (re-checked after it).
    public private(set) var deferredChecks: [String: [CheckResult]] = [:]
    /// Private (0700) directory on the operator's machine holding the generated tree; removed by `finish()`.
    public private(set) var workDirectory: String?
    /// `sha256:…` of the cluster CA's public key (`--discovery-token-ca-cert-hash`).
    public private(set) var discoveryHash: String?
    public private(set) var etcdStarted = false
    public private(set) var apiServerHealthy = false
    public private(set) var notes: [String] = []
    /// The bootstrap token the API phases created, for the joins of this run. Secret.
    public private(set) var joinToken: PKI.BootstrapToken?
    /// Node name → how long joining took, for the final table.
    public private(set) var joined: [String: Duration] = [:]
    /// Hosts already part of the cluster when this run began (a registered Node, or an etcd-only member with
    /// data): a second `up` leaves them as they are.
    public private(set) var existing: Set<String> = []

    public init() {}

    func setDeferred(_ checks: [String: [CheckResult]]) { deferredChecks = checks }
    func setWorkDirectory(_ path: String) { workDirectory = path }
    func setDiscoveryHash(_ hash: String) { discoveryHash = hash }
    func markEtcdStarted() { etcdStarted = true }
    func markAPIServerHealthy() { apiServerHealthy = true }
    func note(_ text: String) { notes.append(text) }
    func setJoinToken(_ token: PKI.BootstrapToken) { joinToken = token }
    func setExisting(_ names: Set<String>) { existing = names }
    /// The hosts this run brings up (those not already in the cluster).
    public func newHosts(_ hosts: [UpHost]) -> [UpHost] { hosts.filter { !existing.contains($0.name) } }
    func markJoined(_ name: String, after duration: Duration) { joined[name] = duration }

    /// Removes the operator-side private key material; safe to call more than once.
    public func finish() {
        if let workDirectory { try? FileManager.default.removeItem(atPath: workDirectory) }
        workDirectory = nil
    }
}
