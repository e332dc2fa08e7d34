import Crypto
import Foundation
import SwiftASN1
import X509

/// `--discovery-token-ca-cert-hash`: `sha256:` and the lowercase hex SHA-256 of the CA certificate's DER
/// SubjectPublicKeyInfo (kubeadm's `pubkeypin`).
public enum DiscoveryHash {
    public static func of(_ certificate: Certificate) throws -> String {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate.publicKey)
        return "sha256:" + SHA256.hash(data: serializer.serializedBytes).map { String(format: "%02x", $0) }.joined()
    }

    /// One pin per certificate of a PEM bundle (kubeadm prints one `--discovery-token-ca-cert-hash` per CA).
    public static func of(certificatePEM text: String) throws -> [String] {
        let documents = try PEMDocument.parseMultiple(pemString: text).filter { $0.discriminator == "CERTIFICATE" }
        guard !documents.isEmpty else { throw PKIError(.invalidInput, "no certificate in the CA bundle") }
        return try documents.map { try of(Certificate(derEncoded: $0.derBytes)) }
    }

    /// Normalises a pin as kubeadm compares it (`sha256:` matched case-insensitively, hex lower-cased) and
    /// rejects anything else with an explanation.
    public static func parse(_ pin: String) throws -> String {
        let parts = pin.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "sha256" else {
            throw PKIError(.invalidInput, "unsupported CA pin '\(pin)': expected sha256:<64 hex characters>")
        }
        let hex = parts[1].lowercased()
        guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
            throw PKIError(.invalidInput, "invalid CA pin '\(pin)': the SHA-256 must be 64 hex characters")
        }
        return "sha256:" + hex
    }
}
