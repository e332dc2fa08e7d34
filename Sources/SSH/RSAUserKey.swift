import Crypto
import Foundation
import _CryptoExtras

/// An unencrypted RSA private key that signs user authentication with rsa-sha2-256 (RFC 8332).
///
/// libssh2 1.10 (Debian 12's) signs RSA keys only as "ssh-rsa" (SHA-1), which OpenSSH 8.8 and later refuse
/// by default, so kubeforge signs RSA itself through `libssh2_userauth_publickey`. That call takes the
/// algorithm name it sends from the blob's first field, so the blob is named "rsa-sha2-256"; OpenSSH reads a
/// blob named after an RSA signature algorithm as the RSA key it is (sshkey_type_from_name).
struct RSAUserKey {
    static let algorithm = "rsa-sha2-256"

    private let privateKey: _RSA.Signing.PrivateKey
    /// string "rsa-sha2-256", mpint e, mpint n.
    let publicKeyBlob: [UInt8]

    /// Reads an unencrypted OpenSSH (`openssh-key-v1`), PKCS#1 or PKCS#8 RSA key; nil for any other key
    /// (another type, an encrypted file, a key under 2048 bits), which is then left to libssh2.
    init?(fileText text: String) {
        let key: _RSA.Signing.PrivateKey?
        if text.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
            key = Self.openSSHKey(text)
        } else if text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN PRIVATE KEY-----"),
                  !text.contains("Proc-Type: 4,ENCRYPTED") {
            key = try? _RSA.Signing.PrivateKey(pemRepresentation: text)
        } else {
            key = nil
        }
        guard let key, let primitives = try? key.publicKey.getKeyPrimitives() else { return nil }
        privateKey = key
        var blob = SSHWireWriter()
        blob.write(string: Array(Self.algorithm.utf8))
        blob.write(mpint: Array(primitives.publicExponent))
        blob.write(mpint: Array(primitives.modulus))
        publicKeyBlob = blob.bytes
    }

    /// The PKCS#1 v1.5 signature over SHA-256 of `data`, as long as the modulus (what RFC 8332 sends).
    func sign(_ data: UnsafeRawBufferPointer) throws -> Data {
        try privateKey.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5).rawRepresentation
    }

    /// openssh-key-v1 with cipher "none": the private section holds check ints, then
    /// string "ssh-rsa", mpint n, e, d, iqmp, p, q (PROTOCOL.key).
    private static func openSSHKey(_ text: String) -> _RSA.Signing.PrivateKey? {
        guard var reader = SSHWireReader(armoredOpenSSHKey: text),
              reader.readString().map({ String(decoding: $0, as: UTF8.self) }) == "none",  // cipher
              reader.readString() != nil, reader.readString() != nil,                       // kdf, options
              reader.readUInt32() == 1, reader.readString() != nil,                          // one public key
              let section = reader.readString()
        else { return nil }
        var secret = SSHWireReader(section)
        guard let check = secret.readUInt32(), secret.readUInt32() == check,
              secret.readString() == Array("ssh-rsa".utf8),
              let n = secret.readString(), let e = secret.readString(), let d = secret.readString(),
              secret.readString() != nil,  // iqmp: derived again from p and q
              let p = secret.readString(), let q = secret.readString()
        else { return nil }
        return try? _RSA.Signing.PrivateKey(n: n, e: e, d: d, p: p, q: q)
    }
}

/// Writes SSH wire-format fields (RFC 4251 §5).
struct SSHWireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write(uint32 value: UInt32) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    mutating func write(string: [UInt8]) {
        write(uint32: UInt32(string.count))
        bytes += string
    }

    /// A non-negative big-endian integer: no leading zero bytes, one added when the top bit is set.
    mutating func write(mpint magnitude: [UInt8]) {
        var digits = Array(magnitude.drop { $0 == 0 })
        if let first = digits.first, first & 0x80 != 0 { digits.insert(0, at: 0) }
        write(string: digits)
    }
}
