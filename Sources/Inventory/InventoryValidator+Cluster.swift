import KubeTypes

/// The `cluster:` block: versions, endpoint, networks and kubeadm's limits on them.
extension InventoryValidator {
    /// Parsed networks, kept for the host-address checks.
    struct ClusterNetworks {
        var pod: [Located<IPNetwork>] = []
        var service: [Located<IPNetwork>] = []
        /// No serviceSubnet was written: `service` holds kubeadm's default.
        var serviceIsDefault = false
    }

    struct ValidatedCluster {
        var settings = ClusterSettings()
        var networks = ClusterNetworks()
    }

    /// kube-controller-manager's default per-node pod CIDR mask (kubeadm getClusterNodeMask).
    static let nodeMaskIPv4 = 24
    static let nodeMaskIPv6 = 64
    /// kubeadm constants: MaximumBitsForServiceSubnet, MinimumAddressesInServiceSubnet,
    /// MinimumAddressesInPodSubnet, PodSubnetNodeMaskMaxDiff.
    static let maximumServiceSubnetHostBits = 20
    static let minimumServiceSubnetAddresses = 10
    static let minimumPodSubnetAddresses = 14
    static let podSubnetNodeMaskMaxDifference = 16

    mutating func validateCluster(_ cluster: ClusterDocument, document: InventoryDocument) -> ValidatedCluster {
        var result = ValidatedCluster()
        if let name = cluster.name {
            if DNSName.isSubdomain(name.value) {
                result.settings.name = name.value
            } else {
                error(at: name.location, "cluster.name \"\(name.value.prefix(80))\" is not a valid DNS-1123 name",
                      fix: "use lowercase letters, digits, '-' and '.', e.g. \"\(DNSName.suggestion(for: name.value))\"")
            }
        }
        if let version = cluster.kubernetesVersion {
            if let parsed = KubernetesVersion(version.value) {
                result.settings.kubernetesVersion = parsed.description
            } else {
                error(at: version.location, "cluster.kubernetesVersion \"\(version.value.prefix(80))\" is not a Kubernetes release version",
                      fix: "write the full version with major, minor and patch, e.g. v1.28.0")
            }
        }
        if let endpoint = cluster.controlPlaneEndpoint {
            if let parsed = Endpoint(endpoint.value, defaultPort: ClusterSettings.defaultAPIServerPort) {
                result.settings.controlPlaneEndpoint = parsed.description
            } else {
                error(at: endpoint.location,
                      "cluster.controlPlaneEndpoint \"\(endpoint.value.prefix(80))\" is neither an IP address nor a host name (with an optional :port)",
                      fix: "write host[:port], e.g. k8s-master:6443, 192.168.2.200:6443 or [fd00::10]:6443")
            }
        }
        validateNetworking(cluster, document: document, into: &result)
        if let repository = cluster.imageRepository {
            let text = repository.value
            if text.isEmpty || text.contains(where: { $0 == " " || $0 == "\t" }) || text.contains("://") || text.hasSuffix("/") {
                error(at: repository.location, "cluster.imageRepository \"\(text.prefix(80))\" is not an image repository",
                      fix: "write a registry path without scheme or trailing slash, e.g. registry.aliyuncs.com/google_containers")
            } else {
                result.settings.imageRepository = text
            }
        }
        if let mode = cluster.controlPlaneMode,
           let parsed: ClusterSettings.ControlPlaneMode = choice(mode, field: "cluster.controlPlaneMode", isNot: "a control-plane mode") {
            result.settings.controlPlaneMode = parsed
        }
        if let policy = cluster.firewall,
           let parsed: ClusterSettings.FirewallPolicy = choice(policy, field: "cluster.firewall", isNot: "a firewall policy") {
            result.settings.firewall = parsed
        }
        if let plugin = cluster.networkPlugin,
           let parsed: ClusterSettings.NetworkPlugin = choice(plugin, field: "cluster.network.plugin", isNot: "a network plugin") {
            result.settings.networkPlugin = parsed
            if parsed == .bridge, cluster.podSubnet == nil {
                error(at: plugin.location, "cluster.network.plugin bridge needs cluster.networking.podSubnet: each node's pod range is cut from it",
                      fix: "add networking: {podSubnet: 10.244.0.0/16} under cluster")
            }
        }
        result.settings.binaries = validateBinaries(cluster)
        result.settings.addons = (cluster.addons ?? []).compactMap { validateAddon($0) }
        for server in cluster.ntpServers ?? [] {
            if isAddressOrHostName(server.value) {
                result.settings.ntpServers.append(server.value)
            } else {
                error(at: server.location, "cluster.ntpServers entry \"\(server.value.prefix(80))\" is neither an IP address nor a host name",
                      fix: "write a server such as ntp.aliyun.com or 192.168.2.1")
            }
        }
        result.settings.kubeletExtraArgs = validateKubeletArgs(cluster.kubeletExtraArgs, path: "cluster.kubeletExtraArgs")
        for mirror in cluster.registryMirrors ?? [] {
            if isHTTPURL(mirror.value) {
                result.settings.registryMirrors.append(mirror.value)
            } else {
                error(at: mirror.location, "cluster.registryMirrors entry \"\(mirror.value.prefix(80))\" is not an http(s) URL",
                      fix: "write the mirror with its scheme, e.g. https://docker.m.daocloud.io")
            }
        }
        return result
    }

