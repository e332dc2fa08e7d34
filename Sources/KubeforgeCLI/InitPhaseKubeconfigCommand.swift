import ArgumentParser
import PKI

/// `kubeforge init phase kubeconfig [all|NAME]`: admin.conf, super-admin.conf, kubelet.conf,
/// controller-manager.conf and scheduler.conf, with client certificates signed by the cluster CA.
struct InitPhaseKubeconfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubeconfig",
        abstract: "Generate the kubeconfig files (all, admin, super-admin, kubelet, controller-manager, scheduler)."
    )

    @Argument(help: "all, or one of: \(KubeconfigKind.allCases.map(\.phaseName).joined(separator: ", ")).")
    var name = "all"

    @Option(name: .customLong("kubeconfig-dir"), help: "The path where kubeconfig files are written.")
    var kubeconfigDir = "/etc/kubernetes"

    @OptionGroup var flags: InitPhaseCertificateFlags

    func run() async throws {
        try await CertsErrorReporting.run {
            guard name == "all" || KubeconfigKind(rawValue: name) != nil else {
                throw PKIError(.invalidInput, "unknown kubeconfig '\(name)'; use all or one of: \(KubeconfigKind.allCases.map(\.phaseName).joined(separator: ", "))")
            }
            let resolved = try flags.treeOptions(kubeconfigDir: kubeconfigDir).resolve()
            let kinds = name == "all" ? KubeconfigKind.kinds(for: resolved.release) : [KubeconfigKind(rawValue: name)!]
            let report = try await PKIGenerator(resolved: resolved, host: flags.host).run(.init(kubeconfigs: kinds))
            CertsErrorReporting.print(report, prefix: "[kubeconfig]")
            return report.problems.isEmpty
        }
    }
}
