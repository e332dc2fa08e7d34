/// Everything that can go wrong reaching or talking to a host over SSH.
///
/// Each message names the host and says what to do. Messages never contain passwords, passphrases or
/// key material. `isRetryable` says whether connecting again can help: refused, reset and timed-out
/// connections (a host still booting) are retried; authentication and host-key failures never are.
public enum SSHError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The name or address could not be resolved.
    case nameResolution(host: String, address: String, reason: String)
    /// Nothing accepted the TCP connection (no sshd listening yet).
    case connectionRefused(host: String, endpoint: String)
    /// The TCP connection or the SSH handshake did not finish within the connect timeout.
    case connectTimedOut(host: String, endpoint: String, after: Duration)
    /// The network has no route to the host.
    case hostUnreachable(host: String, endpoint: String, reason: String)
    /// The peer closed or reset the connection (before or after authentication).
    case connectionLost(host: String, reason: String)
    /// The SSH handshake itself failed (no common algorithm, broken banner, protocol error).
    case handshakeFailed(host: String, reason: String)
    /// strict policy and no known_hosts entry for this host.
    case hostKeyUnknown(host: String, endpoint: String, keyType: String, fingerprint: String, knownHostsFile: String)
    /// The host presented a key that differs from the recorded one (or the key is marked @revoked).
    case hostKeyChanged(host: String, endpoint: String, keyType: String, fingerprint: String,
                        knownHostsFile: String, line: Int, revoked: Bool)
    /// The known_hosts file could not be read or written.
    case knownHostsFile(host: String, path: String, reason: String)
    /// Every offered method was refused.
    case authenticationFailed(host: String, user: String, tried: [String], hint: String)
    /// A private key file is missing, unreadable or could not be decrypted.
    case keyFile(host: String, path: String, reason: String)
    /// A channel (command, SFTP, tunnel) could not be opened or failed.
    case channel(host: String, operation: String, reason: String)
    /// An SFTP request failed on the host.
    case sftp(host: String, path: String, operation: String, reason: String)
    /// sudo refused to run the command (password needed or wrong).
    case sudo(host: String, user: String, reason: String)
    /// The configuration cannot work (for example sudo with a password but no password available).
    case configuration(host: String, reason: String)

    /// Whether connecting again (after a pause) can fix this error.
    public var isRetryable: Bool {
        switch self {
        case .connectionRefused, .connectTimedOut, .connectionLost: true
        default: false
        }
    }

    /// The host (inventory name) the error concerns.
    public var host: String {
        switch self {
        case let .nameResolution(host, _, _), let .connectionRefused(host, _), let .connectTimedOut(host, _, _),
             let .hostUnreachable(host, _, _), let .connectionLost(host, _), let .handshakeFailed(host, _),
             let .hostKeyUnknown(host, _, _, _, _), let .hostKeyChanged(host, _, _, _, _, _, _),
             let .knownHostsFile(host, _, _), let .authenticationFailed(host, _, _, _), let .keyFile(host, _, _),
             let .channel(host, _, _), let .sftp(host, _, _, _), let .sudo(host, _, _), let .configuration(host, _):
            host
        }
    }

    public var description: String {
        switch self {
        case let .nameResolution(host, address, reason):
            "\(host): cannot resolve '\(address)': \(reason); check the host's address in the inventory"
        case let .connectionRefused(host, endpoint):
            "\(host): connection to \(endpoint) refused; is sshd running and listening on that port?"
        case let .connectTimedOut(host, endpoint, after):
            "\(host): no SSH answer from \(endpoint) within \(after.secondsText); check that the host is up and the address and port are right"
        case let .hostUnreachable(host, endpoint, reason):
            "\(host): \(endpoint) is unreachable (\(reason)); check that the host is up and routable from here"
        case let .connectionLost(host, reason):
            "\(host): the SSH connection was lost (\(reason)); check the host and the network, then run again"
        case let .handshakeFailed(host, reason):
            "\(host): SSH handshake failed: \(reason)"
        case let .hostKeyUnknown(host, endpoint, keyType, fingerprint, file):
            "\(host): host key for \(endpoint) is not known (\(keyType) \(fingerprint)) and hostKeyPolicy is strict; "
                + "verify the fingerprint and add the key to \(file) (ssh-keyscan), or use hostKeyPolicy accept-new"
        case let .hostKeyChanged(host, endpoint, keyType, fingerprint, file, line, revoked):
            if revoked {
                "\(host): host key for \(endpoint) (\(keyType) \(fingerprint)) is marked @revoked in \(file):\(line); refusing to connect"
            } else {
                "\(host): HOST KEY CHANGED for \(endpoint): it now presents \(keyType) \(fingerprint), which conflicts with \(file):\(line); "
                    + "this may be an attack. If the host was reinstalled, remove that line (ssh-keygen -R \(endpoint) -f \(file)) and connect again"
            }
        case let .knownHostsFile(host, path, reason):
            "\(host): known_hosts file \(path): \(reason)"
        case let .authenticationFailed(host, user, tried, hint):
            "\(host): authentication as '\(user)' failed (tried: \(tried.isEmpty ? "nothing" : tried.joined(separator: ", ")))"
                + (hint.isEmpty ? "" : "; \(hint)")
        case let .keyFile(host, path, reason):
            "\(host): private key \(path): \(reason)"
        case let .channel(host, operation, reason):
            "\(host): \(operation) failed: \(reason)"
        case let .sftp(host, path, operation, reason):
            "\(host): \(operation) \(path) over SFTP failed: \(reason)"
        case let .sudo(host, user, reason):
            "\(host): sudo as '\(user)' failed: \(reason)"
        case let .configuration(host, reason):
            "\(host): \(reason)"
        }
    }
}

extension Duration {
    /// "2s", "1.5s": how long, for messages.
    var secondsText: String {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }

    var timeInterval: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