    private mutating func validateNetworking(_ cluster: ClusterDocument, document: InventoryDocument, into result: inout ValidatedCluster) {
        if let domain = cluster.dnsDomain {
            if DNSName.isSubdomain(domain.value) {
                result.settings.networking.dnsDomain = domain.value
            } else {
                error(at: domain.location, "cluster.networking.dnsDomain \"\(domain.value.prefix(80))\" is not a valid DNS-1123 domain",
                      fix: "use lowercase labels separated by dots, e.g. cluster.local")
            }
        }
        if let service = cluster.serviceSubnet {
            let networks = parseSubnets(service, field: "serviceSubnet")
            for network in networks { checkServiceSubnetSize(network) }
            result.networks.service = networks
            if !networks.isEmpty { result.settings.networking.serviceSubnet = networks.map(\.value.description).joined(separator: ",") }
        } else if let network = IPNetwork(ClusterSettings.Networking.defaultServiceSubnet) {
            result.networks.service = [Located(network, at: document.location)]
            result.networks.serviceIsDefault = true
        }
        if let pod = cluster.podSubnet {
            let networks = parseSubnets(pod, field: "podSubnet")
            for network in networks { checkPodSubnetSize(network) }
            result.networks.pod = networks
            if !networks.isEmpty { result.settings.networking.podSubnet = networks.map(\.value.description).joined(separator: ",") }
        }
        for pod in result.networks.pod {
            for service in result.networks.service where pod.value.overlaps(service.value) {
                let serviceWhere = cluster.serviceSubnet == nil ? "the default serviceSubnet" : "serviceSubnet \(service.value) (line \(service.location.line))"
                error(at: pod.location, "podSubnet \(pod.value) overlaps \(serviceWhere)",
                      fix: "give pods and services separate ranges, e.g. podSubnet 10.244.0.0/16 with serviceSubnet 10.96.0.0/12")
            }
        }
    }

    /// One CIDR, or two of different families (dual-stack), comma-separated as kubeadm takes them.
    private mutating func parseSubnets(_ value: Located<String>, field: String) -> [Located<IPNetwork>] {
        let parts = value.value.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        var networks: [Located<IPNetwork>] = []
        for part in parts {
            guard let network = IPNetwork(part) else {
                error(at: value.location, "cluster.networking.\(field) \"\(part.prefix(80))\" is not a CIDR",
                      fix: "write an address with a prefix length, e.g. \(field == "podSubnet" ? "10.244.0.0/16" : "10.96.0.0/12")")
                return []
            }
            if network.hadHostBits {
                warning(at: value.location, "cluster.networking.\(field) \"\(part.prefix(80))\" has host bits set; it means \(network)",
                        fix: "write the network address, \(network)")
            }
            networks.append(Located(network, at: value.location))
        }
        let isDualStack = networks.count == 2 && networks[0].value.isIPv4 != networks[1].value.isIPv4
        if networks.count > 2 || networks.count == 2 && !isDualStack {
            error(at: value.location, "cluster.networking.\(field) lists \(networks.count) CIDRs",
                  fix: "give one CIDR, or two for dual-stack (one IPv4 and one IPv6)")
            return []
        }
        return networks
    }

    private mutating func checkServiceSubnetSize(_ network: Located<IPNetwork>) {
        let subnet = network.value
        let bits = subnet.network.bitCount
        if subnet.hostBits > Self.maximumServiceSubnetHostBits {
            error(at: network.location,
                  "serviceSubnet \(subnet) is too large: kubeadm allows at most \(Self.maximumServiceSubnetHostBits) host bits, so for \(bits)-bit addresses the mask must be >= \(bits - Self.maximumServiceSubnetHostBits)",
                  fix: "use a /\(bits - Self.maximumServiceSubnetHostBits) or smaller block, e.g. \(subnet.isIPv4 ? "10.96.0.0/12" : "fd00:10:96::/112")")
        } else if subnet.size < Self.minimumServiceSubnetAddresses {
            error(at: network.location,
                  "serviceSubnet \(subnet) is too small: it has \(subnet.size) addresses and kubeadm needs at least \(Self.minimumServiceSubnetAddresses) (the cluster DNS Service takes the 10th)",
                  fix: "use a /\(bits - 4) or larger block, e.g. \(subnet.isIPv4 ? "10.96.0.0/12" : "fd00:10:96::/112")")
        }
    }

