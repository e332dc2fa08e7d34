import Crypto
import Foundation

/// The `--certificate-key` that protects the shared control-plane certificates in the `kubeadm-certs` Secret:
/// 32 random bytes shown as 64 hex characters, used as an AES-256-GCM key.
public struct CertificateKey: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static let byteCount = 32
    static let nonceSize = 12

    public static func generate() -> CertificateKey {
        var generator = SystemRandomNumberGenerator()
        return CertificateKey(bytes: (0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses the hex form; the error never repeats the value.
    public init(hex: String) throws {
        let text = hex.lowercased()
        guard text.count == Self.byteCount * 2, text.allSatisfy(\.isHexDigit) else {
            throw PKIError(.invalidToken, "invalid certificate key: expected \(Self.byteCount * 2) hex characters (got \(hex.count) characters; value not shown)")
        }
        var result: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            result.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        bytes = result
    }

    /// The 64 hex characters `certs certificate-key` prints. Secret.
    public var hex: String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Masked, safe for logs.
    public var description: String { "certificate key (\(Self.byteCount) bytes, not shown)" }

    /// kubeadm's `EncryptBytes`: a fresh 12-byte nonce, then `nonce ‖ ciphertext ‖ tag`, no additional data.
    public func seal(_ plaintext: Data) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: SymmetricKey(data: bytes), nonce: AES.GCM.Nonce())
        return box.combined!
    }

    /// kubeadm's `DecryptBytes`.
    public func open(_ sealed: Data) throws -> Data {
        guard sealed.count >= Self.nonceSize + 16 else {
            throw PKIError(.cryptoFailure, "encrypted data is too short (\(sealed.count) bytes) to hold a nonce and a tag")
        }
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: SymmetricKey(data: bytes))
        } catch {
            throw PKIError(.cryptoFailure, "decryption failed: wrong certificate key or corrupted data")
        }
    }
}
