import KubeadmConfig
import KubeTypes

/// Each control-plane component's command-line flags, computed as kubeadm does (phases/controlplane/manifests.go,
/// phases/etcd/local.go): a list of defaults merged with the configuration's extraArgs (an extraArg removes every
/// default of the same name), sorted by name.
public enum ComponentFlags {
    /// The kubeconfig files live in the fixed KubernetesDir, whatever `--kubeconfig-dir` says (as in kubeadm).
    static let kubernetesDir = "/etc/kubernetes"

    public static func flags(for component: ControlPlaneComponentName, config: KubeadmConfiguration, options: RenderOptions = .init()) -> [Arg] {
        switch component {
        case .apiServer: apiServer(config)
        case .controllerManager: controllerManager(config, externalCA: options.externalCA)
        case .scheduler: scheduler(config)
        case .etcd: etcd(config, existingMembers: options.etcdExistingMembers)
        }
    }

    public static func apiServer(_ config: KubeadmConfiguration) -> [Arg] {
        let c = config.clusterConfiguration
        let endpoint = config.initConfiguration.localAPIEndpoint
        let pki = c.certificatesDir
        var defaults = [
            Arg("advertise-address", endpoint.advertiseAddress),
            Arg("allow-privileged", "true"),
            Arg("client-ca-file", "\(pki)/ca.crt"),
            Arg("enable-admission-plugins", "NodeRestriction"),
            Arg("enable-bootstrap-token-auth", "true"),
            Arg("kubelet-client-certificate", "\(pki)/apiserver-kubelet-client.crt"),
            Arg("kubelet-client-key", "\(pki)/apiserver-kubelet-client.key"),
            Arg("kubelet-preferred-address-types", "InternalIP,ExternalIP,Hostname"),
            Arg("proxy-client-cert-file", "\(pki)/front-proxy-client.crt"),
            Arg("proxy-client-key-file", "\(pki)/front-proxy-client.key"),
            Arg("requestheader-allowed-names", "front-proxy-client"),
            Arg("requestheader-client-ca-file", "\(pki)/front-proxy-ca.crt"),
            Arg("requestheader-extra-headers-prefix", "X-Remote-Extra-"),
            Arg("requestheader-group-headers", "X-Remote-Group"),
            Arg("requestheader-username-headers", "X-Remote-User"),
            Arg("secure-port", String(endpoint.bindPort)),
            Arg("service-account-issuer", "https://kubernetes.default.svc.\(c.networking.dnsDomain)"),
            Arg("service-account-key-file", "\(pki)/sa.pub"),
            Arg("service-account-signing-key-file", "\(pki)/sa.key"),
            Arg("service-cluster-ip-range", c.networking.serviceSubnet),
            Arg("tls-cert-file", "\(pki)/apiserver.crt"),
            Arg("tls-private-key-file", "\(pki)/apiserver.key"),
        ]
        // An authorization config file replaces the mode flag entirely.
        if c.apiServer.component.extraArgs.value(of: "authorization-config") == nil {
            defaults.append(Arg("authorization-mode", "Node,RBAC"))
        }
        if let external = c.etcd.external {
            defaults.append(Arg("etcd-servers", external.endpoints.joined(separator: ",")))
            if !external.caFile.isEmpty { defaults.append(Arg("etcd-cafile", external.caFile)) }
            if !external.certFile.isEmpty { defaults.append(Arg("etcd-certfile", external.certFile)) }
            if !external.keyFile.isEmpty { defaults.append(Arg("etcd-keyfile", external.keyFile)) }
        } else {
            let loopback = IPAddress(endpoint.advertiseAddress)?.isIPv6 == true ? "::1" : "127.0.0.1"
            let servers = c.etcd.local?.extraArgs.value(of: "advertise-client-urls")
                ?? "https://\(IPAddress.joinHostPort(loopback, 2379))"
            defaults += [
                Arg("etcd-servers", servers),
                Arg("etcd-cafile", "\(pki)/etcd/ca.crt"),
                Arg("etcd-certfile", "\(pki)/apiserver-etcd-client.crt"),
                Arg("etcd-keyfile", "\(pki)/apiserver-etcd-client.key"),
            ]
        }
        return .merging(defaults: defaults, overrides: c.apiServer.component.extraArgs)
    }

