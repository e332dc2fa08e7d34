import Foundation
import KubeAPI
import Remote

/// Waits until every host's Node is Ready, then prints the nodes (name, roles, status, version, and how long
/// each took from registering to Ready, as its Ready condition's transition time says). A node still not Ready at the deadline is named with why: its Ready condition and the last lines of
/// its kubelet's journal.
public struct WaitForNodesPhase: Phase {
    public let plan: UpPlan
    public let session: UpSession
    public let report: @Sendable (String) -> Void
    public var timeout: Duration = .seconds(240)
    public var interval: Duration = .seconds(2)
    public var title: String { "Wait for \(plan.hosts.count) node\(plan.hosts.count == 1 ? "" : "s") to be Ready" }

    public init(plan: UpPlan, session: UpSession, report: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        self.session = session
        self.report = report
    }

    public func shouldRun() async throws -> Bool { await session.apiServerHealthy }

    public func run() async throws {
        guard let first = plan.controlPlanes.first else { return }
        let clock = ContinuousClock()
        let start = clock.now
        var nodes: [KubeObject] = []
        func ready(_ name: String) -> Bool { nodes.contains { $0.name == name && NodeStatus($0).ready } }
        while true {
            nodes = try await ClusterNodes.list(through: first)
            if plan.hosts.allSatisfy({ ready($0.name) }) || clock.now - start >= timeout { break }
            try await Task.sleep(for: interval)
        }
        for line in NodeStatus.table(nodes.filter { node in plan.hosts.contains { $0.name == node.name } }) {
            report("    " + line)
        }
        let notReady = plan.hosts.filter { !ready($0.name) }
        guard !notReady.isEmpty else { return }
        var reasons: [String: [String]] = [:]
        for host in notReady {
            var why = nodes.first { $0.name == host.name }.map { NodeStatus($0).readyCondition } ?? ["no Node registered"]
            let journal = try? await host.host.run(ShellQuote.join(["journalctl", "-u", "kubelet.service", "-n", "8", "--no-pager", "-o", "cat"]))
            why += (journal?.stdoutText.split(separator: "\n").map { "kubelet: \($0)" }) ?? []
            reasons[host.name] = why
        }
        throw UpError.nodesNotReady(reasons)
    }

    public func dryRun() async throws -> [String] {
        ["would wait up to \(timeout) for \(plan.hosts.map(\.name).joined(separator: ", ")) to be Ready and print them"]
    }
}

/// What a Node's status says, and `kubectl get nodes`' view of it.
public struct NodeStatus: Sendable {
    public let node: KubeObject
    public init(_ node: KubeObject) { self.node = node }

    var ready: Bool { condition("Ready")?["status"]?.stringValue == "True" }

    func condition(_ type: String) -> JSONValue? {
        node["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    /// The Ready condition's status, reason and message.
    var readyCondition: [String] {
        guard let ready = condition("Ready") else { return ["no Ready condition yet"] }
        return ["Ready=\(ready["status"]?.stringValue ?? "?") \(ready["reason"]?.stringValue ?? ""): \(ready["message"]?.stringValue ?? "")"]
    }

    /// `node-role.kubernetes.io/<role>` labels, as kubectl prints them (`<none>` without).
    var roles: String {
        let roles = node.labels.keys.filter { $0.hasPrefix("node-role.kubernetes.io/") }.map { String($0.dropFirst("node-role.kubernetes.io/".count)) }.sorted()
        return roles.isEmpty ? "<none>" : roles.joined(separator: ",")
    }

    var version: String { node["status"]?["nodeInfo"]?["kubeletVersion"]?.stringValue ?? "" }

    /// From the Node's registration to its Ready condition turning True.
    var timeToReady: String {
        guard ready, let created = node.metadata["creationTimestamp"]?.stringValue.flatMap(BootstrapTokenSecret.parseRFC3339),
              let since = condition("Ready")?["lastTransitionTime"]?.stringValue.flatMap(BootstrapTokenSecret.parseRFC3339) else { return "-" }
        return "\(max(0, Int(since.timeIntervalSince(created))))s"
    }

    /// NAME ROLES STATUS VERSION READY AFTER, aligned.
    public static func table(_ nodes: [KubeObject]) -> [String] {
        let rows = [["NAME", "ROLES", "STATUS", "VERSION", "READY AFTER"]] + nodes.sorted { $0.name < $1.name }.map { node in
            let status = NodeStatus(node)
            return [node.name, status.roles, status.ready ? "Ready" : "NotReady", status.version, status.timeToReady]
        }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in index == 4 ? cell : cell.padding(toLength: widths[index] + 3, withPad: " ", startingAt: 0) }.joined()
        }
    }
}
