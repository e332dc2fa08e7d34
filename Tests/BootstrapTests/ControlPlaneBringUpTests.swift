import Foundation
import KubeadmConfig
import Remote
import Templates
import Testing
@testable import Bootstrap

/// The upstream binaries are not available here; the phases are the ones the lab runs for etcd. This checks
/// what they would do: which binaries, units and files, and which endpoints they wait for.
struct ControlPlaneBringUpTests {
    static func bringUp(bundle: TemporaryDirectory) throws -> ControlPlaneBringUp {
        var config = KubeadmConfiguration()
        config.initConfiguration.nodeRegistration.name = "k8s-master"
        config.initConfiguration.localAPIEndpoint.advertiseAddress = "10.213.0.11"
        for name in ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet"] {
            try bundle.write("bin/\(name)", "#!/bin/sh\necho Kubernetes \(config.version)\n", mode: 0o755)
        }
        return ControlPlaneBringUp(config: config, resolver: BinaryResolver(source: .directory(bundle.path)))
    }

    @Test func controlPlaneDryRunNamesBinariesUnitsAndHealthEndpoints() async throws {
        let bundle = try TemporaryDirectory()
        let bringUp = try Self.bringUp(bundle: bundle)
        let outcomes = try await PhaseRunner(dryRun: true).run(bringUp.controlPlanePhases(on: LocalHost(name: "k8s-master")))
        let lines = outcomes.flatMap { outcome -> [String] in
            if case let .wouldRun(lines) = outcome.status { return lines }
            return []
        }
        #expect(lines.contains { $0.hasPrefix("would install \(bundle.path)/bin/kube-apiserver") && $0.hasSuffix("as k8s-master:/usr/local/bin/kube-apiserver") })
        #expect(lines.contains("would write k8s-master:/etc/systemd/system/kube-scheduler.service (mode 644)"))
        #expect(lines.contains("would run systemctl daemon-reload, enable and restart kube-apiserver.service kube-controller-manager.service kube-scheduler.service on k8s-master"))
        #expect(lines.contains { $0.contains("https://10.213.0.11:6443/livez") })
        #expect(lines.contains { $0.contains("https://10.213.0.11:6443/readyz") })
        #expect(lines.contains { $0.contains("https://127.0.0.1:10257/healthz") })
        #expect(lines.contains { $0.contains("https://127.0.0.1:10259/healthz") })
        #expect(bringUp.controlPlaneBinaries.allSatisfy { $0.expectedVersion == "v1.33.0" })
    }

    @Test func kubeletDryRunWritesItsFourFilesAndWaitsOnHealthz() async throws {
        let bundle = try TemporaryDirectory()
        let bringUp = try Self.bringUp(bundle: bundle)
        let outcomes = try await PhaseRunner(dryRun: true).run(bringUp.kubeletPhases(on: LocalHost(name: "n")))
        let lines = outcomes.flatMap { outcome -> [String] in
            if case let .wouldRun(lines) = outcome.status { return lines }
            return []
        }
        for path in ["/etc/systemd/system/kubelet.service", "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
                     "/var/lib/kubelet/config.yaml", "/var/lib/kubelet/kubeadm-flags.env"] {
            #expect(lines.contains("would write n:\(path) (mode 644)"))
        }
        #expect(lines.contains { $0.contains("as n:/usr/bin/kubelet") })
        #expect(lines.contains { $0.contains("http://127.0.0.1:10248/healthz") })
    }

    /// The real phases against this machine (LocalHost): binaries installed and their versions checked.
    @Test func installsAndVersionChecksTheKubernetesBinaries() async throws {
        let bundle = try TemporaryDirectory()
        let target = try TemporaryDirectory()
        var bringUp = try Self.bringUp(bundle: bundle)
        bringUp.options.binaryDirectory = target.path
        try await InstallBinariesPhase(bringUp.controlPlaneBinaries, on: LocalHost(), resolver: bringUp.resolver).run()
        for name in ["kube-apiserver", "kube-controller-manager", "kube-scheduler"] {
            #expect(try await LocalHost().stat("\(target.path)/\(name)")?.mode == 0o755)
        }
        bringUp.kubernetesVersion = "v1.30.0"
        let error = await #expect(throws: BinaryError.self) {
            try await InstallBinariesPhase(bringUp.controlPlaneBinaries, on: LocalHost(), resolver: bringUp.resolver).run()
        }
        #expect("\(error!)".contains("reports version 1.33.0, expected v1.30.0"))
    }
}
