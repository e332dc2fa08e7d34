import Inventory
import KubeadmConfig
import Remote
import Testing
@testable import Bootstrap

/// The inventory's kubeletExtraArgs reach each host's kubeadm configuration (and from there kubeadm-flags.env),
/// the host's own merged over the cluster's flag by flag.
struct UpPlanKubeletArgsTests {
    @Test func eachHostsConfigurationCarriesItsMergedKubeletFlags() throws {
        let loaded = InventoryLoader.check(text: """
            cluster:
              kubeletExtraArgs: {cgroups-per-qos: "false", enforce-node-allocatable: "", v: "2"}
            hosts:
              - {name: k8s-master, address: 10.213.0.11, roles: [control-plane]}
              - {name: k8s-node1, address: 10.213.0.12, roles: [worker], kubeletExtraArgs: {v: "4", node-labels: "disk=ssd"}}
            """, file: "inv.yaml", options: InventoryLoadOptions(environment: [:], baseDirectory: "/", checkFiles: false))
        let inventory = try #require(loaded.inventory, "\(loaded.diagnostics)")
        let plan = UpPlan(cluster: inventory.cluster,
                          hosts: inventory.hosts.map { UpHost($0, host: LocalHost(name: $0.name, rootfs: "/nonexistent")) })
        let master = plan.configuration(for: try #require(inventory.host(named: "k8s-master")))
        #expect(master.initConfiguration.nodeRegistration.kubeletExtraArgs
                == [Arg("cgroups-per-qos", "false"), Arg("enforce-node-allocatable", ""), Arg("v", "2")])
        let worker = plan.configuration(for: try #require(inventory.host(named: "k8s-node1")))
        #expect(worker.initConfiguration.nodeRegistration.kubeletExtraArgs
                == [Arg("cgroups-per-qos", "false"), Arg("enforce-node-allocatable", ""), Arg("node-labels", "disk=ssd"), Arg("v", "4")])
        #expect(worker.initConfiguration.nodeRegistration.kubeletExtraArgs.commandLine.contains("--enforce-node-allocatable="))
    }

    @Test func noFlagsLeaveKubeadmsDefaults() {
        let host = InventoryHost(name: "k8s-master", address: "10.0.0.11", roles: [.controlPlane])
        let plan = UpPlan(cluster: ClusterSettings(), hosts: [UpHost(host, host: LocalHost(name: host.name, rootfs: "/nonexistent"))])
        #expect(plan.configuration(for: host).initConfiguration.nodeRegistration.kubeletExtraArgs.isEmpty)
    }
}
