import ArgumentParser
import KubeadmConfig
import Templates
import KubeTypes

/// `kubeforge config print init-defaults`: kubeadm's placeholder InitConfiguration and ClusterConfiguration.
struct ConfigPrintInitDefaults: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init-defaults",
        abstract: "Print the default init configuration, which can be used for 'kubeforge init --config'."
    )

    @Option(help: "Also print these component configs: KubeletConfiguration, KubeProxyConfiguration (comma-separated).")
    var componentConfigs: String?

    @Option(help: "Print as the kubeadm of this release would (v1beta3 before v1.31, v1beta4 from v1.31; default \(KubernetesVersion.kubeforgeDefault)).")
    var kubernetesVersion: String?

    func run() throws {
        let version: KubernetesVersion
        do {
            version = try kubernetesVersion.map { try KubernetesVersion(parsing: $0) } ?? .kubeforgeDefault
            try version.checkSupported()
        } catch {
            throw ConfigInput.badInput("--kubernetes-version: \(error)")
        }
        var text = ConfigEncoder.initDefaults(for: version)
        let components = (componentConfigs ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let known = ["KubeletConfiguration", "KubeProxyConfiguration"]
        if let unknown = components.first(where: { !known.contains($0) }) {
            throw ConfigInput.badInput("--component-configs: unknown component config '\(unknown)'; use \(known.joined(separator: ", "))")
        }
        if !components.isEmpty {
            let renderer = try ClusterRenderer(config: KubeadmConfiguration(kubernetesVersion: version))
            if components.contains("KubeletConfiguration") { text += "---\n" + (try renderer.kubeletConfiguration()) }
            if components.contains("KubeProxyConfiguration") { text += "---\n" + (try renderer.kubeProxyConfiguration()) }
        }
        print(text, terminator: "")
    }
}
