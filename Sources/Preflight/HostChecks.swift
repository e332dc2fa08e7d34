import Foundation
import KubeTypes

/// The per-host checks: each a pure function of one host's target and facts. kubeadm's list (§7 of the
/// kubeadm reference) is the floor; the rest are what tutorials fix by hand.
public enum HostChecks {
    public static func evaluate(_ target: PreflightTarget, _ facts: HostFacts) -> [CheckResult] {
        var results = [
            privilegedUser(facts), osRelease(facts), kernelVersion(facts), architecture(facts),
            numCPU(target, facts), memory(target, facts), diskSpace(facts), swap(facts), selinux(facts),
            firewall(target, facts), ipForward(facts), bridgeNetfilter(target, facts, ipv6: false),
            bridgeNetfilter(target, facts, ipv6: true), kernelModules(facts), systemVerification(facts),
            timeSync(facts), hostname(facts), kubeletVersion(target, facts), kubeletService(target, facts),
        ]
        results += ports(target, facts)
        results += fileAvailable(target, facts)
        results += directoriesAvailable(target, facts)
        results += binaries(target, facts)
        results += [cri(facts), cgroupVersion(facts), cgroupDriver(facts)]
        results += proxy(target, facts)
        return results
    }

    // MARK: system

    public static func privilegedUser(_ facts: HostFacts) -> CheckResult {
        let name = "IsPrivilegedUser"
        guard let uid = facts.uid else { return .fail(name, "could not read the user id", fix: "check that `id -u` works on the host") }
        if uid == 0 { return .pass(name, "running as root") }
        if facts.sudoWorks == true { return .pass(name, "uid \(uid) with passwordless sudo") }
        return .fail(name, "uid \(uid), and `sudo -n true` failed: kubeforge needs root",
                     fix: "log in as root, or allow the SSH user passwordless sudo (`USER ALL=(ALL) NOPASSWD: ALL` in /etc/sudoers.d/) and set `ssh.sudo: true`")
    }

    /// Distribution and version ranges kubeforge supports (major versions, inclusive).
    public static let supportedOS: [String: ClosedRange<Int>] = [
        "centos": 7...9, "rhel": 7...9, "rocky": 8...9, "almalinux": 8...9, "ubuntu": 20...24, "debian": 11...12,
    ]

    public static func osRelease(_ facts: HostFacts) -> CheckResult {
        let name = "OSRelease"
        let fix = "use CentOS/RHEL 7–9, Rocky/Alma 8–9, Ubuntu 20.04–24.04 or Debian 11–12"
        guard let os = facts.osRelease else { return .warn(name, "no /etc/os-release: unknown distribution", fix: fix) }
        var shown = os.prettyName
        if let redhat = facts.redhatRelease, !redhat.isEmpty { shown = redhat }
        guard let range = supportedOS[os.id], let major = os.majorVersion else {
            return .warn(name, "\(shown) is not a tested distribution", fix: fix)
        }
        if os.id == "ubuntu", major % 2 == 1 || os.minorVersion != 4 {
            return .warn(name, "\(shown) is not an LTS release", fix: fix)
        }
        if major < range.lowerBound { return .fail(name, "\(shown) is too old (\(os.id) \(range.lowerBound) or newer needed)", fix: fix) }
        if major > range.upperBound { return .warn(name, "\(shown) is newer than kubeforge has been tested on", fix: fix) }
        if (os.id == "centos" || os.id == "rhel"), major == 7 {
            return .pass(name, "\(shown) (supported; note CentOS 7 reached end of life in June 2024)")
        }
        return .pass(name, shown)
    }

