import Foundation
import Inventory
import KubeadmConfig
import Preflight
import Remote
import Testing
@testable import Bootstrap

/// `kubeforge up`'s phase list for small inventories, built without touching any host.
struct UpPhasesTests {
    /// k8s-master control plane + stacked etcd, k8s-node1 etcd only (listed first, to test the order), k8s-node2 worker.
    func plan(_ mode: ClusterSettings.ControlPlaneMode, endpoint: String? = nil, version: String = "v1.30.2") -> UpPlan {
        let hosts = [
            InventoryHost(name: "k8s-node1", address: "10.0.0.12", roles: [.etcd]),
            InventoryHost(name: "k8s-master", address: "192.168.2.201", internalAddress: "10.0.0.11", roles: [.controlPlane, .etcd]),
            InventoryHost(name: "k8s-node2", address: "10.0.0.13", roles: [.worker]),
        ]
        let cluster = ClusterSettings(kubernetesVersion: version, controlPlaneEndpoint: endpoint, controlPlaneMode: mode,
                                      binaries: .directory("/bundle"))
        return UpPlan(cluster: cluster, hosts: hosts.map { UpHost($0, host: LocalHost(name: $0.name, rootfs: "/nonexistent")) })
    }

    func options(resolver: Bool = true, skipPrepare: Bool = false) throws -> UpPhases.Options {
        var options = UpPhases.Options()
        if resolver { options.resolver = BinaryResolver(source: .directory("/bundle")) }
        options.skipPrepare = skipPrepare
        options.prepareSettings = PrepareSettings(hostEntries: [], ntpServers: [], renderedFiles: [:], backupTimestamp: "t")
        return options
    }

