/// The field names each mapping of the inventory accepts, and what to suggest for a misspelt one.
enum InventorySchema {
    static let topLevel = ["apiVersion", "kind", "cluster", "ssh", "hosts"]
    static let cluster = [
        "name", "kubernetesVersion", "controlPlaneEndpoint", "networking", "imageRepository",
        "controlPlaneMode", "firewall", "binaries", "ntpServers", "registryMirrors", "kubeletExtraArgs", "network",
        "addons",
    ]
    static let addon = ["file", "url", "sha256"]
    static let network = ["plugin"]
    static let networking = ["podSubnet", "serviceSubnet", "dnsDomain"]
    static let binaries = ["dir", "baseURL"]
    static let ssh = ["user", "port", "identityFile", "knownHostsFile", "hostKeyPolicy", "bastion", "sudo", "password"]
    static let bastion = ["address", "port", "user", "identityFile"]
    static let host = ["name", "address", "internalAddress", "roles", "ssh", "kubeletExtraArgs"]

    /// Names other installers use for the same thing (k0sctl, KubeKey, RKE, kubeadm, Ansible).
    static let aliases: [String: String] = [
        "keyPath": "identityFile", "privateKeyPath": "identityFile", "ssh_key_path": "identityFile",
        "privateKey": "identityFile", "ansible_ssh_private_key_file": "identityFile", "key": "identityFile",
        "privateAddress": "internalAddress", "internal_address": "internalAddress", "internalIP": "internalAddress",
        "ip": "address", "host": "address", "hostname": "name", "role": "roles",
        "podCIDR": "podSubnet", "pod-network-cidr": "podSubnet", "podNetworkCIDR": "podSubnet",
        "serviceCIDR": "serviceSubnet", "service-cidr": "serviceSubnet",
        "version": "kubernetesVersion", "clusterName": "name", "passwd": "password",
        "become": "sudo", "knownHosts": "knownHostsFile", "known_hosts": "knownHostsFile",
        "strictHostKeyChecking": "hostKeyPolicy", "username": "user",
        "kubeletArgs": "kubeletExtraArgs", "kubeletFlags": "kubeletExtraArgs", "kubelet_extra_args": "kubeletExtraArgs",
        "kubelet_custom_flags": "kubeletExtraArgs",
        "manifests": "addons", "path": "file", "checksum": "sha256",
    ]

    /// The closest accepted name, or nil when nothing is close enough to be a plausible typo.
    static func suggestion(for key: String, among allowed: [String]) -> String? {
        if let alias = aliases[key], allowed.contains(alias) { return alias }
        let lowered = key.lowercased()
        if let sameLetters = allowed.first(where: { $0.lowercased() == lowered }) { return sameLetters }
        guard key.count <= 64 else { return nil }
        var best: (name: String, distance: Int)?
        for candidate in allowed {
            let distance = editDistance(lowered, candidate.lowercased())
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let tolerance = max(1, min(3, best.name.count / 3))
        return best.distance <= tolerance ? best.name : nil
    }

    /// Levenshtein distance; inputs are short field names.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
