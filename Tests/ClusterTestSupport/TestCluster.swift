import Bootstrap
import Foundation
import KubeAPI
import KubeAPITestServer
import KubeadmConfig
import KubeTypes
import PKI
import Remote

/// A throwaway cluster for tests: kubeforge's own certificate tree and kubeconfigs for a node (under a private
/// directory used as the node's root), and the stand-in kube-apiserver serving with that tree's apiserver
/// certificate and trusting its CA — so requests carry exactly the credentials a real cluster would see.
public struct TestCluster: Sendable {
    public let root: String
    public let config: KubeadmConfiguration
    public let server: TestAPIServer

    /// The node, with every path under `root` (kubeadm's --rootfs).
    public var host: LocalHost { LocalHost(name: "test-node", rootfs: root) }
    public var nodeName: String { config.initConfiguration.nodeRegistration.name }

    /// The capture's cluster (v1.28.7, 10.213.0.11:6443) unless told otherwise; ECDSA keys keep it fast.
    /// `bindToServer` sets the advertise address to 127.0.0.1 and the bind port to the test server's, so that
    /// init's own phases (which talk to the node's API server) reach the stand-in.
    public static func with<T: Sendable>(version: String = "v1.28.7", bindToServer: Bool = false,
                                         signer: Bool = false, csrSigning: Bool = false,
                                         _ body: (TestCluster) async throws -> T) async throws -> T {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kubeforge-cluster-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: root) }
        var config = KubeadmConfiguration(kubernetesVersion: try KubernetesVersion(parsing: version))
        config.clusterConfiguration.encryptionAlgorithm = .ecdsaP256
        config.clusterConfiguration.networking.podSubnet = "10.244.0.0/16"
        config.initConfiguration.nodeRegistration.name = "k8s-master"
        config.initConfiguration.localAPIEndpoint.advertiseAddress = bindToServer ? "127.0.0.1" : "10.213.0.11"
        if !bindToServer { config.clusterConfiguration.controlPlaneEndpoint = "10.213.0.11:6443" }
        let node = LocalHost(name: "test-node", rootfs: root)
        let certificates = try CertificateTreeOptions(config, kubeconfigDir: "/etc/kubernetes").resolve(hostname: "k8s-master")
        _ = try await PKIGenerator(resolved: certificates, host: node).run(.init(certificates: CertificateCatalog.specs(for: certificates).map(\.name) + ["sa"]))
        let pki = "\(root)/etc/kubernetes/pki"
        func read(_ file: String) throws -> String { try String(contentsOfFile: "\(pki)/\(file)", encoding: .utf8) }
        var options = TestAPIServer.Options(servingCertificatePEM: try read("apiserver.crt"), servingKeyPEM: try read("apiserver.key"),
                                            clientCAPEM: try read("ca.crt"))
        options.bootstrapSigner = signer
        if csrSigning { options.csrSigning = .init(caCertificatePEM: try read("ca.crt"), caKeyPEM: try read("ca.key")) }
        return try await withTestAPIServer(options) { server in
            if bindToServer { config.initConfiguration.localAPIEndpoint.bindPort = server.port }
            let kubeconfigs = try CertificateTreeOptions(config, kubeconfigDir: "/etc/kubernetes").resolve(hostname: "k8s-master")
            _ = try await PKIGenerator(resolved: kubeconfigs, host: node).run(.init(kubeconfigs: KubeconfigKind.kinds(for: kubeconfigs.release)))
            return try await body(TestCluster(root: root, config: config, server: server))
        }
    }

    /// A kubeconfig of the node (`admin.conf`, `super-admin.conf`, …).
    public func kubeconfig(_ name: String = "admin.conf") async throws -> Kubeconfig {
        try await ClusterAccess.kubeconfig(at: "/etc/kubernetes/\(name)", on: host)
    }

    /// A client of the stand-in with `name`'s identity; the certificate is checked for `kubernetes` (the
    /// server's address is an IP the forwarded socket cannot match), as `up` does through SSH.
    public func client(_ name: String = "admin.conf") async throws -> KubeClient {
        try await ClusterAccess.client(kubeconfig(name), apiServer: "127.0.0.1", port: server.port, on: LocalHost()).client
    }

    /// A client for `body`, shut down afterwards.
    public func withClient<T: Sendable>(_ name: String = "admin.conf", _ body: (KubeClient) async throws -> T) async throws -> T {
        try await ClusterAccess.with(kubeconfig(name), apiServer: "127.0.0.1", port: server.port, on: LocalHost(), body)
    }

    /// The node's Node object as the kubelet registers it (with its hostname label), which kubeadm's node
    /// patches wait for.
    public func registerNode(_ name: String? = nil) async throws {
        let node = name ?? nodeName
        try await server.put(["apiVersion": "v1", "kind": "Node",
                              "metadata": ["name": .string(node), "labels": ["kubernetes.io/hostname": .string(node),
                                                                             "kubernetes.io/os": "linux"]]])
    }

    /// Recorded requests as KubeAPI values (verb, URI, user, code, request object).
    public func requests() async -> [Recorded] {
        await server.requests().map { record in
            Recorded(verb: record.verb, requestURI: record.requestURI, user: record.user, code: record.code,
                     requestObject: record.requestObject.flatMap { try? JSONValue.decode($0.data) }.flatMap(KubeObject.init))
        }
    }

    public struct Recorded: Sendable {
        public var verb: String
        public var requestURI: String
        public var user: String
        public var code: Int
        public var requestObject: KubeObject?
        public var path: String { String(requestURI.prefix { $0 != "?" }) }
        public var line: String { "\(verb) \(code) \(requestURI)" }
    }
}
