import Inventory
import Preflight

/// One host `prepare` works on: its inventory name (which becomes its hostname) and the firewall ports its
/// roles need when the firewall policy is `open-ports`.
public struct PrepareTarget: Sendable, Equatable {
    public var name: String
    public var address: String
    public var firewallPorts: [String]

    public init(name: String, address: String, firewallPorts: [String]) {
        self.name = name
        self.address = address
        self.firewallPorts = firewallPorts
    }

    public init(host: InventoryHost) {
        let roles = Set(host.roles.compactMap { PreflightTarget.Role(rawValue: $0.rawValue) })
        let target = PreflightTarget(name: host.name, address: host.address, roles: roles)
        self.init(name: host.name, address: host.address, firewallPorts: HostChecks.firewallPorts(target))
    }
}
