import CLibSSH2
import Foundation

/// A server's public host key as presented in the handshake.
struct HostKey: Sendable, Equatable {
    /// Host key algorithms libssh2 1.10 can verify, in OpenSSH's default order.
    enum Kind: String, Sendable, CaseIterable {
        case ed25519 = "ssh-ed25519"
        case ecdsaP256 = "ecdsa-sha2-nistp256"
        case ecdsaP384 = "ecdsa-sha2-nistp384"
        case ecdsaP521 = "ecdsa-sha2-nistp521"
        case rsa = "ssh-rsa"
        case dss = "ssh-dss"

        /// From `libssh2_session_hostkey`'s type.
        init?(libssh2Type: Int32) {
            switch libssh2Type {
            case LIBSSH2_HOSTKEY_TYPE_ED25519: self = .ed25519
            case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: self = .ecdsaP256
            case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: self = .ecdsaP384
            case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: self = .ecdsaP521
            case LIBSSH2_HOSTKEY_TYPE_RSA: self = .rsa
            case LIBSSH2_HOSTKEY_TYPE_DSS: self = .dss
            default: return nil
            }
        }

        /// The key-type bits of a libssh2 known-host typemask.
        var knownHostMask: Int32 {
            switch self {
            case .ed25519: KF_KNOWNHOST_KEY_ED25519
            case .ecdsaP256: KF_KNOWNHOST_KEY_ECDSA_256
            case .ecdsaP384: KF_KNOWNHOST_KEY_ECDSA_384
            case .ecdsaP521: KF_KNOWNHOST_KEY_ECDSA_521
            case .rsa: KF_KNOWNHOST_KEY_SSHRSA
            case .dss: KF_KNOWNHOST_KEY_SSHDSS
            }
        }

        /// Short name as OpenSSH prints it ("ED25519", "ECDSA", "RSA").
        var displayName: String {
            switch self {
            case .ed25519: "ED25519"
            case .ecdsaP256, .ecdsaP384, .ecdsaP521: "ECDSA"
            case .rsa: "RSA"
            case .dss: "DSA"
            }
        }
    }

    var kind: Kind
    /// The SSH wire-format public key blob (what known_hosts stores in base64).
    var blob: Data

    var base64: String { blob.base64EncodedString() }
}

/// OpenSSH-style key fingerprints.
enum HostKeyFingerprint {
    /// `SHA256:` followed by the unpadded base64 of a SHA-256 digest, as `ssh-keygen -l` prints it.
    static func sha256(digest: Data) -> String {
        var text = digest.base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return "SHA256:" + text
    }
}
