import ClusterTestSupport
import Foundation
import KubeAPI
import KubeAPITestServer
import PKI
import Remote
import Testing
@testable import Bootstrap

/// Not a test: the measurement behind `scripts/bench-init-api` (enabled by KUBEFORGE_BENCH=1). Times init's API
/// phases (upload-config, upload-certs, mark-control-plane, bootstrap-token, addon) against a fresh stand-in
/// kube-apiserver per run, and — when KUBEFORGE_BUNDLE holds kubeadm — upstream `kubeadm init phase …` for the
/// same phases against the same kind of server. Writes the samples as JSON to KUBEFORGE_BENCH_OUT.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["KUBEFORGE_BENCH"] == "1", "a benchmark: scripts/bench-init-api runs it"))
struct InitAPIBenchmark {
    static let runs = Int(ProcessInfo.processInfo.environment["KUBEFORGE_BENCH_RUNS"] ?? "") ?? 15

    @Test func initAPIPhases() async throws {
        var kubeforge: [Double] = []
        var kubeadm: [Double] = []
        var requests = 0
        let upstream = ProcessInfo.processInfo.environment["KUBEFORGE_BUNDLE"].map { "\($0)/kubeadm" }
            .flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
        for _ in 0..<Self.runs {
            try await TestCluster.with(bindToServer: true) { cluster in
                try await cluster.registerNode()
                let clock = ContinuousClock()
                let start = clock.now
                try await cluster.withClient { client in
                    let phases = InitAPIPhases(client: client, objects: try InitObjects(config: cluster.config), report: { _ in })
                    var files: [String: Data] = [:]
                    for file in KubeadmCertsSecret.files(externalEtcd: false) {
                        files[file.key] = try Data(contentsOf: URL(fileURLWithPath: "\(cluster.root)/etc/kubernetes/pki/\(file.path)"))
                    }
                    let ca = try String(contentsOfFile: "\(cluster.root)/etc/kubernetes/pki/ca.crt", encoding: .utf8)
                    try await phases.uploadConfig()
                    try await phases.uploadCerts(files: files, key: .generate())
                    try await phases.markControlPlane()
                    try await phases.bootstrapToken([try BootstrapTokenSecret(token: .generate(), expires: nil)], certificateAuthorityPEM: ca)
                    try await phases.addons()
                }
                kubeforge.append(Double((clock.now - start) / .microseconds(1)) / 1000)
                requests = await cluster.requests().count
                guard let upstream else { return }
                // The same phases by upstream kubeadm, on a fresh copy of the stand-in's state.
                try await TestCluster.with(bindToServer: true) { fresh in
                    try await fresh.registerNode()
                    // kubeadm chroots into --rootfs (the node's files) and talks to the server its admin.conf names;
                    // it refuses a loopback advertise address, so this machine's own address stands in there.
                    let address = try await LocalHost().run("hostname -I").stdoutText.split(separator: " ").first.map(String.init) ?? "192.0.2.1"
                    try """
                        apiVersion: kubeadm.k8s.io/v1beta3
                        kind: InitConfiguration
                        localAPIEndpoint: {advertiseAddress: \(address), bindPort: \(fresh.server.port)}
                        nodeRegistration: {name: k8s-master}
                        ---
                        apiVersion: kubeadm.k8s.io/v1beta3
                        kind: ClusterConfiguration
                        kubernetesVersion: v1.28.7
                        networking: {podSubnet: 10.244.0.0/16}
                        """.write(toFile: "\(fresh.root)/kubeadm.yaml", atomically: true, encoding: .utf8)
                    try FileManager.default.copyItem(atPath: upstream, toPath: "\(fresh.root)/kubeadm")
                    let phases = ["upload-config all", "upload-certs --upload-certs", "mark-control-plane", "bootstrap-token", "addon all"]
                    let begin = clock.now
                    for phase in phases {
                        let outcome = try await LocalHost().run("\(fresh.root)/kubeadm init phase \(phase) --config /kubeadm.yaml --rootfs \(fresh.root) 2>&1", timeout: .seconds(120))
                        #expect(outcome.succeeded, "kubeadm init phase \(phase) failed: \(outcome.stdoutText.suffix(400))")
                    }
                    kubeadm.append(Double((clock.now - begin) / .microseconds(1)) / 1000)
                }
            }
        }
        let summary: [String: Any] = ["kubeforge_ms": kubeforge, "kubeadm_ms": kubeadm, "requests": requests]
        let data = try JSONSerialization.data(withJSONObject: summary)
        if let out = ProcessInfo.processInfo.environment["KUBEFORGE_BENCH_OUT"] { try data.write(to: URL(fileURLWithPath: out)) }
        print(String(decoding: data, as: UTF8.self))
    }
}
