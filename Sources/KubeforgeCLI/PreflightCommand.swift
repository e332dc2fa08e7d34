import ArgumentParser
import Foundation
import Inventory
import Preflight
import Remote
import KubeTypes

/// `kubeforge preflight -i INV`: every check on every selected host at once, one probe round trip each.
struct PreflightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight",
        abstract: "Check that inventory hosts are ready for Kubernetes (kubeadm's checks and more, across hosts).",
        discussion: "Exits 1 when a check fails or a host is unreachable; warnings and ignored failures do not fail the run.")

    @OptionGroup var target: InventoryOptions

    @Option(help: "Checks whose failures become 'ignored', by name (case-insensitive), comma separated, or 'all'.")
    var ignorePreflightErrors: [String] = []

    @Option(help: "Hosts worked on at once.")
    var concurrency: Int = FanOut.defaultConcurrency

    @Flag(help: "Also test that peers can reach each control plane on 6443 and etcd members on 2379/2380.")
    var reachability = false

    @Option(name: .shortAndLong, help: "Output format: table or json.")
    var output: PreflightOutput = .table

    enum PreflightOutput: String, ExpressibleByArgument, CaseIterable { case table, json }

    func run() async throws {
        let ignore: IgnoreList
        do {
            ignore = try IgnoreList(parsing: ignorePreflightErrors.flatMap { $0.split(separator: ",").map(String.init) })
        } catch {
            throw ValidationError("--ignore-preflight-errors: \(error)")
        }
        let (inventory, hosts) = try target.load()
        let transports = HostConnections.sshHosts(hosts)
        // Connect first, so the probe's round trip (which times the clock-skew check) excludes the handshake.
        let connected = await FanOut.map(transports, concurrency: concurrency) { transport -> any Remote.Host in
            try await transport.connect()
            return transport
        }
        let connections = zip(hosts, connected).map { host, result in
            Preflight.Connection(target: Self.target(for: host, in: inventory), host: result)
        }
        let report = await Preflight.run(connections: connections, concurrency: concurrency, ignore: ignore,
                                         reachability: reachability)
        for transport in transports { await transport.disconnect() }
        let text = output == .json ? report.json() : report.table()
        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// What preflight needs to know about an inventory host.
    static func target(for host: InventoryHost, in inventory: Inventory) -> PreflightTarget {
        let roles = Set(host.roles.compactMap { PreflightTarget.Role(rawValue: $0.rawValue) })
        let cluster = inventory.cluster
        return PreflightTarget(
            name: host.name, address: host.address, roles: roles,
            kubernetesVersion: cluster.kubernetesVersion.flatMap(KubernetesVersion.init),
            podSubnet: cluster.networking.podSubnet, serviceSubnet: cluster.networking.serviceSubnet,
            apiServerPort: ClusterSettings.defaultAPIServerPort)
    }
}
