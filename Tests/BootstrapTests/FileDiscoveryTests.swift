import ClusterTestSupport
import Foundation
import KubeAPI
import KubeAPITestServer
import PKI
import Remote
import Testing
@testable import Bootstrap

/// kubeadm's file discovery (`--discovery-file`) against the stand-in kube-apiserver (it stands in for
/// kube-apiserver, which cannot run in CI), and an https discovery URL served by a real web server
/// (`openssl s_server -WWW`) with a certificate of the cluster's CA.
@Suite(.serialized) struct FileDiscoveryTests {
    static let token = "zzjwhc.tx6j2cemohmstuve"

    /// The cluster part of admin.conf, as an operator hands it out; with `token`, a bootstrap-token user too.
    static func discoveryFile(_ cluster: TestCluster, token: String? = nil) async throws -> Kubeconfig {
        var file = try await cluster.kubeconfig()
        file.clientCertificatePEM = nil
        file.clientKeyPEM = nil
        file.token = token
        return file
    }

    static func discovery(_ source: String, on host: LocalHost, lines: Lines = Lines()) -> FileDiscovery {
        var discovery = FileDiscovery(source: source, host: host) { lines.add($0) }
        discovery.timeout = .seconds(2)
        discovery.interval = .milliseconds(200)
        return discovery
    }

    @Test func aFileWithTheClusterOnlyIsCheckedAnonymouslyOnceThenTheTokenJoins() async throws {
        try await TestCluster.with(bindToServer: true, signer: true, csrSigning: true) { cluster in
            try await JoinServerTests.initialise(cluster)
            await cluster.server.clearRequests()
            let worker = try JoinServerTests.worker()
            defer { try? FileManager.default.removeItem(atPath: worker.rootfs!) }
            try await worker.writeFile("/root/discovery.conf", contents: Data(try await Self.discoveryFile(cluster).rendered().utf8), mode: 0o600)
            var options = try await JoinServerTests.options(cluster)
            options.discoveryFile = "/root/discovery.conf"
            options.caCertHashes = []
            var kubelet = KubeletStandIn(host: worker, nodeName: "k8s-node1", apiServerPort: cluster.server.port)
            kubelet.registered = { try await cluster.registerNode("k8s-node1") }
            try await JoinWorkflow(host: worker, options: options, kubelet: kubelet) { _ in }.run()
            // kubeadm's ValidateConfigInfo: one anonymous read of cluster-info through the file's CA, none of
            // token discovery's unverified fetches; then the bootstrap token reads the cluster's configuration.
            let anonymous = await cluster.requests().filter { $0.user == "system:anonymous" }
            #expect(anonymous.map(\.path) == ["/api/v1/namespaces/kube-public/configmaps/cluster-info"])
            #expect(anonymous.map(\.code) == [200])
            #expect(await cluster.requests().contains { $0.user == "system:bootstrap:zzjwhc" && $0.path.hasSuffix("/kubeadm-config") })
            #expect(try await worker.stat(JoinWorkflow.kubeletKubeconfigPath) != nil)
        }
    }

    @Test func aFileWithCredentialsIsTheKubeletsBootstrapKubeconfigWhenNoTokenIsGiven() async throws {
        try await TestCluster.with(bindToServer: true, signer: true, csrSigning: true) { cluster in
            try await JoinServerTests.initialise(cluster)
            await cluster.server.clearRequests()
            let worker = try JoinServerTests.worker()
            defer { try? FileManager.default.removeItem(atPath: worker.rootfs!) }
            let file = try await Self.discoveryFile(cluster, token: Self.token)
            try await worker.writeFile("/root/discovery.conf", contents: Data(file.rendered().utf8), mode: 0o600)
            var options = try await JoinServerTests.options(cluster)
            options.token = nil
            options.discoveryFile = "/root/discovery.conf"
            options.caCertHashes = []
            var kubelet = KubeletStandIn(host: worker, nodeName: "k8s-node1", apiServerPort: cluster.server.port)
            kubelet.registered = { try await cluster.registerNode("k8s-node1") }
            try await JoinWorkflow(host: worker, options: options, kubelet: kubelet) { _ in }.run()
            // Validation and the kubelet's CSR both went with the file's token, not anonymously.
            let requests = await cluster.requests()
            #expect(!requests.contains { $0.user == "system:anonymous" })
            #expect(requests.contains { $0.user == "system:bootstrap:zzjwhc" && $0.path.hasSuffix("/cluster-info") })
            #expect(requests.contains { $0.user == "system:bootstrap:zzjwhc" && $0.verb == "create" && $0.path.contains("certificatesigningrequests") })
            #expect(try await worker.stat(JoinWorkflow.bootstrapKubeconfigPath) == nil)
        }
    }

