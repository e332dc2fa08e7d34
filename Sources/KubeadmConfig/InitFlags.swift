import Foundation
import KubeTypes

/// The `kubeadm init` flags that set configuration fields, applied on top of defaults or a config file.
public struct InitFlags: Equatable, Sendable {
    public var controlPlaneEndpoint: String?
    public var podNetworkCIDR: String?
    public var serviceCIDR: String?
    public var serviceDNSDomain: String?
    public var apiserverAdvertiseAddress: String?
    public var apiserverBindPort: Int?
    public var kubernetesVersion: String?
    public var imageRepository: String?
    public var nodeName: String?
    public var certDir: String?
    public var apiserverCertExtraSANs: [String]?

    public init() {}

    /// Flags that kubeadm refuses to mix with `--config` (`ValidateMixedArguments`; only node-name among these is allowed).
    public var flagsConflictingWithConfigFile: [String] {
        var names: [String] = []
        if controlPlaneEndpoint != nil { names.append("--control-plane-endpoint") }
        if podNetworkCIDR != nil { names.append("--pod-network-cidr") }
        if serviceCIDR != nil { names.append("--service-cidr") }
        if serviceDNSDomain != nil { names.append("--service-dns-domain") }
        if apiserverAdvertiseAddress != nil { names.append("--apiserver-advertise-address") }
        if apiserverBindPort != nil { names.append("--apiserver-bind-port") }
        if kubernetesVersion != nil { names.append("--kubernetes-version") }
        if imageRepository != nil { names.append("--image-repository") }
        if certDir != nil { names.append("--cert-dir") }
        if apiserverCertExtraSANs != nil { names.append("--apiserver-cert-extra-sans") }
        return names
    }

    /// Validates every flag and writes it into `config`; with `fromConfigFile`, flags kubeadm does not allow
    /// next to `--config` are refused, as kubeadm does.
    public func apply(to config: inout KubeadmConfiguration, fromConfigFile: Bool = false) throws(KubeadmConfigError) {
        var problems: [KubeadmConfigError.Problem] = []
        func bad(_ flag: String, _ reason: String) {
            problems.append(.init(code: .invalidFlag, field: flag, reason: reason))
        }
        if fromConfigFile {
            for flag in flagsConflictingWithConfigFile {
                problems.append(.init(code: .mixedFlags, field: flag, reason: "can not be mixed with --config; set the field in the configuration file instead"))
            }
        }
        if let value = controlPlaneEndpoint {
            if let reason = Validate.endpoint(value) { bad("--control-plane-endpoint", reason) }
            config.clusterConfiguration.controlPlaneEndpoint = value
        }
        if let value = podNetworkCIDR {
            if let reason = Validate.cidrList(value) { bad("--pod-network-cidr", reason) }
            config.clusterConfiguration.networking.podSubnet = value
        }
        if let value = serviceCIDR {
            if let reason = Validate.cidrList(value) { bad("--service-cidr", reason) }
            config.clusterConfiguration.networking.serviceSubnet = value
        }
        if let value = serviceDNSDomain {
            if let reason = Validate.dnsDomain(value) { bad("--service-dns-domain", reason) }
            config.clusterConfiguration.networking.dnsDomain = value
        }
        if let value = apiserverAdvertiseAddress {
            if IPAddress(value) == nil { bad("--apiserver-advertise-address", "'\(value)' is not an IP address") }
            config.initConfiguration.localAPIEndpoint.advertiseAddress = value
        }
        if let value = apiserverBindPort {
            if !(1...65535).contains(value) { bad("--apiserver-bind-port", "\(value) is not a port (1-65535)") }
            config.initConfiguration.localAPIEndpoint.bindPort = value
        }
        if let value = kubernetesVersion {
            do {
                let version = try KubernetesVersion(parsing: value)
                try version.checkSupported()
                config.clusterConfiguration.kubernetesVersion = version.description
            } catch {
                bad("--kubernetes-version", error.description)
            }
        }
        if let value = imageRepository {
            if value.isEmpty || value.contains(" ") { bad("--image-repository", "'\(value)' is not an image repository") }
            config.clusterConfiguration.imageRepository = value
        }
        if let value = nodeName {
            if !Validate.isDNSSubdomain(value) { bad("--node-name", "'\(value)' is not a valid node name (lower-case RFC 1123 subdomain)") }
            config.initConfiguration.nodeRegistration.name = value
        }
        if let value = certDir {
            if !value.hasPrefix("/") { bad("--cert-dir", "'\(value)' must be an absolute path") }
            config.clusterConfiguration.certificatesDir = value
        }
        if let value = apiserverCertExtraSANs {
            let sans = value.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            for san in sans {
                if let reason = Validate.certSAN(san) { bad("--apiserver-cert-extra-sans", reason) }
            }
            config.clusterConfiguration.apiServer.certSANs = sans
        }
        if !problems.isEmpty { throw KubeadmConfigError(problems: problems) }
    }
}
