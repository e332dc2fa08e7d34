import CLibSSH2
import Foundation

/// Logs a session in, trying what OpenSSH would, in its order: agent keys, identity files, then
/// keyboard-interactive and password when the server offers them.
struct Authenticator {
    let configuration: SSHHost.Configuration
    let session: SSHSession

    private var host: String { configuration.name }
    private var user: String { configuration.user }

    func authenticate() throws {
        var tried: [String] = []
        var hints: [String] = []
        if configuration.useAgent, try authenticateWithAgent(tried: &tried) { return }
        for path in configuration.identityFiles {
            if try authenticate(keyFile: path, tried: &tried, hints: &hints) { return }
        }
        let methods = try offeredMethods()
        if methods == nil { return }  // the server accepted "none"
        let offered = methods ?? []
        let wantsKeyboard = offered.contains("keyboard-interactive")
        let wantsPassword = offered.contains("password")
        if wantsKeyboard || wantsPassword {
            if let password = configuration.secrets.loginPassword(user: user, host: host) {
                if wantsKeyboard, try authenticateKeyboardInteractive(password: password, tried: &tried) { return }
                if wantsPassword, try authenticate(password: password, tried: &tried) { return }
                hints.append("check the password (KUBEFORGE_SSH_PASSWORD)")
            } else {
                hints.append("the server accepts a password: set KUBEFORGE_SSH_PASSWORD or run from a terminal")
            }
        }
        if tried.isEmpty {
            hints.append("configure an identityFile or start ssh-agent (server offers: \(offered.joined(separator: ",")))")
        } else if hints.isEmpty {
            hints.append("make sure the public key is in ~\(user)/.ssh/authorized_keys on the host (server offers: \(offered.joined(separator: ",")))")
        }
        throw SSHError.authenticationFailed(host: host, user: user, tried: tried, hint: hints.joined(separator: "; "))
    }

    private var deadline: Deadline { .after(configuration.connectTimeout) }

    /// Result of one attempt: true when logged in; false when refused; throws when the connection broke.
    private func accepted(_ result: Int32, method: String) throws -> Bool {
        if result == 0 { return true }
        if SSHSession.isTransportFailure(result) {
            throw SSHError.connectionLost(host: host, reason: "closed during \(method) authentication: \(session.lastErrorMessage)")
        }
        return false
    }

    private func authenticateWithAgent(tried: inout [String]) throws -> Bool {
        let socketPath = configuration.agentSocket ?? ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"].nonEmpty
        guard let socketPath, let agent = libssh2_agent_init(session.raw) else { return false }
        defer { libssh2_agent_free(agent) }
        libssh2_agent_set_identity_path(agent, socketPath)
        guard try session.call(deadline: deadline, { libssh2_agent_connect(agent) }) == 0 else {
            tried.append("ssh-agent (cannot connect to \(socketPath))")
            return false
        }
        defer { libssh2_agent_disconnect(agent) }
        guard try session.call(deadline: deadline, { libssh2_agent_list_identities(agent) }) == 0 else {
            tried.append("ssh-agent (cannot list keys)")
            return false
        }
        var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        var count = 0
        while libssh2_agent_get_identity(agent, &identity, previous) == 0, let current = identity {
            count += 1
            // An RSA key: SHA-2 first (libssh2 would ask the agent for SHA-1 only), then libssh2's attempt.
            let signer = AgentRSASigner(socketPath: socketPath,
                                        agentBlob: Array(UnsafeBufferPointer(start: current.pointee.blob, count: current.pointee.blob_len)))
            if let blob = signer.rsaSHA256Blob, try authenticate(rsaSHA256Blob: blob, sign: signer.sign) { return true }
            let result = try session.call(deadline: deadline) { libssh2_agent_userauth(agent, user, current) }
            if try accepted(result, method: "ssh-agent") { return true }
            previous = current
        }
        tried.append(count == 0 ? "ssh-agent (no keys)" : "ssh-agent (\(count) key\(count == 1 ? "" : "s"))")
        return false
    }

