import ArgumentParser
import PKI

/// `kubeforge init phase certs [all|NAME]`: the certificate tree under the certificate directory.
struct InitPhaseCertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Generate certificates (all, or one of: \(CertificateCatalog.phaseNames.joined(separator: ", ")), etcd-* names only with local etcd)."
    )

    @Argument(help: "all, or one certificate: \(CertificateCatalog.phaseNames.joined(separator: ", ")).")
    var name = "all"

    @OptionGroup var flags: InitPhaseCertificateFlags

    @Flag(name: .customLong("renew-mismatched"),
          help: "Reissue existing certificates whose SANs no longer cover the configuration (default: report them).")
    var renewMismatched = false

    func run() async throws {
        try await CertsErrorReporting.run {
            let resolved = try flags.treeOptions().resolve()
            var generator = PKIGenerator(resolved: resolved, host: flags.host)
            generator.renewMismatched = renewMismatched
            let request = name == "all"
                ? PKIGenerator.Request(certificates: CertificateCatalog.specs(for: resolved).map(\.name) + ["sa"])
                : PKIGenerator.Request(certificates: [name])
            let report = try await generator.run(request)
            CertsErrorReporting.print(report, prefix: "[certs]")
            if name == "all", report.problems.isEmpty {
                print("[certs] Valid certificates and keys now exist in \"\(resolved.options.certificatesDir)\"")
            }
            return report.problems.isEmpty
        }
    }
}