    public static func kernelVersion(_ facts: HostFacts) -> CheckResult {
        let name = "KernelVersion"
        let parts = facts.kernelRelease.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        guard parts.count == 2 else { return .warn(name, "could not read the kernel version (`\(facts.kernelRelease)`)", fix: "check `uname -r`") }
        let version = (parts[0], parts[1])
        if version < (3, 10) {
            return .fail(name, "kernel \(facts.kernelRelease) is older than 3.10", fix: "upgrade the kernel to 4.19 or newer")
        }
        if version < (4, 19) {
            return .warn(name, "kernel \(facts.kernelRelease): Kubernetes recommends 4.19 (LTS) or newer; 3.10 lacks features newer releases use",
                         fix: "upgrade the kernel (for CentOS 7, e.g. kernel-lt from ELRepo) or move to a newer distribution")
        }
        return .pass(name, "kernel \(facts.kernelRelease)")
    }

    public static func architecture(_ facts: HostFacts) -> CheckResult {
        let name = "Architecture"
        let known = ["x86_64": "amd64", "aarch64": "arm64", "ppc64le": "ppc64le", "s390x": "s390x"]
        if let arch = known[facts.machine] { return .pass(name, "\(facts.machine) (\(arch))") }
        return .fail(name, "\(facts.machine.isEmpty ? "unknown" : facts.machine) is not an architecture Kubernetes ships binaries for",
                     fix: "use an amd64, arm64, ppc64le or s390x host")
    }

    public static func numCPU(_ target: PreflightTarget, _ facts: HostFacts) -> CheckResult {
        let name = "NumCPU"
        guard target.isControlPlane else { return .skip(name, "only checked on control planes") }
        guard let cpus = facts.cpus else { return .fail(name, "could not count CPUs", fix: "check `nproc` on the host") }
        if cpus < 2 { return .fail(name, "\(cpus) CPU; a control plane needs at least 2", fix: "give the host at least 2 CPUs") }
        return .pass(name, "\(cpus) CPUs")
    }

    public static func memory(_ target: PreflightTarget, _ facts: HostFacts) -> CheckResult {
        let name = "Mem"
        guard target.isControlPlane else { return .skip(name, "only checked on control planes") }
        guard let kib = facts.memTotalKiB else { return .fail(name, "could not read MemTotal from /proc/meminfo", fix: "check /proc/meminfo") }
        let megabytes = kib / 1024
        if megabytes < 1700 {
            return .fail(name, "\(megabytes) MB of memory; a control plane needs at least 1700 MB", fix: "give the host at least 2 GB of memory")
        }
        return .pass(name, "\(megabytes) MB of memory")
    }

    public static func diskSpace(_ facts: HostFacts) -> CheckResult {
        let name = "DiskSpace"
        guard let disk = facts.varLibDisk else { return .warn(name, "could not read free space under /var/lib", fix: "check `df -Pk /var/lib`") }
        let freeGiB = Double(disk.availableKiB) / 1_048_576
        let shown = String(format: "%.1f GiB free under /var/lib (on %@)", freeGiB, disk.mountPoint)
        let fix = "free space or grow the filesystem holding /var/lib (images, etcd and pod data live there)"
        if freeGiB < 2 { return .fail(name, shown + "; at least 2 GiB are needed to pull images", fix: fix) }
        // The kubelet starts evicting pods when the image filesystem is below 15 % free.
        let usedFraction = disk.totalKiB == 0 ? 0 : 1 - Double(disk.availableKiB) / Double(disk.totalKiB)
        if freeGiB < 10 || usedFraction > 0.85 {
            return .warn(name, shown + String(format: " (%.0f%% used); 10 GiB and under 85%% use recommended", usedFraction * 100), fix: fix)
        }
        return .pass(name, shown)
    }

    public static func swap(_ facts: HostFacts) -> CheckResult {
        let name = "Swap"
        if facts.swaps.isEmpty { return .pass(name, "no active swap") }
        return .fail(name, "swap is on: \(facts.swaps.joined(separator: ", ")); the kubelet refuses to start with swap by default",
                     fix: "swapoff -a && sed -ri '/\\sswap\\s/s/^#?/#/' /etc/fstab")
    }

