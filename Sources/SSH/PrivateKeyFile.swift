import Foundation

/// What kubeforge needs to know about a private key file before handing it to libssh2.
struct PrivateKeyFile: Equatable, Sendable {
    /// Whether a passphrase is needed to use it.
    var isEncrypted: Bool
    /// The key type ("ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"), when the file says.
    var keyType: String?

    /// Reads the armour of an OpenSSH (`openssh-key-v1`) or PEM private key. Never looks at secret parts.
    static func inspect(_ text: String) -> PrivateKeyFile {
        if text.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
            return inspectOpenSSH(text)
        }
        let encrypted = text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")
        let type: String? =
            if text.contains("BEGIN RSA PRIVATE KEY") { "ssh-rsa" }
            else if text.contains("BEGIN EC PRIVATE KEY") { "ecdsa" }
            else if text.contains("BEGIN DSA PRIVATE KEY") { "ssh-dss" }
            else { nil }
        return PrivateKeyFile(isEncrypted: encrypted, keyType: type)
    }

    /// openssh-key-v1: magic, string cipher, string kdf, string kdfoptions, uint32 count, string publickey.
    private static func inspectOpenSSH(_ text: String) -> PrivateKeyFile {
        guard var reader = SSHWireReader(armoredOpenSSHKey: text),
              let cipher = reader.readString(),
              reader.readString() != nil, reader.readString() != nil,
              reader.readUInt32() != nil
        else { return PrivateKeyFile(isEncrypted: false, keyType: nil) }
        var keyType: String?
        if let publicKey = reader.readString() {
            var inner = SSHWireReader(publicKey)
            keyType = inner.readString().map { String(decoding: $0, as: UTF8.self) }
        }
        return PrivateKeyFile(isEncrypted: String(decoding: cipher, as: UTF8.self) != "none", keyType: keyType)
    }
}

/// Reads SSH wire-format fields (RFC 4251 §5).
struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The binary inside `-----BEGIN OPENSSH PRIVATE KEY-----` armour, positioned after its magic.
    init?(armoredOpenSSHKey text: String) {
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let data = Data(base64Encoded: body, options: .ignoreUnknownCharacters) else { return nil }
        self.init(Array(data))
        guard skipMagic("openssh-key-v1\0") else { return nil }
    }

    mutating func skipMagic(_ magic: String) -> Bool {
        let expected = Array(magic.utf8)
        guard bytes.count >= offset + expected.count, Array(bytes[offset..<offset + expected.count]) == expected else {
            return false
        }
        offset += expected.count
        return true
    }

    mutating func readUInt32() -> UInt32? {
        guard bytes.count >= offset + 4 else { return nil }
        let value = bytes[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        offset += 4
        return value
    }

    mutating func readString() -> [UInt8]? {
        guard let length = readUInt32(), bytes.count >= offset + Int(length) else { return nil }
        defer { offset += Int(length) }
        return Array(bytes[offset..<offset + Int(length)])
    }
}
