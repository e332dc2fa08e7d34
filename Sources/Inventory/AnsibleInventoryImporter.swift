/// Maps a kubespray or kubeasz Ansible INI inventory onto an `InventoryDocument`.
/// Everything without a kubeforge equivalent is reported as a warning with its line — never dropped silently.
struct AnsibleInventoryImporter {
    static let controlPlaneGroups: Set<String> = ["kube_control_plane", "kube-master", "kube_master"]
    static let workerGroups: Set<String> = ["kube_node", "kube-node"]
    static let etcdGroups: Set<String> = ["etcd"]
    /// Groups that only aggregate the role groups (kubespray's k8s_cluster) and need no mapping.
    static let aggregateGroups: Set<String> = ["all", "ungrouped", "k8s_cluster", "k8s-cluster"]
    static let bastionGroup = "bastion"

    let file: String
    private(set) var diagnostics: [InventoryDiagnostic] = []

    init(file: String) {
        self.file = file
    }

    private struct HostRecord {
        var pattern: String
        var line: Int
        var variables: [String: AnsibleINIFile.Variable] = [:]
    }

    mutating func read(_ text: String) -> InventoryDocument {
        let ini = AnsibleINIFile(text)
        for problem in ini.unreadable {
            warn(line: problem.line, column: 1, "cannot read \"\(problem.text.prefix(80))\": \(problem.reason); the line is not imported")
        }
        var document = InventoryDocument(location: at(1, 1))
        document.apiVersion = Located(Inventory.apiVersion, at: at(1, 1))
        document.kind = Located(Inventory.kind, at: at(1, 1))
        document.hostsLocation = at(1, 1)

        // Hosts in order of first appearance; variables from later lines win, as in Ansible.
        var records: [String: HostRecord] = [:]
        var order: [String] = []
        var members: [String: [String]] = [:]
        var children: [String: [String]] = [:]
        var groupVariables: [String: [AnsibleINIFile.Variable]] = [:]
        var groupLines: [String: Int] = [:]
        for section in ini.sections {
            if groupLines[section.group] == nil, section.line > 0 { groupLines[section.group] = section.line }
            for hostLine in section.hosts {
                for name in expandPattern(hostLine.pattern, line: hostLine.line) {
                    if records[name] == nil {
                        records[name] = HostRecord(pattern: name, line: hostLine.line)
                        order.append(name)
                    }
                    for variable in hostLine.variables { records[name]?.variables[variable.key] = variable }
                    members[section.group, default: []].append(name)
                }
            }
            children[section.group, default: []] += section.children.map(\.name)
            groupVariables[section.group, default: []] += section.variables
        }

        func hosts(in group: String, visited: Set<String> = []) -> [String] {
            guard !visited.contains(group) else { return [] }
            return (members[group] ?? []) + (children[group] ?? []).flatMap { hosts(in: $0, visited: visited.union([group])) }
        }
        var roles: [String: Set<HostRole>] = [:]
        for (groups, role) in [(Self.controlPlaneGroups, HostRole.controlPlane), (Self.workerGroups, .worker), (Self.etcdGroups, .etcd)] {
            for group in groups { for name in hosts(in: group) { roles[name, default: []].insert(role) } }
        }

        reportUnmappedGroups(members: members, children: children, groupVariables: groupVariables, groupLines: groupLines)
        document.cluster.controlPlaneEndpoint = externalLoadBalancerEndpoint(members: members, records: records)

        // Variables shared by all hosts become `ssh:` and `cluster:`; role-group variables apply to their members.
        let globalVariables = (groupVariables["all"] ?? []) + (groupVariables["k8s_cluster"] ?? []) + (groupVariables["k8s-cluster"] ?? [])
        for variable in globalVariables { applyGlobal(variable, to: &document) }
        var roleGroupVariables: [String: [AnsibleINIFile.Variable]] = [:]
        for group in Self.controlPlaneGroups.union(Self.workerGroups).union(Self.etcdGroups).sorted() {
            for name in hosts(in: group) { roleGroupVariables[name, default: []] += groupVariables[group] ?? [] }
        }

        for name in order {
            guard let record = records[name] else { continue }
            if record.pattern == Self.bastionGroup || members[Self.bastionGroup]?.contains(name) == true {
                document.ssh.bastion = .jump(bastion(from: record))
                continue
            }
            guard let hostRoles = roles[name], !hostRoles.isEmpty else {
                warn(line: record.line, column: 1,
                     "host \"\(name.prefix(80))\" is in none of the groups kube_control_plane/kube_master, kube_node or etcd; it is not imported")
                continue
            }
            var variables: [String: AnsibleINIFile.Variable] = [:]
            for variable in roleGroupVariables[name] ?? [] { variables[variable.key] = variable }
            for (key, variable) in record.variables { variables[key] = variable }
            document.hosts.append(host(named: name, record: record, variables: variables, roles: hostRoles, index: document.hosts.count))
        }
        return document
    }