    public static func selinux(_ facts: HostFacts) -> CheckResult {
        let name = "SELinux"
        var runtime: String?
        if let enforce = facts.fileValues["/sys/fs/selinux/enforce"] {
            runtime = enforce == "1" ? "enforcing" : "permissive"
        } else if let mode = facts.getenforce?.lowercased(), !mode.isEmpty {
            runtime = mode
        }
        let configured = facts.selinuxConfigMode?.lowercased()
        let fix = "setenforce 0 && sed -i 's/^SELINUX=enforcing/SELINUX=permissive/' /etc/selinux/config"
        switch runtime {
        case "enforcing":
            return .fail(name, "SELinux is enforcing; containers cannot reach host paths the control plane needs", fix: fix)
        case "permissive":
            if configured == "enforcing" {
                return .warn(name, "SELinux is permissive now but /etc/selinux/config says enforcing (it returns on reboot)", fix: fix)
            }
            return .warn(name, "SELinux is permissive (allowed; denials are only logged)",
                         fix: "nothing required; set SELINUX=disabled in /etc/selinux/config to silence this")
        default:
            if configured == "enforcing" {
                return .warn(name, "SELinux is off now but /etc/selinux/config says enforcing (it returns on reboot)", fix: fix)
            }
            return .pass(name, runtime == "disabled" || configured != nil ? "SELinux disabled" : "SELinux not present")
        }
    }

    /// Ports each role needs open in a host firewall.
    public static func firewallPorts(_ target: PreflightTarget) -> [String] {
        var ports: [String] = []
        if target.isControlPlane { ports += ["\(target.apiServerPort)/tcp", "10250/tcp", "10257/tcp", "10259/tcp"] }
        if target.runsEtcd { ports += ["2379-2380/tcp"] }
        if target.roles.contains(.worker) { ports += ["10250/tcp", "30000-32767/tcp"] }
        var seen = Set<String>()
        return ports.filter { seen.insert($0).inserted }
    }

    public static func firewall(_ target: PreflightTarget, _ facts: HostFacts) -> CheckResult {
        let name = "Firewalld"
        let ports = firewallPorts(target)
        if facts.unitStates?["firewalld"] == "active" {
            let commands = ports.map { "firewall-cmd --permanent --add-port=\($0)" }.joined(separator: " && ")
            return .warn(name, "firewalld is active; open \(ports.joined(separator: ", ")) (and your CNI's ports)",
                         fix: commands + " && firewall-cmd --reload")
        }
        if facts.ufwEnabled {
            let commands = ports.map { "ufw allow \($0.replacingOccurrences(of: "-", with: ":"))" }.joined(separator: " && ")
            return .warn(name, "ufw is enabled; open \(ports.joined(separator: ", ")) (and your CNI's ports)", fix: commands)
        }
        return .pass(name, "no active firewalld or ufw")
    }

    // MARK: kernel and sysctls

    public static func ipForward(_ facts: HostFacts) -> CheckResult {
        let name = "FileContent--proc-sys-net-ipv4-ip_forward"
        let fix = "echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/k8s.conf && sysctl --system"
        guard let value = facts.fileValues["/proc/sys/net/ipv4/ip_forward"] else {
            return .fail(name, "/proc/sys/net/ipv4/ip_forward is missing", fix: fix)
        }
        if value.hasPrefix("1") { return .pass(name, "net.ipv4.ip_forward = 1") }
        return .fail(name, "net.ipv4.ip_forward = \(value); pod traffic cannot be routed", fix: fix)
    }