    @Test func systemdModeReadsTopToBottom() throws {
        let titles = UpPhases(plan: plan(.systemd), options: try options()).phases().map(\.title)
        #expect(titles == [
            "Connect to 3 hosts",
            "Look for the running cluster on k8s-master",
            "Preflight on 3 hosts",
            "Prepare 3 hosts (OS settings, containerd)",
            "Certificates and kubeconfigs for k8s-node1, k8s-master",
            "Install etcd, etcdctl on k8s-master",
            "Write the etcd unit on k8s-master",
            "Start etcd.service on k8s-master",
            "Wait for etcd to be healthy on k8s-master",
            "Install etcd, etcdctl on k8s-node1",
            "Add etcd member k8s-node1 (https://10.0.0.12:2380) through k8s-master",
            "Write the etcd unit (joining) on k8s-node1",
            "Start etcd.service on k8s-node1",
            "Promote etcd learner k8s-node1 to a voting member through k8s-master",
            "Wait for etcd to be healthy on k8s-node1",
            "Install kube-apiserver, kube-controller-manager, kube-scheduler on k8s-master",
            "Write the control-plane units on k8s-master",
            "Start kube-apiserver.service, kube-controller-manager.service, kube-scheduler.service on k8s-master",
            "Wait for kube-apiserver, kube-controller-manager, kube-scheduler to be healthy on k8s-master",
            "Install kubelet on k8s-master",
            "Create /etc/kubernetes/manifests on k8s-master",
            "Write the kubelet unit and configuration on k8s-master",
            "Start kubelet.service on k8s-master",
            "Wait for kubelet to be healthy on k8s-master",
            "Cluster objects (kubeadm's API phases) through k8s-master",
            "Join k8s-node2",
            "Pod network (bridge) on 3 hosts",
            "Wait for 3 nodes to be Ready",
        ])
    }

    @Test func etcdPhasesSurviveALaterFailure() throws {
        let phases = UpPhases(plan: plan(.systemd), options: try options()).phases()
        let etcd = phases.filter { $0.title.contains("etcd") && !$0.title.contains("Certificates") }
        #expect(etcd.count == 10)
        #expect(etcd.allSatisfy { $0 is KeptPhase }, "a working etcd member must not be stopped by a later failure")
        // The control plane's units are stopped again if a later phase fails.
        #expect(phases.contains { ($0 as? UnlessInCluster)?.inner is StartUnitsPhase && $0.title.contains("kube-apiserver") })
    }

    /// kubeadm's EtcdLearnerMode: default on from v1.29; before, members join as voters straight away.
    @Test func etcdMembersJoinAsLearnersFromV129() async throws {
        func etcdTitles(_ version: String) throws -> [String] {
            UpPhases(plan: plan(.systemd, version: version), options: try options()).phases().map(\.title)
                .filter { $0.contains("etcd member") || $0.contains("etcd learner") }
        }
        #expect(try etcdTitles("v1.28.9") == ["Add etcd member k8s-node1 (https://10.0.0.12:2380) through k8s-master"])
        #expect(try etcdTitles("v1.29.0") == ["Add etcd member k8s-node1 (https://10.0.0.12:2380) through k8s-master",
                                               "Promote etcd learner k8s-node1 to a voting member through k8s-master"])
        let add = try #require(UpPhases(plan: plan(.systemd, version: "v1.33.0"), options: try options()).phases()
            .compactMap { (($0 as? KeptPhase)?.inner as? UnlessInCluster)?.inner as? AddEtcdMemberPhase }.first)
        #expect(try await add.dryRun() == ["would run etcdctl member add k8s-node1 --peer-urls=https://10.0.0.12:2380 --learner on k8s-master"])

        // featureGates decide over the version's default, both ways.
        var config = KubeadmConfiguration()
        config.clusterConfiguration.kubernetesVersion = "v1.30.2"
        config.clusterConfiguration.featureGates = ["EtcdLearnerMode": false]
        #expect(!EtcdBringUp(config: config, resolver: BinaryResolver(source: .directory("/bundle"))).learnerMode)
        config.clusterConfiguration.kubernetesVersion = "v1.28.0"
        config.clusterConfiguration.featureGates = ["EtcdLearnerMode": true]
        #expect(EtcdBringUp(config: config, resolver: BinaryResolver(source: .directory("/bundle"))).learnerMode)
    }

    @Test func staticPodModeWritesManifestsAndSkippedPrepareIsLeftOut() throws {
        let titles = UpPhases(plan: plan(.staticPod), options: try options(resolver: false, skipPrepare: true)).phases().map(\.title)
        #expect(titles == [
            "Connect to 3 hosts",
            "Look for the running cluster on k8s-master",
            "Preflight on 3 hosts",
            "Certificates and kubeconfigs for k8s-node1, k8s-master",
            "Write the etcd static Pod manifest on k8s-master",
            "Write the etcd static Pod manifest on k8s-node1",
            "Write the control-plane static Pod manifests and kubelet files on k8s-master",
            "Cluster objects (kubeadm's API phases) through k8s-master",
            "Join k8s-node2",
            "Pod network (bridge) on 3 hosts",
            "Wait for 3 nodes to be Ready",
        ])
    }

    @Test func planDerivesEndpointSANsAndMemberOrder() {
        let plan = plan(.systemd)
        #expect(plan.etcdMembers.map(\.name) == ["k8s-master", "k8s-node1"])
        #expect(plan.controlPlanes.map(\.name) == ["k8s-master"])
        #expect(plan.workers.map(\.name) == ["k8s-node2"])
        #expect(plan.controlPlaneEndpoint == "10.0.0.11:6443")
        #expect(self.plan(.systemd, endpoint: "lb.example:8443").controlPlaneEndpoint == "lb.example:8443")
        #expect(plan.apiServerSANs == ["k8s-master", "192.168.2.201", "10.0.0.11"])
        let config = plan.configuration(for: plan.hosts[0].inventory)
        #expect(config.initConfiguration.nodeRegistration.name == "k8s-node1")
        #expect(config.initConfiguration.localAPIEndpoint.advertiseAddress == "10.0.0.12")
        #expect(config.clusterConfiguration.kubernetesVersion == "v1.30.2")
        #expect(plan.renderOptions().etcdBinary == "/usr/local/bin/etcd")
    }

    @Test func eachHostIsIssuedItsOwnLeaves() throws {
        let plan = plan(.systemd)
        let phase = ClusterCertificatesPhase(plan: plan, session: UpSession(), report: { _ in })
        let node1 = plan.hosts[0], master = plan.hosts[1]
        let masterOptions = plan.certificateOptions(for: master.inventory, certificatesDir: "/p", kubeconfigDir: "/k")
        let resolved = try masterOptions.resolve()
        #expect(resolved.apiServerAltNames.summary.contains("192.168.2.201"))
        #expect(resolved.etcdServerAltNames.summary.contains("10.0.0.11"))
        let masterRequest = phase.request(for: master, resolved: resolved)
        #expect(masterRequest.certificates.contains("apiserver") && masterRequest.certificates.contains("etcd-peer"))
        #expect(!masterRequest.certificates.contains("ca"), "the CAs are generated once, not per host")
        #expect(Set(masterRequest.kubeconfigs) == [.admin, .controllerManager, .scheduler, .kubelet, .superAdmin])
        let node1Resolved = try plan.certificateOptions(for: node1.inventory, certificatesDir: "/p", kubeconfigDir: "/k").resolve()
        #expect(node1Resolved.etcdPeerAltNames.summary.contains("k8s-node1"))
        let node1Request = phase.request(for: node1, resolved: node1Resolved)
        #expect(node1Request.certificates == ["etcd-server", "etcd-peer", "etcd-healthcheck-client"])
        #expect(node1Request.kubeconfigs.isEmpty)
    }

    @Test func preflightFailuresPrepareFixesAreDeferred() {
        let report = PreflightReport(hosts: [
            .init(name: "a", address: "1", reachable: true, checks: [
                CheckResult("Swap", .fail, "swap on"), CheckResult("CgroupDriver", .fail, "cgroupfs"),
                CheckResult("Port-6443", .fail, "in use", fix: "stop it"), CheckResult("NumCPU", .ignored, "1 CPU"),
            ]),
            .init(name: "b", address: "2", reachable: true, checks: [CheckResult("Swap", .pass, "no swap")]),
        ])
        let (failures, deferred) = UpPreflightPhase.judge(report, deferToPrepare: true)
        #expect(failures == ["a": ["Port-6443: in use (fix: stop it)"]])
        #expect(deferred["a"]?.map(\.name) == ["Swap", "CgroupDriver"])
        #expect(deferred["b"] == nil)
        let (all, none) = UpPreflightPhase.judge(report, deferToPrepare: false)
        #expect(all["a"]?.count == 3)
        #expect(none.isEmpty)
    }

    @Test func addonsFollowTheClusterObjectsAndTheirDryRunListsEachObject() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kf-addon-\(UUID().uuidString).yaml").path
        try "apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: demo}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var plan = plan(.systemd)
        plan.cluster.addons = [ClusterSettings.Addon(.file(path))]
        let phases = UpPhases(plan: plan, options: try options()).phases()
        let titles = phases.map(\.title)
        let objects = try #require(titles.firstIndex { $0.hasPrefix("Cluster objects") })
        #expect(titles[objects + 1] == "Addons (1 manifest, server-side apply)")
        #expect(try await phases[objects + 1].dryRun() == [
            "would apply \(path) (2 objects), field manager kubeforge:", "  Namespace demo", "  DaemonSet demo/agent",
        ])
    }

    /// A dry run plans the API phases, the addons, the joins and the wait as though the control plane came up.
    @Test func aDryRunGoesOnAsIfTheControlPlaneCameUp() async throws {
        let session = UpSession()
        let phases = UpPhases(plan: plan(.systemd), options: try options(), session: session).phases()
        let apiPhases = phases.filter { $0 is ClusterAPIPhase || $0 is JoinWorkersPhase || $0 is WaitForNodesPhase }
        #expect(apiPhases.count == 3)
        for phase in apiPhases { #expect(try await phase.shouldRun() == false) }
        let healthWait = try #require(phases.first { $0.title.hasPrefix("Wait for kube-apiserver") })
        _ = try await healthWait.dryRun()
        #expect(await session.apiServerHealthy)
        for phase in apiPhases { #expect(try await phase.shouldRun(), "\(phase.title)") }
        #expect(try await apiPhases[0].dryRun().contains { $0.contains("would create or update configmaps kube-system/kubeadm-config") })
    }
}
