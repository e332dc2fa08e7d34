import ArgumentParser
import PKI

/// `kubeforge certs renew all|NAME`: reissue certificates with new keys, keeping their identity and SANs.
struct CertsRenewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renew",
        abstract: "Renew certificates (all, or one of: apiserver, apiserver-etcd-client, apiserver-kubelet-client, admin.conf, controller-manager.conf, etcd-healthcheck-client, etcd-peer, etcd-server, front-proxy-client, scheduler.conf, super-admin.conf)."
    )

    @Argument(help: "all, or a certificate name as listed by check-expiration.")
    var name: String

    @OptionGroup var location: CertsLocationFlags

    func run() async throws {
        try await CertsErrorReporting.run {
            let renewer = try CertificateRenewer(options: try await location.treeOptions(), host: location.host)
            let report = try await renewer.renew([name])
            CertsErrorReporting.print(report, prefix: "[renew]")
            print("\nDone renewing certificates. You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd, so that they can use the new certificates.")
            return report.problems.isEmpty
        }
    }
}