    // MARK: Hosts

    private mutating func host(named name: String, record: HostRecord, variables: [String: AnsibleINIFile.Variable],
                               roles: Set<HostRole>, index: Int) -> HostDocument {
        var host = HostDocument(location: at(record.line, 1), path: "hosts[\(index)]")
        host.name = Located(name, at: at(record.line, 1))
        host.roles = HostRole.allCases.filter(roles.contains).map { Located($0.rawValue, at: at(record.line, 1)) }
        host.rolesLocation = at(record.line, 1)
        var address = Located(name, at: at(record.line, 1))
        var internalAddress: Located<String>?
        var accessIP: Located<String>?
        var hasSSHAddress = false
        for variable in variables.values.sorted(by: { ($0.line, $0.column) < ($1.line, $1.column) }) {
            let value = located(variable)
            switch variable.key {
            case "k8s_nodename":
                if !variable.value.isEmpty { host.name = value }
            case "ansible_host", "ansible_ssh_host":
                address = value
                hasSSHAddress = true
            case "ip": internalAddress = value
            case "access_ip": accessIP = value
            default:
                if !applySSH(variable, to: &host.ssh) { notImported(variable, scope: "host \(name.prefix(80))") }
            }
        }
        // kubespray: ansible_host is for SSH, access_ip is how other nodes reach it, ip is what it binds.
        if !hasSSHAddress, let accessIP { address = accessIP }
        host.address = address
        let internalCandidate = internalAddress ?? (hasSSHAddress ? accessIP : nil)
        if let internalCandidate, internalCandidate.value != address.value { host.internalAddress = internalCandidate }
        return host
    }

    private mutating func bastion(from record: HostRecord) -> BastionDocument.Jump {
        var jump = BastionDocument.Jump(location: at(record.line, 1))
        jump.address = Located(record.pattern, at: at(record.line, 1))
        for variable in record.variables.values.sorted(by: { $0.column < $1.column }) {
            switch variable.key {
            case "ansible_host", "ansible_ssh_host": jump.address = located(variable)
            case "ansible_user", "ansible_ssh_user": jump.user = located(variable)
            case "ansible_port", "ansible_ssh_port": jump.port = located(variable)
            case "ansible_ssh_private_key_file", "ansible_private_key_file": jump.identityFile = located(variable)
            default: notImported(variable, scope: "bastion")
            }
        }
        return jump
    }

    // MARK: Variables

    /// Connection variables; false when the variable is not one of them.
    private mutating func applySSH(_ variable: AnsibleINIFile.Variable, to ssh: inout SSHDocument) -> Bool {
        switch variable.key {
        case "ansible_user", "ansible_ssh_user": ssh.user = located(variable)
        case "ansible_port", "ansible_ssh_port": ssh.port = located(variable)
        case "ansible_ssh_private_key_file", "ansible_private_key_file": ssh.identityFile = located(variable)
        case "ansible_become", "ansible_sudo":
            ssh.sudo = Located(["true", "yes", "1", "on"].contains(variable.value.lowercased()), at: at(variable.line, variable.column))
        case "ansible_password", "ansible_ssh_pass", "ansible_become_password", "ansible_become_pass", "ansible_sudo_pass":
            // The value is a secret: name the variable and line only.
            warn(line: variable.line, column: variable.column,
                 "\(variable.key) is not imported: kubeforge does not copy passwords into inventories",
                 fix: "export \(SSHSettings.passwordEnvironmentVariable) when running kubeforge, or use an identity file")
        default:
            return false
        }
        return true
    }

