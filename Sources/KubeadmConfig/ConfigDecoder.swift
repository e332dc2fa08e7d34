import Foundation
import Yams
import KubeTypes

/// Turns a multi-document kubeadm configuration file into a ``KubeadmConfiguration``, collecting every problem with
/// its file, line and field. v1beta3 and v1beta4 are both read; v1beta3 map-valued extraArgs become lists.
struct ConfigDecoder {
    let file: String
    private let sink = ProblemSink()

    init(file: String) { self.file = file }

    func decode(_ yaml: String) throws(KubeadmConfigError) -> KubeadmConfiguration {
        var config = KubeadmConfiguration()
        var seenKinds: [String: Int] = [:]
        let documents: [Node]
        do {
            var collected: [Node] = []
            var sequence = try Yams.compose_all(yaml: yaml)
            while let node = sequence.next() { collected.append(node) }
            if let error = sequence.error { throw error }
            documents = collected
        } catch {
            throw KubeadmConfigError(yamlProblem(error))
        }
        for document in documents where document.null == nil {
            decodeDocument(document, into: &config, seenKinds: &seenKinds)
        }
        if sink.problems.isEmpty, config.clusterConfiguration.apiServer.timeoutForControlPlane == nil,
           config.sourceAPIVersion == .v1beta3 {
            config.clusterConfiguration.apiServer.timeoutForControlPlane = config.initConfiguration.timeouts.controlPlaneComponentHealthCheck
        }
        guard sink.problems.isEmpty else {
            // Reported in file order, whatever order the fields were read in.
            let ordered = sink.problems.enumerated().sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
            throw KubeadmConfigError(problems: ordered.map(\.element))
        }
        return config
    }

    private func yamlProblem(_ error: Error) -> KubeadmConfigError.Problem {
        if case let YamlError.scanner(_, problem, mark, _) = error {
            return .init(code: .yamlSyntax, file: file, line: mark.line, column: mark.column, field: "(yaml)", reason: problem)
        }
        if case let YamlError.parser(_, problem, mark, _) = error {
            return .init(code: .yamlSyntax, file: file, line: mark.line, column: mark.column, field: "(yaml)", reason: problem)
        }
        return .init(code: .yamlSyntax, file: file, field: "(yaml)", reason: "\(error)")
    }

    private func decodeDocument(_ node: Node, into config: inout KubeadmConfiguration, seenKinds: inout [String: Int]) {
        guard let root = MappingReader(node, file: file, path: "", sink: sink) else { return }
        let apiVersion = root.string("apiVersion") ?? ""
        let kind = root.string("kind") ?? ""
        let line = node.mark?.line ?? 0
        guard !kind.isEmpty else {
            sink.add(.unknownKind, file: file, node: node, field: "kind", reason: "every document needs apiVersion and kind")
            return
        }
        if let first = seenKinds[kind] {
            sink.add(.duplicateDocument, file: file, node: root.node("kind"), field: kind, reason: "a second \(kind) document (the first is at line \(first))")
            return
        }
        seenKinds[kind] = line
        switch kind {
        case "InitConfiguration", "ClusterConfiguration", "JoinConfiguration", "ResetConfiguration", "UpgradeConfiguration":
            guard let version = KubeadmAPIVersion(rawValue: apiVersion) else {
                root.problem(.unsupportedAPIVersion, "apiVersion", "'\(apiVersion)' is not supported; use kubeadm.k8s.io/v1beta4 or kubeadm.k8s.io/v1beta3")
                return
            }
            if let earlier = config.sourceAPIVersion, earlier != version {
                root.problem(.unsupportedAPIVersion, "apiVersion", "mixes \(version.rawValue) with \(earlier.rawValue) from an earlier document")
            }
            config.sourceAPIVersion = version
            let reader = FieldDecoder(version: version, kind: kind)
            switch kind {
            case "InitConfiguration": reader.initConfiguration(root, into: &config.initConfiguration)
            case "ClusterConfiguration": reader.clusterConfiguration(root, into: &config.clusterConfiguration)
            case "JoinConfiguration":
                var join = JoinConfiguration()
                reader.joinConfiguration(root, into: &join)
                config.joinConfiguration = join
            default:
                guard version == .v1beta4 else {
                    root.problem(.unknownKind, "kind", "\(kind) exists only in kubeadm.k8s.io/v1beta4")
                    return
                }
                return  // accepted and ignored: kubeforge has no reset/upgrade settings to apply them to
            }
            root.finish()
        case "KubeletConfiguration":
            if apiVersion != "kubelet.config.k8s.io/v1beta1" {
                root.problem(.unsupportedAPIVersion, "apiVersion", "KubeletConfiguration must be kubelet.config.k8s.io/v1beta1")
            }
            config.kubeletConfiguration = (try? Yams.serialize(node: node)) ?? ""
        case "KubeProxyConfiguration":
            if apiVersion != "kubeproxy.config.k8s.io/v1alpha1" {
                root.problem(.unsupportedAPIVersion, "apiVersion", "KubeProxyConfiguration must be kubeproxy.config.k8s.io/v1alpha1")
            }
            config.kubeProxyConfiguration = (try? Yams.serialize(node: node)) ?? ""
        default:
            root.problem(.unknownKind, "kind", "unknown kind '\(kind)'; expected InitConfiguration, ClusterConfiguration, JoinConfiguration, KubeletConfiguration or KubeProxyConfiguration")
        }
    }
}

