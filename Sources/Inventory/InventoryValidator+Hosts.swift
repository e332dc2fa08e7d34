import KubeTypes

/// `hosts:`: required fields, ranges, names, addresses, roles, then the checks across hosts.
extension InventoryValidator {
    /// A host with the positions its checks may need to name.
    struct PlacedHost {
        var host: InventoryHost
        var label: String
        var location: SourceLocation
        var nameLocation: SourceLocation
        var addressLocation: SourceLocation
        var internalAddressLocation: SourceLocation?
        var explicitEtcd: Bool
    }

    static let roleAliases: [String: HostRole] = [
        "master": .controlPlane, "controlplane": .controlPlane, "control_plane": .controlPlane,
        "controller": .controlPlane, "kube_control_plane": .controlPlane, "kube-master": .controlPlane,
        "kube_master": .controlPlane, "node": .worker, "kube_node": .worker, "kube-node": .worker, "workers": .worker,
    ]

    mutating func validateHosts(_ document: InventoryDocument, defaults: SSHOverrides, networks: ClusterNetworks) -> [PlacedHost] {
        let hostsLocation = document.hostsLocation ?? document.location
        guard document.hostsLocation != nil else {
            error(at: document.location, "missing required field `hosts`",
                  fix: "list the machines under `hosts:`, e.g. `- {name: k8s-master, address: 192.168.2.201, roles: [control-plane]}`")
            return []
        }
        var placed: [PlacedHost] = []
        for entry in document.hosts {
            let overrides = resolveSSH(entry.ssh, path: "\(entry.path).ssh")
            let ssh = mergeSSH(overrides, over: defaults, fallbackLocation: document.location)
            let roles = parseRoles(entry)
            let kubeletArgs = validateKubeletArgs(entry.kubeletExtraArgs, path: "\(entry.path).kubeletExtraArgs")
            for expanded in expand(entry) {
                if placed.count >= Self.maximumHosts {
                    error(at: entry.location, "more than \(Self.maximumHosts) hosts", fix: "split the fleet into several inventories")
                    return placed
                }
                placed.append(validateHost(expanded, entry: entry, roles: roles, ssh: ssh, kubeletArgs: kubeletArgs))
            }
        }
        if document.hosts.isEmpty {
            error(at: hostsLocation, "`hosts` is empty", fix: "list at least one host with the control-plane role")
            return placed
        }
        applyStackedEtcd(&placed)
        checkUnique(placed)
        checkRoles(placed, at: hostsLocation)
        checkHostNetworks(placed, networks: networks)
        return placed
    }

    // MARK: One entry

    private struct ExpandedEntry {
        var label: String
        var name: Located<String>
        var address: Located<String>
        var internalAddress: Located<String>?
    }

    /// The hosts one entry stands for: itself, or one per value of its `[START:END]` range.
    private mutating func expand(_ entry: HostDocument) -> [ExpandedEntry] {
        var missing: [String] = []
        if entry.name == nil { missing.append("name") }
        if entry.address == nil { missing.append("address") }
        if entry.roles?.isEmpty ?? true { missing.append("roles") }
        for field in missing {
            let example = ["name": "name: k8s-node1", "address": "address: 192.168.2.202", "roles": "roles: [worker]"][field] ?? ""
            error(at: field == "roles" ? entry.rolesLocation ?? entry.location : entry.location,
                  "\(entry.path)\(entry.name.map { " (\($0.value.prefix(80)))" } ?? "") is missing required field `\(field)`",
                  fix: "add `\(example)`")
        }
        guard let name = entry.name, let address = entry.address else { return [] }
        let nameRange = range(of: name, field: "\(entry.path).name")
        let addressRange = range(of: address, field: "\(entry.path).address")
        let internalRange = entry.internalAddress.map { range(of: $0, field: "\(entry.path).internalAddress") }
        guard case .success(let names) = nameRange, case .success(let addresses) = addressRange else { return [] }
        var internals: HostRange?
        if let internalRange {
            guard case .success(let parsed) = internalRange else { return [] }
            internals = parsed
        }
        guard let names else {
            for (other, field) in [(addresses, "address"), (internals, "internalAddress")] where other != nil {
                let location = field == "address" ? address.location : entry.internalAddress?.location ?? entry.location
                error(at: location, "\(entry.path).\(field) has a range but the name \"\(name.value.prefix(80))\" does not",
                      fix: "give the name a range of the same length, e.g. node[01:20] with 10.0.0.[11:30]")
                return []
            }
            return [ExpandedEntry(label: "host \"\(name.value.prefix(80))\"", name: name, address: address, internalAddress: entry.internalAddress)]
        }
        for (other, value, field) in [(addresses, address as Located<String>?, "address"), (internals, entry.internalAddress, "internalAddress")] {
            guard let value else { continue }
            guard let other else {
                error(at: value.location,
                      "\(entry.path).name \(name.value.prefix(80)) expands to \(names.count) hosts but \(field) \"\(value.value.prefix(80))\" is a single value",
                      fix: "write a range of \(names.count) values in \(field) too, e.g. 10.0.0.[11:\(10 + names.count)]")
                return []
            }
            if other.count != names.count {
                error(at: value.location,
                      "\(entry.path).\(field) range has \(other.count) values but the name range has \(names.count)",
                      fix: "make both ranges the same length")
                return []
            }
        }
        return (0..<names.count).map { index in
            let hostName = names.value(at: index)
            return ExpandedEntry(
                label: "host \"\(hostName)\"",
                name: Located(hostName, at: name.location),
                address: Located(addresses?.value(at: index) ?? address.value, at: address.location),
                internalAddress: entry.internalAddress.map { Located(internals?.value(at: index) ?? $0.value, at: $0.location) }
            )
        }
    }

