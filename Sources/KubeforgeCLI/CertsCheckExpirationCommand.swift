import ArgumentParser
import Foundation
import PKI

/// `kubeforge certs check-expiration [-o json]`: expiry of every certificate kubeadm manages.
struct CertsCheckExpirationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-expiration",
        abstract: "Check certificates expiration for a Kubernetes cluster."
    )

    @OptionGroup var location: CertsLocationFlags

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: OutputFormat = .text

    func run() async throws {
        try await CertsErrorReporting.run {
            let report = try await CertificateExpiration.inspect(try await location.treeOptions(), host: location.host)
            switch output {
            case .text: print(Self.table(report), terminator: "")
            case .json: print(try Self.json(report))
            }
            return true
        }
    }

    /// kubeadm's two tables; dates as `Jan 02, 2006 15:04 UTC`.
    static func table(_ report: CertificateExpiration) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MMM dd, yyyy HH:mm 'UTC'"
        func row(_ entry: CertificateExpiration.Entry, withCA: Bool) -> [String] {
            if entry.missing { return ["!MISSING! \(entry.name)"] }
            return [entry.name, entry.expirationDate.map(formatter.string) ?? "", CertificateExpiration.shortDuration(entry.residualTime)]
                + (withCA ? [entry.certificateAuthority ?? ""] : []) + [entry.externallyManaged ? "yes" : "no"]
        }
        return align([["CERTIFICATE", "EXPIRES", "RESIDUAL TIME", "CERTIFICATE AUTHORITY", "EXTERNALLY MANAGED"]]
            + report.certificates.map { row($0, withCA: true) })
            + "\n"
            + align([["CERTIFICATE AUTHORITY", "EXPIRES", "RESIDUAL TIME", "EXTERNALLY MANAGED"]]
                + report.certificateAuthorities.map { row($0, withCA: false) })
    }

    /// Columns padded like Go's tabwriter with a 3-space gap.
    static func align(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.filter { $0.count > 1 }.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index] + 3, withPad: " ", startingAt: 0)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }

    /// `output.kubeadm.k8s.io/v1alpha3` `CertificateExpirationInfo`; residual time in seconds.
    static func json(_ report: CertificateExpiration) throws -> String {
        let formatter = ISO8601DateFormatter()
        func item(_ entry: CertificateExpiration.Entry) -> [String: Any] {
            var value: [String: Any] = [
                "name": entry.name, "residualTime": Int64(entry.residualTime),
                "externallyManaged": entry.externallyManaged, "missing": entry.missing,
                "expirationDate": entry.expirationDate.map(formatter.string) ?? NSNull(),
            ]
            if let ca = entry.certificateAuthority { value["caName"] = ca }
            return value
        }
        let object: [String: Any] = [
            "kind": "CertificateExpirationInfo", "apiVersion": "output.kubeadm.k8s.io/v1alpha3",
            "certificates": report.certificates.map(item), "certificateAuthorities": report.certificateAuthorities.map(item),
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }
}
