/// A value and where it was written, so checks after parsing can still name a line.
struct Located<Value: Sendable>: Sendable {
    var value: Value
    var location: SourceLocation

    init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// The inventory as written (YAML, or imported from Ansible INI), before defaults, ranges and checks.
/// Both readers produce this shape so that `InventoryValidator` is the single place rules live.
struct InventoryDocument: Sendable {
    var location: SourceLocation
    var apiVersion: Located<String>?
    var kind: Located<String>?
    var cluster = ClusterDocument()
    var ssh = SSHDocument()
    var hosts: [HostDocument] = []
    /// Where `hosts:` was written (or the document start when it is missing).
    var hostsLocation: SourceLocation?

    init(location: SourceLocation) {
        self.location = location
    }
}

struct ClusterDocument: Sendable {
    var name: Located<String>?
    var kubernetesVersion: Located<String>?
    var controlPlaneEndpoint: Located<String>?
    var podSubnet: Located<String>?
    var serviceSubnet: Located<String>?
    var dnsDomain: Located<String>?
    var imageRepository: Located<String>?
    var controlPlaneMode: Located<String>?
    var firewall: Located<String>?
    var binariesLocation: SourceLocation?
    var binariesDir: Located<String>?
    var binariesBaseURL: Located<String>?
    var ntpServers: [Located<String>]?
    var registryMirrors: [Located<String>]?
    var kubeletExtraArgs: [KubeletArgDocument]?
    var networkPlugin: Located<String>?
    var addons: [AddonDocument]?

    var isEmpty: Bool {
        name == nil && kubernetesVersion == nil && controlPlaneEndpoint == nil && podSubnet == nil
            && serviceSubnet == nil && dnsDomain == nil && imageRepository == nil && controlPlaneMode == nil
            && firewall == nil
            && binariesLocation == nil && ntpServers == nil && registryMirrors == nil && kubeletExtraArgs == nil
            && networkPlugin == nil && addons == nil
    }
}

/// One `addons:` entry as written: a bare path or URL, or `{file|url: …, sha256: …}`.
struct AddonDocument: Sendable {
    var location: SourceLocation
    var path: String
    var file: Located<String>?
    var url: Located<String>?
    var sha256: Located<String>?
}

/// One `flag: value` pair of a `kubeletExtraArgs:` mapping, as written.
struct KubeletArgDocument: Sendable {
    var name: Located<String>
    var value: Located<String>
}

struct SSHDocument: Sendable {
    var user: Located<String>?
    var port: Located<String>?
    var identityFile: Located<String>?
    var knownHostsFile: Located<String>?
    var hostKeyPolicy: Located<String>?
    var bastion: BastionDocument?
    var sudo: Located<Bool>?
    var password: Located<String>?

    var isEmpty: Bool {
        user == nil && port == nil && identityFile == nil && knownHostsFile == nil && hostKeyPolicy == nil
            && bastion == nil && sudo == nil && password == nil
    }
}

/// `bastion:` as written; `disabled` is an explicit `bastion: null` in a host's block.
enum BastionDocument: Sendable {
    case disabled(SourceLocation)
    case jump(Jump)

    struct Jump: Sendable {
        var location: SourceLocation
        var address: Located<String>?
        var port: Located<String>?
        var user: Located<String>?
        var identityFile: Located<String>?
    }
}

struct HostDocument: Sendable {
    var location: SourceLocation
    /// `hosts[3]`, for messages.
    var path: String
    var name: Located<String>?
    var address: Located<String>?
    var internalAddress: Located<String>?
    var roles: [Located<String>]?
    var rolesLocation: SourceLocation?
    var ssh = SSHDocument()
    var kubeletExtraArgs: [KubeletArgDocument]?
}