    private mutating func range(of value: Located<String>, field: String) -> Result<HostRange?, HostRange.ParseError> {
        do {
            return .success(try HostRange.parse(value.value))
        } catch {
            self.error(at: value.location, "\(field): \(error)", fix: "write a range as [START:END], e.g. node[01:20] and 10.0.0.[11:30]")
            return .failure(error)
        }
    }

    /// Checked once per entry (not per expanded host), so a bad role in a range is reported once.
    private mutating func parseRoles(_ entry: HostDocument) -> [HostRole] {
        var roles: [HostRole] = []
        for role in entry.roles ?? [] {
            if let parsed = HostRole(rawValue: role.value) {
                roles.append(parsed)
                continue
            }
            let allowed = HostRole.allCases.map(\.rawValue)
            let suggestion = Self.roleAliases[role.value.lowercased()]?.rawValue ?? InventorySchema.suggestion(for: role.value, among: allowed)
            error(at: role.location, "\(entry.path): unknown role \"\(role.value.prefix(80))\"\(suggestion.map { "; did you mean \"\($0)\"?" } ?? "")",
                  fix: "use roles from: \(allowed.joined(separator: ", "))")
        }
        return roles
    }

    private mutating func validateHost(_ expanded: ExpandedEntry, entry: HostDocument, roles: [HostRole], ssh: SSHSettings,
                                       kubeletArgs: [String: String]) -> PlacedHost {
        let name = expanded.name
        if !DNSName.isSubdomain(name.value) {
            error(at: name.location,
                  "\(expanded.label): name is not a valid DNS-1123 node name (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)",
                  fix: "rename it, e.g. \"\(DNSName.suggestion(for: name.value))\"")
        }
        let address = expanded.address
        if IPAddress.looksLikeAddress(address.value) {
            if IPAddress(address.value) == nil {
                error(at: address.location, "\(expanded.label): address \"\(address.value.prefix(80))\" is not a valid IP address",
                      fix: "write an IPv4 address like 192.168.2.201 or an IPv6 address like fd00::11")
            }
        } else if !DNSName.isHostName(address.value) {
            error(at: address.location, "\(expanded.label): address \"\(address.value.prefix(80))\" is neither an IP address nor a host name",
                  fix: "write the IP address or DNS name kubeforge connects to over SSH")
        }
        if let internalAddress = expanded.internalAddress, IPAddress(internalAddress.value) == nil {
            error(at: internalAddress.location, "\(expanded.label): internalAddress \"\(internalAddress.value.prefix(80))\" is not a valid IP address",
                  fix: "write the IP address the node uses inside the cluster, e.g. 10.0.0.2")
        }
        // Invalid hosts still take part in the checks across hosts (duplicates, roles), so one
        // run reports everything; the inventory is only built when no error was found.
        let host = InventoryHost(name: name.value, address: address.value, internalAddress: expanded.internalAddress?.value,
                                 roles: roles, ssh: ssh, kubeletExtraArgs: kubeletArgs)
        return PlacedHost(host: host, label: expanded.label, location: entry.location, nameLocation: name.location,
                          addressLocation: address.location, internalAddressLocation: expanded.internalAddress?.location,
                          explicitEtcd: roles.contains(.etcd))
    }

    // MARK: Across hosts

    /// Stacked etcd: with no host carrying `etcd`, every control plane runs a member.
    private func applyStackedEtcd(_ hosts: inout [PlacedHost]) {
        guard !hosts.contains(where: \.explicitEtcd) else { return }
        for index in hosts.indices where hosts[index].host.isControlPlane {
            hosts[index].host.roles = HostRole.allCases.filter { hosts[index].host.roles.contains($0) || $0 == .etcd }
        }
    }

    private mutating func checkUnique(_ hosts: [PlacedHost]) {
        var names: [String: PlacedHost] = [:]
        var endpoints: [String: PlacedHost] = [:]
        var internals: [String: PlacedHost] = [:]
        for placed in hosts {
            let host = placed.host
            if let first = names[host.name] {
                error(at: placed.nameLocation, "duplicate host name \"\(host.name)\" (also at line \(first.nameLocation.line))",
                      fix: "give every host a unique name")
            } else {
                names[host.name] = placed
            }
            // Several hosts may share one public address behind NAT as long as their SSH ports differ.
            let endpoint = "\(addressKey(host.address))|\(host.ssh.port)"
            if let first = endpoints[endpoint] {
                error(at: placed.addressLocation,
                      "\(placed.label): address \(host.address) (SSH port \(host.ssh.port)) is already used by host \"\(first.host.name)\" (line \(first.addressLocation.line))",
                      fix: "give every host its own address, or a different ssh.port when they share one behind NAT")
            } else {
                endpoints[endpoint] = placed
            }
            let internalKey = addressKey(host.internalAddress)
            if let first = internals[internalKey], first.host.name != host.name,
               placed.internalAddressLocation != nil || first.internalAddressLocation != nil {
                error(at: placed.internalAddressLocation ?? placed.addressLocation,
                      "\(placed.label): internal address \(host.internalAddress) is already used by host \"\(first.host.name)\" (line \((first.internalAddressLocation ?? first.addressLocation).line))",
                      fix: "every node needs its own internalAddress")
            } else if internals[internalKey] == nil {
                internals[internalKey] = placed
            }
        }
    }

    private func addressKey(_ address: String) -> String {
        IPAddress(address).map { $0.bytes.map(String.init).joined(separator: ".") } ?? address.lowercased()
    }

    private mutating func checkRoles(_ hosts: [PlacedHost], at location: SourceLocation) {
        guard !hosts.isEmpty else { return }
        if !hosts.contains(where: \.host.isControlPlane) {
            error(at: location, "no host has the control-plane role",
                  fix: "add `control-plane` to the roles of the host that runs the API server, e.g. `roles: [control-plane]`")
        }
        let etcd = hosts.filter(\.host.isEtcd)
        if !etcd.isEmpty, etcd.count % 2 == 0 {
            let stacked = !hosts.contains(where: \.explicitEtcd)
            warning(at: etcd.last?.location ?? location,
                    "\(etcd.count) etcd members\(stacked ? " (stacked on the control planes)" : ""): an even number tolerates no more failures than \(etcd.count - 1) and needs a larger quorum",
                    fix: "use an odd number of \(stacked ? "control-plane" : "etcd") hosts (1, 3 or 5)")
        }
    }

    private mutating func checkHostNetworks(_ hosts: [PlacedHost], networks: ClusterNetworks) {
        for placed in hosts {
            var addresses = [(placed.host.address, placed.addressLocation)]
            if let location = placed.internalAddressLocation, placed.host.internalAddress != placed.host.address {
                addresses.append((placed.host.internalAddress, location))
            }
            for (text, location) in addresses {
                guard let address = IPAddress(text) else { continue }
                for service in networks.service where service.value.contains(address) {
                    let which = networks.serviceIsDefault ? "the default serviceSubnet \(service.value)" : "serviceSubnet \(service.value) (line \(service.location.line))"
                    error(at: location, "\(placed.label): address \(text) is inside \(which); Service virtual IPs would shadow the node",
                          fix: "choose a serviceSubnet that no node address falls in, e.g. 10.96.0.0/12")
                }
                for pod in networks.pod where pod.value.contains(address) {
                    warning(at: location, "\(placed.label): address \(text) is inside podSubnet \(pod.value) (line \(pod.location.line)); pod routes can capture traffic to the nodes",
                            fix: "choose a podSubnet that no node address falls in, e.g. 10.244.0.0/16 (Calico's 192.168.0.0/16 collides with 192.168.x.x host networks)")
                }
            }
        }
    }
}
