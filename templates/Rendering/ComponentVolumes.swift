import KubeadmConfig
import KubeTypes

/// hostPath volumes of each static Pod (phases/controlplane/volumes.go, phases/etcd/local.go), with the
/// configuration's extraVolumes merged by name.
public enum ComponentVolumes {
    /// Optional system CA locations, mounted only when present on the host. v1.31 (kubernetes/kubernetes#124361)
    /// replaced the whole of /etc/pki by /etc/pki/ca-trust and /etc/pki/tls/certs.
    static func caCertificateCandidates(_ version: KubernetesVersion) -> [(name: String, path: String)] {
        let pki: [(name: String, path: String)] = version.isAtLeast(minor: 31)
            ? [("etc-pki-ca-trust", "/etc/pki/ca-trust"), ("etc-pki-tls-certs", "/etc/pki/tls/certs")]
            : [("etc-pki", "/etc/pki")]
        return pki + [
            ("etc-ca-certificates", "/etc/ca-certificates"),
            ("usr-share-ca-certificates", "/usr/share/ca-certificates"),
            ("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates"),
        ]
    }

    /// Volumes sorted by name (etcd: see ``etcdMounts(_:)`` for the mount order).
    public static func volumes(for component: ControlPlaneComponentName, config: KubeadmConfiguration, options: RenderOptions = .init()) -> [HostPathMount] {
        let c = config.clusterConfiguration
        let readOnlyDir = { (name: String, path: String) in
            HostPathMount(name: name, hostPath: path, mountPath: path, readOnly: true, pathType: "DirectoryOrCreate")
        }
        var base: [HostPathMount]
        var extra: [HostPathMount]
        switch component {
        case .etcd:
            return etcdMounts(config).sorted { $0.name < $1.name }
        case .scheduler:
            base = [HostPathMount(name: "kubeconfig", hostPath: "/etc/kubernetes/scheduler.conf", mountPath: "/etc/kubernetes/scheduler.conf", readOnly: true, pathType: "FileOrCreate")]
            extra = c.scheduler.extraVolumes
        case .apiServer, .controllerManager:
            base = [readOnlyDir("ca-certs", "/etc/ssl/certs"), readOnlyDir("k8s-certs", c.certificatesDir)]
            for candidate in caCertificateCandidates(c.version) where options.hostCACertificatePaths.contains(candidate.path) {
                base.append(readOnlyDir(candidate.name, candidate.path))
            }
            if component == .controllerManager {
                let flexDir = c.controllerManager.extraArgs.value(of: "flex-volume-plugin-dir") ?? "/usr/libexec/kubernetes/kubelet-plugins/volume/exec"
                base.append(HostPathMount(name: "flexvolume-dir", hostPath: flexDir, mountPath: flexDir, readOnly: false, pathType: "DirectoryOrCreate"))
                base.append(HostPathMount(name: "kubeconfig", hostPath: "/etc/kubernetes/controller-manager.conf", mountPath: "/etc/kubernetes/controller-manager.conf", readOnly: true, pathType: "FileOrCreate"))
                extra = c.controllerManager.extraVolumes
            } else {
                base += externalEtcdVolumes(c, alreadyMounted: base.map(\.hostPath))
                extra = c.apiServer.component.extraVolumes
            }
        }
        let overridden = Set(extra.map(\.name))
        return (base.filter { !overridden.contains($0.name) } + extra).sorted { $0.name < $1.name }
    }

    /// etcd's mounts in kubeadm's explicit order: etcd-data, then etcd-certs.
    public static func etcdMounts(_ config: KubeadmConfiguration) -> [HostPathMount] {
        let dataDir = config.clusterConfiguration.etcd.local?.dataDir ?? "/var/lib/etcd"
        let certs = "\(config.clusterConfiguration.certificatesDir)/etcd"
        return [
            HostPathMount(name: "etcd-data", hostPath: dataDir, mountPath: dataDir, readOnly: false, pathType: "DirectoryOrCreate"),
            HostPathMount(name: "etcd-certs", hostPath: certs, mountPath: certs, readOnly: false, pathType: "DirectoryOrCreate"),
        ]
    }

    /// Directories of the external etcd CA/cert/key that no other volume already covers: etcd-certs-0, -1, ….
    private static func externalEtcdVolumes(_ c: ClusterConfiguration, alreadyMounted: [String]) -> [HostPathMount] {
        guard let external = c.etcd.external else { return [] }
        var mounted = alreadyMounted
        var volumes: [HostPathMount] = []
        for file in [external.caFile, external.certFile, external.keyFile] where !file.isEmpty {
            let directory = String(file[..<(file.lastIndex(of: "/") ?? file.startIndex)])
            guard !directory.isEmpty, !mounted.contains(where: { directory == $0 || directory.hasPrefix($0 + "/") }) else { continue }
            mounted.append(directory)
            volumes.append(HostPathMount(name: "etcd-certs-\(volumes.count)", hostPath: directory, mountPath: directory, readOnly: true, pathType: "DirectoryOrCreate"))
        }
        return volumes
    }
}
