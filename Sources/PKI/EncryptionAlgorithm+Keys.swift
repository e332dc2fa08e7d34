import _CryptoExtras
import Crypto
import KubeTypes
import X509

extension EncryptionAlgorithm {
    /// Parses the kubeadm spelling; an empty value means the default, RSA-2048, as upstream.
    public init(parsing text: String) throws {
        if text.isEmpty {
            self = .rsa2048
            return
        }
        guard let value = Self(rawValue: text) else {
            throw PKIError(.invalidInput, "unknown encryption algorithm '\(text)': use one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = value
    }

    /// A fresh private key from the system CSPRNG.
    public func generateKey() throws -> SigningKey {
        switch self {
        case .rsa2048: try SigningKey(rsa: .init(keySize: .bits2048))
        case .rsa3072: try SigningKey(rsa: .init(keySize: .bits3072))
        case .rsa4096: try SigningKey(rsa: .init(keySize: .bits4096))
        case .ecdsaP256: try SigningKey(p256: P256.Signing.PrivateKey())
        }
    }

    /// Generates `count` keys at once, one thread per core (RSA generation dominates the PKI's run time).
    public func generateKeys(count: Int) async throws -> [SigningKey] {
        try await ParallelWork.run(count: count) { try generateKey() }
    }
}
