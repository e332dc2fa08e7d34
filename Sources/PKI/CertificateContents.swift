import KubeTypes
import SwiftASN1
import X509

/// The kubeadm-relevant fields of an existing certificate, read back for reuse checks, renewal and reports.
public struct CertificateContents: Sendable, Equatable {
    public let commonName: String
    public let organizations: [String]
    public let usages: [CertificateSpec.Usage]
    public let altNames: AltNames
    public let isCA: Bool

    public init(_ certificate: Certificate) throws {
        var commonName = ""
        var organizations: [String] = []
        for rdn in certificate.subject {
            for attribute in rdn {
                if attribute.type == .RDNAttributeType.commonName { commonName = String(attribute.value) ?? "" }
                if attribute.type == .RDNAttributeType.organizationName, let value = String(attribute.value) {
                    organizations.append(value)
                }
            }
        }
        self.commonName = commonName
        self.organizations = organizations
        let eku = try certificate.extensions.extendedKeyUsage
        usages = eku.map { usages in
            usages.compactMap { usage -> CertificateSpec.Usage? in
                switch usage {
                case .serverAuth: .serverAuth
                case .clientAuth: .clientAuth
                default: nil
                }
            }
        } ?? []
        var names = AltNames()
        for name in try certificate.extensions.subjectAlternativeNames ?? SubjectAlternativeNames() {
            switch name {
            case let .dnsName(dns): names.dnsNames.append(dns)
            case let .ipAddress(octets): if let ip = IPAddress(validating: Array(octets.bytes)) { names.ipAddresses.append(ip) }
            default: break
            }
        }
        altNames = names
        isCA = try certificate.extensions.basicConstraints.map {
            if case .isCertificateAuthority = $0 { return true } else { return false }
        } ?? false
    }
}

extension Certificate {
    /// True when `issuer` signed this certificate (names chain and the signature verifies).
    public func isSigned(by issuer: Certificate) -> Bool {
        self.issuer == issuer.subject && issuer.publicKey.isValidSignature(signature, for: self)
    }

    /// One `CERTIFICATE` PEM block with a trailing newline, as client-go's `EncodeCertPEM` writes it.
    public func pemText() throws -> String {
        try serializeAsPEM().pemString + "\n"
    }
}
