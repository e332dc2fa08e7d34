/// What one kubeadm certificate must contain: the row of upstream's certificate list for this cluster.
public struct CertificateSpec: Sendable, Equatable {
    /// Extended key usages kubeadm puts on leaves.
    public enum Usage: String, Sendable, Equatable {
        case serverAuth, clientAuth
    }

    /// The phase and `certs renew` name (`apiserver`, `etcd-server`, `ca`).
    public let name: String
    /// The path of the files below the certificate directory, without `.crt`/`.key` (`etcd/server`).
    public let baseName: String
    /// The signing CA's `name`, or nil for a self-signed CA.
    public let caName: String?
    public let commonName: String
    public let organizations: [String]
    public let usages: [Usage]
    /// For CAs this is their own CN (upstream sets `DNSNames = [CN]` on CAs).
    public let altNames: AltNames
    /// Human description used in phase help and progress output.
    public let longName: String

    public init(name: String, baseName: String, caName: String?, commonName: String, organizations: [String] = [],
                usages: [Usage] = [], altNames: AltNames = AltNames(), longName: String) {
        self.name = name
        self.baseName = baseName
        self.caName = caName
        self.commonName = commonName
        self.organizations = organizations
        self.usages = usages
        self.altNames = caName == nil ? AltNames(dnsNames: [commonName]) : altNames.deduplicated()
        self.longName = longName
    }

    public var isCA: Bool { caName == nil }
    public var certificateFile: String { baseName + ".crt" }
    public var keyFile: String { baseName + ".key" }
}
