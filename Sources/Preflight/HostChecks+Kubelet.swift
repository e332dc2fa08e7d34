import KubeTypes

/// kubeadm's `KubeletVersion` and `Service-Kubelet` (cmd/kubeadm/app/preflight/checks.go, utils.go), judged on
/// what the probe's `kubelet --version` and `systemctl is-enabled kubelet.service` printed.
extension HostChecks {
    /// kubeadm's skew from v1.28 on: the kubelet may be up to three minors older than the control plane
    /// (`MinimumKubeletVersion`), one before; never newer (major.minor).
    public static func oldestKubeletMinor(for controlPlane: KubernetesVersion) -> Int {
        controlPlane.minor - (controlPlane.minor >= 28 ? 3 : 1)
    }

    /// Without a control-plane version (join before discovery, an inventory without `kubernetesVersion`) only
    /// the oldest kubelet any supported control plane takes is checked, as kubeadm's join checks only its minimum.
    public static func kubeletVersion(_ target: PreflightTarget, _ facts: HostFacts) -> CheckResult {
        let name = "KubeletVersion"
        let controlPlane = target.kubernetesVersion
        let oldestMinor = controlPlane.map(oldestKubeletMinor(for:)) ?? KubernetesVersion.supportedMinors.lowerBound - 3
        let oldest = KubernetesVersion(major: controlPlane?.major ?? 1, minor: oldestMinor, patch: 0)
        let wanted = controlPlane.map { "v\($0.major).\(oldestMinor)–v\($0.major).\($0.minor)" } ?? "v1.\(oldestMinor) or newer"
        let installFix = controlPlane.map { "install the kubelet of the control plane's minor (v\($0.major).\($0.minor)), or one in \(wanted)" }
            ?? "install the kubelet of the cluster's minor"
        let byKubeforge = target.kubelet == .installedByKubeforge
        let replaced = "; kubeforge up installs and runs its own kubelet of the cluster's version instead"
        // kubeadm's wording for each failure, then what to do; a warning only when kubeforge brings its own kubelet.
        func problem(_ message: String, fix: String) -> CheckResult {
            byKubeforge ? .warn(name, message + replaced, fix: fix) : .fail(name, message, fix: fix)
        }
        guard let output = facts.kubeletVersion else {
            if facts.binaries["kubelet"] != nil { return .skip(name, "kubelet --version was not run (probe output without it)") }
            if byKubeforge { return .skip(name, "no kubelet installed yet; kubeforge up installs the kubelet of the cluster's version") }
            return .fail(name, "couldn't get kubelet version: cannot execute 'kubelet --version': executable file not found in $PATH",
                         fix: installFix + ", with its kubelet.service and 10-kubeadm.conf drop-in, before running init or join here")
        }
        let text = output.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard output.exitStatus == 0 else {
            return problem("couldn't get kubelet version: 'kubelet --version' exited with status \(output.exitStatus): \(text.prefix(200))",
                           fix: "reinstall the kubelet: " + installFix)
        }
        guard let kubelet = parseKubeletVersion(text) else {
            return problem("couldn't get kubelet version: Unable to parse output from Kubelet: \"\(text.prefix(200))\"",
                           fix: "check that `kubelet --version` prints `Kubernetes vX.Y.Z`; " + installFix)
        }
        let against = controlPlane.map { "control plane \($0)" } ?? "any control plane kubeforge supports"
        if kubelet < oldest {
            return problem("Kubelet version \"\(kubelet)\" is lower than kubeadm can support for \(against) (at least \(oldest))",
                           fix: "upgrade the kubelet: " + installFix)
        }
        guard let controlPlane else { return .pass(name, "kubelet \(kubelet) (\(wanted); no control-plane version to compare with)") }
        if (kubelet.major, kubelet.minor) > (controlPlane.major, controlPlane.minor) {
            return problem("the kubelet version is higher than the control plane version: kubelet \(kubelet), control plane \(controlPlane); this is not a supported version skew and may lead to a malfunctional cluster",
                           fix: "downgrade the kubelet: " + installFix)
        }
        return .pass(name, "kubelet \(kubelet) (control plane \(controlPlane) supports \(wanted))")
    }

    /// kubeadm's GetKubeletVersion: the whole output must be `Kubernetes vX.Y.Z[suffix]`.
    static func parseKubeletVersion(_ text: String) -> KubernetesVersion? {
        guard text.hasPrefix("Kubernetes v"), !text.contains("\n") else { return nil }
        return try? KubernetesVersion(parsing: String(text.dropFirst("Kubernetes ".count)))
    }

    /// Enabled, not necessarily active (kubeadm's ServiceCheck without CheckIfActive): kubeadm starts the kubelet itself.
    public static func kubeletService(_ target: PreflightTarget, _ facts: HostFacts) -> CheckResult {
        let name = "Service-Kubelet"
        let byKubeforge = target.kubelet == .installedByKubeforge
        guard let unit = facts.kubeletUnit else {
            if facts.isSystemd { return .skip(name, "systemctl is-enabled kubelet.service was not run (probe output without it)") }
            if byKubeforge { return .skip(name, "systemd is not running here, so there is no kubelet.service to check") }
            return .warn(name, "no supported init system detected, skipping checking for services",
                         fix: "run the kubelet under systemd (kubeforge writes kubelet.service and its drop-in for systemd)")
        }
        let state = unit.text.split(separator: "\n").last.map(String.init) ?? ""
        if unit.exitStatus == 0 { return .pass(name, "kubelet.service is \(state)") }
        if state == "not-found" || unit.text.contains("No such file or directory") {
            if byKubeforge { return .skip(name, "no kubelet.service yet; kubeforge up writes and enables it") }
            return .warn(name, "kubelet service does not exist",
                         fix: "install the kubelet with its kubelet.service unit and 10-kubeadm.conf drop-in (the kubelet package has both)")
        }
        let unmask = state.hasPrefix("masked") ? "systemctl unmask kubelet.service && " : ""
        return .warn(name, "kubelet service is not enabled, please run 'systemctl enable kubelet.service' (it is \(state.isEmpty ? "not enabled" : state))",
                     fix: unmask + "systemctl enable kubelet.service")
    }
}