    private mutating func checkPodSubnetSize(_ network: Located<IPNetwork>) {
        let subnet = network.value
        let nodeMask = subnet.isIPv4 ? Self.nodeMaskIPv4 : Self.nodeMaskIPv6
        if subnet.size < Self.minimumPodSubnetAddresses {
            error(at: network.location,
                  "podSubnet \(subnet) is too small: it has \(subnet.size) addresses and kubeadm needs at least \(Self.minimumPodSubnetAddresses)",
                  fix: "use a block of /\(nodeMask) or larger, e.g. 10.244.0.0/16")
        } else if subnet.prefixLength > nodeMask {
            error(at: network.location,
                  "podSubnet \(subnet) is smaller than the /\(nodeMask) block every node is given by kube-controller-manager",
                  fix: "use a /\(nodeMask) or larger block, e.g. \(subnet.isIPv4 ? "10.244.0.0/16" : "fd00:10:244::/56")")
        } else if nodeMask - subnet.prefixLength > Self.podSubnetNodeMaskMaxDifference {
            error(at: network.location,
                  "podSubnet \(subnet) is too large: kubeadm allows at most \(Self.podSubnetNodeMaskMaxDifference) bits between its mask and the /\(nodeMask) node mask",
                  fix: "use a /\(nodeMask - Self.podSubnetNodeMaskMaxDifference) or smaller block, e.g. 10.244.0.0/16")
        }
    }

    private mutating func validateBinaries(_ cluster: ClusterDocument) -> ClusterSettings.BinarySource? {
        guard let location = cluster.binariesLocation else { return nil }
        switch (cluster.binariesDir, cluster.binariesBaseURL) {
        case (nil, nil):
            error(at: location, "cluster.binaries needs `dir` or `baseURL`",
                  fix: "write `binaries: {dir: ./bundle}` or `binaries: {baseURL: https://dl.k8s.io/release}`, or remove it")
        case (.some, .some(let url)):
            error(at: url.location, "cluster.binaries has both `dir` and `baseURL`", fix: "keep one of them")
        case (.some(let dir), nil):
            return expandPath(dir, field: "cluster.binaries.dir").map(ClusterSettings.BinarySource.directory)
        case (nil, .some(let url)):
            guard isHTTPURL(url.value) else {
                error(at: url.location, "cluster.binaries.baseURL \"\(url.value.prefix(80))\" is not an http(s) URL",
                      fix: "write it with its scheme, e.g. https://dl.k8s.io/release")
                return nil
            }
            return .baseURL(url.value)
        }
        return nil
    }

    private mutating func validateAddon(_ addon: AddonDocument) -> ClusterSettings.Addon? {
        let example = "write `- calico.yaml` for a file, or `- {url: https://…/calico.yaml, sha256: <sha256sum of it>}`"
        var sha256: String?
        if let digest = addon.sha256 {
            let hex = digest.value.lowercased()
            if hex.count == 64, hex.allSatisfy(\.isHexDigit) {
                sha256 = hex
            } else {
                error(at: digest.location, "\(addon.path).sha256 \"\(digest.value.prefix(80))\" is not a SHA-256 digest",
                      fix: "write the 64 hex digits `sha256sum FILE` prints")
            }
        }
        switch (addon.file, addon.url) {
        case (nil, nil):
            error(at: addon.location, "\(addon.path) names neither a file nor a url", fix: example)
        case (.some, .some(let url)):
            error(at: url.location, "\(addon.path) has both `file` and `url`", fix: "keep one of them")
        case (.some(let file), nil):
            guard let path = expandPath(file, field: "\(addon.path).file") else { return nil }
            if options.checkFiles, !options.fileExists(path) {
                error(at: file.location, "\(addon.path): manifest \(path) does not exist",
                      fix: "correct the path (relative paths start at the current directory)")
            }
            return ClusterSettings.Addon(.file(path), sha256: sha256)
        case (nil, .some(let url)):
            guard isHTTPURL(url.value) else {
                error(at: url.location, "\(addon.path) url \"\(url.value.prefix(80))\" is not an http(s) URL", fix: example)
                return nil
            }
            guard addon.sha256 != nil else {
                error(at: url.location, "\(addon.path) url \(url.value.prefix(120)) has no sha256: a fetched manifest is applied only when it is the one you reviewed",
                      fix: "write `- {url: \(url.value.prefix(120)), sha256: <64 hex digits>}` (sha256sum of the reviewed file)")
                return nil
            }
            return sha256.map { ClusterSettings.Addon(.url(url.value), sha256: $0) }
        }
        return nil
    }

    func isAddressOrHostName(_ text: String) -> Bool {
        IPAddress.looksLikeAddress(text) ? IPAddress(text) != nil : DNSName.isHostName(text)
    }

    private func isHTTPURL(_ text: String) -> Bool {
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) {
            let rest = text.dropFirst(scheme.count)
            let authority = rest.prefix { $0 != "/" }
            return !authority.isEmpty && !text.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" })
        }
        return false
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
