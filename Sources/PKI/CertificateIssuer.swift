import Crypto
import Foundation
import SwiftASN1
import X509

/// Signs certificates the way kubeadm's `pkiutil` does: random serial in [1, 2^63−1), key usage
/// digitalSignature+keyEncipherment (+keyCertSign for CAs), basic constraints, SKI on CAs, AKI on leaves,
/// and the release's validity window.
public struct CertificateIssuer: Sendable {
    /// kubeadm's start time, truncated to whole seconds (what X.509 times can carry).
    public let startTime: Date
    public let release: KubernetesRelease
    public let validity: TimeInterval
    public let caValidity: TimeInterval
    public static let backdate: TimeInterval = 5 * 60

    public init(startTime: Date = Date(), release: KubernetesRelease, validity: TimeInterval = 365 * 24 * 3600,
                caValidity: TimeInterval = 3650 * 24 * 3600) {
        self.startTime = Date(timeIntervalSince1970: startTime.timeIntervalSince1970.rounded(.down))
        self.release = release
        self.validity = validity
        self.caValidity = caValidity
    }

    /// A uniformly random serial in [1, 2^63−1), as `NewSignedCert` draws it.
    public static func randomSerial() -> Certificate.SerialNumber {
        Certificate.SerialNumber(UInt64.random(in: 1..<UInt64(Int64.max)))
    }

    /// A self-signed CA whose only SAN is its common name.
    public func selfSignedCA(_ spec: CertificateSpec, key: SigningKey) throws -> Certificate {
        let notBefore = release.backdatesCertificates ? startTime.addingTimeInterval(-Self.backdate) : startTime
        let notAfter = startTime.addingTimeInterval(caValidity)
        let name = try Self.distinguishedName(commonName: spec.commonName, organizations: spec.organizations)
        let extensions = try Certificate.Extensions {
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: true))
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            SubjectKeyIdentifier(hash: key.publicKey)
            SubjectAlternativeNames(Self.generalNames(spec.altNames))
        }
        return try Certificate(version: .v3, serialNumber: Self.randomSerial(), publicKey: key.publicKey,
                               notValidBefore: notBefore, notValidAfter: notAfter, issuer: name, subject: name,
                               extensions: extensions, issuerPrivateKey: key.privateKey)
    }

    /// A leaf signed by `ca`. Before v1.31 a leaf starts when its CA does; from v1.31 it is backdated 5 minutes.
    /// Either way it ends `validity` after kubeadm's start time.
    public func leaf(_ spec: CertificateSpec, publicKey: Certificate.PublicKey, ca: Certificate, caKey: SigningKey)
        throws -> Certificate
    {
        try leaf(commonName: spec.commonName, organizations: spec.organizations, usages: spec.usages,
                 altNames: spec.altNames, publicKey: publicKey, ca: ca, caKey: caKey)
    }

    public func leaf(commonName: String, organizations: [String], usages: [CertificateSpec.Usage], altNames: AltNames,
                     publicKey: Certificate.PublicKey, ca: Certificate, caKey: SigningKey) throws -> Certificate
    {
        guard !commonName.isEmpty else { throw PKIError(.invalidInput, "a certificate needs a common name") }
        guard !usages.isEmpty else { throw PKIError(.invalidInput, "certificate '\(commonName)' needs at least one extended key usage") }
        let notBefore = release.backdatesCertificates ? startTime.addingTimeInterval(-Self.backdate) : ca.notValidBefore
        let notAfter = startTime.addingTimeInterval(validity)
        let subject = try Self.distinguishedName(commonName: commonName, organizations: organizations)
        let names = altNames.deduplicated()
        let authorityKeyID = try ca.extensions.subjectKeyIdentifier?.keyIdentifier
        let extensions = try Certificate.Extensions {
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            try ExtendedKeyUsage(usages.map { $0 == .serverAuth ? ExtendedKeyUsage.Usage.serverAuth : .clientAuth })
            Critical(BasicConstraints.notCertificateAuthority)
            if let authorityKeyID {
                AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
            }
            if !names.isEmpty {
                SubjectAlternativeNames(Self.generalNames(names))
            }
        }
        return try Certificate(version: .v3, serialNumber: Self.randomSerial(), publicKey: publicKey,
                               notValidBefore: notBefore, notValidAfter: notAfter, issuer: ca.subject, subject: subject,
                               extensions: extensions, issuerPrivateKey: caKey.privateKey)
    }

    /// Organizations come before the common name, as Go's `pkix.Name` orders them.
    static func distinguishedName(commonName: String, organizations: [String]) throws -> DistinguishedName {
        var rdns: [RelativeDistinguishedName] = []
        if !organizations.isEmpty {
            rdns.append(RelativeDistinguishedName(organizations.map {
                RelativeDistinguishedName.Attribute(type: .RDNAttributeType.organizationName, utf8String: $0)
            }))
        }
        rdns.append(RelativeDistinguishedName(
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.commonName, utf8String: commonName)))
        return DistinguishedName(rdns)
    }

    static func generalNames(_ names: AltNames) -> [GeneralName] {
        names.dnsNames.map { GeneralName.dnsName($0) }
            + names.ipAddresses.map { GeneralName.ipAddress(ASN1OctetString(contentBytes: ArraySlice($0.bytes))) }
    }
}