    /// kubeadm made this an error until v1.30 (kubernetes#123464); it stays a warning after that,
    /// because kube-proxy in iptables mode still needs it for bridged pod traffic.
    public static func bridgeNetfilter(_ target: PreflightTarget, _ facts: HostFacts, ipv6: Bool) -> CheckResult {
        let key = ipv6 ? "bridge-nf-call-ip6tables" : "bridge-nf-call-iptables"
        let name = "FileContent--proc-sys-net-bridge-\(key)"
        let usesIPv6 = [target.podSubnet, target.serviceSubnet].compactMap { $0 }.contains { $0.contains(":") }
        let strict = (target.kubernetesVersion.map { !$0.isAtLeast(minor: 30) } ?? false) && (!ipv6 || usesIPv6)
        let fix = "modprobe br_netfilter && echo br_netfilter > /etc/modules-load.d/k8s.conf && " +
            "echo 'net.bridge.\(key) = 1' >> /etc/sysctl.d/k8s.conf && sysctl --system"
        let found: String
        if let value = facts.fileValues["/proc/sys/net/bridge/\(key)"] {
            if value.hasPrefix("1") { return .pass(name, "net.bridge.\(key) = 1") }
            found = "net.bridge.\(key) = \(value)"
        } else {
            found = "/proc/sys/net/bridge/\(key) is missing (br_netfilter is not loaded)"
        }
        return strict ? .fail(name, found, fix: fix) : .warn(name, found, fix: fix)
    }

    public static func kernelModules(_ facts: HostFacts) -> CheckResult {
        let name = "KernelModules"
        var missing: [String] = []
        if !facts.moduleLoaded("overlay") && !facts.filesystems.contains("overlay") { missing.append("overlay") }
        if !facts.moduleLoaded("br_netfilter") && facts.fileValues["/proc/sys/net/bridge/bridge-nf-call-iptables"] == nil {
            missing.append("br_netfilter")
        }
        if missing.isEmpty { return .pass(name, "overlay and br_netfilter are available") }
        return .fail(name, "not loaded: \(missing.joined(separator: ", "))",
                     fix: missing.map { "modprobe \($0)" }.joined(separator: " && ") +
                         " && printf '\(missing.joined(separator: "\\n"))\\n' >> /etc/modules-load.d/k8s.conf")
    }

    /// The kernel options kubeadm's system validator requires, and those it only recommends.
    public static let requiredKernelConfig = ["NAMESPACES", "NET_NS", "PID_NS", "IPC_NS", "UTS_NS", "CGROUPS",
        "CGROUP_CPUACCT", "CGROUP_DEVICE", "CGROUP_FREEZER", "CGROUP_SCHED", "CPUSETS", "MEMCG", "INET", "EXT4_FS",
        "PROC_FS", "NETFILTER_XT_TARGET_REDIRECT", "NETFILTER_XT_MATCH_COMMENT"]
    public static let optionalKernelConfig = ["OVERLAY_FS", "BLK_DEV_DM"]

    public static func systemVerification(_ facts: HostFacts) -> CheckResult {
        let name = "SystemVerification"
        var errors: [String] = []
        var warnings: [String] = []
        if let config = facts.kernelConfig {
            let missing = requiredKernelConfig.filter { config["CONFIG_" + $0] == nil }
            if !missing.isEmpty { errors.append("kernel lacks CONFIG_" + missing.joined(separator: ", CONFIG_")) }
            let missingOptional = optionalKernelConfig.filter { config["CONFIG_" + $0] == nil }
            if !missingOptional.isEmpty { warnings.append("kernel lacks optional CONFIG_" + missingOptional.joined(separator: ", CONFIG_")) }
        } else {
            warnings.append("no kernel config found (/proc/config.gz or /boot/config-\(facts.kernelRelease)) to verify")
        }
        if !facts.cgroupV2 {
            // The system validator's required cgroup v1 controllers (pids and hugetlb are optional there).
            let needed = ["cpu", "cpuacct", "cpuset", "devices", "freezer", "memory"]
            let missing = needed.filter { facts.cgroupControllers[$0] != true }
            if !missing.isEmpty { errors.append("cgroup controllers missing or disabled: " + missing.joined(separator: ", ")) }
        }
        let fix = "use a distribution kernel with these options enabled (kubeadm's system validator has the list)"
        if !errors.isEmpty { return .fail(name, (errors + warnings).joined(separator: "; "), fix: fix) }
        if !warnings.isEmpty { return .warn(name, warnings.joined(separator: "; "), fix: fix) }
        return .pass(name, "kernel options and cgroup controllers present")
    }

