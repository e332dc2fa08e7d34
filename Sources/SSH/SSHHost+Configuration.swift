import Foundation

extension SSHHost {
    /// How to reach and log in to one host. Independent of the inventory model: the CLI maps an
    /// inventory host onto this.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// What to do with a host key that known_hosts does not vouch for.
        public enum HostKeyPolicy: String, Sendable, CaseIterable {
            /// Refuse unknown and changed keys.
            case strict
            /// Record an unknown key (append to known_hosts); refuse a changed one.
            case acceptNew = "accept-new"
        }

        /// Whether and how commands are raised to root.
        public enum Sudo: Sendable, Equatable {
            /// Log in as root (or run commands as the login user).
            case none
            /// `sudo -n`: the user may sudo without a password.
            case passwordless
            /// `sudo -S -p ''` with the password written to sudo's stdin (never on a command line).
            case password
        }

        /// Name used in messages and results (the inventory name); defaults to the address.
        public var name: String
        public var address: String
        public var port: Int
        public var user: String
        /// Private key files tried in order (ed25519, ECDSA and RSA; OpenSSH or PEM format).
        public var identityFiles: [String]
        /// Whether keys held by ssh-agent (`SSH_AUTH_SOCK`) are offered before the identity files.
        public var useAgent: Bool
        /// The agent's socket; nil means `SSH_AUTH_SOCK`.
        public var agentSocket: String?
        /// OpenSSH known_hosts file the host key is checked against.
        public var knownHostsFile: String
        public var hostKeyPolicy: HostKeyPolicy
        public var sudo: Sudo
        /// Limit for the TCP connect and for each step of the SSH handshake and authentication.
        public var connectTimeout: Duration
        /// How often a keepalive is sent while waiting; nil disables keepalives. The connection is
        /// declared lost after three intervals without any answer.
        public var keepaliveInterval: Duration?
        /// Connection attempts for errors a retry can fix (refused, reset, timed out); at least 1.
        public var connectAttempts: Int
        /// Passwords and passphrases, and how to ask for them.
        public var secrets: SSHSecrets
        private var bastionStorage: [Configuration]

        /// The jump host this host is reached through (a direct-tcpip channel on the bastion's session).
        public var bastion: Configuration? {
            get { bastionStorage.first }
            set { bastionStorage = newValue.map { [$0] } ?? [] }
        }

        public init(
            name: String? = nil,
            address: String,
            port: Int = 22,
            user: String = "root",
            identityFiles: [String] = [],
            useAgent: Bool = true,
            agentSocket: String? = nil,
            knownHostsFile: String = Configuration.defaultKnownHostsFile,
            hostKeyPolicy: HostKeyPolicy = .strict,
            bastion: Configuration? = nil,
            sudo: Sudo = .none,
            connectTimeout: Duration = .seconds(10),
            keepaliveInterval: Duration? = .seconds(15),
            connectAttempts: Int = 3,
            secrets: SSHSecrets = .fromEnvironment()
        ) {
            self.name = name ?? address
            self.address = address
            self.port = port
            self.user = user
            self.identityFiles = identityFiles
            self.useAgent = useAgent
            self.agentSocket = agentSocket
            self.knownHostsFile = knownHostsFile
            self.hostKeyPolicy = hostKeyPolicy
            self.sudo = sudo
            self.connectTimeout = connectTimeout
            self.keepaliveInterval = keepaliveInterval
            self.connectAttempts = max(1, connectAttempts)
            self.secrets = secrets
            self.bastionStorage = bastion.map { [$0] } ?? []
        }

        /// `~/.ssh/known_hosts`.
        public static var defaultKnownHostsFile: String {
            (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.ssh/known_hosts"
        }

        /// `user@address:port`, with the bastion when there is one. Never includes secrets.
        public var description: String {
            "\(user)@\(endpoint)" + (bastion.map { " via \($0.description)" } ?? "")
        }

        /// `~/x` → `$HOME/x`, as OpenSSH does for identity and known_hosts files.
        static func expandTilde(_ path: String) -> String {
            guard path.hasPrefix("~/") else { return path }
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
            return home + path.dropFirst()
        }

        /// `address:port` (IPv6 in brackets).
        var endpoint: String {
            address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
        }
    }
}
