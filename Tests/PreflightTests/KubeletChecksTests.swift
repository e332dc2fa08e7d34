import Testing
@testable import Preflight
import KubeTypes

/// kubeadm's `KubeletVersion` and `Service-Kubelet`, over the fixtures' probe output and small edits of it, for
/// `kubeforge init`/`join` on a node (the kubelet is preinstalled) and for `up` (kubeforge installs its own).
@Suite struct KubeletChecksTests {
    static func target(_ version: String? = "v1.28.7", roles: Set<PreflightTarget.Role> = [.controlPlane],
                       kubelet: PreflightTarget.KubeletSource = .preinstalled) -> PreflightTarget {
        var target = Fixture.target(roles: roles, version: version)
        target.kubelet = kubelet
        return target
    }

    static func facts(kubelet output: String?, exitStatus: Int = 0) throws -> HostFacts {
        var facts = try Fixture.rocky9.facts
        facts.kubeletVersion = output.map { HostFacts.CommandOutput(text: $0, exitStatus: exitStatus) }
        if output == nil { facts.binaries["kubelet"] = nil }
        return facts
    }

    @Test func theProbeReportsTheKubeletAndItsUnit() throws {
        let rocky = try Fixture.rocky9.facts
        #expect(rocky.kubeletVersion == .init(text: "Kubernetes v1.28.0", exitStatus: 0))
        #expect(rocky.kubeletUnit == .init(text: "enabled", exitStatus: 0))
        let ubuntu = try Fixture.ubuntu2204.facts
        #expect(ubuntu.kubeletVersion?.text == "Kubernetes v1.29.1")
        #expect(ubuntu.kubeletUnit == .init(text: "disabled", exitStatus: 1))
        // Captured before the probe asked: the sections are absent, and the parse still succeeds.
        let lab = try Fixture.debian12Lab.facts
        #expect(lab.kubeletVersion == nil && lab.kubeletUnit == nil && lab.binaries["kubelet"] == nil)
    }

    @Test func kubeletWithinTheSkewPasses() throws {
        for version in ["v1.28.0", "v1.28.9", "v1.27.3", "v1.25.0"] {
            let result = HostChecks.kubeletVersion(Self.target(), try Self.facts(kubelet: "Kubernetes \(version)"))
            #expect(result.status == .pass, "\(version): \(result)")
        }
        let pass = HostChecks.kubeletVersion(Self.target(), try Self.facts(kubelet: "Kubernetes v1.28.0\n"))
        #expect(pass == .pass("KubeletVersion", "kubelet v1.28.0 (control plane v1.28.7 supports v1.25–v1.28)"))
    }

    @Test func kubeletNewerThanTheControlPlaneFails() throws {
        let result = HostChecks.kubeletVersion(Self.target(), try Self.facts(kubelet: "Kubernetes v1.29.0"))
        #expect(result.status == .fail)
        #expect(result.message.hasPrefix("the kubelet version is higher than the control plane version: kubelet v1.29.0, control plane v1.28.7"))
        #expect(result.message.contains("not a supported version skew"))
        #expect(result.fix.contains("v1.28"))
        // The upper bound is major.minor: a newer patch is fine.
        #expect(HostChecks.kubeletVersion(Self.target("v1.28.0"), try Self.facts(kubelet: "Kubernetes v1.28.7")).status == .pass)
    }

    @Test func kubeletOlderThanMinorMinusThreeFails() throws {
        let result = HostChecks.kubeletVersion(Self.target(), try Self.facts(kubelet: "Kubernetes v1.24.17"))
        #expect(result.status == .fail)
        #expect(result.message == "Kubelet version \"v1.24.17\" is lower than kubeadm can support for control plane v1.28.7 (at least v1.25.0)")
        #expect(HostChecks.kubeletVersion(Self.target("v1.33.1"), try Self.facts(kubelet: "Kubernetes v1.29.15")).status == .fail)
        #expect(HostChecks.kubeletVersion(Self.target("v1.33.1"), try Self.facts(kubelet: "Kubernetes v1.30.0")).status == .pass)
        // Before v1.28 kubeadm allowed one minor.
        #expect(HostChecks.oldestKubeletMinor(for: KubernetesVersion(major: 1, minor: 27)) == 26)
        #expect(HostChecks.oldestKubeletMinor(for: KubernetesVersion(major: 1, minor: 28)) == 25)
    }

    /// A join before discovery knows no control-plane version: like kubeadm's join, only the minimum counts,
    /// the oldest any supported control plane (v1.28 − 3) takes.
    @Test func withoutAVersionOnlyTheOldestSupportedKubeletIsRequired() throws {
        for version in ["v1.25.0", "v1.28.7", "v1.33.2"] {
            let result = HostChecks.kubeletVersion(Self.target(nil, roles: [.worker]), try Self.facts(kubelet: "Kubernetes \(version)"))
            #expect(result.status == .pass, "\(version): \(result)")
        }
        let old = HostChecks.kubeletVersion(Self.target(nil, roles: [.worker]), try Self.facts(kubelet: "Kubernetes v1.24.17"))
        #expect(old.status == .fail)
        #expect(old.message == "Kubelet version \"v1.24.17\" is lower than kubeadm can support for any control plane kubeforge supports (at least v1.25.0)")
    }

