import Foundation
import Preflight
import Remote

/// What one host looks like before `prepare`, gathered by one command (`gatherScript`) and parsed.
/// Files come base64-encoded so their bytes compare exactly.
public struct PrepareState: Sendable, Equatable {
    public var nodename: String
    public var osID: String
    public var osIDLike: [String]
    /// Path → content for every file `prepare` may edit; absent files are not in the map.
    public var files: [String: String]
    public var swaps: [String]
    /// `/sys/fs/selinux/enforce` is 1.
    public var selinuxEnforcing: Bool
    /// `/proc/sys/...` value by sysctl key, for the keys of the sysctl file; missing keys are absent.
    public var sysctls: [String: String]
    /// Kernel modules available (loaded, built in, or visible through what they provide).
    public var modulesAvailable: Set<String>
    public var binaries: Set<String>
    /// `systemctl is-enabled` / `is-active` per unit; empty without systemd.
    public var unitEnabled: [String: String]
    public var unitActive: [String: String]
    /// `firewall-cmd --list-ports` when firewalld is running.
    public var firewallPorts: Set<String>

    public static let version = 1
    public static let units = ["firewalld", "chrony", "chronyd", "containerd"]
    public static let binariesAsked = ["containerd", "chronyd", "firewall-cmd", "apt-get", "dnf", "yum", "systemctl",
                                       "modprobe", "sysctl", "setenforce", "swapoff", "hostname", "base64"]
    public static let chronyPaths = ["/etc/chrony/chrony.conf", "/etc/chrony.conf"]
    public static let editedPaths = ["/etc/hostname", "/etc/fstab", "/etc/selinux/config", "/etc/hosts"] + chronyPaths

    public var isSystemd: Bool { !unitActive.isEmpty }
    public var isRedHat: Bool {
        ["centos", "rhel", "rocky", "almalinux", "fedora", "ol"].contains(osID) || osIDLike.contains { $0 == "rhel" || $0 == "fedora" }
    }

    /// The one read-only command that gathers everything, for `paths` (the rendered files) and the sysctl
    /// keys and modules those files name. POSIX sh.
    public static func gatherScript(paths: [String], sysctlKeys: [String], modules: [String]) -> String {
        let files = (editedPaths + paths).map(ShellQuote.quote).joined(separator: " ")
        let keys = sysctlKeys.map(ShellQuote.quote).joined(separator: " ")
        let mods = modules.map(ShellQuote.quote).joined(separator: " ")
        return """
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; LC_ALL=C; export PATH LC_ALL
        s() { printf '==> %s\\n' "$*"; }
        s prepare-state; echo 'kubeforge-prepare \(version)'
        s nodename; uname -n
        if [ -r /etc/os-release ]; then s os-release; cat /etc/os-release; fi
        for p in \(files); do if [ -f "$p" ]; then s "file $p"; base64 < "$p"; fi; done
        s swaps; tail -n +2 /proc/swaps 2>/dev/null
        s selinux; cat /sys/fs/selinux/enforce 2>/dev/null
        s sysctls; for k in \(keys); do f=/proc/sys/$(echo "$k" | tr . /); if [ -r "$f" ]; then printf '%s=%s\\n' "$k" "$(cat "$f")"; fi; done
        s modules; for m in \(mods); do
            if grep -q "^$m " /proc/modules 2>/dev/null || [ -d "/sys/module/$m" ]; then echo "$m"
            elif [ "$m" = overlay ] && grep -qw overlay /proc/filesystems 2>/dev/null; then echo "$m"
            elif [ "$m" = br_netfilter ] && [ -d /proc/sys/net/bridge ]; then echo "$m"; fi
        done
        s binaries; for b in \(binariesAsked.joined(separator: " ")); do command -v "$b" >/dev/null 2>&1 && echo "$b"; done
        if [ -d /run/systemd/system ]; then
            s enabled; for u in \(units.joined(separator: " ")); do echo "$u $(systemctl is-enabled "$u" 2>/dev/null || true)"; done
            s active; for u in \(units.joined(separator: " ")); do echo "$u $(systemctl is-active "$u" 2>/dev/null || true)"; done
            if [ "$(systemctl is-active firewalld 2>/dev/null)" = active ]; then s firewall-ports; firewall-cmd --list-ports | tr ' ' '\\n'; fi
        fi
        s end
        """
    }

    public init(output: String) throws {
        let sections = ProbeSections(parsing: output)
        guard sections.isComplete, sections["prepare-state"]?.text == "kubeforge-prepare \(Self.version)" else {
            throw PrepareError.incompleteState(lastSection: sections.sections.last?.name)
        }
        nodename = sections["nodename"]?.text.trimmingWhitespace ?? ""
        let os = ProxySettings.parseAssignments(sections["os-release"]?.text ?? "")
        osID = os["ID"]?.lowercased() ?? ""
        osIDLike = (os["ID_LIKE"] ?? "").lowercased().split(separator: " ").map(String.init)
        files = [:]
        for (path, section) in sections.sections(prefixed: "file") {
            guard let data = Data(base64Encoded: section.lines.joined()) else {
                throw PrepareError.incompleteState(lastSection: "file \(path)")
            }
            files[path] = String(decoding: data, as: UTF8.self)
        }
        swaps = (sections["swaps"]?.lines ?? []).compactMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) }
        selinuxEnforcing = sections["selinux"]?.text.trimmingWhitespace == "1"
        sysctls = [:]
        for line in sections["sysctls"]?.lines ?? [] {
            guard let equals = line.firstIndex(of: "=") else { continue }
            sysctls[String(line[..<equals])] = String(line[line.index(after: equals)...]).trimmingWhitespace
        }
        modulesAvailable = Set((sections["modules"]?.lines ?? []).filter { !$0.isEmpty })
        binaries = Set((sections["binaries"]?.lines ?? []).filter { !$0.isEmpty })
        unitEnabled = Self.unitStates(sections["enabled"])
        unitActive = Self.unitStates(sections["active"])
        firewallPorts = Set((sections["firewall-ports"]?.lines ?? []).filter { !$0.isEmpty })
    }

    private static func unitStates(_ section: ProbeSections.Section?) -> [String: String] {
        var states: [String: String] = [:]
        for line in section?.lines ?? [] {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if let unit = parts.first { states[unit] = parts.count > 1 ? parts[1] : "" }
        }
        return states
    }
}

/// Why `prepare` could not work on a host.
public enum PrepareError: Error, Equatable, CustomStringConvertible {
    case incompleteState(lastSection: String?)
    case gatherFailed(exitStatus: Int32, stderr: String)

    public var description: String {
        switch self {
        case let .incompleteState(last):
            "the state gathered from the host is incomplete (last section: \(last ?? "none"))"
        case let .gatherFailed(status, stderr):
            "gathering the host's state exited with status \(status): \(stderr.prefix(300))"
        }
    }
}
