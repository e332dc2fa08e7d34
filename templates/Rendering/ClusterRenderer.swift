import Foundation
import KubeadmConfig
import Yams
import KubeTypes

/// Renders every file kubeforge generates for a node from a ``KubeadmConfiguration``: static Pod manifests,
/// binary-mode systemd units, kubelet files, containerd and kernel settings, and the API objects kubeadm creates.
/// Host files are returned keyed by their absolute path on the node; the caller writes them through a `Host`.
public struct ClusterRenderer: Sendable {
    public let config: KubeadmConfiguration
    public let options: RenderOptions
    public let templates: TemplateSet

    public static let manifestsDirectory = "/etc/kubernetes/manifests"
    public static let systemdDirectory = "/etc/systemd/system"

    public init(config: KubeadmConfiguration, options: RenderOptions = .init()) throws(TemplateError) {
        self.config = config
        self.options = options
        self.templates = try TemplateSet(overrideDirectory: options.templatesDirectory)
    }

    // MARK: - kubeadm phases

    /// `init phase control-plane all|apiserver|controller-manager|scheduler`: manifest path → contents.
    public func controlPlanePhase(_ name: String) throws(TemplateError) -> [String: String] {
        let components: [ControlPlaneComponentName]
        switch name {
        case "all": components = [.apiServer, .controllerManager, .scheduler]
        case "apiserver": components = [.apiServer]
        case "controller-manager": components = [.controllerManager]
        case "scheduler": components = [.scheduler]
        default: throw .unknownPhase(name)
        }
        var files: [String: String] = [:]
        for component in components {
            files[Self.manifestPath(component)] = try staticPodManifest(component)
        }
        return files
    }

    /// `init phase etcd local`: the etcd manifest (nothing with external etcd, as kubeadm skips the phase).
    public func etcdLocalPhase() throws(TemplateError) -> [String: String] {
        guard config.clusterConfiguration.etcd.local != nil else { return [:] }
        return [Self.manifestPath(.etcd): try staticPodManifest(.etcd)]
    }

    /// `init phase control-plane <name>` in one call: manifest path → contents (write each 0600, directory 0700).
    public static func initPhaseControlPlane(_ name: String, config: KubeadmConfiguration, options: RenderOptions = .init()) throws(TemplateError) -> [String: String] {
        try ClusterRenderer(config: config, options: options).controlPlanePhase(name)
    }

    /// `init phase etcd local` in one call: manifest path → contents (empty with external etcd).
    public static func initPhaseEtcdLocal(config: KubeadmConfiguration, options: RenderOptions = .init()) throws(TemplateError) -> [String: String] {
        try ClusterRenderer(config: config, options: options).etcdLocalPhase()
    }

    /// The mode kubeadm gives each generated file: static Pod manifests 0600, everything else 0644.
    public static func fileMode(forPath path: String) -> Int {
        path.hasPrefix(manifestsDirectory + "/") ? 0o600 : 0o644
    }

    public static func manifestPath(_ component: ControlPlaneComponentName) -> String {
        "\(manifestsDirectory)/\(component.rawValue).yaml"
    }

    // MARK: - static Pods