    @Test func withoutCredentialsOrATokenTheKubeletCannotBootstrapAndJoinSaysSo() async throws {
        try await TestCluster.with(bindToServer: true, signer: true) { cluster in
            try await JoinServerTests.initialise(cluster)
            let worker = try JoinServerTests.worker()
            defer { try? FileManager.default.removeItem(atPath: worker.rootfs!) }
            try await worker.writeFile("/root/discovery.conf", contents: Data(try await Self.discoveryFile(cluster).rendered().utf8), mode: 0o600)
            var options = try await JoinServerTests.options(cluster)
            options.token = nil
            options.discoveryFile = "/root/discovery.conf"
            let join = JoinWorkflow(host: worker, options: options, kubelet: KubeletStandIn(host: worker, nodeName: "x", apiServerPort: 1)) { _ in }
            let error = await #expect(throws: DiscoveryError.self) { try await join.run() }
            #expect(error.map { "\($0)" }?.contains("no credentials for the kubelet's TLS bootstrap: give --tls-bootstrap-token") == true)
            #expect(try await worker.stat("/var/lib/kubelet/config.yaml") == nil)
        }
    }

    @Test func aCertificateAuthorityNamedByPathIsEmbedded() async throws {
        try await TestCluster.with(bindToServer: true, signer: true) { cluster in
            try await JoinServerTests.initialise(cluster)
            let worker = try JoinServerTests.worker()
            defer { try? FileManager.default.removeItem(atPath: worker.rootfs!) }
            let file = try await Self.discoveryFile(cluster)
            let byPath = file.rendered().replacingOccurrences(
                of: "certificate-authority-data: \(Data(file.certificateAuthorityPEM.utf8).base64EncodedString())",
                with: "certificate-authority: /root/ca.pem")
            #expect(!byPath.contains("certificate-authority-data"))
            try await worker.writeFile("/root/ca.pem", contents: Data(file.certificateAuthorityPEM.utf8), mode: 0o644)
            try await worker.writeFile("/root/discovery.conf", contents: Data(byPath.utf8), mode: 0o600)
            let discovered = try await Self.discovery("/root/discovery.conf", on: worker).discover()
            #expect(discovered.certificateAuthorityPEM == file.certificateAuthorityPEM)
            #expect(discovered.certificateAuthorityFile == nil)
            #expect(discovered.rendered().contains("certificate-authority-data: "))
        }
    }

    @Test func anotherCAFailsAtOnceOnTLSAndAForbiddenClusterInfoIsAcceptedAsKubeadmAcceptsIt() async throws {
        try await TestCluster.with(bindToServer: true, signer: true) { cluster in
            try await JoinServerTests.initialise(cluster)
            let worker = try JoinServerTests.worker()
            defer { try? FileManager.default.removeItem(atPath: worker.rootfs!) }
            var wrong = try await Self.discoveryFile(cluster)
            wrong.certificateAuthorityPEM = try String(contentsOfFile: "\(cluster.root)/etc/kubernetes/pki/etcd/ca.crt", encoding: .utf8)
            try await worker.writeFile("/root/wrong.conf", contents: Data(wrong.rendered().utf8), mode: 0o600)
            let error = await #expect(throws: DiscoveryError.self) { try await Self.discovery("/root/wrong.conf", on: worker).discover() }
            guard case .tls? = error else { Issue.record("expected a TLS failure, got \(String(describing: error))"); return }

            // Without kubeadm's RBAC rule for anonymous readers of cluster-info the file is used as it is.
            #expect(await cluster.server.remove(.rolebindings, namespace: "kube-public", name: "kubeadm:bootstrap-signer-clusterinfo"))
            try await worker.writeFile("/root/discovery.conf", contents: Data(try await Self.discoveryFile(cluster).rendered().utf8), mode: 0o600)
            let lines = Lines()
            let discovered = try await Self.discovery("/root/discovery.conf", on: worker, lines: lines).discover()
            #expect(discovered.server == cluster.server.url)
            #expect(lines.all.contains("[discovery] Could not access the cluster-info ConfigMap for refreshing the cluster-info information, but the TLS cert is valid so proceeding..."))
            #expect(await cluster.requests().last.map { "\($0.user) \($0.code)" } == "system:anonymous 403")
        }
    }

