/// `ssh:` blocks: each one checked where it is written, then host blocks merged over the defaults.
extension InventoryValidator {
    /// The fields one `ssh:` block sets, already checked and expanded.
    struct SSHOverrides {
        var user: String?
        var port: Int?
        var identityFile: Located<String>?
        var knownHostsFile: Located<String>?
        var hostKeyPolicy: Located<SSHSettings.HostKeyPolicy>?
        var bastion: BastionOverride?
        var sudo: Bool?
        var password: String?
    }

    enum BastionOverride {
        case disabled
        case jump(address: String, port: Int?, user: String?, identityFile: Located<String>?)
    }

    mutating func resolveSSH(_ ssh: SSHDocument, path: String) -> SSHOverrides {
        var result = SSHOverrides()
        if let user = ssh.user {
            if isUserName(user.value) {
                result.user = user.value
            } else {
                error(at: user.location, "\(path).user \"\(user.value.prefix(80))\" is not a user name",
                      fix: "write a login name such as root or ubuntu (no spaces, ':' or '@')")
            }
        }
        if let port = ssh.port { result.port = checkPort(port, field: "\(path).port") }
        if let file = ssh.identityFile {
            result.identityFile = expandPath(file, field: "\(path).identityFile").map { Located($0, at: file.location) }
            if let expanded = result.identityFile { checkIdentityFile(expanded, field: "\(path).identityFile") }
        }
        if let file = ssh.knownHostsFile {
            result.knownHostsFile = expandPath(file, field: "\(path).knownHostsFile").map { Located($0, at: file.location) }
        }
        if let policy = ssh.hostKeyPolicy,
           let parsed: SSHSettings.HostKeyPolicy = choice(policy, field: "\(path).hostKeyPolicy", isNot: "a host key policy",
                                                         fix: "use strict (key must be in knownHostsFile) or accept-new (trust on first use); kubeforge never skips host key checks") {
            result.hostKeyPolicy = Located(parsed, at: policy.location)
        }
        if let sudo = ssh.sudo { result.sudo = sudo.value }
        if let password = ssh.password {
            result.password = password.value
            warning(at: password.location, "\(path).password keeps an SSH password in the inventory file",
                    fix: "remove it and export \(SSHSettings.passwordEnvironmentVariable) instead (`inventory show` masks it either way)")
        }
        switch ssh.bastion {
        case .none: break
        case .disabled: result.bastion = .disabled
        case .jump(let jump): result.bastion = resolveBastion(jump, path: "\(path).bastion")
        }
        return result
    }

    private mutating func resolveBastion(_ jump: BastionDocument.Jump, path: String) -> BastionOverride? {
        guard let address = jump.address else {
            error(at: jump.location, "\(path) has no address", fix: "add `address:` with the jump host's IP address or name")
            return nil
        }
        guard isAddressOrHostName(address.value) else {
            error(at: address.location, "\(path).address \"\(address.value.prefix(80))\" is neither an IP address nor a host name",
                  fix: "write the jump host's IP address or DNS name, e.g. 203.0.113.5")
            return nil
        }
        var user: String?
        if let written = jump.user {
            if isUserName(written.value) {
                user = written.value
            } else {
                error(at: written.location, "\(path).user \"\(written.value.prefix(80))\" is not a user name",
                      fix: "write a login name such as jump (no spaces, ':' or '@')")
            }
        }
        let port = jump.port.flatMap { checkPort($0, field: "\(path).port") }
        var identityFile: Located<String>?
        if let file = jump.identityFile {
            identityFile = expandPath(file, field: "\(path).identityFile").map { Located($0, at: file.location) }
            if let expanded = identityFile { checkIdentityFile(expanded, field: "\(path).identityFile") }
        }
        return .jump(address: address.value, port: port, user: user, identityFile: identityFile)
    }

    /// A host's block over the defaults over kubeforge's built-in values.
    mutating func mergeSSH(_ host: SSHOverrides, over defaults: SSHOverrides, fallbackLocation: SourceLocation) -> SSHSettings {
        var settings = SSHSettings()
        settings.user = host.user ?? defaults.user ?? SSHSettings.defaultUser
        settings.port = host.port ?? defaults.port ?? SSHSettings.defaultPort
        settings.identityFile = (host.identityFile ?? defaults.identityFile)?.value
        let knownHosts = host.knownHostsFile ?? defaults.knownHostsFile
        settings.knownHostsFile = knownHosts?.value ?? defaultKnownHostsFile
        let policy = host.hostKeyPolicy ?? defaults.hostKeyPolicy
        settings.hostKeyPolicy = policy?.value ?? .strict
        settings.sudo = host.sudo ?? defaults.sudo ?? false
        if let password = host.password ?? defaults.password ?? options.environment[SSHSettings.passwordEnvironmentVariable] {
            settings.password = SSHPassword(password)
        }
        switch host.bastion ?? defaults.bastion {
        case .none, .disabled?:
            settings.bastion = nil
        case .jump(let address, let port, let user, let identityFile)?:
            settings.bastion = SSHSettings.Bastion(address: address, port: port ?? SSHSettings.defaultPort,
                                                   user: user ?? settings.user,
                                                   identityFile: identityFile?.value ?? settings.identityFile)
        }
        if options.checkFiles, settings.hostKeyPolicy == .strict, !options.fileExists(settings.knownHostsFile) {
            warning(at: knownHosts?.location ?? policy?.location ?? fallbackLocation,
                    "known hosts file \(settings.knownHostsFile) does not exist, so with hostKeyPolicy strict every connection will be refused",
                    fix: "record the hosts' keys first (ssh-keyscan -H HOST >> \(settings.knownHostsFile)), or use hostKeyPolicy: accept-new")
        }
        return settings
    }

    private var defaultKnownHostsFile: String {
        (try? expander.expand(SSHSettings.defaultKnownHostsFile)) ?? SSHSettings.defaultKnownHostsFile
    }

    private mutating func checkIdentityFile(_ path: Located<String>, field: String) {
        guard options.checkFiles, !options.fileExists(path.value) else { return }
        let create = "correct the path (relative paths start at the current directory), or create a key with `ssh-keygen -t ed25519 -f \(path.value)`"
        switch options.missingIdentityFile {
        case .error:
            error(at: path.location, "\(field): identity file \(path.value) does not exist", fix: create)
        case .warning:
            warning(at: path.location,
                    "\(field): identity file \(path.value) does not exist on this machine; commands that connect to the hosts refuse it",
                    fix: "before connecting from here, copy the key to \(path.value), " + create)
        }
    }

    private mutating func checkPort(_ port: Located<String>, field: String) -> Int? {
        guard let value = Endpoint.port(port.value) else {
            error(at: port.location, "\(field) \"\(port.value.prefix(80))\" is not a TCP port", fix: "write a number from 1 to 65535, e.g. 22")
            return nil
        }
        return value
    }

    private func isUserName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64
            && !text.contains(where: { $0.isWhitespace || $0 == ":" || $0 == "@" || $0 == "/" || !$0.isASCII || $0.asciiValue.map { $0 < 32 } == true })
    }
}
