import Foundation
import KubeTypes

/// Everything the probe found on one host, parsed. Checks are pure functions of these facts.
public struct HostFacts: Sendable, Equatable {
    public struct Interface: Sendable, Equatable {
        public var name: String
        public var mac: String
        /// Under /sys/devices/virtual/net: a bridge, veth, tunnel or dummy rather than a NIC.
        public var isVirtual: Bool
    }

    public struct DiskUsage: Sendable, Equatable {
        public var mountPoint: String
        public var totalKiB: UInt64
        public var availableKiB: UInt64
    }

    public var probeVersion: Int?
    /// The host's clock when the probe started, in seconds since the epoch.
    public var epoch: Double?
    /// The host's clock when the probe finished; with `epoch` it places the host's midpoint.
    public var epochEnd: Double?
    public var nodename: String
    public var kernelRelease: String
    public var machine: String
    public var uid: Int?
    /// Result of `sudo -n true` when not root; nil when it was not tried.
    public var sudoWorks: Bool?
    public var osRelease: OSRelease?
    /// `/etc/redhat-release` (`CentOS Linux release 7.9.2009 (Core)`), which carries the minor version.
    public var redhatRelease: String?
    public var cpus: Int?
    public var memTotalKiB: UInt64?
    /// Active swap devices and files from `/proc/swaps`.
    public var swaps: [String]
    public var varLibDisk: DiskUsage?
    /// First line of small /proc and /sys files, by path; a missing file is absent from the map.
    public var fileValues: [String: String]
    /// Paths that exist, with their kind (`file`, `dir`, `socket`).
    public var existingPaths: [String: String]
    /// Directory listings by path; nil value for a missing directory.
    public var directoryEntries: [String: [String]?]
    public var selinuxConfigMode: String?
    public var getenforce: String?
    /// Names from `/proc/modules`; nil when the kernel has no loadable modules (everything built in).
    public var loadedModules: Set<String>?
    public var filesystems: Set<String>
    /// cgroup v1 controllers from `/proc/cgroups` and whether each is enabled.
    public var cgroupControllers: [String: Bool]
    public var kernelConfig: [String: String]?
    /// Binary name → path; missing binaries are not in the map.
    public var binaries: [String: String]
    /// systemd unit → `systemctl is-active` state; nil when systemd is not running.
    public var unitStates: [String: String]?
    public var ufwEnabled: Bool
    public var timeSync: [TimeSyncStatus]
    public var hostnameFile: String?
    /// `/etc/hosts`: each name → addresses.
    public var hostsFile: [String: [String]]
    public var machineID: String?
    public var productUUID: String?
    public var interfaces: [Interface]
    public var addresses: [IPAddress]
    public var listening: [ListeningSocket]
    /// Proxy settings of the clients that talk to the API server: the login environment (kubeforge's own
    /// commands), /etc/environment and the kubelet's unit.
    public var proxies: [ProxySettings]
    /// The runtime's proxy only affects image pulls, so it is kept apart from `proxies`.
    public var runtimeProxy: ProxySettings
    public var runtimes: [RuntimeFacts]
    public var kubeletCgroupDriver: String?
    /// `kubelet --version` (`Kubernetes v1.28.7`); nil when no kubelet is on PATH.
    public var kubeletVersion: CommandOutput?
    /// `systemctl is-enabled kubelet.service` (`enabled`, `disabled`, `masked`, … `not-found`); nil without systemd.
    public var kubeletUnit: CommandOutput?

    /// What a command the probe ran printed (stdout and stderr) and its exit status.
    public struct CommandOutput: Sendable, Equatable {
        public var text: String
        public var exitStatus: Int

        public init(text: String, exitStatus: Int) {
            self.text = text
            self.exitStatus = exitStatus
        }
    }

    public static let unitsAsked = ["firewalld", "ufw", "containerd", "crio", "docker", "chronyd", "chrony", "ntpd",
                                    "ntp", "systemd-timesyncd", "kubelet"]