    /// One static Pod manifest.
    public func staticPodManifest(_ component: ControlPlaneComponentName) throws(TemplateError) -> String {
        try requireNode(for: component)
        let c = config.clusterConfiguration
        let flags = ComponentFlags.flags(for: component, config: config, options: options)
        let probes = ComponentProbes.probes(for: component, config: config)
        let volumes = ComponentVolumes.volumes(for: component, config: config, options: options)
        let env = environment(for: component)
        var context: [String: Any] = [
            "flags": flags.map { YAMLValue.quoted($0.description) },
            "hasEnv": !env.isEmpty,
            "env": env.map { ["name": YAMLValue.quoted($0.name), "quotedValue": YAMLValue.quoted($0.value)] },
            "imagePullPolicy": "IfNotPresent",
            "volumes": volumes.map(volumeContext),
        ]
        if let probe = probes.liveness { context["livenessProbe"] = probe.context }
        if let probe = probes.readiness { context["readinessProbe"] = probe.context }
        if let probe = probes.startup { context["startupProbe"] = probe.context }
        let endpoint = config.initConfiguration.localAPIEndpoint
        switch component {
        case .apiServer:
            context["image"] = ImageList.controlPlaneImage(component.rawValue, for: c)
            context["advertiseEndpoint"] = YAMLValue.quoted(IPAddress.joinHostPort(endpoint.advertiseAddress, endpoint.bindPort))
        case .controllerManager, .scheduler:
            context["image"] = ImageList.controlPlaneImage(component.rawValue, for: c)
        case .etcd:
            context["image"] = ImageList.etcdImage(for: c) ?? ""
            context["mounts"] = ComponentVolumes.etcdMounts(config).map(volumeContext)
            context["advertiseClientURL"] = "https://\(IPAddress.joinHostPort(endpoint.advertiseAddress, 2379))"
        }
        return try templates.render("\(component.rawValue).yaml", context)
    }

    private func volumeContext(_ volume: HostPathMount) -> [String: Any] {
        var values: [String: Any] = [
            "name": YAMLValue.quoted(volume.name), "hostPath": YAMLValue.quoted(volume.hostPath),
            "mountPath": YAMLValue.quoted(volume.mountPath), "readOnly": volume.readOnly,
        ]
        if !volume.pathType.isEmpty { values["pathType"] = volume.pathType }
        return values
    }

    /// kubeadm's proxy variables merged with the component's extraEnvs (extraEnvs win), sorted by name.
    private func environment(for component: ControlPlaneComponentName) -> [EnvVar] {
        let c = config.clusterConfiguration
        let extra: [EnvVar] = switch component {
        case .apiServer: c.apiServer.component.extraEnvs
        case .controllerManager: c.controllerManager.extraEnvs
        case .scheduler: c.scheduler.extraEnvs
        case .etcd: c.etcd.local?.extraEnvs ?? []
        }
        let names = Set(extra.map(\.name))
        return (options.proxyEnvironment.filter { !names.contains($0.name) } + extra).sorted { $0.name < $1.name }
    }

    private func requireNode(for component: ControlPlaneComponentName) throws(TemplateError) {
        let address = config.initConfiguration.localAPIEndpoint.advertiseAddress
        if address.isEmpty {
            throw .incompleteConfiguration(field: "localAPIEndpoint.advertiseAddress",
                                           reason: "is empty; pass --apiserver-advertise-address or call completeNodeSpecific(hostname:defaultRouteAddress:) first")
        }
        if component == .etcd, config.initConfiguration.nodeRegistration.name.isEmpty {
            throw .incompleteConfiguration(field: "nodeRegistration.name", reason: "is empty; pass --node-name or call completeNodeSpecific(hostname:defaultRouteAddress:) first")
        }
    }

    // MARK: - systemd (binary mode)

    /// The systemd unit running `component` from a binary with exactly its static Pod's flags.
    public func systemdUnit(_ component: ControlPlaneComponentName) throws(TemplateError) -> String {
        try requireNode(for: component)
        let flags = ComponentFlags.flags(for: component, config: config, options: options)
        let binary = component == .etcd ? options.etcdBinary : "\(options.binaryDirectory)/\(component.rawValue)"
        return try templates.render("\(component.rawValue).service", [
            "binary": binary,
            "args": continuationLines(flags),
            "env": environment(for: component).map { ["name": $0.name, "systemdValue": Self.systemdEscape($0.value)] },
        ])
    }