    public static func timeSync(_ facts: HostFacts) -> CheckResult {
        let name = "TimeSync"
        let fix = "install and enable chrony (`systemctl enable --now chronyd` or `chrony`), or systemd-timesyncd"
        if let synced = facts.timeSync.first(where: \.synchronized) { return .pass(name, synced.detail) }
        if let unsynced = facts.timeSync.first {
            return .warn(name, "clock not synchronised: " + facts.timeSync.map(\.detail).joined(separator: "; ") +
                         (unsynced.source == .chrony ? "" : ""), fix: fix)
        }
        return .warn(name, "no time synchronisation found (no chronyc, ntpq or timedatectl answer)", fix: fix)
    }

    public static func hostname(_ facts: HostFacts) -> CheckResult {
        let name = "Hostname"
        let host = facts.nodename
        let lowered = host.lowercased()
        let label = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
        let valid = lowered.count <= 253 && lowered.range(of: "^\(label)(\\.\(label))*$", options: .regularExpression) != nil
        let fix = "hostnamectl set-hostname NAME (lowercase letters, digits, '-' and '.'), and add `ADDRESS NAME` to /etc/hosts"
        if !valid { return .fail(name, "hostname \"\(host)\" is not a valid node name (RFC 1123)", fix: fix) }
        if lowered == "localhost" || lowered.hasPrefix("localhost.") {
            return .fail(name, "hostname is \"\(host)\"; every node needs its own name", fix: fix)
        }
        if let addresses = facts.hostsFile[lowered] {
            return .pass(name, "\(host) resolves to \(addresses.joined(separator: ", ")) in /etc/hosts")
        }
        return .warn(name, "hostname \(host) is not in /etc/hosts (DNS was not asked: preflight makes no network calls)",
                     fix: "add `ADDRESS \(host)` to /etc/hosts on every host, or make sure DNS resolves it")
    }

    // MARK: ports and files

    /// The ports a host's roles need free, in kubeadm's check order.
    public static func requiredPorts(_ target: PreflightTarget) -> [Int] {
        var ports: [Int] = []
        if target.isControlPlane { ports += [target.apiServerPort, 10259, 10257] }
        ports.append(10250)
        if target.runsEtcd { ports += [2379, 2380] }
        return ports
    }

    public static func ports(_ target: PreflightTarget, _ facts: HostFacts) -> [CheckResult] {
        requiredPorts(target).map { port in
            let name = "Port-\(port)"
            let users = facts.listening.filter { $0.port == port }
            guard !users.isEmpty else { return .pass(name, "port \(port) is free") }
            let owners = Set(users.map { $0.process ?? "\($0.address)" }).sorted().joined(separator: ", ")
            return .fail(name, "port \(port) is in use by \(owners)",
                         fix: "stop what listens on \(port) (`ss -ltnp 'sport = :\(port)'`), or run `kubeadm reset` if it is an old cluster")
        }
    }

    public static func fileAvailable(_ target: PreflightTarget, _ facts: HostFacts) -> [CheckResult] {
        var paths = ["/etc/kubernetes/kubelet.conf", "/etc/kubernetes/bootstrap-kubelet.conf"]
        if target.isControlPlane {
            paths = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"]
                .map { "/etc/kubernetes/manifests/\($0).yaml" } + paths
        } else {
            paths.append("/etc/kubernetes/pki/ca.crt")
        }
        return paths.map { path in
            let name = "FileAvailable-" + path.replacingOccurrences(of: "/", with: "-")
            guard facts.existingPaths[path] != nil else { return .pass(name, "\(path) does not exist") }
            return .fail(name, "\(path) already exists: this host was part of a cluster",
                         fix: "run `kubeadm reset` on the host, or remove \(path)")
        }
    }

