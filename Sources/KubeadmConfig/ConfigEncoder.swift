import KubeTypes

/// Writes configurations back as kubeadm does (`config print`, the kubeadm-config ConfigMap): zero-valued
/// fields omitted, the empty component structs kept as `{}`.
public enum ConfigEncoder {
    /// The ClusterConfiguration document in `apiVersion`'s shape.
    public static func clusterConfiguration(_ c: ClusterConfiguration, as apiVersion: KubeadmAPIVersion, timeoutForControlPlane: GoDuration = .minutes(4)) -> YAMLValue {
        let v4 = apiVersion == .v1beta4
        var doc: [String: YAMLValue] = [
            "apiVersion": .string(apiVersion.rawValue),
            "kind": .string("ClusterConfiguration"),
            "certificatesDir": .string(c.certificatesDir),
            "clusterName": .string(c.clusterName),
            "imageRepository": .string(c.imageRepository),
            "kubernetesVersion": .string(c.kubernetesVersion),
            "controllerManager": component(c.controllerManager, v4),
            "scheduler": component(c.scheduler, v4),
        ]
        var apiServer = componentFields(c.apiServer.component, v4)
        if !c.apiServer.certSANs.isEmpty { apiServer["certSANs"] = .list(c.apiServer.certSANs.map(YAMLValue.string)) }
        if !v4 { apiServer["timeoutForControlPlane"] = .string((c.apiServer.timeoutForControlPlane ?? timeoutForControlPlane).description) }
        doc["apiServer"] = .map(apiServer)
        if !c.controlPlaneEndpoint.isEmpty { doc["controlPlaneEndpoint"] = .string(c.controlPlaneEndpoint) }
        var networking: [String: YAMLValue] = ["dnsDomain": .string(c.networking.dnsDomain), "serviceSubnet": .string(c.networking.serviceSubnet)]
        if !c.networking.podSubnet.isEmpty { networking["podSubnet"] = .string(c.networking.podSubnet) }
        doc["networking"] = .map(networking)
        var dns: [String: YAMLValue] = [:]
        if !c.dns.imageRepository.isEmpty { dns["imageRepository"] = .string(c.dns.imageRepository) }
        if !c.dns.imageTag.isEmpty { dns["imageTag"] = .string(c.dns.imageTag) }
        if v4, c.dns.disabled { dns["disabled"] = .bool(true) }
        doc["dns"] = .map(dns)
        if let local = c.etcd.local {
            var fields: [String: YAMLValue] = ["dataDir": .string(local.dataDir)]
            if !local.imageRepository.isEmpty { fields["imageRepository"] = .string(local.imageRepository) }
            if !local.imageTag.isEmpty { fields["imageTag"] = .string(local.imageTag) }
            if !local.extraArgs.isEmpty { fields["extraArgs"] = args(local.extraArgs, v4) }
            if v4, !local.extraEnvs.isEmpty { fields["extraEnvs"] = envs(local.extraEnvs) }
            if !local.serverCertSANs.isEmpty { fields["serverCertSANs"] = .list(local.serverCertSANs.map(YAMLValue.string)) }
            if !local.peerCertSANs.isEmpty { fields["peerCertSANs"] = .list(local.peerCertSANs.map(YAMLValue.string)) }
            doc["etcd"] = .map(["local": .map(fields)])
        } else if let external = c.etcd.external {
            var fields: [String: YAMLValue] = ["endpoints": .list(external.endpoints.map(YAMLValue.string))]
            if !external.caFile.isEmpty { fields["caFile"] = .string(external.caFile) }
            if !external.certFile.isEmpty { fields["certFile"] = .string(external.certFile) }
            if !external.keyFile.isEmpty { fields["keyFile"] = .string(external.keyFile) }
            doc["etcd"] = .map(["external": .map(fields)])
        }
        if !c.featureGates.isEmpty { doc["featureGates"] = .map(c.featureGates.mapValues(YAMLValue.bool)) }
        if v4 {
            doc["proxy"] = .map(c.proxy.disabled ? ["disabled": .bool(true)] : [:])
            doc["encryptionAlgorithm"] = .string(c.encryptionAlgorithm.rawValue)
            doc["certificateValidityPeriod"] = .string(c.certificateValidityPeriod.description)
            doc["caCertificateValidityPeriod"] = .string(c.caCertificateValidityPeriod.description)
        }
        return .map(doc)
    }

