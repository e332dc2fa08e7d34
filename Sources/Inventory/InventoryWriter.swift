import KubeTypes

/// Renders inventories: the normalised form for `inventory show`, and an imported document as the
/// YAML a user would write by hand (shared `ssh:` defaults, per-host overrides only where they differ).
public enum InventoryWriter {
    public enum Format: String, Sendable, CaseIterable {
        case yaml, json
    }

    /// Passwords are always masked.
    public static func render(_ inventory: Inventory, as format: Format) -> String {
        let tree = normalisedTree(inventory)
        return format == .yaml ? tree.yaml() : tree.json() + "\n"
    }

    static func normalisedTree(_ inventory: Inventory) -> OutputTree {
        let cluster = inventory.cluster
        var clusterFields: [(String, OutputTree)] = [("name", .string(cluster.name))]
        if let version = cluster.kubernetesVersion { clusterFields.append(("kubernetesVersion", .string(version))) }
        if let endpoint = cluster.controlPlaneEndpoint { clusterFields.append(("controlPlaneEndpoint", .string(endpoint))) }
        var networking: [(String, OutputTree)] = []
        if let pod = cluster.networking.podSubnet { networking.append(("podSubnet", .string(pod))) }
        networking.append(("serviceSubnet", .string(cluster.networking.serviceSubnet)))
        networking.append(("dnsDomain", .string(cluster.networking.dnsDomain)))
        clusterFields.append(("networking", .map(networking)))
        clusterFields.append(("imageRepository", .string(cluster.imageRepository)))
        clusterFields.append(("controlPlaneMode", .string(cluster.controlPlaneMode.rawValue)))
        clusterFields.append(("firewall", .string(cluster.firewall.rawValue)))
        switch cluster.binaries {
        case .directory(let dir)?: clusterFields.append(("binaries", .map([("dir", .string(dir))])))
        case .baseURL(let url)?: clusterFields.append(("binaries", .map([("baseURL", .string(url))])))
        case nil: break
        }
        clusterFields.append(("ntpServers", .list(cluster.ntpServers.map(OutputTree.string), flow: true)))
        clusterFields.append(("registryMirrors", .list(cluster.registryMirrors.map(OutputTree.string), flow: true)))
        clusterFields.append(("kubeletExtraArgs", flagTree(cluster.kubeletExtraArgs)))
        clusterFields.append(("network", .map([("plugin", .string(cluster.networkPlugin.rawValue))])))
        if !cluster.addons.isEmpty { clusterFields.append(("addons", .list(cluster.addons.map(addonTree)))) }
        let hosts = inventory.hosts.map { host -> OutputTree in
            var fields: [(String, OutputTree)] = [("name", .string(host.name)), ("address", .string(host.address))]
            // A host name in `address` is only the default, never a valid explicit internalAddress:
            // leave it implicit so the output reads back as it was given.
            if host.internalAddress != host.address || IPAddress(host.address) != nil {
                fields.append(("internalAddress", .string(host.internalAddress)))
            }
            fields.append(("roles", .list(host.roles.map { .string($0.rawValue) }, flow: true)))
            fields.append(("ssh", sshTree(host.ssh)))
            if !host.kubeletExtraArgs.isEmpty { fields.append(("kubeletExtraArgs", flagTree(host.kubeletExtraArgs))) }
            return .map(fields)
        }
        return .map([
            ("apiVersion", .string(Inventory.apiVersion)),
            ("kind", .string(Inventory.kind)),
            ("cluster", .map(clusterFields)),
            ("hosts", .list(hosts)),
        ])
    }

    private static func addonTree(_ addon: ClusterSettings.Addon) -> OutputTree {
        var fields: [(String, OutputTree)] = switch addon.source {
        case let .file(path): [("file", .string(path))]
        case let .url(url): [("url", .string(url))]
        }
        if let sha256 = addon.sha256 { fields.append(("sha256", .string(sha256))) }
        return .map(fields)
    }

