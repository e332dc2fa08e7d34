import Foundation
import Inventory
import KubeAPI
import KubeadmConfig
import Remote
import Templates

/// The stacked etcd of `join --control-plane`: where the existing members are (kubeadm v1.28 reads the etcd
/// static Pods' annotation; kubeforge's systemd mode has no such Pods, so the control-plane Nodes' InternalIP),
/// kubeadm's check-etcd, and the phases that add this node's member through them — etcdctl on this node with
/// its own healthcheck-client certificate, as a learner from v1.29 (EtcdLearnerMode), then promoted.
struct StackedEtcdJoin: Sendable {
    static let pods = ResourceKind(group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true)
    static let clientURLsAnnotation = "kubeadm.kubernetes.io/etcd.advertise-client-urls"

    let host: any Remote.Host
    let bringUp: EtcdBringUp
    /// The existing members' client URLs.
    let endpoints: [String]
    /// etcdctl on this node.
    let etcdctlPath: String

    /// etcdctl against the existing members. Paths in a command on a LocalHost with a rootfs are this machine's.
    var etcdctl: EtcdCtl {
        EtcdCtl(endpoints: endpoints, certificatesDir: Self.commandPath(bringUp.config.clusterConfiguration.certificatesDir, on: host),
                etcdctl: etcdctlPath)
    }

    static func commandPath(_ path: String, on host: any Remote.Host) -> String {
        (host as? LocalHost)?.resolve(path) ?? path
    }

    /// The other members' client URLs, read with an admin client: the etcd Pods' annotation, else
    /// `https://<InternalIP>:2379` of every other control-plane Node.
    static func existingClientURLs(client: KubeClient, nodeName: String, ownURL: String) async throws -> [String] {
        var urls: [String] = []
        do {
            let etcdPods = try await client.list(pods, namespace: "kube-system", labelSelector: "component=etcd,tier=control-plane")
            urls = etcdPods.items.compactMap { $0.annotations[clientURLsAnnotation] }
        } catch let error as KubeAPIError where error.isNotFound {}
        if urls.isEmpty {
            let nodes = try await client.list(.nodes, labelSelector: NodeMarks.controlPlaneLabels[0])
            urls = nodes.items.filter { $0.name != nodeName }.compactMap { node in
                let addresses = node["status"]?["addresses"]?.arrayValue ?? []
                let internalIP = addresses.first { $0["type"]?.stringValue == "InternalIP" }?["address"]?.stringValue
                return internalIP.map { "https://\(HealthCheck.hostPort($0, 2379))" }
            }
        }
        urls = urls.filter { $0 != ownURL }
        guard !urls.isEmpty else {
            throw InitError.failed("[etcd] found no etcd member to join: no etcd Pod in kube-system carries the \(clientURLsAnnotation) annotation, and no other Node labelled \(NodeMarks.controlPlaneLabels[0]) has an InternalIP (is this the cluster's first control plane? then run `kubeforge init` instead)")
        }
        return urls.sorted()
    }

    /// etcdctl on this node: the given path, the bundle's (installed first), or the one on PATH.
    static func etcdctl(given: String?, resolver: BinaryResolver?, on host: any Remote.Host) async throws -> String {
        if let given { return given }
        if resolver?.offers("etcdctl") == true { return BinarySpec.etcdctl().installPath }
        let found = try await host.run("command -v etcdctl").stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !found.isEmpty else {
            throw InitError.failed("[etcd] this node adds itself to etcd with etcdctl, and there is none: give --bundle DIR holding etcdctl (of the cluster's etcd version), or install it (Debian: apt-get install etcd-client)")
        }
        return found
    }

    /// kubeadm's check-etcd: the existing members answer this node's client certificate.
    func checkEtcd(report: @Sendable (String) -> Void) async throws {
        report("[check-etcd] Checking that the etcd cluster is healthy")
        do {
            _ = try await etcdctl.memberList(on: host)
        } catch {
            throw InitError.failed("[check-etcd] the etcd cluster at \(endpoints.joined(separator: ",")) does not answer from this node: \(error) (is port 2379 of the existing control planes reachable from here, and are their members healthy?)")
        }
    }

    /// Member add, this member's manifest (static Pods) or unit (systemd), promote in learner mode, the wait.
    func phases(mode: ClusterSettings.ControlPlaneMode) -> [any Phase] {
        switch mode {
        case .staticPod:
            let health = HealthCheck.etcd(endpoint: bringUp.clientURL, certificatesDir: etcdctl.certificatesDir, etcdctl: etcdctlPath)
            return bringUp.joiningStaticPodPhases(on: host, etcdctl: etcdctl, health: health)
        case .systemd:
            return bringUp.joiningMemberPhases(on: host, through: host, etcdctl: etcdctl)
        }
    }
}
