import ArgumentParser
import Foundation
import PKI
import Remote

/// Where `certs check-expiration` and `certs renew` find the files, and which release's set of files to expect.
struct CertsLocationFlags: ParsableArguments {
    @Option(name: .customLong("cert-dir"), help: "The path where certificates are stored.")
    var certificatesDir = "/etc/kubernetes/pki"

    @Option(name: .customLong("kubeconfig-dir"), help: "The path where kubeconfig files are stored.")
    var kubeconfigDir = "/etc/kubernetes"

    @Option(name: .customLong("kubernetes-version"), help: "The cluster's Kubernetes version (decides whether super-admin.conf exists).")
    var kubernetesVersion = "stable-1"

    @Option(help: ArgumentHelp("Resolve every host path under this directory.", valueName: "dir"))
    var rootfs: String?

    var host: LocalHost { LocalHost(rootfs: rootfs) }

    /// The options for the tree on disk; without etcd/ca.crt the cluster is taken to use external etcd.
    func treeOptions() async throws -> CertificateTreeOptions {
        var options = CertificateTreeOptions()
        options.certificatesDir = certificatesDir
        options.kubeconfigDir = kubeconfigDir
        options.kubernetesVersion = kubernetesVersion
        options.externalEtcd = try await host.stat(certificatesDir + "/etcd/ca.crt") == nil
        return options
    }
}