    private mutating func applyGlobal(_ variable: AnsibleINIFile.Variable, to document: inout InventoryDocument) {
        if applySSH(variable, to: &document.ssh) { return }
        let value = located(variable)
        switch variable.key {
        case "kube_version", "K8S_VER": document.cluster.kubernetesVersion = value
        case "kube_pods_subnet", "CLUSTER_CIDR": document.cluster.podSubnet = value
        case "kube_service_addresses", "SERVICE_CIDR": document.cluster.serviceSubnet = value
        case "cluster_name", "CLUSTER_DNS_DOMAIN":
            let domain = variable.value.hasSuffix(".") ? String(variable.value.dropLast()) : variable.value
            document.cluster.dnsDomain = Located(domain, at: value.location)
        case "kube_image_repo": document.cluster.imageRepository = value
        case "apiserver_loadbalancer_domain_name": document.cluster.controlPlaneEndpoint = value
        case "k8s_nodename" where variable.value.isEmpty: break  // kubeasz's "use the IP as node name" default
        default: notImported(variable, scope: "all hosts")
        }
    }

    /// kubeasz's external load balancer ([ex_lb] with EX_APISERVER_VIP) is what kubeforge calls the control-plane endpoint.
    private func externalLoadBalancerEndpoint(members: [String: [String]], records: [String: HostRecord]) -> Located<String>? {
        for name in members["ex_lb"] ?? [] {
            guard let vip = records[name]?.variables["EX_APISERVER_VIP"], !vip.value.isEmpty else { continue }
            let port = records[name]?.variables["EX_APISERVER_PORT"]?.value ?? String(ClusterSettings.defaultAPIServerPort)
            let host = vip.value.contains(":") ? "[\(vip.value)]" : vip.value
            return Located("\(host):\(port)", at: at(vip.line, vip.column))
        }
        return nil
    }

    private mutating func reportUnmappedGroups(members: [String: [String]], children: [String: [String]],
                                               groupVariables: [String: [AnsibleINIFile.Variable]], groupLines: [String: Int]) {
        var mapped = Self.controlPlaneGroups.union(Self.workerGroups).union(Self.etcdGroups).union([Self.bastionGroup])
        // Groups feeding a role group through :children are mapped through it.
        var pending = Array(mapped)
        while let group = pending.popLast() {
            for child in children[group] ?? [] where !mapped.contains(child) {
                mapped.insert(child)
                pending.append(child)
            }
        }
        mapped.formUnion(Self.aggregateGroups)
        let allGroups = Set(members.keys).union(children.keys).union(groupVariables.keys)
        for group in allGroups.sorted(by: { (groupLines[$0] ?? 0, $0) < (groupLines[$1] ?? 0, $1) }) where !mapped.contains(group) {
            let hostCount = members[group]?.count ?? 0
            let variableCount = groupVariables[group]?.count ?? 0
            guard hostCount + variableCount + (children[group]?.count ?? 0) > 0 else { continue }
            let note = group == "ex_lb" ? "; kubeforge does not install the load balancer (its EX_APISERVER_VIP becomes cluster.controlPlaneEndpoint)" : ""
            warn(line: groupLines[group] ?? 1, column: 1,
                 "group [\(group.prefix(80))] (\(hostCount) hosts, \(variableCount) variables) has no kubeforge equivalent and is not imported\(note)")
        }
    }

    private mutating func notImported(_ variable: AnsibleINIFile.Variable, scope: String) {
        warn(line: variable.line, column: variable.column,
             "variable \(variable.key.prefix(80)) (\(scope)) has no kubeforge equivalent and is not imported")
    }

    // MARK: Helpers

    private mutating func expandPattern(_ pattern: String, line: Int) -> [String] {
        do {
            return try HostRange.parse(pattern)?.values ?? [pattern]
        } catch {
            warn(line: line, column: 1, "host pattern \"\(pattern.prefix(80))\": \(error); the host is not imported")
            return []
        }
    }

    private func located(_ variable: AnsibleINIFile.Variable) -> Located<String> {
        Located(variable.value, at: at(variable.line, variable.column))
    }

    private func at(_ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    private mutating func warn(line: Int, column: Int, _ message: String, fix: String? = nil) {
        diagnostics.append(InventoryDiagnostic(.warning, at: at(line, column), message, fix: fix))
    }
}
