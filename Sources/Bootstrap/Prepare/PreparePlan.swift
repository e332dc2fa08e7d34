import Remote

/// The changes one host needs, computed purely from its gathered state and the settings. An empty plan
/// means the host is already prepared.
public struct PreparePlan: Sendable, Equatable {
    /// A file whose content changes; the old content is kept as `PATH.kubeforge-backup-<timestamp>`.
    public struct FileChange: Sendable, Equatable {
        public var path: String
        public var old: String?
        public var new: String
        public var mode: UInt16

        public init(path: String, old: String?, new: String, mode: UInt16 = 0o644) {
            self.path = path
            self.old = old
            self.new = new
            self.mode = mode
        }
    }

    /// One command of the apply script. A failed `required` step fails the host; a failed best-effort
    /// step (loading a module inside a container, say) is a warning that names the host.
    public struct Step: Sendable, Equatable {
        public var title: String
        public var command: String
        public var required: Bool = true
        public var file: FileChange?

        public init(title: String, command: String, required: Bool = true, file: FileChange? = nil) {
            self.title = title
            self.command = command
            self.required = required
            self.file = file
        }
    }

    public var steps: [Step] = []
    /// Known before applying: things prepare cannot do on this host.
    public var warnings: [String] = []

    public var isEmpty: Bool { steps.isEmpty }

    public init(steps: [Step], warnings: [String] = []) {
        self.steps = steps
        self.warnings = warnings
    }

    public static let chronyMinimalConfig = """
    # Written by kubeforge prepare: chrony had no configuration.
    driftfile /var/lib/chrony/drift
    makestep 1.0 3
    rtcsync

    """

    public init(target: PrepareTarget, state: PrepareState, settings: PrepareSettings) {
        let chronyUnit = state.isRedHat ? "chronyd" : "chrony"
        let chronyPath = PrepareState.chronyPaths.first { state.files[$0] != nil }
            ?? (state.isRedHat ? "/etc/chrony.conf" : "/etc/chrony/chrony.conf")

        // 1. Packages first, so the files written next land over the packages' defaults.
        var packages: [String] = []
        if !state.binaries.contains("containerd") { packages.append("containerd") }
        if !state.binaries.contains("chronyd") { packages.append("chrony") }
        if !packages.isEmpty {
            steps.append(Step(title: "install \(packages.joined(separator: " "))", command: Self.installCommand(packages, state)))
        }

        // 2. Files.
        var desired: [String: String] = settings.renderedFiles
        if state.nodename != target.name || state.files["/etc/hostname"]?.trimmingWhitespace != target.name {
            desired["/etc/hostname"] = target.name + "\n"
        }
        if let fstab = state.files["/etc/fstab"] { desired["/etc/fstab"] = PrepareEdits.fstabWithoutSwap(fstab) }
        if let selinux = state.files["/etc/selinux/config"] { desired["/etc/selinux/config"] = PrepareEdits.selinuxPermissive(selinux) }
        desired["/etc/hosts"] = PrepareEdits.hostsWithBlock(state.files["/etc/hosts"] ?? "", entries: settings.hostEntries)
        if !settings.ntpServers.isEmpty {
            let current = state.files[chronyPath] ?? Self.chronyMinimalConfig
            desired[chronyPath] = PrepareEdits.chronyWithServers(current, servers: settings.ntpServers)
        }
        var changed = Set<String>()
        for path in desired.keys.sorted() where state.files[path] != desired[path] {
            let change = FileChange(path: path, old: state.files[path], new: desired[path]!)
            changed.insert(path)
            steps.append(Step(title: "write \(path)", command: Self.writeCommand(change, timestamp: settings.backupTimestamp), file: change))
        }

        // 3. Apply now what the files say for boot.
        if !state.swaps.isEmpty {
            steps.append(Step(title: "turn swap off (\(state.swaps.joined(separator: ", ")))", command: "swapoff -a"))
        }
        if state.selinuxEnforcing { steps.append(Step(title: "set SELinux permissive", command: "setenforce 0")) }
        if state.nodename != target.name {
            steps.append(Step(title: "set the hostname to \(target.name)", command: "hostname " + ShellQuote.quote(target.name)))
        }
        let sysctlFile = settings.renderedFiles[PrepareSettings.sysctlPath] ?? ""
        let wantedSysctls = Self.sysctlAssignments(sysctlFile)
        let applySysctl = "sysctl -e -p \(PrepareSettings.sysctlPath)"
        for module in Self.modules(settings.renderedFiles[PrepareSettings.modulesPath] ?? "") where !state.modulesAvailable.contains(module) {
            // A module that provides sysctls (br_netfilter) must be loaded before they can be set.
            steps.append(Step(title: "load kernel module \(module)", command: "modprobe \(ShellQuote.quote(module)) && \(applySysctl)",
                              required: false))
        }
        let differing = wantedSysctls.filter { key, value in state.sysctls[key].map { $0 != value } ?? false }
        if changed.contains(PrepareSettings.sysctlPath) || !differing.isEmpty {
            let shown = differing.isEmpty ? "" : " (" + differing.map { "\($0.key) \(state.sysctls[$0.key]!) → \($0.value)" }.sorted().joined(separator: ", ") + ")"
            var command = applySysctl
            if wantedSysctls["net.ipv4.ip_forward"] == "1" {
                command += "; v=$(cat /proc/sys/net/ipv4/ip_forward); [ \"$v\" = 1 ] || { echo \"net.ipv4.ip_forward is still $v\" >&2; exit 1; }"
            }
            steps.append(Step(title: "apply \(PrepareSettings.sysctlPath)\(shown)", command: command))
        }
        for key in wantedSysctls.keys.sorted() where state.sysctls[key] == nil {
            warnings.append("\(key) cannot be set: /proc/sys/\(key.replacingOccurrences(of: ".", with: "/")) does not exist"
                + (key.hasPrefix("net.bridge.") ? " (br_netfilter is not loaded)" : ""))
        }

        // 4. Services.
        guard state.isSystemd else {
            warnings.append("no systemd: firewalld, chrony and containerd were not checked or enabled; start them yourself")
            return
        }
        if state.unitActive["firewalld"] == "active" || state.unitEnabled["firewalld"] == "enabled" {
            switch settings.firewall {
            case .disable:
                steps.append(Step(title: "disable firewalld", command: "systemctl disable --now firewalld"))
            case .openPorts:
                let missing = target.firewallPorts.filter { !state.firewallPorts.contains($0) }
                if !missing.isEmpty, state.unitActive["firewalld"] == "active" {
                    let adds = missing.map { "firewall-cmd --permanent --add-port=" + ShellQuote.quote($0) }
                    steps.append(Step(title: "open firewalld ports \(missing.joined(separator: ", "))",
                                      command: (adds + ["firewall-cmd --reload"]).joined(separator: " && ")))
                }
            }
        }
        let installed = Set(packages)
        steps += Self.serviceSteps(unit: chronyUnit, state: state,
                                   restart: installed.contains("chrony") || changed.contains(chronyPath))
        steps += Self.serviceSteps(unit: "containerd", state: state,
                                   restart: installed.contains("containerd") || changed.contains(PrepareSettings.containerdConfigPath))
    }