    /// Parses probe output. Throws when the output is not a complete probe of a known version.
    public init(probeOutput: String) throws {
        let sections = ProbeSections(parsing: probeOutput)
        guard sections.isComplete, let probe = sections["probe"]?.text,
              probe.hasPrefix("kubeforge-probe "), let version = Int(probe.dropFirst(16)) else {
            throw ProbeError.incomplete(lastSection: sections.sections.last?.name)
        }
        guard version == ProbeScript.version else { throw ProbeError.unknownVersion(version) }
        try self.init(sections: sections)
        probeVersion = version
    }

    init(sections: ProbeSections) throws {
        epoch = Self.parseEpoch(sections["epoch"]?.text)
        epochEnd = Self.parseEpoch(sections["epoch-end"]?.text)
        let uname = (sections["uname"]?.text ?? "").split(separator: " ").map(String.init)
        nodename = uname.count > 1 ? uname[1] : ""
        kernelRelease = uname.count > 2 ? uname[2] : ""
        machine = uname.count > 3 ? uname[3] : ""
        uid = Int(sections["user"]?.text ?? "")
        sudoWorks = sections["sudo"].map { $0.exitStatus == 0 }
        osRelease = sections["os-release"]?.okText.map(OSRelease.init(parsing:))
        redhatRelease = sections["redhat-release"]?.okText
        cpus = Int(sections["nproc"]?.text ?? "")
        memTotalKiB = Self.meminfo(sections["meminfo"]?.okText ?? "", "MemTotal")
        swaps = (sections["swaps"]?.lines ?? []).dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) }
            .compactMap { $0.split(separator: "\t").first.map(String.init) }
        varLibDisk = Self.parseDF(sections["df"]?.okText ?? "")
        fileValues = [:]
        for line in sections["paths"]?.lines ?? [] {
            guard let equals = line.firstIndex(of: "=") else { continue }
            fileValues[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        existingPaths = [:]
        for line in sections["exists"]?.lines ?? [] {
            let parts = line.split(separator: " ")
            if parts.count == 2 { existingPaths[String(parts[0])] = String(parts[1]) }
        }
        directoryEntries = [:]
        for (path, section) in sections.sections(prefixed: "dir") {
            directoryEntries[path] = section.absent ? .some(nil) : section.lines.filter { !$0.isEmpty }
        }
        selinuxConfigMode = sections["selinux-config"]?.okText.flatMap { ProxySettings.parseAssignments($0)["SELINUX"] }
        getenforce = sections["getenforce"]?.okText?.trimmingCharacters(in: .whitespaces)
        loadedModules = sections["modules"]?.okText.map { text in
            Set(text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
        }
        filesystems = Set((sections["filesystems"]?.lines ?? []).compactMap {
            $0.split(whereSeparator: { $0 == "\t" || $0 == " " }).last.map(String.init)
        })
        cgroupControllers = [:]
        for line in sections["cgroups"]?.lines ?? [] where !line.hasPrefix("#") {
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            if fields.count >= 4 { cgroupControllers[String(fields[0])] = fields[3] == "1" }
        }
        kernelConfig = sections["kernel-config"]?.okText.map { ProxySettings.parseAssignments($0) }
        binaries = [:]
        for line in sections["binaries"]?.lines ?? [] {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let path = String(line[line.index(after: equals)...])
            if !path.isEmpty { binaries[String(line[..<equals])] = path }
        }
        unitStates = sections["units"].map { section in
            var states: [String: String] = [:]
            for (unit, state) in zip(Self.unitsAsked, section.lines) { states[unit] = state }
            return states
        }
        ufwEnabled = sections["ufw-conf"]?.okText.map {
            ProxySettings.parseAssignments($0)["ENABLED"]?.lowercased() == "yes"
        } ?? false
        timeSync = [
            sections["chronyc"].flatMap { TimeSyncStatus.parseChrony($0.text, exitStatus: $0.exitStatus) },
            sections["ntpq"].flatMap { TimeSyncStatus.parseNtpq($0.text, exitStatus: $0.exitStatus) },
            sections["timedatectl"].flatMap { TimeSyncStatus.parseTimedatectl($0.text, exitStatus: $0.exitStatus) },
        ].compactMap { $0 }
        hostnameFile = sections["hostname"]?.okText?.trimmingCharacters(in: .whitespaces)
        hostsFile = Self.parseHosts(sections["hosts"]?.okText ?? "")
        machineID = sections["machine-id"]?.okText?.trimmingCharacters(in: .whitespaces)
        productUUID = sections["product-uuid"]?.okText?.trimmingCharacters(in: .whitespaces).lowercased()
        interfaces = (sections["macs"]?.lines ?? []).compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count >= 2 else { return nil }
            return Interface(name: String(parts[0]), mac: String(parts[1]).lowercased(), isVirtual: parts.dropFirst(2).contains("virtual"))
        }
        addresses = Self.parseIPAddr(sections["addresses"]?.okText ?? "")
        if let ss = sections["listen"], ss.exitStatus != nil {
            listening = ListeningSocket.parseSS(ss.text)
        } else {
            listening = ListeningSocket.parseProcNet(sections["listen"]?.okText ?? "")
                + ListeningSocket.parseProcNet(sections["listen6"]?.okText ?? "")
        }
        proxies = [
            ProxySettings(source: "the login environment", variables: ProxySettings.parseAssignments(sections["proxy-env"]?.text ?? "")),
            ProxySettings(source: "/etc/environment", variables: ProxySettings.parseAssignments(sections["environment"]?.okText ?? "")),
            ProxySettings(source: "the kubelet's systemd drop-in",
                          variables: ProxySettings.parseSystemdEnvironment(sections["kubelet-proxy"]?.text ?? "")),
        ]
        runtimeProxy = ProxySettings(source: "the container runtime's systemd drop-in",
                                     variables: ProxySettings.parseSystemdEnvironment(sections["runtime-proxy"]?.text ?? ""))
        kubeletCgroupDriver = sections["kubelet-config"]?.okText.flatMap { text in
            text.split(separator: "\n").first { $0.hasPrefix("cgroupDriver:") }
                .map { $0.dropFirst("cgroupDriver:".count).trimmingCharacters(in: .whitespaces) }
        }
        runtimes = Self.runtimes(sections: sections, existing: existingPaths)
        kubeletVersion = sections["kubelet-version"].map { CommandOutput(text: $0.text, exitStatus: $0.exitStatus ?? 0) }
        kubeletUnit = sections["kubelet-enabled"].map { CommandOutput(text: $0.text, exitStatus: $0.exitStatus ?? 0) }
    }

    // MARK: derived facts

    public var isSystemd: Bool { existingPaths["/run/systemd/system"] != nil || fileValues["/proc/1/comm"] == "systemd" }
    public var cgroupV2: Bool { fileValues["/sys/fs/cgroup/cgroup.controllers"] != nil }

    public func moduleLoaded(_ name: String) -> Bool {
        loadedModules?.contains(name) == true || existingPaths["/sys/module/\(name)"] != nil
    }

    // MARK: parsers

    static func parseEpoch(_ text: String?) -> Double? {
        guard let text = text?.trimmingCharacters(in: .whitespaces) else { return nil }
        // `date +%s.%N` without %N support prints a literal `N`; keep the whole seconds then.
        return Double(text) ?? Double(text.split(separator: ".").first ?? "")
    }

    static func meminfo(_ text: String, _ key: String) -> UInt64? {
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            return UInt64(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }

    /// `df -Pk PATH`: the last line is `filesystem total used available capacity mountpoint`.
    static func parseDF(_ text: String) -> DiskUsage? {
        guard let line = text.split(separator: "\n").dropFirst().last else { return nil }
        let fields = line.split(separator: " ")
        guard fields.count >= 6, let total = UInt64(fields[1]), let available = UInt64(fields[3]) else { return nil }
        return DiskUsage(mountPoint: fields[5...].joined(separator: " "), totalKiB: total, availableKiB: available)
    }

    static func parseHosts(_ text: String) -> [String: [String]] {
        var names: [String: [String]] = [:]
        for line in text.split(separator: "\n") {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count >= 2 else { continue }
            for name in fields.dropFirst() { names[name.lowercased(), default: []].append(fields[0]) }
        }
        return names
    }

    /// `ip -o addr show`: `2: eth0    inet 192.168.2.201/24 brd … scope global eth0\ …`.
    static func parseIPAddr(_ text: String) -> [IPAddress] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let family = fields.firstIndex(where: { $0 == "inet" || $0 == "inet6" }), family + 1 < fields.count
            else { return nil }
            return IPAddress(host: String(fields[family + 1].split(separator: "/").first ?? ""))
        }
    }

    /// The useful part of a Go client's error: logrus's `msg="…"` when present, at most 400 characters.
    static func clientError(_ text: String) -> String {
        var message = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        if let start = message.range(of: "msg=\"") {
            message = message[start.upperBound...]
            if message.hasSuffix("\"") { message = message.dropLast() }
        }
        let cleaned = message.replacingOccurrences(of: "\\\"", with: "\"")
        return cleaned.count > 400 ? String(cleaned.prefix(400)) + "…" : cleaned
    }

    static func runtimes(sections: ProbeSections, existing: [String: String]) -> [RuntimeFacts] {
        RuntimeFacts.sockets.compactMap { socket, kind in
            guard existing[socket] == "socket" else { return nil }
            var driver: String?
            var driverSource = ""
            switch kind {
            case .containerd:
                if let config = sections["containerd-config"]?.okText {
                    driver = RuntimeFacts.parseContainerdSystemdCgroup(config) == true ? "systemd" : "cgroupfs"
                    driverSource = "/etc/containerd/config.toml"
                } else {
                    driver = "cgroupfs"
                    driverSource = "containerd's default (no /etc/containerd/config.toml)"
                }
            case .crio:
                driver = RuntimeFacts.parseCrioCgroupManager(sections["crio-config"]?.text ?? "") ?? "systemd"
                driverSource = "/etc/crio/crio.conf"
            case .criDockerd:
                driverSource = "unknown"
            }
            if let info = sections["crictl-info \(socket)"] {
                guard info.exitStatus == 0, let parsed = RuntimeFacts.parseCrictlInfo(info.text) else {
                    return RuntimeFacts(kind: kind, socket: socket, answered: false, ready: nil,
                                        detail: "crictl info: " + Self.clientError(info.text), cgroupDriver: driver,
                                        cgroupDriverSource: driverSource)
                }
                if let systemd = parsed.systemdCgroup {
                    driver = systemd ? "systemd" : "cgroupfs"
                    driverSource = "crictl info"
                }
                return RuntimeFacts(kind: kind, socket: socket, answered: true, ready: parsed.ready,
                                    detail: parsed.reason, cgroupDriver: driver, cgroupDriverSource: driverSource)
            }
            if let ctr = sections["ctr-version \(socket)"] {
                let ok = ctr.exitStatus == 0
                return RuntimeFacts(kind: kind, socket: socket, answered: ok, ready: nil,
                                    detail: ok ? "ctr version answered" : "ctr version: " + Self.clientError(ctr.text),
                                    cgroupDriver: driver, cgroupDriverSource: driverSource)
            }
            return RuntimeFacts(kind: kind, socket: socket, answered: nil, ready: nil,
                                detail: "no crictl or ctr to ask it", cgroupDriver: driver, cgroupDriverSource: driverSource)
        }
    }
}

/// Why probe output could not be used.
public enum ProbeError: Error, Equatable, CustomStringConvertible {
    case incomplete(lastSection: String?)
    case unknownVersion(Int)
    case failed(host: String, exitStatus: Int32, stderr: String)

    public var description: String {
        switch self {
        case let .incomplete(last):
            "probe output is incomplete (last section: \(last ?? "none")); the probe was cut off or is not kubeforge's"
        case let .unknownVersion(version):
            "probe output has version \(version), this kubeforge understands \(ProbeScript.version)"
        case let .failed(host, status, stderr):
            "\(host): probe exited with status \(status): \(stderr.prefix(300))"
        }
    }
}
