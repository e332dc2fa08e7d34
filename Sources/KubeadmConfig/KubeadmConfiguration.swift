import Foundation
import KubeTypes

/// Everything a kubeadm `--config` file can hold: Init/Cluster/Join configurations plus the component configs,
/// with upstream defaults for anything not given.
public struct KubeadmConfiguration: Equatable, Sendable {
    public var initConfiguration = InitConfiguration()
    public var clusterConfiguration = ClusterConfiguration()
    /// Present when the file held a JoinConfiguration.
    public var joinConfiguration: JoinConfiguration?
    /// A `kubelet.config.k8s.io/v1beta1 KubeletConfiguration` document, kept as YAML text (merged over the defaults).
    public var kubeletConfiguration: String?
    /// A `kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration` document, kept as YAML text.
    public var kubeProxyConfiguration: String?
    /// The kubeadm API version the file used (`kubeadm.k8s.io/v1beta3` or `v1beta4`), nil for built-in defaults.
    public var sourceAPIVersion: KubeadmAPIVersion?

    /// Upstream defaults for `version`.
    public init(kubernetesVersion version: KubernetesVersion = .kubeforgeDefault) {
        clusterConfiguration.kubernetesVersion = version.description
    }

    /// The parsed target version.
    public var version: KubernetesVersion { clusterConfiguration.version }

    /// The ConfigMap/print API version kubeadm of this release uses: v1beta4 from v1.31, v1beta3 before.
    public var outputAPIVersion: KubeadmAPIVersion { version.isAtLeast(minor: 31) ? .v1beta4 : .v1beta3 }

    /// Loads and validates a multi-document kubeadm configuration file.
    public static func load(contentsOf path: String) throws(KubeadmConfigError) -> KubeadmConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KubeadmConfigError(.init(code: .unreadableFile, file: path, field: "--config", reason: "cannot read the file: \(error.localizedDescription)"))
        }
        return try load(yaml: text, file: path)
    }

    /// Decodes and validates YAML text; `file` names it in errors.
    public static func load(yaml: String, file: String) throws(KubeadmConfigError) -> KubeadmConfiguration {
        try ConfigDecoder(file: file).decode(yaml)
    }

    /// Fills what kubeadm derives from the machine: the node name (lower-cased hostname) and the advertise
    /// address (the default-route interface's IP) when the configuration leaves them empty or 0.0.0.0.
    public mutating func completeNodeSpecific(hostname: String, defaultRouteAddress: String) {
        if initConfiguration.nodeRegistration.name.isEmpty {
            initConfiguration.nodeRegistration.name = hostname.lowercased()
        }
        let address = initConfiguration.localAPIEndpoint.advertiseAddress
        if address.isEmpty || address == "0.0.0.0" || address == "::" {
            initConfiguration.localAPIEndpoint.advertiseAddress = defaultRouteAddress
        }
        if var join = joinConfiguration {
            if join.nodeRegistration.name.isEmpty { join.nodeRegistration.name = hostname.lowercased() }
            if var controlPlane = join.controlPlane, controlPlane.localAPIEndpoint.advertiseAddress.isEmpty {
                controlPlane.localAPIEndpoint.advertiseAddress = defaultRouteAddress
                join.controlPlane = controlPlane
            }
            joinConfiguration = join
        }
    }

    /// For a joining node: makes the JoinConfiguration's node registration (and, on control-plane joins, its
    /// local API endpoint) the ones rendering uses, so the same manifests code serves init and join.
    public mutating func adoptJoinNodeSettings() {
        guard let join = joinConfiguration else { return }
        initConfiguration.nodeRegistration = join.nodeRegistration
        if let controlPlane = join.controlPlane {
            initConfiguration.localAPIEndpoint = controlPlane.localAPIEndpoint
        }
        initConfiguration.timeouts = join.timeouts
    }

    /// The startup-probe budget: v1beta4 `timeouts.controlPlaneComponentHealthCheck`, or v1beta3's
    /// `apiServer.timeoutForControlPlane` when that was given.
    public var controlPlaneHealthCheckTimeout: GoDuration {
        clusterConfiguration.apiServer.timeoutForControlPlane ?? initConfiguration.timeouts.controlPlaneComponentHealthCheck
    }
}

/// The two kubeadm configuration API versions kubeforge reads.
public enum KubeadmAPIVersion: String, Sendable, CaseIterable {
    case v1beta3 = "kubeadm.k8s.io/v1beta3"
    case v1beta4 = "kubeadm.k8s.io/v1beta4"
}