    /// Unit path → contents for the four control-plane components, kubelet (+ drop-in) and kube-proxy, plus
    /// kube-proxy's config file, which its unit reads.
    public func systemdUnits() throws(TemplateError) -> [String: String] {
        var files: [String: String] = [:]
        for component in ControlPlaneComponentName.allCases {
            files["\(Self.systemdDirectory)/\(component.rawValue).service"] = try systemdUnit(component)
        }
        files.merge(try kubeletUnitFiles()) { $1 }
        let nodeName = config.initConfiguration.nodeRegistration.name
        var proxyArgs = [Arg("config", "/var/lib/kube-proxy/config.conf")]
        if !nodeName.isEmpty { proxyArgs.append(Arg("hostname-override", nodeName)) }
        files["\(Self.systemdDirectory)/kube-proxy.service"] = try templates.render("kube-proxy.service", [
            "binary": "\(options.binaryDirectory)/kube-proxy", "args": continuationLines(proxyArgs),
        ])
        files["/var/lib/kube-proxy/config.conf"] = try kubeProxyConfiguration()
        return files
    }

    private func continuationLines(_ args: [Arg]) -> [[String: Any]] {
        args.enumerated().map { index, arg in
            ["text": Self.systemdEscape(arg.description), "more": index < args.count - 1]
        }
    }

