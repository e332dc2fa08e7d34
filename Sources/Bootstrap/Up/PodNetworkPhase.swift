import Foundation
import Inventory
import KubeAPI
import Remote
import Templates

/// `cluster.network.plugin: bridge`: once each Node has its podCIDR (kube-controller-manager cuts it from the
/// pod subnet), every host gets kubeforge's bridge conflist for that range, and a route to every other node's
/// range through that node's address — a flat pod network without a CNI addon. Files and routes are only
/// changed when they differ.
public struct PodNetworkPhase: Phase {
    public let plan: UpPlan
    public let session: UpSession
    public let report: @Sendable (String) -> Void
    public var timeout: Duration = .seconds(120)
    public var title: String { "Pod network (bridge) on \(plan.hosts.count) host\(plan.hosts.count == 1 ? "" : "s")" }

    public init(plan: UpPlan, session: UpSession, report: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        self.session = session
        self.report = report
    }

    public func shouldRun() async throws -> Bool {
        guard plan.cluster.networkPlugin == .bridge else { return false }
        return await session.apiServerHealthy
    }

    public func run() async throws {
        guard let first = plan.controlPlanes.first else { return }
        let cidrs = try await podCIDRs(through: first)
        let results = await FanOut.map(plan.hosts) { host in try await configure(host, cidrs: cidrs) }
        var failures: [String: [String]] = [:]
        for (host, result) in zip(plan.hosts, results) {
            switch result {
            case let .success(line): report("    \(host.name): \(line)")
            case let .failure(error): failures[host.name] = ["\(error)"]
            }
        }
        guard failures.isEmpty else { throw UpError.joinFailed(failures) }
    }

    /// Node name → podCIDR, waiting until every host's Node has one.
    func podCIDRs(through first: UpHost) async throws -> [String: String] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let nodes = try await ClusterNodes.list(through: first)
            var cidrs: [String: String] = [:]
            for node in nodes { if let cidr = node["spec"]?["podCIDR"]?.stringValue { cidrs[node.name] = cidr } }
            let missing = plan.hosts.map(\.name).filter { cidrs[$0] == nil }
            if missing.isEmpty { return cidrs }
            guard clock.now < deadline else {
                throw UpError.nodesNotReady(Dictionary(uniqueKeysWithValues: missing.map {
                    ($0, ["no podCIDR after \(timeout): does kube-controller-manager run with --allocate-node-cidrs (it does when networking.podSubnet is set)?"])
                }))
            }
            try await Task.sleep(for: .seconds(2))
        }
    }

    func configure(_ host: UpHost, cidrs: [String: String]) async throws -> String {
        guard let own = cidrs[host.name] else { return "no podCIDR" }
        let renderer = try ClusterRenderer(config: plan.configuration(for: host.inventory), options: plan.renderOptions())
        let conflist = Data(try renderer.bridgeNetwork(podCIDR: own).utf8)
        let path = ClusterRenderer.cniConfigPath
        var changed: [String] = []
        let current = try await host.host.stat(path) == nil ? nil : try await host.host.readFile(path)
        if current != conflist {
            try await host.host.writeFile(path, contents: conflist, mode: 0o644)
            changed.append("\(path) for \(own)")
        }
        // One round trip: each missing route is added and named on stdout; routes already there are left alone.
        let routes = plan.hosts.filter { $0.name != host.name }.compactMap { peer -> String? in
            guard let cidr = cidrs[peer.name] else { return nil }
            let (q, via) = (ShellQuote.quote(cidr), ShellQuote.quote(peer.inventory.internalAddress))
            return "ip route show \(q) | grep -q \"via \"\(via)\" \" || { ip route replace \(q) via \(via) && echo \(q); }"
        }
        if !routes.isEmpty {
            let result = try await host.host.run(routes.joined(separator: " && "))
            guard result.succeeded else {
                throw UpError.certificates("routes to the other nodes' pod ranges: \(result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            let added = result.stdoutText.split(separator: "\n")
            if !added.isEmpty { changed.append("route\(added.count == 1 ? "" : "s") to \(added.joined(separator: ", "))") }
        }
        return changed.isEmpty ? "unchanged" : changed.joined(separator: ", ")
    }

    public func dryRun() async throws -> [String] {
        ["would write \(ClusterRenderer.cniConfigPath) on every host for its Node's podCIDR and route the other nodes' pod ranges through them"]
    }
}