/// Field-level decoding for one kubeadm API version.
private struct FieldDecoder {
    let version: KubeadmAPIVersion
    let kind: String

    var isV1beta4: Bool { version == .v1beta4 }

    func clusterConfiguration(_ r: MappingReader, into c: inout ClusterConfiguration) {
        if let text = r.string("kubernetesVersion") {
            do {
                let parsed = try KubernetesVersion(parsing: text)
                try parsed.checkSupported()
                c.kubernetesVersion = parsed.description
            } catch {
                r.problem(.invalidValue, "kubernetesVersion", error.description)
            }
        }
        if let text = r.string("controlPlaneEndpoint") {
            if let reason = Validate.endpoint(text) { r.problem(.invalidValue, "controlPlaneEndpoint", reason) }
            c.controlPlaneEndpoint = text
        }
        if let text = r.string("certificatesDir") {
            if !text.hasPrefix("/") { r.problem(.invalidValue, "certificatesDir", "'\(text)' must be an absolute path") }
            c.certificatesDir = text
        }
        if let text = r.string("imageRepository") { c.imageRepository = text }
        if let text = r.string("clusterName") { c.clusterName = text }
        if let node = r.node("featureGates"), node.null == nil, node.mapping == nil {
            r.problem(.wrongType, "featureGates", "expected a mapping of gate names to true/false")
        }
        if let node = r.node("featureGates"), let mapping = node.mapping {
            for pair in mapping {
                guard let name = pair.key.string, let value = pair.value.bool else {
                    r.problem(.wrongType, at: pair.value, field: "\(r.path.isEmpty ? "" : r.path + ".")featureGates.\(pair.key.string ?? "?")", "expected true or false")
                    continue
                }
                c.featureGates[name] = value
            }
        }
        if let n = r.mapping("networking") {
            if let text = n.string("serviceSubnet") {
                if let reason = Validate.cidrList(text) { n.problem(.invalidValue, "serviceSubnet", reason) }
                c.networking.serviceSubnet = text
            }
            if let text = n.string("podSubnet") {
                if let reason = Validate.cidrList(text) { n.problem(.invalidValue, "podSubnet", reason) }
                c.networking.podSubnet = text
            }
            if let text = n.string("dnsDomain") {
                if let reason = Validate.dnsDomain(text) { n.problem(.invalidValue, "dnsDomain", reason) }
                c.networking.dnsDomain = text
            }
            n.finish()
        }
        if let e = r.mapping("etcd") {
            let localReader = e.mapping("local")
            let externalReader = e.mapping("external")
            if localReader != nil, externalReader != nil {
                e.problem(.invalidValue, "external", "etcd.local and etcd.external are mutually exclusive")
            }
            if let l = localReader {
                var local = ClusterConfiguration.LocalEtcd()
                if let v = l.string("imageRepository") { local.imageRepository = v }
                if let v = l.string("imageTag") { local.imageTag = v }
                if let v = l.string("dataDir") {
                    if !v.hasPrefix("/") { l.problem(.invalidValue, "dataDir", "'\(v)' must be an absolute path") }
                    local.dataDir = v
                }
                local.extraArgs = extraArgs(l, "extraArgs")
                local.extraEnvs = extraEnvs(l)
                local.serverCertSANs = l.strings("serverCertSANs") ?? []
                local.peerCertSANs = l.strings("peerCertSANs") ?? []
                for (key, sans) in [("serverCertSANs", local.serverCertSANs), ("peerCertSANs", local.peerCertSANs)] {
                    for san in sans {
                        if let reason = Validate.certSAN(san) { l.problem(.invalidValue, key, reason) }
                    }
                }
                l.finish()
                c.etcd.local = local
            }
            if let x = externalReader {
                var external = ClusterConfiguration.ExternalEtcd()
                external.endpoints = x.strings("endpoints") ?? []
                if external.endpoints.isEmpty { x.problem(.invalidValue, "endpoints", "external etcd needs at least one endpoint") }
                external.caFile = x.string("caFile") ?? ""
                external.certFile = x.string("certFile") ?? ""
                external.keyFile = x.string("keyFile") ?? ""
                if isV1beta4 { _ = x.strings("httpEndpoints") }
                x.finish()
                c.etcd.local = nil
                c.etcd.external = external
            }
            e.finish()
        }
        if let a = r.mapping("apiServer") {
            c.apiServer.component = component(a)
            c.apiServer.certSANs = a.strings("certSANs") ?? []
            for san in c.apiServer.certSANs {
                if let reason = Validate.certSAN(san) { a.problem(.invalidValue, "certSANs", reason) }
            }
            if !isV1beta4, let timeout = a.duration("timeoutForControlPlane") {
                c.apiServer.timeoutForControlPlane = timeout
            }
            a.finish()
        }
        if let m = r.mapping("controllerManager") {
            c.controllerManager = component(m)
            m.finish()
        }
        if let s = r.mapping("scheduler") {
            c.scheduler = component(s)
            s.finish()
        }
        if let d = r.mapping("dns") {
            if let v = d.string("imageRepository") { c.dns.imageRepository = v }
            if let v = d.string("imageTag") { c.dns.imageTag = v }
            if isV1beta4, let v = d.bool("disabled") { c.dns.disabled = v }
            if !isV1beta4, d.string("type") != nil {
                d.problem(.unknownField, "type", "dns.type was removed in v1beta3; CoreDNS is the only DNS addon")
            }
            d.finish()
        }
        if isV1beta4 {
            if let p = r.mapping("proxy") {
                if let v = p.bool("disabled") { c.proxy.disabled = v }
                p.finish()
            }
            if let text = r.string("encryptionAlgorithm") {
                if let algorithm = ClusterConfiguration.EncryptionAlgorithm(rawValue: text) {
                    c.encryptionAlgorithm = algorithm
                } else {
                    r.problem(.invalidValue, "encryptionAlgorithm", "'\(text)' is not one of \(ClusterConfiguration.EncryptionAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            if let d = r.duration("certificateValidityPeriod") { c.certificateValidityPeriod = d }
            if let d = r.duration("caCertificateValidityPeriod") { c.caCertificateValidityPeriod = d }
        }
        consumeHeader(r)
    }

    func initConfiguration(_ r: MappingReader, into c: inout InitConfiguration) {
        if let tokens = r.mappings("bootstrapTokens") {
            c.bootstrapTokens = tokens.map(bootstrapToken)
        }
        if let n = r.mapping("nodeRegistration") { nodeRegistration(n, into: &c.nodeRegistration) }
        if let e = r.mapping("localAPIEndpoint") { apiEndpoint(e, into: &c.localAPIEndpoint) }
        if let key = r.string("certificateKey") {
            if let reason = Validate.certificateKey(key) { r.problem(.invalidValue, "certificateKey", reason) }
            c.certificateKey = key
        }
        workflowFields(r, into: &c)
        consumeHeader(r)
    }

    func joinConfiguration(_ r: MappingReader, into c: inout JoinConfiguration) {
        if let n = r.mapping("nodeRegistration") { nodeRegistration(n, into: &c.nodeRegistration) }
        if let v = r.string("caCertPath") { c.caCertPath = v }
        if let d = r.mapping("discovery") {
            if let b = d.mapping("bootstrapToken") {
                var discovery = JoinConfiguration.BootstrapTokenDiscovery()
                discovery.token = b.string("token") ?? ""
                if !discovery.token.isEmpty, !BootstrapToken.isValid(discovery.token) {
                    b.problem(.invalidValue, "token", "the token must match [a-z0-9]{6}.[a-z0-9]{16}")
                }
                discovery.apiServerEndpoint = b.string("apiServerEndpoint") ?? ""
                if let reason = Validate.endpoint(discovery.apiServerEndpoint), !discovery.apiServerEndpoint.isEmpty {
                    b.problem(.invalidValue, "apiServerEndpoint", reason)
                }
                discovery.caCertHashes = b.strings("caCertHashes") ?? []
                for hash in discovery.caCertHashes where !Validate.isCACertHash(hash) {
                    b.problem(.invalidValue, "caCertHashes", "'\(hash)' is not of the form sha256:<64 hex digits>")
                }
                discovery.unsafeSkipCAVerification = b.bool("unsafeSkipCAVerification") ?? false
                b.finish()
                c.discovery.bootstrapToken = discovery
            }
            if let f = d.mapping("file") {
                c.discovery.kubeConfigPath = f.string("kubeConfigPath") ?? ""
                f.finish()
            }
            c.discovery.tlsBootstrapToken = d.string("tlsBootstrapToken") ?? ""
            if !isV1beta4, let timeout = d.duration("timeout") { c.timeouts.discovery = timeout }
            d.finish()
        }
        if let p = r.mapping("controlPlane") {
            var controlPlane = JoinConfiguration.ControlPlane()
            if let e = p.mapping("localAPIEndpoint") { apiEndpoint(e, into: &controlPlane.localAPIEndpoint) }
            if let key = p.string("certificateKey") {
                if let reason = Validate.certificateKey(key) { p.problem(.invalidValue, "certificateKey", reason) }
                controlPlane.certificateKey = key
            }
            p.finish()
            c.controlPlane = controlPlane
        }
        workflowFields(r, into: &c)
        consumeHeader(r)
    }

    /// The fields InitConfiguration and JoinConfiguration share: phases to skip, patches, and v1beta4's
    /// dryRun and timeouts.
    private func workflowFields<C: NodeWorkflowConfiguration>(_ r: MappingReader, into c: inout C) {
        c.skipPhases = r.strings("skipPhases") ?? []
        if let p = r.mapping("patches") {
            c.patchesDirectory = p.string("directory") ?? ""
            p.finish()
        }
        if isV1beta4 {
            if let v = r.bool("dryRun") { c.dryRun = v }
            if let t = r.mapping("timeouts") { timeouts(t, into: &c.timeouts) }
        }
    }

    private func consumeHeader(_ r: MappingReader) {
        _ = r.node("apiVersion")
        _ = r.node("kind")
    }

    private func component(_ r: MappingReader) -> ControlPlaneComponent {
        var component = ControlPlaneComponent()
        component.extraArgs = extraArgs(r, "extraArgs")
        component.extraEnvs = extraEnvs(r)
        if let volumes = r.mappings("extraVolumes") {
            component.extraVolumes = volumes.compactMap { v in
                let name = v.string("name") ?? ""
                let hostPath = v.string("hostPath") ?? ""
                let mountPath = v.string("mountPath") ?? ""
                let readOnly = v.bool("readOnly") ?? false
                let pathType = v.string("pathType") ?? ""
                if name.isEmpty { v.problem(.invalidValue, "name", "an extra volume needs a name") }
                if hostPath.isEmpty { v.problem(.invalidValue, "hostPath", "an extra volume needs a hostPath") }
                if mountPath.isEmpty { v.problem(.invalidValue, "mountPath", "an extra volume needs a mountPath") }
                if !HostPathMount.pathTypes.contains(pathType) {
                    v.problem(.invalidValue, "pathType", "'\(pathType)' is not a HostPathType (DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice)")
                }
                v.finish()
                return HostPathMount(name: name, hostPath: hostPath, mountPath: mountPath, readOnly: readOnly, pathType: pathType)
            }
        }
        return component
    }

    /// v1beta4: a list of {name, value}; v1beta3: a map of name to value.
    private func extraArgs(_ r: MappingReader, _ key: String) -> [Arg] {
        guard let node = r.node(key), node.null == nil else { return [] }
        if isV1beta4 {
            guard node.sequence != nil else {
                r.problem(.wrongType, at: node, field: "\(r.path).\(key)", "in kubeadm.k8s.io/v1beta4 extraArgs is a list of {name, value}, not a map")
                return []
            }
            return (r.mappings(key) ?? []).compactMap { item in
                let name = item.string("name") ?? ""
                let value = item.string("value") ?? ""
                item.finish()
                if name.isEmpty {
                    item.problem(.invalidValue, "name", "an argument needs a name")
                    return nil
                }
                return Arg(name, value)
            }
        }
        guard node.mapping != nil else {
            r.problem(.wrongType, at: node, field: "\(r.path).\(key)", "in kubeadm.k8s.io/v1beta3 extraArgs is a map of name: value, not a list")
            return []
        }
        return (r.stringMap(key) ?? []).map { Arg($0.0, $0.1) }.sorted { $0.name < $1.name }
    }

    private func extraEnvs(_ r: MappingReader) -> [EnvVar] {
        guard isV1beta4, let items = r.mappings("extraEnvs") else { return [] }
        return items.compactMap { item in
            let name = item.string("name") ?? ""
            let value = item.string("value") ?? ""
            if item.node("valueFrom") != nil {
                item.problem(.invalidValue, "valueFrom", "kubeforge supports only literal values in extraEnvs")
            }
            item.finish()
            return name.isEmpty ? nil : EnvVar(name: name, value: value)
        }
    }

    private func bootstrapToken(_ r: MappingReader) -> BootstrapToken {
        var token = BootstrapToken()
        if let value = r.string("token") {
            if !BootstrapToken.isValid(value) { r.problem(.invalidValue, "token", "the token must match [a-z0-9]{6}.[a-z0-9]{16}") }
            token.token = value
        }
        if let value = r.string("description") { token.description = value }
        if let value = r.duration("ttl") { token.ttl = value }
        if let value = r.string("expires") { token.expires = value }
        if let value = r.strings("usages") { token.usages = value }
        if let value = r.strings("groups") { token.groups = value }
        r.finish()
        return token
    }

    private func nodeRegistration(_ r: MappingReader, into n: inout NodeRegistration) {
        if let v = r.string("name") { n.name = v }
        if let v = r.string("criSocket") { n.criSocket = v }
        if let node = r.node("taints") {
            if node.null != nil {
                n.taints = nil
            } else {
                n.taints = (r.mappings("taints") ?? []).map { t in
                    let taint = Taint(key: t.string("key") ?? "", value: t.string("value") ?? "", effect: t.string("effect") ?? "")
                    if taint.key.isEmpty { t.problem(.invalidValue, "key", "a taint needs a key") }
                    if !Taint.effects.contains(taint.effect) { t.problem(.invalidValue, "effect", "'\(taint.effect)' is not NoSchedule, PreferNoSchedule or NoExecute") }
                    _ = t.node("timeAdded")
                    t.finish()
                    return taint
                }
            }
        }
        n.kubeletExtraArgs = extraArgs(r, "kubeletExtraArgs")
        n.ignorePreflightErrors = r.strings("ignorePreflightErrors") ?? []
        if let v = r.string("imagePullPolicy") {
            if !["Always", "IfNotPresent", "Never"].contains(v) { r.problem(.invalidValue, "imagePullPolicy", "'\(v)' is not Always, IfNotPresent or Never") }
            n.imagePullPolicy = v
        }
        if isV1beta4, let v = r.bool("imagePullSerial") { n.imagePullSerial = v }
        r.finish()
    }

    private func apiEndpoint(_ r: MappingReader, into e: inout APIEndpoint) {
        if let v = r.string("advertiseAddress") {
            if !v.isEmpty, IPAddress(v) == nil { r.problem(.invalidValue, "advertiseAddress", "'\(v)' is not an IP address") }
            e.advertiseAddress = v
        }
        if let v = r.int("bindPort") {
            if !(1...65535).contains(v) { r.problem(.invalidValue, "bindPort", "\(v) is not a port (1-65535)") }
            e.bindPort = v
        }
        r.finish()
    }

    private func timeouts(_ r: MappingReader, into t: inout Timeouts) {
        if let v = r.duration("controlPlaneComponentHealthCheck") { t.controlPlaneComponentHealthCheck = v }
        if let v = r.duration("kubeletHealthCheck") { t.kubeletHealthCheck = v }
        if let v = r.duration("kubernetesAPICall") { t.kubernetesAPICall = v }
        if let v = r.duration("etcdAPICall") { t.etcdAPICall = v }
        if let v = r.duration("tlsBootstrap") { t.tlsBootstrap = v }
        if let v = r.duration("discovery") { t.discovery = v }
        if let v = r.duration("upgradeManifests") { t.upgradeManifests = v }
        r.finish()
    }
}
