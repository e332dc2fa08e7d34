import Yams

/// Reads inventory YAML through Yams' `Node` tree (which keeps line/column marks) into an
/// `InventoryDocument`, reporting type errors and unknown fields as it goes instead of stopping.
struct YAMLInventoryReader {
    let file: String
    private(set) var diagnostics: [InventoryDiagnostic] = []

    init(file: String) {
        self.file = file
    }

    mutating func read(_ text: String) -> InventoryDocument? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            diagnostics.append(YAMLSyntaxDiagnostic.make(from: error, file: file, text: text))
            return nil
        } catch {
            diagnostics.append(.init(.error, at: start, "cannot parse the inventory: \(error)"))
            return nil
        }
        guard let root, root.null == nil else {
            diagnostics.append(.init(.error, at: start, "the inventory is empty",
                                     fix: "describe at least `hosts:`; see inventory/README.md"))
            return nil
        }
        var document = InventoryDocument(location: location(of: root, default: start))
        guard let fields = mapping(root, path: "the inventory", allowed: InventorySchema.topLevel) else {
            return nil
        }
        for field in fields {
            switch field.key {
            case "apiVersion": document.apiVersion = string(field.value, path: "apiVersion")
            case "kind": document.kind = string(field.value, path: "kind")
            case "cluster": document.cluster = readCluster(field.value)
            case "ssh": document.ssh = readSSH(field.value, path: "ssh", isHostBlock: false)
            case "hosts":
                document.hostsLocation = field.keyLocation
                document.hosts = readHosts(field.value)
            default: break
            }
        }
        return document
    }

    // MARK: Sections

    private mutating func readCluster(_ node: Node) -> ClusterDocument {
        var cluster = ClusterDocument()
        for field in mapping(node, path: "cluster", allowed: InventorySchema.cluster) ?? [] {
            let path = "cluster.\(field.key)"
            switch field.key {
            case "name": cluster.name = string(field.value, path: path)
            case "kubernetesVersion": cluster.kubernetesVersion = string(field.value, path: path)
            case "controlPlaneEndpoint": cluster.controlPlaneEndpoint = string(field.value, path: path)
            case "imageRepository": cluster.imageRepository = string(field.value, path: path)
            case "controlPlaneMode": cluster.controlPlaneMode = string(field.value, path: path)
            case "firewall": cluster.firewall = string(field.value, path: path)
            case "ntpServers": cluster.ntpServers = stringList(field.value, path: path)
            case "registryMirrors": cluster.registryMirrors = stringList(field.value, path: path)
            case "kubeletExtraArgs": cluster.kubeletExtraArgs = flagMap(field.value, path: path)
            case "network":
                for item in mapping(field.value, path: path, allowed: InventorySchema.network) ?? [] where item.key == "plugin" {
                    cluster.networkPlugin = string(item.value, path: "\(path).plugin")
                }
            case "addons": cluster.addons = readAddons(field.value, path: path)
            case "networking":
                for item in mapping(field.value, path: path, allowed: InventorySchema.networking) ?? [] {
                    let itemPath = "\(path).\(item.key)"
                    switch item.key {
                    case "podSubnet": cluster.podSubnet = string(item.value, path: itemPath)
                    case "serviceSubnet": cluster.serviceSubnet = string(item.value, path: itemPath)
                    case "dnsDomain": cluster.dnsDomain = string(item.value, path: itemPath)
                    default: break
                    }
                }
            case "binaries":
                cluster.binariesLocation = field.keyLocation
                for item in mapping(field.value, path: path, allowed: InventorySchema.binaries) ?? [] {
                    let itemPath = "\(path).\(item.key)"
                    switch item.key {
                    case "dir": cluster.binariesDir = string(item.value, path: itemPath)
                    case "baseURL": cluster.binariesBaseURL = string(item.value, path: itemPath)
                    default: break
                    }
                }
            default: break
            }
        }
        return cluster
    }

    /// `addons:`: a list whose items are a path or URL, or a mapping of `file`/`url` and `sha256`.
    private mutating func readAddons(_ node: Node, path: String) -> [AddonDocument]? {
        if node.null != nil { return nil }
        guard case .sequence(let sequence) = node else {
            diagnostics.append(.init(.error, at: location(of: node, default: start), "\(path) must be a list, found \(describe(node))",
                                     fix: "write one `- manifest.yaml` or `- {url: https://…, sha256: …}` per line"))
            return nil
        }
        return sequence.enumerated().compactMap { index, item in
            let itemPath = "\(path)[\(index)]"
            var addon = AddonDocument(location: location(of: item, default: start), path: itemPath)
            if case .scalar = item {
                guard let text = string(item, path: itemPath) else { return nil }
                if text.value.contains("://") { addon.url = text } else { addon.file = text }
                return addon
            }
            guard let fields = mapping(item, path: itemPath, allowed: InventorySchema.addon) else { return nil }
            for field in fields {
                let value = string(field.value, path: "\(itemPath).\(field.key)")
                switch field.key {
                case "file": addon.file = value
                case "url": addon.url = value
                case "sha256": addon.sha256 = value
                default: break
                }
            }
            return addon
        }
    }

    private mutating func readSSH(_ node: Node, path: String, isHostBlock: Bool) -> SSHDocument {
        var ssh = SSHDocument()
        for field in mapping(node, path: path, allowed: InventorySchema.ssh) ?? [] {
            let fieldPath = "\(path).\(field.key)"
            switch field.key {
            case "user": ssh.user = string(field.value, path: fieldPath)
            case "port": ssh.port = string(field.value, path: fieldPath)
            case "identityFile": ssh.identityFile = string(field.value, path: fieldPath)
            case "knownHostsFile": ssh.knownHostsFile = string(field.value, path: fieldPath)
            case "hostKeyPolicy": ssh.hostKeyPolicy = string(field.value, path: fieldPath)
            case "password": ssh.password = string(field.value, path: fieldPath)
            case "sudo": ssh.sudo = bool(field.value, path: fieldPath)
            case "bastion": ssh.bastion = readBastion(field.value, path: fieldPath, keyLocation: field.keyLocation, isHostBlock: isHostBlock)
            default: break
            }
        }
        return ssh
    }

    private mutating func readBastion(_ node: Node, path: String, keyLocation: SourceLocation, isHostBlock: Bool) -> BastionDocument? {
        if node.null != nil {
            return isHostBlock ? .disabled(keyLocation) : nil
        }
        var jump = BastionDocument.Jump(location: keyLocation)
        guard let fields = mapping(node, path: path, allowed: InventorySchema.bastion) else { return nil }
        for field in fields {
            let fieldPath = "\(path).\(field.key)"
            switch field.key {
            case "address": jump.address = string(field.value, path: fieldPath)
            case "port": jump.port = string(field.value, path: fieldPath)
            case "user": jump.user = string(field.value, path: fieldPath)
            case "identityFile": jump.identityFile = string(field.value, path: fieldPath)
            default: break
            }
        }
        return .jump(jump)
    }

    private mutating func readHosts(_ node: Node) -> [HostDocument] {
        if node.null != nil { return [] }
        guard case .sequence(let sequence) = node else {
            diagnostics.append(.init(.error, at: location(of: node, default: start),
                                     "hosts must be a list of hosts, found \(describe(node))",
                                     fix: "write each host as a list item: `- {name: k8s-master, address: 192.168.2.201, roles: [control-plane]}`"))
            return []
        }
        var hosts: [HostDocument] = []
        for (index, item) in sequence.enumerated() {
            let path = "hosts[\(index)]"
            let itemLocation = location(of: item, default: start)
            var host = HostDocument(location: itemLocation, path: path)
            guard let fields = mapping(item, path: path, allowed: InventorySchema.host) else { continue }
            for field in fields {
                let fieldPath = "\(path).\(field.key)"
                switch field.key {
                case "name": host.name = string(field.value, path: fieldPath)
                case "address": host.address = string(field.value, path: fieldPath)
                case "internalAddress": host.internalAddress = string(field.value, path: fieldPath)
                case "roles":
                    host.rolesLocation = field.keyLocation
                    host.roles = stringList(field.value, path: fieldPath) ?? []
                case "ssh": host.ssh = readSSH(field.value, path: "\(path).ssh", isHostBlock: true)
                case "kubeletExtraArgs": host.kubeletExtraArgs = flagMap(field.value, path: fieldPath)
                default: break
                }
            }
            hosts.append(host)
        }
        return hosts
    }

    // MARK: Typed access with diagnostics

    private struct Field {
        var key: String
        var keyLocation: SourceLocation
        var value: Node
    }

    /// The known fields of a mapping; unknown and non-string keys are reported, not returned.
    private mutating func mapping(_ node: Node, path: String, allowed: [String]) -> [Field]? {
        if node.null != nil { return [] }
        guard case .mapping(let mapping) = node else {
            diagnostics.append(.init(.error, at: location(of: node, default: start),
                                     "\(path) must be a mapping of `field: value` pairs, found \(describe(node))",
                                     fix: "valid fields here are: \(allowed.joined(separator: ", "))"))
            return nil
        }
        var fields: [Field] = []
        for (keyNode, value) in mapping {
            let keyLocation = location(of: keyNode, default: location(of: node, default: start))
            guard case .scalar(let keyScalar) = keyNode else {
                diagnostics.append(.init(.error, at: keyLocation, "\(path) has a key that is \(describe(keyNode)), not a field name",
                                         fix: "valid fields here are: \(allowed.joined(separator: ", "))"))
                continue
            }
            let key = keyScalar.string
            guard allowed.contains(key) else {
                diagnostics.append(unknownField(key, in: path, allowed: allowed, at: keyLocation))
                continue
            }
            fields.append(Field(key: key, keyLocation: keyLocation, value: value))
        }
        return fields
    }

    private func unknownField(_ key: String, in path: String, allowed: [String], at location: SourceLocation) -> InventoryDiagnostic {
        let shown = key.count > 64 ? String(key.prefix(64)) + "…" : key
        if let suggestion = InventorySchema.suggestion(for: key, among: allowed) {
            return .init(.error, at: location, "unknown field \"\(shown)\" in \(path); did you mean \"\(suggestion)\"?",
                         fix: "rename it to \"\(suggestion)\"")
        }
        return .init(.error, at: location, "unknown field \"\(shown)\" in \(path)",
                     fix: "remove it; valid fields here are: \(allowed.joined(separator: ", "))")
    }

    /// A scalar's text as written; null (`~`, empty) reads as absent.
    private mutating func string(_ node: Node, path: String) -> Located<String>? {
        guard case .scalar(let scalar) = node else {
            diagnostics.append(.init(.error, at: location(of: node, default: start),
                                     "\(path) must be a single value, found \(describe(node))",
                                     fix: "write one value, e.g. `\(path.split(separator: ".").last ?? ""): value`"))
            return nil
        }
        if node.null != nil { return nil }
        return Located(scalar.string, at: location(of: node, default: start))
    }

    private mutating func bool(_ node: Node, path: String) -> Located<Bool>? {
        guard case .scalar = node else {
            diagnostics.append(.init(.error, at: location(of: node, default: start),
                                     "\(path) must be true or false, found \(describe(node))", fix: "write `true` or `false`"))
            return nil
        }
        if node.null != nil { return nil }
        guard let value = node.bool else {
            diagnostics.append(.init(.error, at: location(of: node, default: start),
                                     "\(path) must be true or false, found \"\(node.scalar?.string ?? "")\"",
                                     fix: "write `true` or `false`"))
            return nil
        }
        return Located(value, at: location(of: node, default: start))
    }

    /// A list of scalars; a single scalar is accepted as a one-item list.
    private mutating func stringList(_ node: Node, path: String) -> [Located<String>]? {
        if node.null != nil { return nil }
        switch node {
        case .scalar:
            return string(node, path: path).map { [$0] }
        case .sequence(let sequence):
            return sequence.enumerated().compactMap { index, item in string(item, path: "\(path)[\(index)]") }
        default:
            diagnostics.append(.init(.error, at: location(of: node, default: start),
                                     "\(path) must be a list, found \(describe(node))", fix: "write `[a, b]` or one `- item` per line"))
            return nil
        }
    }

    /// `kubeletExtraArgs:`: flag name → value, any names (the validator checks them). A plain null value
    /// (`flag:` or `flag: null`) is the empty string, as kubeadm reads it into its `map[string]string`.
    private mutating func flagMap(_ node: Node, path: String) -> [KubeletArgDocument]? {
        if node.null != nil { return nil }
        let example = "write one `flag: value` per line, the flag without dashes, e.g. `cgroups-per-qos: \"false\"`"
        guard case .mapping(let mapping) = node else {
            diagnostics.append(.init(.error, at: location(of: node, default: start),
                                     "\(path) must be a mapping of kubelet flag names to values, found \(describe(node))", fix: example))
            return nil
        }
        var args: [KubeletArgDocument] = []
        for (keyNode, valueNode) in mapping {
            let keyLocation = location(of: keyNode, default: location(of: node, default: start))
            guard case .scalar(let key) = keyNode else {
                diagnostics.append(.init(.error, at: keyLocation, "\(path) has a key that is \(describe(keyNode)), not a flag name", fix: example))
                continue
            }
            guard case .scalar(let value) = valueNode else {
                diagnostics.append(.init(.error, at: location(of: valueNode, default: keyLocation),
                                         "\(path).\(key.string.prefix(80)) must be a single value, found \(describe(valueNode))",
                                         fix: "write the flag's value as one string; kubelet lists are comma-separated, e.g. `node-labels: \"a=b,c=d\"`"))
                continue
            }
            let text = value.style == .plain && valueNode.null != nil ? "" : value.string
            args.append(KubeletArgDocument(name: Located(key.string, at: keyLocation),
                                           value: Located(text, at: location(of: valueNode, default: keyLocation))))
        }
        return args
    }

    // MARK: Helpers

    private var start: SourceLocation { SourceLocation(file: file, line: 1, column: 1) }

    private func location(of node: Node, default fallback: SourceLocation) -> SourceLocation {
        guard let mark = node.mark else { return fallback }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    private func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar): return "\"\(scalar.string.prefix(64))\""
        case .alias: return "an alias"
        }
    }
}
