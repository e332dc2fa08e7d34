import Foundation
import Testing
@testable import PKI

/// A real etcd (Debian's etcd-server) serving with the generated etcd certificates (kubeadm.md §3.7 flags).
@Suite(.serialized) struct EtcdMutualTLSTests {
    /// A TCP port nothing listens on right now (bind to port 0, read it back, release it).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func etcdctl(_ endpoint: String, pki: String, cert: String, key: String, ca: String? = nil, _ arguments: [String])
        throws -> (status: Int32, stdout: String, stderr: String)
    {
        try runTool("/usr/bin/env", ["ETCDCTL_API=3", "/usr/bin/etcdctl", "--endpoints", endpoint, "--dial-timeout", "3s",
                                     "--command-timeout", "5s", "--cacert", ca ?? "\(pki)/etcd/ca.crt",
                                     "--cert", "\(pki)/\(cert)", "--key", "\(pki)/\(key)"] + arguments, allowFailure: true)
    }

    @Test func etcdServesMutualTLSWithTheGeneratedCertificates() async throws {
        let tree = try await SharedTree.get()
        let pki = tree.pki
        let dataDir = try TemporaryDirectory()
        defer { dataDir.remove() }
        let client = try Self.freePort(), peer = try Self.freePort(), metrics = try Self.freePort()
        let endpoint = "https://127.0.0.1:\(client)"
        let etcd = Process()
        etcd.executableURL = URL(fileURLWithPath: "/usr/bin/etcd")
        etcd.arguments = [
            "--name=cp-1", "--data-dir=\(dataDir.path)/etcd",
            "--listen-client-urls=\(endpoint)", "--advertise-client-urls=\(endpoint)",
            "--listen-peer-urls=https://127.0.0.1:\(peer)", "--initial-advertise-peer-urls=https://127.0.0.1:\(peer)",
            "--initial-cluster=cp-1=https://127.0.0.1:\(peer)", "--listen-metrics-urls=http://127.0.0.1:\(metrics)",
            "--cert-file=\(pki)/etcd/server.crt", "--key-file=\(pki)/etcd/server.key", "--client-cert-auth=true",
            "--trusted-ca-file=\(pki)/etcd/ca.crt", "--peer-cert-file=\(pki)/etcd/peer.crt",
            "--peer-key-file=\(pki)/etcd/peer.key", "--peer-client-cert-auth=true",
            "--peer-trusted-ca-file=\(pki)/etcd/ca.crt", "--snapshot-count=10000",
        ]
        let log = FileHandle(forWritingAtPath: "/dev/null")
        etcd.standardOutput = log
        etcd.standardError = log
        try etcd.run()
        defer {
            etcd.terminate()
            kill(etcd.processIdentifier, SIGKILL)
            etcd.waitUntilExit()
        }

        // The healthcheck client (what kubeadm's etcd probes and `check-etcd` use) is accepted.
        var health = (status: Int32(-1), stdout: "", stderr: "")
        for _ in 0..<40 {
            health = try etcdctl(endpoint, pki: pki, cert: "etcd/healthcheck-client.crt", key: "etcd/healthcheck-client.key",
                                 ["endpoint", "health"])
            if health.status == 0 { break }
            #expect(etcd.isRunning, "etcd exited early")
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(health.status == 0, "etcdctl endpoint health: \(health.stderr)")
        #expect((health.stdout + health.stderr).contains("is healthy"))

        // The API server's client certificate can write and read.
        let put = try etcdctl(endpoint, pki: pki, cert: "apiserver-etcd-client.crt", key: "apiserver-etcd-client.key",
                              ["put", "/registry/kubeforge", "ok"])
        #expect(put.status == 0, "\(put.stderr)")
        let get = try etcdctl(endpoint, pki: pki, cert: "apiserver-etcd-client.crt", key: "apiserver-etcd-client.key",
                              ["get", "/registry/kubeforge", "--print-value-only"])
        #expect(get.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")

        // A client certificate from another CA (front-proxy-ca) is refused.
        let refused = try etcdctl(endpoint, pki: pki, cert: "front-proxy-client.crt", key: "front-proxy-client.key",
                                  ["endpoint", "health"])
        #expect(refused.status != 0)
        #expect(!(refused.stdout).contains("is healthy"))

        // And a client that does not trust etcd-ca refuses the server.
        let untrusted = try etcdctl(endpoint, pki: pki, cert: "etcd/healthcheck-client.crt", key: "etcd/healthcheck-client.key",
                                    ca: "\(pki)/ca.crt", ["endpoint", "health"])
        #expect(untrusted.status != 0)
    }
}