    public static func directoriesAvailable(_ target: PreflightTarget, _ facts: HostFacts) -> [CheckResult] {
        var directories = ["/etc/kubernetes/manifests"]
        if target.runsEtcd { directories.append("/var/lib/etcd") }
        return directories.map { path in
            let name = "DirAvailable-" + path.replacingOccurrences(of: "/", with: "-")
            guard let listing = facts.directoryEntries[path], let entries = listing else {
                return .pass(name, "\(path) does not exist")
            }
            if entries.isEmpty { return .pass(name, "\(path) is empty") }
            return .fail(name, "\(path) is not empty: \(entries.prefix(5).joined(separator: ", "))\(entries.count > 5 ? ", …" : "")",
                         fix: "run `kubeadm reset` on the host, or empty \(path)")
        }
    }

    /// kubeadm's required binaries with their severity for `version`: conntrack only before v1.32,
    /// crictl an error before v1.31 and a warning in v1.31.
    public static func requiredBinaries(_ version: KubernetesVersion?) -> [(name: String, fatal: Bool)] {
        var list: [(String, Bool)] = []
        if version.map({ !$0.isAtLeast(minor: 32) }) ?? true { list.append(("conntrack", true)) }
        list += [("ip", true), ("iptables", true), ("mount", true), ("nsenter", true), ("ebtables", false),
                 ("ethtool", false), ("socat", false), ("tc", false), ("touch", false)]
        if let version, !version.isAtLeast(minor: 32) { list.append(("crictl", !version.isAtLeast(minor: 31))) }
        return list
    }

    public static func binaries(_ target: PreflightTarget, _ facts: HostFacts) -> [CheckResult] {
        requiredBinaries(target.kubernetesVersion).map { binary, fatal in
            let name = "FileExisting-\(binary)"
            if let path = facts.binaries[binary] { return .pass(name, path) }
            let package = packageFor(binary, facts.osRelease)
            let message = "\(binary) not found in PATH"
            let fix = package.map { "install it: \($0)" } ?? "install \(binary)"
            return fatal ? .fail(name, message, fix: fix) : .warn(name, message, fix: fix)
        }
    }

    static func packageFor(_ binary: String, _ os: OSRelease?) -> String? {
        let redHat = os.map { ["centos", "rhel", "rocky", "almalinux"].contains($0.id) || $0.idLike.contains("rhel") } ?? false
        let package: String? = switch binary {
        case "conntrack": redHat ? "conntrack-tools" : "conntrack"
        case "ip", "tc": redHat ? "iproute" : "iproute2"
        case "iptables", "ebtables", "ethtool", "socat": binary
        case "mount", "nsenter": redHat ? "util-linux" : "mount util-linux"
        case "touch": "coreutils"
        case "crictl": "cri-tools"
        default: nil
        }
        return package.map { redHat ? "yum install -y \($0)" : "apt-get install -y \($0)" }
    }

    // MARK: container runtime

    public static func cri(_ facts: HostFacts) -> CheckResult {
        let name = "CRI"
        let fix = "install containerd and start it (`systemctl enable --now containerd`); kubeforge prepare does this"
        guard let runtime = facts.runtimes.first else {
            return .fail(name, "no container runtime socket (\(RuntimeFacts.sockets.map(\.path).joined(separator: ", ")))", fix: fix)
        }
        let others = facts.runtimes.dropFirst().map(\.kind.rawValue)
        let also = others.isEmpty ? "" : " (also found: \(others.joined(separator: ", ")); kubeadm refuses several sockets without --cri-socket)"
        switch (runtime.answered, runtime.ready) {
        case (false, _):
            return .fail(name, "\(runtime.kind.rawValue) socket \(runtime.socket) does not answer: \(runtime.detail)",
                         fix: "systemctl restart \(runtime.kind == .crio ? "crio" : runtime.kind.rawValue) and check its journal")
        case (true, false?):
            return .fail(name, "\(runtime.kind.rawValue) is not ready: \(runtime.detail)",
                         fix: "check `crictl info` and the runtime's journal (`journalctl -u \(runtime.kind.rawValue)`)")
        case (true, _):
            return others.isEmpty ? .pass(name, "\(runtime.kind.rawValue) answers on \(runtime.socket)")
                : .warn(name, "\(runtime.kind.rawValue) answers on \(runtime.socket)" + also, fix: "remove the runtimes you do not use")
        case (nil, _):
            return .warn(name, "\(runtime.kind.rawValue) socket \(runtime.socket) exists but was not asked (\(runtime.detail))" + also,
                         fix: "install crictl (cri-tools) so the runtime can be checked")
        }
    }