    @Test func badSourcesAreNamedWithWhatIsWrong() async throws {
        try await TestCluster.with(bindToServer: true) { cluster in
            let worker = try JoinServerTests.worker()
            defer { try? FileManager.default.removeItem(atPath: worker.rootfs!) }
            func failure(_ source: String) async -> String {
                do { _ = try await Self.discovery(source, on: worker).discover(); return "discovered" } catch { return "\(error)" }
            }
            #expect(await failure("/root/absent.conf").hasPrefix("--discovery-file /root/absent.conf: cannot read it on k8s-node1"))
            #expect(await failure("http://example.invalid/cluster.conf").contains("an http:// URL cannot be trusted"))
            try await worker.writeFile("/root/garbage.conf", contents: Data("- just a list\n".utf8), mode: 0o600)
            #expect(await failure("/root/garbage.conf").contains("is not a usable kubeconfig"))
            var file = try await Self.discoveryFile(cluster)
            file.certificateAuthorityPEM = ""
            try await worker.writeFile("/root/no-ca.conf", contents: Data(file.rendered().utf8), mode: 0o600)
            #expect(await failure("/root/no-ca.conf").contains("its cluster has neither certificate-authority-data nor certificate-authority"))
            file = try await Self.discoveryFile(cluster)
            file.server = "https://127.0.0.1:1"
            try await worker.writeFile("/root/unreachable.conf", contents: Data(file.rendered().utf8), mode: 0o600)
            #expect(await failure("/root/unreachable.conf").contains("abort reading the cluster-info ConfigMap after timeout of 2.0s: "))
        }
    }

    @Test func anHTTPSURLIsFetchedOnlyFromAServerItsTrustVouchesFor() async throws {
        try await TestCluster.with(bindToServer: true, signer: true) { cluster in
            try await JoinServerTests.initialise(cluster)
            let worker = try JoinServerTests.worker()
            defer { try? FileManager.default.removeItem(atPath: worker.rootfs!) }
            let site = try JoinServerTests.worker().rootfs!
            defer { try? FileManager.default.removeItem(atPath: site) }
            try Data(try await Self.discoveryFile(cluster).rendered().utf8).write(to: URL(fileURLWithPath: "\(site)/cluster.conf"))
            try await WebServer.with(directory: site, pki: "\(cluster.root)/etc/kubernetes/pki") { port in
                let url = "https://127.0.0.1:\(port)/cluster.conf"
                var trusted = Self.discovery(url, on: worker)
                trusted.urlTrust = .certificateAuthorities(pem: try String(contentsOfFile: "\(cluster.root)/etc/kubernetes/pki/ca.crt", encoding: .utf8))
                #expect(try await trusted.discover().server == cluster.server.url)
                // This machine's CA store does not know the cluster's CA: the URL is refused, not fetched blindly.
                let refused = await #expect(throws: DiscoveryError.self) { try await Self.discovery(url, on: worker).discover() }
                #expect(refused.map { "\($0)" }?.contains("--discovery-file \(url): cannot fetch it:") == true)
                #expect(refused.map { "\($0)" }?.contains("TLS") == true)
            }
        }
    }
}

/// A real HTTPS file server: `openssl s_server -WWW` serving `directory` with the API server's certificate
/// (valid for 127.0.0.1, issued by the cluster's CA).
enum WebServer {
    static func with(directory: String, pki: String, _ body: (Int) async throws -> Void) async throws {
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_server", "-WWW", "-quiet", "-accept", "127.0.0.1:\(port)",
                             "-cert", "\(pki)/apiserver.crt", "-key", "\(pki)/apiserver.key"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // SIGKILL by pid; Foundation reaps the child (waitUntilExit spins off the main thread).
        defer { kill(process.processIdentifier, SIGKILL) }
        for _ in 0..<100 where !accepts(port) { try await Task.sleep(for: .milliseconds(50)) }
        try await body(port)
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func loopback(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    /// A TCP port nothing listens on right now (bind to port 0, read it back, release it).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
