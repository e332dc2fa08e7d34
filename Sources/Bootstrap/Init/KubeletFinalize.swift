import Foundation
import KubeadmConfig
import Remote

/// kubeadm's kubelet-finalize/enable-client-cert-rotation: once the kubelet has written its rotating client
/// certificate, kubelet.conf points at it instead of embedding init's certificate (which would expire in a
/// year), and the kubelet restarts to use it.
public struct KubeletFinalize: Sendable {
    public let host: any Remote.Host
    public let kubeconfigDir: String
    /// `--cert-dir` in kubeletExtraArgs moves the kubelet's certificates (kubeadm honours it).
    public let certificateDirectory: String

    public init(host: any Remote.Host, kubeconfigDir: String = "/etc/kubernetes", registration: NodeRegistration) {
        self.host = host
        self.kubeconfigDir = kubeconfigDir
        certificateDirectory = registration.kubeletExtraArgs.last { $0.name == "cert-dir" }?.value ?? "/var/lib/kubelet/pki"
    }

    public var certificatePath: String { "\(certificateDirectory)/kubelet-client-current.pem" }
    public var kubeconfigPath: String { "\(kubeconfigDir)/kubelet.conf" }

    /// Returns false (and changes nothing) while the kubelet has not written its certificate yet.
    @discardableResult
    public func run(report: @Sendable (String) -> Void) async throws -> Bool {
        guard try await host.stat(certificatePath) != nil else {
            report("[kubelet-finalize] \(certificatePath) does not exist yet; \(kubeconfigPath) keeps its embedded client certificate")
            return false
        }
        var kubeconfig = try await ClusterAccess.kubeconfig(at: kubeconfigPath, on: host)
        if kubeconfig.clientCertificateFile == certificatePath, kubeconfig.clientCertificatePEM == nil { return true }
        report("[kubelet-finalize] Updating \"\(kubeconfigPath)\" to point to a rotatable kubelet client certificate and key")
        kubeconfig.clientCertificatePEM = nil
        kubeconfig.clientKeyPEM = nil
        kubeconfig.clientCertificateFile = certificatePath
        try await host.writeFile(kubeconfigPath, contents: Data(kubeconfig.rendered().utf8), mode: 0o600)
        let restart = try await host.run(ShellQuote.join(["systemctl", "restart", "kubelet.service"]), timeout: .seconds(60))
        guard restart.succeeded else {
            throw InitError.failed("\(host.name): systemctl restart kubelet.service failed: \(restart.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return true
    }
}