    /// Flags sorted by name, values always strings (`"false"`, `""`), so they read back unchanged.
    private static func flagTree(_ flags: [String: String]) -> OutputTree {
        .map(flags.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
    }

    private static func sshTree(_ ssh: SSHSettings) -> OutputTree {
        var fields: [(String, OutputTree)] = [("user", .string(ssh.user)), ("port", .int(ssh.port))]
        if let identity = ssh.identityFile { fields.append(("identityFile", .string(identity))) }
        fields.append(("knownHostsFile", .string(ssh.knownHostsFile)))
        fields.append(("hostKeyPolicy", .string(ssh.hostKeyPolicy.rawValue)))
        if let bastion = ssh.bastion {
            var jump: [(String, OutputTree)] = [("address", .string(bastion.address)), ("port", .int(bastion.port)), ("user", .string(bastion.user))]
            if let identity = bastion.identityFile { jump.append(("identityFile", .string(identity))) }
            fields.append(("bastion", .map(jump)))
        }
        fields.append(("sudo", .bool(ssh.sudo)))
        if ssh.password != nil { fields.append(("password", .string(SSHPassword.mask))) }
        return .map(fields)
    }

    // MARK: Documents (import)

    static func documentTree(_ document: InventoryDocument) -> OutputTree {
        var top: [(String, OutputTree)] = [("apiVersion", .string(Inventory.apiVersion)), ("kind", .string(Inventory.kind))]
        let cluster = document.cluster
        if !cluster.isEmpty {
            var fields: [(String, OutputTree)] = []
            if let version = cluster.kubernetesVersion { fields.append(("kubernetesVersion", .string(version.value))) }
            if let endpoint = cluster.controlPlaneEndpoint { fields.append(("controlPlaneEndpoint", .string(endpoint.value))) }
            var networking: [(String, OutputTree)] = []
            if let pod = cluster.podSubnet { networking.append(("podSubnet", .string(pod.value))) }
            if let service = cluster.serviceSubnet { networking.append(("serviceSubnet", .string(service.value))) }
            if let domain = cluster.dnsDomain { networking.append(("dnsDomain", .string(domain.value))) }
            if !networking.isEmpty { fields.append(("networking", .map(networking))) }
            if let repository = cluster.imageRepository { fields.append(("imageRepository", .string(repository.value))) }
            top.append(("cluster", .map(fields)))
        }
        if !document.ssh.isEmpty { top.append(("ssh", sshDocumentTree(document.ssh))) }
        let hosts = document.hosts.map { host -> OutputTree in
            var fields: [(String, OutputTree)] = []
            if let name = host.name { fields.append(("name", .string(name.value))) }
            if let address = host.address { fields.append(("address", .string(address.value))) }
            if let internalAddress = host.internalAddress { fields.append(("internalAddress", .string(internalAddress.value))) }
            fields.append(("roles", .list((host.roles ?? []).map { .string($0.value) }, flow: true)))
            if !host.ssh.isEmpty { fields.append(("ssh", sshDocumentTree(host.ssh))) }
            return .map(fields)
        }
        top.append(("hosts", .list(hosts)))
        return .map(top)
    }

    private static func sshDocumentTree(_ ssh: SSHDocument) -> OutputTree {
        var fields: [(String, OutputTree)] = []
        if let user = ssh.user { fields.append(("user", .string(user.value))) }
        if let port = ssh.port { fields.append(("port", Int(port.value).map(OutputTree.int) ?? .string(port.value))) }
        if let identity = ssh.identityFile { fields.append(("identityFile", .string(identity.value))) }
        if let knownHosts = ssh.knownHostsFile { fields.append(("knownHostsFile", .string(knownHosts.value))) }
        if let policy = ssh.hostKeyPolicy { fields.append(("hostKeyPolicy", .string(policy.value))) }
        if case .jump(let jump)? = ssh.bastion {
            var bastion: [(String, OutputTree)] = []
            if let address = jump.address { bastion.append(("address", .string(address.value))) }
            if let port = jump.port { bastion.append(("port", Int(port.value).map(OutputTree.int) ?? .string(port.value))) }
            if let user = jump.user { bastion.append(("user", .string(user.value))) }
            if let identity = jump.identityFile { bastion.append(("identityFile", .string(identity.value))) }
            fields.append(("bastion", .map(bastion)))
        }
        if let sudo = ssh.sudo { fields.append(("sudo", .bool(sudo.value))) }
        return .map(fields)
    }
}
