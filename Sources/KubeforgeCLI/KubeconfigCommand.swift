import ArgumentParser
import Bootstrap
import Foundation
import Inventory
import KubeTypes
import PKI
import Remote
import X509

/// `kubeforge kubeconfig -i INV [--user NAME]`: a kubeconfig for the operator, fetched from the first control
/// plane (as `k0sctl kubeconfig`), so nobody needs to log in to a node to use the cluster.
struct KubeconfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubeconfig",
        abstract: "Print an admin kubeconfig for the inventory's cluster.",
        discussion: """
        Without --user: the first control plane's admin.conf. With --user NAME: a new client certificate for NAME \
        (cluster-admin through kubeadm's group), signed by the cluster CA on that host; the CA key never leaves \
        this process. The output holds a private key: redirect it to a 0600 file (kubeforge kubeconfig -i INV > \
        ~/.kube/config).
        """)

    @OptionGroup var target: InventoryOptions

    @OptionGroup var fanOut: FanOutOptions

    @Option(help: "Issue a kubeconfig for this user name instead of printing admin.conf.")
    var user: String?

    @Option(help: "The server URL to write (default: admin.conf's, the control-plane endpoint).")
    var server: String?

    func run() async throws {
        let (inventory, hosts) = try target.load()
        guard let controlPlane = hosts.first(where: \.isControlPlane) ?? inventory.hosts.first(where: \.isControlPlane) else {
            throw ConfigInput.badInput("\(target.inventory): no host with the control-plane role")
        }
        let host = fanOut.sshHosts([controlPlane])[0]
        do {
            var kubeconfig = try await ClusterAccess.kubeconfig(at: "/etc/kubernetes/admin.conf", on: host)
            if let server { kubeconfig.server = server }
            if let user {
                kubeconfig = try await issue(for: user, basedOn: kubeconfig, on: host,
                                             version: inventory.cluster.kubernetesVersion.flatMap { try? KubernetesVersion(parsing: $0) })
            }
            await host.disconnect()
            print(kubeconfig.rendered(), terminator: "")
        } catch {
            await host.disconnect()
            FileHandle.standardError.write(Data("error: \(controlPlane.name): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// A client certificate for `name` in admin.conf's group (kubeadm:cluster-admins from v1.29, system:masters
    /// before), signed with the cluster CA's key read from the control plane.
    func issue(for name: String, basedOn admin: Kubeconfig, on host: any Remote.Host, version: KubernetesVersion?) async throws -> Kubeconfig {
        let caKey = try SigningKey(pemEncoded: String(decoding: try await host.readFile("/etc/kubernetes/pki/ca.key"), as: UTF8.self),
                                   path: "\(host.name):/etc/kubernetes/pki/ca.key")
        let ca = try Certificate(pemEncoded: admin.certificateAuthorityPEM)
        let release = KubernetesRelease(major: 1, minor: version?.minor ?? 29, patch: version?.patch ?? 0)
        let groups = release.minor >= 29 ? ["kubeadm:cluster-admins"] : ["system:masters"]
        let key = try EncryptionAlgorithm.ecdsaP256.generateKey()
        let certificate = try CertificateIssuer(release: release).leaf(commonName: name, organizations: groups, usages: [.clientAuth],
                                                                       altNames: AltNames(), publicKey: key.publicKey, ca: ca, caKey: caKey)
        return Kubeconfig(clusterName: admin.clusterName, server: admin.server, certificateAuthorityPEM: admin.certificateAuthorityPEM,
                          userName: name, clientCertificatePEM: try certificate.pemText(), clientKeyPEM: key.pemEncoded)
    }
}
