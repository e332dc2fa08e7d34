/// How kubeforge reaches one host: the inventory's `ssh:` defaults merged with the host's own `ssh:` block.
public struct SSHSettings: Sendable, Equatable {
    public static let defaultUser = "root"
    public static let defaultPort = 22
    public static let defaultKnownHostsFile = "~/.ssh/known_hosts"
    /// The environment variable kubeforge reads a password from when the inventory has none.
    public static let passwordEnvironmentVariable = "KUBEFORGE_SSH_PASSWORD"

    public var user: String
    public var port: Int
    /// Absolute path after loading; nil means "use the agent / default keys".
    public var identityFile: String?
    /// Absolute path after loading.
    public var knownHostsFile: String
    public var hostKeyPolicy: HostKeyPolicy
    public var bastion: Bastion?
    /// Run commands through `sudo -n` (the user is not root).
    public var sudo: Bool
    public var password: SSHPassword?

    public init(
        user: String = SSHSettings.defaultUser,
        port: Int = SSHSettings.defaultPort,
        identityFile: String? = nil,
        knownHostsFile: String = SSHSettings.defaultKnownHostsFile,
        hostKeyPolicy: HostKeyPolicy = .strict,
        bastion: Bastion? = nil,
        sudo: Bool = false,
        password: SSHPassword? = nil
    ) {
        self.user = user
        self.port = port
        self.identityFile = identityFile
        self.knownHostsFile = knownHostsFile
        self.hostKeyPolicy = hostKeyPolicy
        self.bastion = bastion
        self.sudo = sudo
        self.password = password
    }

    public enum HostKeyPolicy: String, Sendable, Equatable, CaseIterable {
        /// The host key must already be in `knownHostsFile`.
        case strict
        /// Trust on first use: record an unknown key, refuse a changed one.
        case acceptNew = "accept-new"
    }

    /// A jump host. Unset fields were filled from the host's own settings when loading.
    public struct Bastion: Sendable, Equatable {
        public var address: String
        public var port: Int
        public var user: String
        public var identityFile: String?

        public init(address: String, port: Int = SSHSettings.defaultPort, user: String, identityFile: String? = nil) {
            self.address = address
            self.port = port
            self.user = user
            self.identityFile = identityFile
        }
    }
}

/// A password that never prints itself: `description` and string interpolation show a mask.
public struct SSHPassword: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public static let mask = "********"
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { Self.mask }
    public var debugDescription: String { Self.mask }
}
