import Foundation

/// Passwords and passphrases for one host, and how to ask for the ones that are missing.
///
/// Values are held only in memory, are never printed (`description` is redacted) and never reach a
/// command line: a sudo password is written to sudo's stdin.
public struct SSHSecrets: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Login password for password and keyboard-interactive authentication.
    public var password: String?
    /// Passphrase for encrypted private key files.
    public var passphrase: String?
    /// Password for `sudo -S`; falls back to `password`.
    public var sudoPassword: String?
    /// Asks for a missing secret (nil: never ask, fail instead).
    public var prompter: (any SSHPrompter)?

    public init(password: String? = nil, passphrase: String? = nil, sudoPassword: String? = nil,
                prompter: (any SSHPrompter)? = nil) {
        self.password = password
        self.passphrase = passphrase
        self.sudoPassword = sudoPassword
        self.prompter = prompter
    }

    /// Secrets from `KUBEFORGE_SSH_PASSWORD`, `KUBEFORGE_SSH_PASSPHRASE` and `KUBEFORGE_SUDO_PASSWORD`,
    /// asking on the terminal for anything missing when there is a terminal.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        prompter: (any SSHPrompter)? = TerminalPrompter.shared
    ) -> SSHSecrets {
        SSHSecrets(password: environment["KUBEFORGE_SSH_PASSWORD"].nonEmpty,
                   passphrase: environment["KUBEFORGE_SSH_PASSPHRASE"].nonEmpty,
                   sudoPassword: environment["KUBEFORGE_SUDO_PASSWORD"].nonEmpty,
                   prompter: prompter)
    }

    public var description: String { "SSHSecrets(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: []) }

    /// The login password, asking once if needed.
    func loginPassword(user: String, host: String) -> String? {
        password ?? prompter?.secret(prompt: "Password for \(user)@\(host): ", cacheKey: "password:\(user)")
    }

    /// The passphrase for `keyPath`, asking once per key file if needed.
    func keyPassphrase(keyPath: String) -> String? {
        passphrase ?? prompter?.secret(prompt: "Passphrase for key \(keyPath): ", cacheKey: "passphrase:\(keyPath)")
    }

    /// The sudo password, asking once per user if needed.
    func sudoPassword(user: String, host: String) -> String? {
        sudoPassword ?? password
            ?? prompter?.secret(prompt: "[sudo] password for \(user) (\(host)): ", cacheKey: "sudo:\(user)")
    }
}

/// Asks the operator for a secret.
public protocol SSHPrompter: Sendable {
    /// Returns the secret for `prompt`, or nil when nobody can answer. Answers for the same
    /// `cacheKey` may be reused (thirty hosts with the same password ask once).
    func secret(prompt: String, cacheKey: String) -> String?
}

/// Asks on `/dev/tty` with echo off, one question at a time, remembering each answer for the run.
public final class TerminalPrompter: SSHPrompter, @unchecked Sendable {  // invariant: state under `lock`
    public static let shared = TerminalPrompter()
    private let lock = NSLock()
    private var answers: [String: String] = [:]

    public init() {}

    public func secret(prompt: String, cacheKey: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        if let known = answers[cacheKey] { return known }
        guard let answer = Self.readWithoutEcho(prompt: prompt) else { return nil }
        answers[cacheKey] = answer
        return answer
    }

    private static func readWithoutEcho(prompt: String) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        tcsetattr(fd, TCSAFLUSH, &silent)
        defer {
            tcsetattr(fd, TCSAFLUSH, &saved)
            _ = write(fd, "\n", 1)
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Optional where Wrapped == String {
    var nonEmpty: String? { self.flatMap { $0.isEmpty ? nil : $0 } }
}