    public static func cgroupVersion(_ facts: HostFacts) -> CheckResult {
        let name = "CgroupVersion"
        if facts.cgroupV2 { return .pass(name, "cgroup v2 (unified)") }
        return .warn(name, "cgroup v1: in maintenance since Kubernetes 1.31 and refused by default by newer kubelets",
                     fix: "boot with systemd.unified_cgroup_hierarchy=1 (kernel 5.8+), or move to a distribution that defaults to cgroup v2")
    }

    public static func cgroupDriver(_ facts: HostFacts) -> CheckResult {
        let name = "CgroupDriver"
        guard let runtime = facts.runtimes.first else { return .skip(name, "no container runtime found") }
        guard let driver = runtime.cgroupDriver else {
            return .warn(name, "\(runtime.kind.rawValue)'s cgroup driver is unknown", fix: "configure the runtime for the systemd cgroup driver")
        }
        // kubeadm configures the kubelet with the systemd driver since v1.22 unless told otherwise.
        let kubelet = facts.kubeletCgroupDriver ?? "systemd"
        let expected = facts.isSystemd ? "systemd" : kubelet
        let found = "\(runtime.kind.rawValue) uses \(driver) (from \(runtime.cgroupDriverSource)); kubelet uses \(kubelet)"
        if driver == expected && driver == kubelet { return .pass(name, found) }
        let fix = runtime.kind == .containerd
            ? "set `SystemdCgroup = true` under [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options] in /etc/containerd/config.toml and restart containerd"
            : "set cgroup_manager = \"systemd\" in /etc/crio/crio.conf and restart crio"
        return .fail(name, found + "; they must match (and be systemd on systemd hosts), or the kubelet never becomes healthy", fix: fix)
    }

    // MARK: proxies

    public static func proxy(_ target: PreflightTarget, _ facts: HostFacts) -> [CheckResult] {
        var results: [CheckResult] = []
        func judge(_ name: String, _ what: String, _ address: IPAddress?) -> CheckResult {
            guard let address else { return .skip(name, "\(what) is not an IP address") }
            let captured = facts.proxies.compactMap { settings in
                settings.proxy(for: address).map { "\(settings.source) sends it to \($0)" }
            }
            if captured.isEmpty { return .pass(name, "https to \(what) goes direct") }
            return .warn(name, "https to \(what) would go through a proxy: \(captured.joined(separator: "; "))",
                         fix: "add \(what.split(separator: " ").last ?? "") to NO_PROXY (and no_proxy) wherever the proxy is set")
        }
        if target.isControlPlane { results.append(judge("HTTPProxy", "the API server \(target.address)", IPAddress(host: target.address))) }
        for (label, cidr) in [("pod", target.podSubnet), ("service", target.serviceSubnet)] {
            guard let cidr, !cidr.isEmpty else { continue }
            for block in cidr.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let network = IPNetwork(block) else {
                    results.append(.fail("HTTPProxyCIDR", "\(label) subnet \(block) is not a CIDR", fix: "fix the \(label) subnet in the inventory"))
                    continue
                }
                results.append(judge("HTTPProxyCIDR", "the \(label) subnet \(block)", network.firstHost))
            }
        }
        return results
    }
}