    public static func controllerManager(_ config: KubeadmConfiguration, externalCA: Bool = false) -> [Arg] {
        let c = config.clusterConfiguration
        let pki = c.certificatesDir
        let kubeconfig = "\(kubernetesDir)/controller-manager.conf"
        var defaults = [
            Arg("authentication-kubeconfig", kubeconfig),
            Arg("authorization-kubeconfig", kubeconfig),
            Arg("bind-address", "127.0.0.1"),
            Arg("client-ca-file", "\(pki)/ca.crt"),
            Arg("cluster-signing-cert-file", externalCA ? "" : "\(pki)/ca.crt"),
            Arg("cluster-signing-key-file", externalCA ? "" : "\(pki)/ca.key"),
            Arg("controllers", "*,bootstrapsigner,tokencleaner"),
            Arg("kubeconfig", kubeconfig),
            Arg("leader-elect", "true"),
            Arg("requestheader-client-ca-file", "\(pki)/front-proxy-ca.crt"),
            Arg("root-ca-file", "\(pki)/ca.crt"),
            Arg("service-account-private-key-file", "\(pki)/sa.key"),
            Arg("use-service-account-credentials", "true"),
        ]
        if !c.clusterName.isEmpty { defaults.append(Arg("cluster-name", c.clusterName)) }
        if !c.networking.podSubnet.isEmpty {
            defaults += [
                Arg("allocate-node-cidrs", "true"),
                Arg("cluster-cidr", c.networking.podSubnet),
                Arg("service-cluster-ip-range", c.networking.serviceSubnet),
            ]
        }
        return .merging(defaults: defaults, overrides: c.controllerManager.extraArgs)
    }

    public static func scheduler(_ config: KubeadmConfiguration) -> [Arg] {
        let kubeconfig = "\(kubernetesDir)/scheduler.conf"
        let defaults = [
            Arg("authentication-kubeconfig", kubeconfig),
            Arg("authorization-kubeconfig", kubeconfig),
            Arg("bind-address", "127.0.0.1"),
            Arg("kubeconfig", kubeconfig),
            Arg("leader-elect", "true"),
        ]
        return .merging(defaults: defaults, overrides: config.clusterConfiguration.scheduler.extraArgs)
    }

    /// Local etcd; `existingMembers` non-empty means this member joins them (`--initial-cluster-state=existing`).
    public static func etcd(_ config: KubeadmConfiguration, existingMembers: [EtcdMember] = []) -> [Arg] {
        let c = config.clusterConfiguration
        let local = c.etcd.local ?? ClusterConfiguration.LocalEtcd()
        let address = config.initConfiguration.localAPIEndpoint.advertiseAddress
        let name = config.initConfiguration.nodeRegistration.name
        let loopback = IPAddress(address)?.isIPv6 == true ? "::1" : "127.0.0.1"
        let etcdPKI = "\(c.certificatesDir)/etcd"
        let clientURL = "https://\(IPAddress.joinHostPort(address, 2379))"
        let peerURL = "https://\(IPAddress.joinHostPort(address, 2380))"
        var defaults = [
            Arg("advertise-client-urls", clientURL),
            Arg("cert-file", "\(etcdPKI)/server.crt"),
            Arg("client-cert-auth", "true"),
            Arg("data-dir", local.dataDir),
            Arg("experimental-initial-corrupt-check", "true"),
            Arg("experimental-watch-progress-notify-interval", "5s"),
            Arg("initial-advertise-peer-urls", peerURL),
            Arg("key-file", "\(etcdPKI)/server.key"),
            Arg("listen-client-urls", "https://\(IPAddress.joinHostPort(loopback, 2379)),\(clientURL)"),
            Arg("listen-metrics-urls", "http://\(IPAddress.joinHostPort(loopback, 2381))"),
            Arg("listen-peer-urls", peerURL),
            Arg("name", name),
            Arg("peer-cert-file", "\(etcdPKI)/peer.crt"),
            Arg("peer-client-cert-auth", "true"),
            Arg("peer-key-file", "\(etcdPKI)/peer.key"),
            Arg("peer-trusted-ca-file", "\(etcdPKI)/ca.crt"),
            Arg("snapshot-count", "10000"),
            Arg("trusted-ca-file", "\(etcdPKI)/ca.crt"),
        ]
        if existingMembers.isEmpty {
            defaults.append(Arg("initial-cluster", "\(name)=\(peerURL)"))
        } else {
            var members = existingMembers.filter { $0.name != name }
            members.append(EtcdMember(name: name, peerURL: peerURL))
            defaults.append(Arg("initial-cluster", members.map { "\($0.name)=\($0.peerURL)" }.joined(separator: ",")))
            defaults.append(Arg("initial-cluster-state", "existing"))
        }
        return .merging(defaults: defaults, overrides: local.extraArgs)
    }
}
