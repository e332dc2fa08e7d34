/// Why `up` stopped, in words that name the hosts and what to do.
public enum UpError: Error, CustomStringConvertible {
    case unreachable([String])
    case preflightFailed([String: [String]])
    case prepareFailed([String])
    case certificates(String)
    case joinFailed([String: [String]])
    /// Node name → why it is not Ready (its conditions, the kubelet's journal).
    case nodesNotReady([String: [String]])

    public var description: String {
        switch self {
        case let .unreachable(hosts):
            "\(hosts.count) host\(hosts.count == 1 ? " is" : "s are") unreachable:\n" + hosts.map { "  - \($0)" }.joined(separator: "\n")
                + "\ncheck the address, the SSH settings in the inventory and that sshd runs there"
        case let .preflightFailed(hosts):
            "preflight failed on \(hosts.count) host\(hosts.count == 1 ? "" : "s"):\n"
                + hosts.keys.sorted().map { name in "  \(name):\n" + hosts[name]!.map { "    - \($0)" }.joined(separator: "\n") }.joined(separator: "\n")
                + "\nfix them, or skip a check with --ignore-preflight-errors NAME (or all)"
        case let .prepareFailed(hosts):
            "prepare failed:\n" + hosts.map { "  - \($0)" }.joined(separator: "\n")
        case let .certificates(detail):
            "certificates: \(detail)"
        case let .joinFailed(hosts):
            "join failed on \(hosts.count) host\(hosts.count == 1 ? "" : "s"):\n" + Self.perHost(hosts)
                + "\na second `kubeforge up` joins only what is missing; `kubeforge reset -i INV --hosts NAME` starts a host over"
        case let .nodesNotReady(nodes):
            "\(nodes.count) node\(nodes.count == 1 ? " is" : "s are") not Ready:\n" + Self.perHost(nodes)
        }
    }

    static func perHost(_ hosts: [String: [String]]) -> String {
        hosts.keys.sorted().map { name in "  \(name):\n" + hosts[name]!.map { "    - \($0)" }.joined(separator: "\n") }.joined(separator: "\n")
    }
}