    /// Enabled at boot, and (re)started when its configuration changed or it is not running.
    static func serviceSteps(unit: String, state: PrepareState, restart: Bool) -> [Step] {
        var steps: [Step] = []
        let quoted = ShellQuote.quote(unit)
        if state.unitEnabled[unit] != "enabled" { steps.append(Step(title: "enable \(unit)", command: "systemctl enable \(quoted)")) }
        if restart || state.unitActive[unit] != "active" {
            let why = restart ? "its configuration changed" : "it is \(state.unitActive[unit].map { $0.isEmpty ? "not running" : $0 } ?? "not running")"
            steps.append(Step(title: "restart \(unit) (\(why))", command: "systemctl restart \(quoted)"))
        }
        return steps
    }

    static func installCommand(_ packages: [String], _ state: PrepareState) -> String {
        if state.binaries.contains("apt-get") {
            let install = "DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Options::=--force-confold " + ShellQuote.join(packages)
            return "\(install) || { apt-get update -q && \(install); }"
        }
        // RHEL and its rebuilds ship no containerd; Docker's repository calls it containerd.io.
        let names = ShellQuote.join(packages.map { $0 == "containerd" ? "containerd.io" : $0 })
        if state.binaries.contains("dnf") { return "dnf install -y \(names)" }
        if state.binaries.contains("yum") { return "yum install -y \(names)" }
        return "echo 'no apt-get, dnf or yum to install \(packages.joined(separator: " ")) with' >&2; exit 1"
    }

    /// Backup (only when the file exists), then an atomic rename of a complete temporary file.
    static func writeCommand(_ change: FileChange, timestamp: String) -> String {
        let path = ShellQuote.quote(change.path)
        let temporary = ShellQuote.quote(change.path + ".kubeforge-new")
        let backup = ShellQuote.quote(change.path + ".kubeforge-backup-" + timestamp)
        let mode = String(change.mode, radix: 8)
        let parent = change.path.lastIndex(of: "/").map { String(change.path[..<$0]) } ?? ""
        let directory = ShellQuote.quote(parent.isEmpty ? "/" : parent)
        return "mkdir -p \(directory) && { [ ! -e \(path) ] || cp -p \(path) \(backup); } && "
            + "printf '%s' \(ShellQuote.quote(change.new)) > \(temporary) && chmod \(mode) \(temporary) && mv -f \(temporary) \(path)"
            // A file renamed into place keeps the SELinux label it was created with; give it the path's own.
            + " && { ! command -v restorecon >/dev/null 2>&1 || restorecon \(path); }"
    }

    /// `key = value` lines of a sysctl file.
    static func sysctlAssignments(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingWhitespace
            guard !trimmed.hasPrefix("#"), !trimmed.hasPrefix(";"), let equals = trimmed.firstIndex(of: "=") else { continue }
            values[trimmed[..<equals].trimmingWhitespace] = trimmed[trimmed.index(after: equals)...].trimmingWhitespace
        }
        return values
    }

    static func modules(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingWhitespace }.filter { !$0.isEmpty && !$0.hasPrefix("#") && !$0.hasPrefix(";") }
    }

    /// What `--dry-run` prints for this host: each step, and for files the lines removed and added.
    public func describe() -> [String] {
        var lines: [String] = []
        for step in steps {
            lines.append(step.title + (step.required ? "" : " (best effort)"))
            guard let file = step.file else { continue }
            if file.old == nil { lines.append("    (new file, \(file.new.split(separator: "\n").count) lines)"); continue }
            let old = PrepareEdits.splitLines(file.old!)
            let new = PrepareEdits.splitLines(file.new)
            let removed = old.filter { !new.contains($0) }
            let added = new.filter { !old.contains($0) }
            let diff = removed.map { "    - " + $0 } + added.map { "    + " + $0 }
            lines += diff.prefix(12)
            if diff.count > 12 { lines.append("    … \(diff.count - 12) more changed lines") }
            lines.append("    (backup: \(file.path).kubeforge-backup-<timestamp>)")
        }
        return lines + warnings.map { "warning: " + $0 }
    }
}