    private func authenticate(keyFile path: String, tried: inout [String], hints: inout [String]) throws -> Bool {
        let expanded = SSHHost.Configuration.expandTilde(path)
        guard let data = FileManager.default.contents(atPath: expanded) else {
            tried.append("key \(path) (cannot read it)")
            return false
        }
        let text = String(decoding: data, as: UTF8.self)
        let key = PrivateKeyFile.inspect(text)
        var passphrase: String?
        if key.isEncrypted {
            passphrase = configuration.secrets.keyPassphrase(keyPath: path)
            if passphrase == nil {
                tried.append("key \(path) (encrypted)")
                hints.append("set KUBEFORGE_SSH_PASSPHRASE or run from a terminal to unlock \(path)")
                return false
            }
        }
        // RSA with SHA-2 first (what OpenSSH 8.8+ accepts), then libssh2's own ssh-rsa for servers without it.
        // (PKCS#8 armour does not name the key type: RSAUserKey tells.)
        if !key.isEncrypted, let rsa = RSAUserKey(fileText: text),
           try authenticate(rsaSHA256Blob: rsa.publicKeyBlob, sign: rsa.sign) {
            return true
        }
        let result = try session.call(deadline: deadline) {
            libssh2_userauth_publickey_fromfile_ex(session.raw, user, UInt32(user.utf8.count), nil, expanded, passphrase)
        }
        if try accepted(result, method: "public key") { return true }
        if result == LIBSSH2_ERROR_FILE {
            tried.append("key \(path) (unreadable\(key.isEncrypted ? " or wrong passphrase" : ""))")
            if key.isEncrypted { hints.append("check the passphrase for \(path)") }
        } else {
            tried.append("key \(path)")
            if key.keyType == "ssh-rsa", key.isEncrypted {
                hints.append("kubeforge signs an encrypted RSA key through libssh2 1.10, which signs only with ssh-rsa (SHA-1) "
                    + "and OpenSSH 8.8+ refuses that by default: add it to ssh-agent (kubeforge asks the agent for SHA-2), "
                    + "use an ed25519 or ECDSA key, or allow it on the server (PubkeyAcceptedAlgorithms +ssh-rsa)")
            }
        }
        return false
    }

    /// One publickey attempt with rsa-sha2-256, signed by kubeforge (libssh2 calls `signRSASHA256`).
    private func authenticate(rsaSHA256Blob blob: [UInt8], sign: @escaping RSASigningContext.Sign) throws -> Bool {
        let signer = RSASigningContext(sign: sign)
        var abstract: UnsafeMutableRawPointer? = Unmanaged.passUnretained(signer).toOpaque()
        let result = try withExtendedLifetime(signer) {
            try withUnsafeMutablePointer(to: &abstract) { abstract in
                try session.call(deadline: deadline) {
                    libssh2_userauth_publickey(session.raw, user, blob, blob.count, signRSASHA256, abstract)
                }
            }
        }
        return try accepted(result, method: "public key")
    }

    /// The methods the server accepts next; nil when the "none" request already logged us in.
    private func offeredMethods() throws -> [String]? {
        let list = try session.callPointerChars(deadline: deadline) {
            libssh2_userauth_list(session.raw, user, UInt32(user.utf8.count))
        }
        guard let list else {
            if libssh2_userauth_authenticated(session.raw) != 0 { return nil }
            if SSHSession.isTransportFailure(session.lastErrno) {
                throw SSHError.connectionLost(host: host, reason: "closed during authentication: \(session.lastErrorMessage)")
            }
            return []
        }
        return String(cString: list).split(separator: ",").map(String.init)
    }

    private func authenticateKeyboardInteractive(password: String, tried: inout [String]) throws -> Bool {
        tried.append("keyboard-interactive")
        let result = try session.withKeyboardInteractivePassword(password) {
            try session.call(deadline: deadline) {
                libssh2_userauth_keyboard_interactive_ex(session.raw, user, UInt32(user.utf8.count), keyboardInteractiveResponder)
            }
        }
        return try accepted(result, method: "keyboard-interactive")
    }

    private func authenticate(password: String, tried: inout [String]) throws -> Bool {
        tried.append("password")
        let result = try session.call(deadline: deadline) {
            libssh2_userauth_password_ex(session.raw, user, UInt32(user.utf8.count), password,
                                         UInt32(password.utf8.count), nil)
        }
        return try accepted(result, method: "password")
    }
}

extension SSHSession {
    /// Like `callPointer`, for functions returning a C string.
    func callPointerChars(deadline: Deadline?, _ body: () -> UnsafeMutablePointer<CChar>?) throws -> UnsafeMutablePointer<CChar>? {
        while true {
            if let pointer = body() { return pointer }
            guard lastErrno == LIBSSH2_ERROR_EAGAIN else { return nil }
            try waitForSocket(deadline: deadline)
        }
    }
}

/// What `signRSASHA256` finds behind libssh2's `abstract` pointer: a key file's or an agent's signer.
final class RSASigningContext {
    typealias Sign = (UnsafeRawBufferPointer) throws -> Data
    let sign: Sign
    init(sign: @escaping Sign) { self.sign = sign }
}

/// libssh2's publickey sign callback: the signature in memory libssh2 frees with its default allocator (free).
let signRSASHA256: @convention(c) (
    OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, UnsafeMutablePointer<Int>?,
    UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> Int32 = { _, signatureOut, lengthOut, data, dataLength, abstract in
    guard let signatureOut, let lengthOut, let data, let pointer = abstract?.pointee else { return -1 }
    let context = Unmanaged<RSASigningContext>.fromOpaque(pointer).takeUnretainedValue()
    guard let signature = try? context.sign(UnsafeRawBufferPointer(start: data, count: dataLength)),
          let buffer = malloc(signature.count)?.assumingMemoryBound(to: UInt8.self)
    else { return -1 }
    signature.copyBytes(to: buffer, count: signature.count)
    signatureOut.pointee = buffer
    lengthOut.pointee = signature.count
    return 0
}