    /// systemd command-line quoting: `%` and `$` doubled, words with spaces or quotes double-quoted.
    static func systemdEscape(_ text: String) -> String {
        var escaped = text.replacingOccurrences(of: "%", with: "%%").replacingOccurrences(of: "$", with: "$$")
        if escaped.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "'" || $0 == "\\" }) {
            escaped = "\"" + escaped.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return escaped
    }

    // MARK: - kubelet

    /// kubelet.service and its 10-kubeadm.conf drop-in.
    public func kubeletUnitFiles() throws(TemplateError) -> [String: String] {
        [
            "\(Self.systemdDirectory)/kubelet.service": try templates.render("kubelet.service", ["binary": options.kubeletBinary]),
            "\(Self.systemdDirectory)/kubelet.service.d/10-kubeadm.conf": try templates.render("10-kubeadm.conf", ["binary": options.kubeletBinary]),
        ]
    }

    /// /var/lib/kubelet/config.yaml and kubeadm-flags.env.
    public func kubeletFiles() throws(TemplateError) -> [String: String] {
        [
            "/var/lib/kubelet/config.yaml": try kubeletConfiguration(),
            "/var/lib/kubelet/kubeadm-flags.env": try kubeletFlagsEnvironment(),
        ]
    }

    /// The KubeletConfiguration kubeadm imposes, with a KubeletConfiguration document from the config file
    /// merged over it key by key.
    public func kubeletConfiguration() throws(TemplateError) -> String {
        let c = config.clusterConfiguration
        var context: [String: Any] = [
            "clientCAFile": YAMLValue.quoted("\(c.certificatesDir)/ca.crt"),
            "clusterDNS": [c.clusterDNSIP ?? "10.96.0.10"],
            "clusterDomain": YAMLValue.quoted(c.networking.dnsDomain),
            "hasImageMaximumGCAge": c.version.isAtLeast(minor: 29),
        ]
        if let resolvConf = options.kubeletResolvConf { context["resolvConf"] = YAMLValue.quoted(resolvConf) }
        let rendered = try templates.render("kubelet-config.yaml", context)
        guard let user = config.kubeletConfiguration else { return rendered }
        return try Self.overlay(user, on: rendered, template: "kubelet-config.yaml")
    }

    /// Top-level keys of `overlay` replace those of `base` (kubeadm lets the user's document win over its defaults).
    static func overlay(_ overlay: String, on base: String, template: String) throws(TemplateError) -> String {
        do {
            guard var merged = try Yams.compose(yaml: base)?.mapping, let user = try Yams.compose(yaml: overlay)?.mapping else { return base }
            for (key, value) in user { merged[key] = value }
            return try Yams.serialize(node: .mapping(.init(merged.sorted { ($0.key.string ?? "") < ($1.key.string ?? "") })))
        } catch {
            throw .invalidOutput(template: template, origin: "KubeletConfiguration overlay", line: nil, column: nil, reason: "\(error)")
        }
    }

    /// `KUBELET_KUBEADM_ARGS="…"`: the container runtime endpoint, the pause image (still passed through v1.34)
    /// and `--hostname-override` when the node name differs from the hostname, merged with kubeletExtraArgs.
    public func kubeletFlagsEnvironment(hostname: String? = nil) throws(TemplateError) -> String {
        let registration = config.initConfiguration.nodeRegistration
        var defaults = [
            Arg("container-runtime-endpoint", registration.criSocket),
            Arg("pod-infra-container-image", ImageList.pauseImage(for: config.clusterConfiguration)),
        ]
        if let hostname, !registration.name.isEmpty, registration.name != hostname.lowercased() {
            defaults.append(Arg("hostname-override", registration.name))
        }
        let args = [Arg].merging(defaults: defaults, overrides: registration.kubeletExtraArgs).commandLine.joined(separator: " ")
        return try templates.render("kubeadm-flags.env", ["quotedArgs": Self.goQuote(args)])
    }

    /// Go's %q for the ASCII text these flags contain.
    static func goQuote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    // MARK: - node OS and container runtime

    /// containerd's config.toml, sysctl and modules-load files.
    public func nodePreparationFiles() throws(TemplateError) -> [String: String] {
        let mirrors = options.registryMirrors.keys.sorted().map { registry -> [String: Any] in
            let endpoints = (options.registryMirrors[registry] ?? []).map { Self.goQuote($0) }.joined(separator: ", ")
            return ["registry": registry, "endpoints": endpoints]
        }
        let subnets = [config.clusterConfiguration.networking.serviceSubnet, config.clusterConfiguration.networking.podSubnet]
        let ipv6 = subnets.joined(separator: ",").split(separator: ",").contains { IPAddressRange(String($0))?.isIPv6 == true }
        return [
            "/etc/containerd/config.toml": try templates.render("containerd-config.toml", [
                "sandboxImage": ImageList.pauseImage(for: config.clusterConfiguration), "mirrors": mirrors,
            ]),
            "/etc/sysctl.d/99-kubernetes.conf": try templates.render("99-kubernetes.conf", ["ipv6": ipv6]),
            "/etc/modules-load.d/kubernetes.conf": try templates.render("kubernetes.conf", [:]),
        ]
    }

    // MARK: - API objects

    /// Multi-document YAML of the objects kubeadm creates through the API, by phase, each in the order kubeadm
    /// sends them: `kubeadm-config`, `kubelet-config` (upload-config), `bootstrap-token-rbac`, `coredns`,
    /// `kube-proxy`, `kubeadm-certs-rbac` (upload-certs) and, from v1.29, `cluster-admins`. cluster-info needs the
    /// CA and is rendered by `clusterInfo(certificateAuthorityData:)`.
    public func clusterObjects() throws(TemplateError) -> [String: String] {
        let c = config.clusterConfiguration
        let clusterYAML = ConfigEncoder.clusterConfiguration(c, as: config.outputAPIVersion, timeoutForControlPlane: config.controlPlaneHealthCheckTimeout).render()
        let bootstrapGroup = ["nodeBootstrapGroup": "system:bootstrappers:kubeadm:default-node-token"]
        var objects: [String: String] = [
            "kubeadm-config": try templates.render("kubeadm-config.yaml", ["clusterConfiguration": lines(clusterYAML)]),
            "kubelet-config": try templates.render("kubelet-config-configmap.yaml", ["kubeletConfiguration": lines(try kubeletConfiguration())]),
            "bootstrap-token-rbac": try templates.render("bootstrap-token-rbac.yaml", bootstrapGroup),
            "kubeadm-certs-rbac": try templates.render("kubeadm-certs-rbac.yaml", bootstrapGroup),
        ]
        if c.version.isAtLeast(minor: 29) { objects["cluster-admins"] = try templates.render("cluster-admins.yaml", [:]) }
        if !c.dns.disabled {
            objects["coredns"] = try templates.render("coredns.yaml", [
                "image": ImageList.coreDNSImage(for: c), "dnsDomain": c.networking.dnsDomain, "dnsIP": c.clusterDNSIP ?? "",
                // kubeadm's CoreDNS manifest said "all" until v1.29 (kubernetes/kubernetes#121351).
                "capabilitiesDropAll": c.version.isAtLeast(minor: 29) ? "ALL" : "all",
            ])
        }
        if !c.proxy.disabled {
            objects["kube-proxy"] = try templates.render("kube-proxy.yaml", [
                "image": ImageList.controlPlaneImage("kube-proxy", for: c),
                "controlPlaneURL": controlPlaneURL,
                "kubeProxyConfiguration": lines(try kubeProxyConfiguration(kubeconfig: "/var/lib/kube-proxy/kubeconfig.conf")),
            ])
        }
        return objects
    }

    /// kube-public/cluster-info with its Role and RoleBinding: the kubeconfig carries the CA (base64 of ca.crt's
    /// PEM) and the control-plane endpoint.
    public func clusterInfo(certificateAuthorityData: String) throws(TemplateError) -> String {
        try templates.render("cluster-info.yaml", ["certificateAuthorityData": certificateAuthorityData, "server": controlPlaneURL])
    }

    /// The KubeProxyConfiguration (the kube-proxy ConfigMap's config.conf, and the binary-mode config file),
    /// with a KubeProxyConfiguration document from the config file merged over it.
    public func kubeProxyConfiguration(kubeconfig: String = "/var/lib/kube-proxy/kubeconfig.conf") throws(TemplateError) -> String {
        var context: [String: Any] = ["kubeconfig": YAMLValue.quoted(kubeconfig)]
        let podSubnet = config.clusterConfiguration.networking.podSubnet
        if !podSubnet.isEmpty { context["clusterCIDR"] = YAMLValue.quoted(podSubnet) }
        let rendered = try templates.render("kube-proxy-config.yaml", context)
        guard let user = config.kubeProxyConfiguration else { return rendered }
        return try Self.overlay(user, on: rendered, template: "kube-proxy-config.yaml")
    }

    /// `https://` + controlPlaneEndpoint (bindPort added when it has no port), or the local advertise endpoint.
    public var controlPlaneURL: String {
        let endpoint = config.initConfiguration.localAPIEndpoint
        let cpe = config.clusterConfiguration.controlPlaneEndpoint
        if cpe.isEmpty { return "https://\(IPAddress.joinHostPort(endpoint.advertiseAddress, endpoint.bindPort))" }
        let hasPort = cpe.hasPrefix("[") ? cpe.contains("]:") : cpe.filter { $0 == ":" }.count == 1
        return hasPort ? "https://\(cpe)" : "https://\(IPAddress.joinHostPort(cpe, endpoint.bindPort))"
    }

    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0).map(String.init)
    }

    // MARK: - pod network

    public static let cniConfigPath = "/etc/cni/net.d/10-kubeforge-bridge.conflist"

    /// kubeforge's bridge network for one node: a CNI conflist (bridge with host-local addresses from the
    /// node's podCIDR, portmap) for containerd, which finds the plugins in /opt/cni/bin.
    public func bridgeNetwork(podCIDR: String) throws(TemplateError) -> String {
        try templates.render("10-kubeforge-bridge.conflist", [
            "podCIDR": podCIDR, "defaultRoute": podCIDR.contains(":") ? "::/0" : "0.0.0.0/0",
        ])
    }

    // MARK: - everything

    /// Every host file (static Pods and binary-mode units both) plus the API objects under `api/<name>.yaml`;
    /// what the golden tests compare.
    public func renderAll() throws(TemplateError) -> [String: String] {
        var files = try controlPlanePhase("all")
        files.merge(try etcdLocalPhase()) { $1 }
        files.merge(try systemdUnits()) { $1 }
        files.merge(try kubeletFiles()) { $1 }
        files.merge(try nodePreparationFiles()) { $1 }
        for (name, yaml) in try clusterObjects() { files["api/\(name).yaml"] = yaml }
        return files
    }
}