    /// The InitConfiguration document in `apiVersion`'s shape.
    public static func initConfiguration(_ c: InitConfiguration, as apiVersion: KubeadmAPIVersion) -> YAMLValue {
        let v4 = apiVersion == .v1beta4
        var doc: [String: YAMLValue] = [
            "apiVersion": .string(apiVersion.rawValue),
            "kind": .string("InitConfiguration"),
            "localAPIEndpoint": .map([
                "advertiseAddress": .string(c.localAPIEndpoint.advertiseAddress),
                "bindPort": .int(c.localAPIEndpoint.bindPort),
            ]),
            "nodeRegistration": nodeRegistration(c.nodeRegistration, v4),
        ]
        if !c.bootstrapTokens.isEmpty {
            doc["bootstrapTokens"] = .list(c.bootstrapTokens.map { token in
                var fields: [String: YAMLValue] = [
                    "token": .string(token.token),
                    "usages": .list(token.usages.map(YAMLValue.string)),
                    "groups": .list(token.groups.map(YAMLValue.string)),
                ]
                if let ttl = token.ttl { fields["ttl"] = .string(ttl.description) }
                if !token.description.isEmpty { fields["description"] = .string(token.description) }
                if !token.expires.isEmpty { fields["expires"] = .string(token.expires) }
                return .map(fields)
            })
        }
        if !c.certificateKey.isEmpty { doc["certificateKey"] = .string(c.certificateKey) }
        if !c.skipPhases.isEmpty { doc["skipPhases"] = .list(c.skipPhases.map(YAMLValue.string)) }
        if !c.patchesDirectory.isEmpty { doc["patches"] = .map(["directory": .string(c.patchesDirectory)]) }
        if v4 {
            doc["timeouts"] = timeouts(c.timeouts)
            if c.dryRun { doc["dryRun"] = .bool(true) }
        }
        return .map(doc)
    }

    /// `kubeadm config print init-defaults` for `version` (v1beta4 from v1.31, v1beta3 before), with its placeholders.
    public static func initDefaults(for version: KubernetesVersion) -> String {
        let apiVersion: KubeadmAPIVersion = version.isAtLeast(minor: 31) ? .v1beta4 : .v1beta3
        var initConfig = InitConfiguration()
        var token = BootstrapToken()
        token.token = "abcdef.0123456789abcdef"
        initConfig.bootstrapTokens = [token]
        initConfig.localAPIEndpoint = APIEndpoint(advertiseAddress: "1.2.3.4", bindPort: 6443)
        initConfig.nodeRegistration.name = "node"
        var cluster = ClusterConfiguration()
        cluster.kubernetesVersion = "\(version.major).\(version.minor).0"
        return initConfiguration(initConfig, as: apiVersion).render() + "---\n" + clusterConfiguration(cluster, as: apiVersion).render()
    }

    private static func componentFields(_ component: ControlPlaneComponent, _ v4: Bool) -> [String: YAMLValue] {
        var fields: [String: YAMLValue] = [:]
        if !component.extraArgs.isEmpty { fields["extraArgs"] = args(component.extraArgs, v4) }
        if v4, !component.extraEnvs.isEmpty { fields["extraEnvs"] = envs(component.extraEnvs) }
        if !component.extraVolumes.isEmpty {
            fields["extraVolumes"] = .list(component.extraVolumes.map { volume in
                var entry: [String: YAMLValue] = [
                    "name": .string(volume.name), "hostPath": .string(volume.hostPath), "mountPath": .string(volume.mountPath),
                ]
                if volume.readOnly { entry["readOnly"] = .bool(true) }
                if !volume.pathType.isEmpty { entry["pathType"] = .string(volume.pathType) }
                return .map(entry)
            })
        }
        return fields
    }

    private static func component(_ component: ControlPlaneComponent, _ v4: Bool) -> YAMLValue {
        .map(componentFields(component, v4))
    }

    private static func args(_ args: [Arg], _ v4: Bool) -> YAMLValue {
        if v4 { return .list(args.map { .map(["name": .string($0.name), "value": .string($0.value)]) }) }
        return .map(Dictionary(args.map { ($0.name, YAMLValue.string($0.value)) }, uniquingKeysWith: { _, last in last }))
    }

    private static func envs(_ envs: [EnvVar]) -> YAMLValue {
        .list(envs.map { .map(["name": .string($0.name), "value": .string($0.value)]) })
    }

    private static func nodeRegistration(_ n: NodeRegistration, _ v4: Bool) -> YAMLValue {
        var fields: [String: YAMLValue] = [
            "criSocket": .string(n.criSocket),
            "imagePullPolicy": .string(n.imagePullPolicy),
            "name": .string(n.name),
            "taints": n.taints.map { taints in
                .list(taints.map { taint in
                    var entry: [String: YAMLValue] = ["key": .string(taint.key), "effect": .string(taint.effect)]
                    if !taint.value.isEmpty { entry["value"] = .string(taint.value) }
                    return .map(entry)
                })
            } ?? .null,
        ]
        if v4 { fields["imagePullSerial"] = .bool(n.imagePullSerial) }
        if !n.kubeletExtraArgs.isEmpty { fields["kubeletExtraArgs"] = args(n.kubeletExtraArgs, v4) }
        if !n.ignorePreflightErrors.isEmpty { fields["ignorePreflightErrors"] = .list(n.ignorePreflightErrors.map(YAMLValue.string)) }
        return .map(fields)
    }

    private static func timeouts(_ t: Timeouts) -> YAMLValue {
        .map([
            "controlPlaneComponentHealthCheck": .string(t.controlPlaneComponentHealthCheck.description),
            "discovery": .string(t.discovery.description),
            "etcdAPICall": .string(t.etcdAPICall.description),
            "kubeletHealthCheck": .string(t.kubeletHealthCheck.description),
            "kubernetesAPICall": .string(t.kubernetesAPICall.description),
            "tlsBootstrap": .string(t.tlsBootstrap.description),
            "upgradeManifests": .string(t.upgradeManifests.description),
        ])
    }
}
