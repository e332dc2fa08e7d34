import ArgumentParser
import Foundation
import KubeadmConfig
import KubeTypes

/// `kubeforge config images list`: the images `init` needs, in kubeadm's order.
struct ConfigImagesList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Print the images kubeforge will use.")

    @Option(help: "Kubernetes version (v1.28–v1.33; default \(KubernetesVersion.kubeforgeDefault)).")
    var kubernetesVersion: String?

    @Option(help: "Registry to pull images from (default registry.k8s.io).")
    var imageRepository: String?

    @Option(help: "Path to a kubeadm configuration file.")
    var config: String?

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: OutputFormat = .text

    func run() throws {
        var flags = InitFlags()
        flags.kubernetesVersion = kubernetesVersion
        flags.imageRepository = imageRepository
        let configuration = try ConfigInput.load(configFile: config, flags: flags)
        let images = ImageList.images(for: configuration.clusterConfiguration)
        switch output {
        case .text:
            print(images.joined(separator: "\n"))
        case .json:
            // kubeadm's output.kubeadm.k8s.io Images object.
            let object: [String: Any] = ["kind": "Images", "apiVersion": "output.kubeadm.k8s.io/v1alpha3", "images": images]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
