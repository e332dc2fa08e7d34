import _CryptoExtras
import Crypto
import Foundation
import SwiftASN1
import X509

/// A private key as kubeadm stores it: RSA keys as PKCS#1 (`RSA PRIVATE KEY`), P-256 keys as SEC 1
/// (`EC PRIVATE KEY`). Files written by other tools in PKCS#8 (`PRIVATE KEY`) are read too.
public struct SigningKey: Sendable {
    public let privateKey: Certificate.PrivateKey
    /// The PEM text written to `*.key`. Secret: never log it.
    public let pemEncoded: String

    init(rsa: _RSA.Signing.PrivateKey) {
        privateKey = Certificate.PrivateKey(rsa)
        pemEncoded = rsa.pemRepresentation
    }

    init(p256: P256.Signing.PrivateKey) throws {
        privateKey = Certificate.PrivateKey(p256)
        pemEncoded = try Self.sec1PEM(p256)
    }

    /// Reads a key file's contents.
    public init(pemEncoded: String, path: String) throws {
        do {
            privateKey = try Certificate.PrivateKey(pemEncoded: pemEncoded)
        } catch {
            throw PKIError(.invalidFile, "\(path) is not an RSA or ECDSA private key in PEM form")
        }
        self.pemEncoded = pemEncoded
    }

    public var publicKey: Certificate.PublicKey { privateKey.publicKey }

    /// The public key as a `PUBLIC KEY` (SubjectPublicKeyInfo) PEM block, the format of sa.pub.
    public func publicKeyPEM() throws -> String {
        try publicKey.serializeAsPEM().pemString + "\n"
    }

    /// SEC 1 `ECPrivateKey` with the named curve and public key, as Go's `x509.MarshalECPrivateKey` writes it.
    private static func sec1PEM(_ key: P256.Signing.PrivateKey) throws -> String {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)
            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(key.rawRepresentation)))
            try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { inner in
                try inner.serialize(ASN1ObjectIdentifier.NamedCurves.secp256r1)
            }
            try coder.serialize(explicitlyTaggedWithTagNumber: 1, tagClass: .contextSpecific) { inner in
                try inner.serialize(ASN1BitString(bytes: ArraySlice(key.publicKey.x963Representation)))
            }
        }
        return PEMDocument(type: "EC PRIVATE KEY", derBytes: serializer.serializedBytes).pemString + "\n"
    }
}
