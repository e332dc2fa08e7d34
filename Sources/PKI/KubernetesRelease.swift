import Foundation

/// The Kubernetes minor release the PKI is built for. Values that changed between releases
/// (organizations, super-admin.conf, backdating) follow it.
public struct KubernetesRelease: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    /// What `stable`, `stable-1` and `latest` resolve to offline: the newest release kubeforge targets
    /// (kubeadm falls back to its own version the same way).
    public static let newestSupported = KubernetesRelease(major: 1, minor: 33, patch: 0)

    public init(major: Int, minor: Int, patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `v1.30.2`, `1.30.2`, `v1.31` (pre-release and build suffixes are ignored) or a release label.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if ["", "stable", "stable-1", "latest", "latest-1"].contains(trimmed) {
            self = Self.newestSupported
            return
        }
        let core = (trimmed.hasPrefix("v") ? trimmed.dropFirst() : Substring(trimmed))
            .prefix { $0 != "-" && $0 != "+" }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil && $0! >= 0 }), parts[0] == 1 else {
            throw PKIError(.invalidInput, "invalid Kubernetes version '\(text)': expected a version such as v1.33.1")
        }
        self.init(major: 1, minor: parts[1]!, patch: parts.count == 3 ? parts[2]! : 0)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public var description: String { "v\(major).\(minor).\(patch)" }

    // Release-dependent identities (kubernetes/kubernetes#119859, #120521, #121305, #121837: all v1.29).

    /// v1.29 moved admin.conf and apiserver-kubelet-client to `kubeadm:cluster-admins` and added super-admin.conf.
    public var hasClusterAdminsGroup: Bool { minor >= 29 }

    /// Organization of admin.conf's user and of apiserver-kubelet-client.
    public var adminOrganization: String { hasClusterAdminsGroup ? "kubeadm:cluster-admins" : "system:masters" }

    /// Organization of apiserver-etcd-client and etcd-healthcheck-client (none from v1.29).
    public var etcdClientOrganizations: [String] { hasClusterAdminsGroup ? [] : ["system:masters"] }

    /// From v1.31 every certificate starts 5 minutes before kubeadm started (`CertificateBackdate`).
    public var backdatesCertificates: Bool { minor >= 31 }
}