    @Test func missingKubeletIsKubeadmsErrorOnANode() throws {
        let result = HostChecks.kubeletVersion(Self.target(), try Self.facts(kubelet: nil))
        #expect(result.status == .fail)
        #expect(result.message == "couldn't get kubelet version: cannot execute 'kubelet --version': executable file not found in $PATH")
        #expect(result.fix.contains("kubelet.service"))
    }

    @Test func brokenOrForeignKubeletOutputFails() throws {
        let crashed = HostChecks.kubeletVersion(Self.target(), try Self.facts(kubelet: "exec format error", exitStatus: 126))
        #expect(crashed.status == .fail && crashed.message.contains("exited with status 126: exec format error"))
        let foreign = HostChecks.kubeletVersion(Self.target(), try Self.facts(kubelet: "kubelet version 1.28"))
        #expect(foreign.status == .fail)
        #expect(foreign.message == "couldn't get kubelet version: Unable to parse output from Kubelet: \"kubelet version 1.28\"")
        #expect(HostChecks.parseKubeletVersion("Kubernetes v1.28.7-eks-1-28") == KubernetesVersion(major: 1, minor: 28, patch: 7, preRelease: "eks-1-28"))
        #expect(HostChecks.parseKubeletVersion("Kubernetes v1.28") == nil)
    }

    /// `up` installs its own kubelet after preflight: nothing here may stop it before that.
    @Test func whenKubeforgeInstallsTheKubeletNothingFails() throws {
        let up = Self.target(kubelet: .installedByKubeforge)
        let missing = HostChecks.kubeletVersion(up, try Self.facts(kubelet: nil))
        #expect(missing.status == .skip && missing.message.contains("kubeforge up installs"))
        let newer = HostChecks.kubeletVersion(up, try Self.facts(kubelet: "Kubernetes v1.30.0"))
        #expect(newer.status == .warn && newer.message.contains("installs and runs its own kubelet"))
        #expect(HostChecks.kubeletVersion(up, try Self.facts(kubelet: "Kubernetes v1.28.7")).status == .pass)
        var noUnit = try Fixture.rocky9.facts
        noUnit.kubeletUnit = .init(text: "Failed to get unit file state for kubelet.service: No such file or directory", exitStatus: 1)
        #expect(HostChecks.kubeletService(up, noUnit).status == .skip)
        // The default is up's: commands that existed before these checks keep passing on fresh hosts.
        #expect(Fixture.target().kubelet == .installedByKubeforge)
        let fresh = HostChecks.evaluate(Fixture.target(roles: [.worker]), try Fixture.debian12Lab.facts)
        #expect(fresh.filter { ["KubeletVersion", "Service-Kubelet"].contains($0.name) }.map(\.status) == [.skip, .skip])
    }

    @Test func serviceEnabledPassesDisabledWarnsWithKubeadmsMessage() throws {
        let node = Self.target()
        #expect(HostChecks.kubeletService(node, try Fixture.rocky9.facts) == .pass("Service-Kubelet", "kubelet.service is enabled"))
        let disabled = HostChecks.kubeletService(node, try Fixture.ubuntu2204.facts)
        #expect(disabled.status == .warn)
        #expect(disabled.message.hasPrefix("kubelet service is not enabled, please run 'systemctl enable kubelet.service'"))
        #expect(disabled.fix == "systemctl enable kubelet.service")
        var masked = try Fixture.rocky9.facts
        masked.kubeletUnit = .init(text: "masked", exitStatus: 1)
        #expect(HostChecks.kubeletService(node, masked).fix == "systemctl unmask kubelet.service && systemctl enable kubelet.service")
        var statik = try Fixture.rocky9.facts
        statik.kubeletUnit = .init(text: "static", exitStatus: 0)
        #expect(HostChecks.kubeletService(node, statik).status == .pass)
    }

    @Test func missingUnitWarnsOnANodeInBothSystemdSpellings() throws {
        for text in ["Failed to get unit file state for kubelet.service: No such file or directory", "not-found"] {
            var facts = try Fixture.rocky9.facts
            facts.kubeletUnit = .init(text: text, exitStatus: text == "not-found" ? 4 : 1)
            let result = HostChecks.kubeletService(Self.target(), facts)
            #expect(result.status == .warn && result.message == "kubelet service does not exist", "\(text)")
        }
        // No systemd at all: kubeadm's init-system warning.
        let noSystemd = HostChecks.kubeletService(Self.target(), try Fixture.debian12.facts)
        #expect(noSystemd == .warn("Service-Kubelet", "no supported init system detected, skipping checking for services",
                                   fix: noSystemd.fix))
    }

    @Test func bothChecksRunInKubeadmsPlaceForInitAndJoin() throws {
        for roles: Set<PreflightTarget.Role> in [[.controlPlane], [.worker]] {
            let names = HostChecks.evaluate(Self.target(roles: roles), try Fixture.ubuntu2204.facts).map(\.name)
            let hostname = try #require(names.firstIndex(of: "Hostname"))
            #expect(Array(names[hostname...].prefix(3)) == ["Hostname", "KubeletVersion", "Service-Kubelet"])
        }
        let worker = HostChecks.evaluate(Self.target(roles: [.worker]), try Fixture.ubuntu2204.facts)
        #expect(worker.named("KubeletVersion")?.status == .fail, "v1.29.1 on a v1.28.7 cluster")
        #expect(worker.named("Service-Kubelet")?.status == .warn)
    }
}
