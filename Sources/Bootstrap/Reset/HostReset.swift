import Foundation
import Remote

/// `kubeforge reset` on one host: what `kubeadm reset`'s cleanup-node phase removes
/// (cmd/kubeadm/app/cmd/phases/reset/cleanupnode.go), plus the systemd units kubeforge itself wrote.
/// One script per host; with `apply` false it only lists what exists and would go. Idempotent: a second run
/// finds nothing. Not touched, as upstream: CNI configuration (but for kubeforge's own bridge conflist),
/// iptables/IPVS rules, ~/.kube/config, binaries.
public struct HostReset: Sendable {
    /// Units stopped, kubelet first so it restarts nothing; disabled and removed when kubeforge wrote them.
    public static let units = ["kubelet", "kube-proxy", "kube-scheduler", "kube-controller-manager", "kube-apiserver", "etcd"]
    /// The kubeconfig files kubeadm reset deletes.
    public static let kubeconfigs = ["admin.conf", "super-admin.conf", "kubelet.conf", "bootstrap-kubelet.conf",
                                     "controller-manager.conf", "scheduler.conf"]

    public var kubernetesDirectory = "/etc/kubernetes"
    public var certificatesDir = "/etc/kubernetes/pki"
    public var kubeletDirectory = "/var/lib/kubelet"
    public var etcdDataDir = "/var/lib/etcd"
    public var systemdDirectory = "/etc/systemd/system"

    public init() {}

    /// Directories whose *contents* go (kubeadm's CleanDir keeps the directory itself).
    var emptiedDirectories: [String] {
        ["\(kubernetesDirectory)/manifests", kubeletDirectory, certificatesDir, etcdDataDir]
    }

    /// kubeforge's bridge network configuration (`cluster.network.plugin: bridge`), which kubeforge wrote.
    public var cniConfiguration = "/etc/cni/net.d/10-kubeforge-bridge.conflist"

    /// Files removed besides the unit files (those go with their units): kubeforge's kubelet drop-in and bridge
    /// conflist, then kubeadm's kubeconfigs.
    var removedFiles: [String] {
        ["\(systemdDirectory)/kubelet.service.d/10-kubeadm.conf", cniConfiguration] + Self.kubeconfigs.map { "\(kubernetesDirectory)/\($0)" }
    }

    /// Prints one line per change ("stop kubelet.service", "remove FILE", …) and exits non-zero if any failed.
    public func script(apply: Bool) -> String {
        let q = ShellQuote.quote
        return """
        A=\(apply ? 1 : 0); F=0; R=0
        act() { [ "$A" = 1 ] || return 0; "$@" >/dev/null 2>&1 || { printf 'failed: %s\\n' "$*"; F=1; }; }
        for u in \(Self.units.joined(separator: " ")); do
            f=\(q(systemdDirectory))/$u.service
            if [ -e "$f" ]; then
                echo "stop, disable and remove $u.service"; act systemctl disable --now "$u.service"; act rm -f -- "$f"; R=1
            elif [ "$(systemctl is-active "$u.service" 2>/dev/null)" = active ]; then
                echo "stop $u.service"; act systemctl stop "$u.service"
            fi
        done
        for f in \(removedFiles.map(q).joined(separator: " ")); do
            if [ -e "$f" ]; then echo "remove $f"; act rm -f -- "$f"; fi
        done
        if [ "$R" = 1 ]; then act systemctl daemon-reload; fi
        for m in $(awk -v p=\(q(kubeletDirectory + "/")) 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r); do
            echo "unmount $m"; act umount "$m"
        done
        if command -v crictl >/dev/null 2>&1 && n=$(crictl pods -q 2>/dev/null | wc -l) && [ "$n" -gt 0 ]; then
            echo "stop and remove $n pods (crictl rmp --all --force)"; act crictl rmp --all --force
        fi
        for d in \(emptiedDirectories.map(q).joined(separator: " ")); do
            if [ -d "$d" ] && [ -n "$(ls -A "$d" 2>/dev/null)" ]; then
                echo "delete the contents of $d"; act find "$d" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +
            fi
        done
        exit $F
        """
    }

    /// What happened on one host.
    public struct Outcome: Sendable, Equatable {
        public enum Status: Sendable, Equatable { case nothingToDo, changed, failed(String) }
        public var name: String
        public var status: Status
        /// The changes made (or, in a dry run, that would be made); "failed: …" lines included.
        public var lines: [String]
        /// Warnings about this host (an etcd member that could not leave).
        public var warnings: [String]
    }

    /// Runs the script on `host`.
    public func run(on host: any Remote.Host, apply: Bool) async -> Outcome {
        do {
            let result = try await host.run(script(apply: apply), timeout: .seconds(300))
            let lines = result.stdoutText.split(separator: "\n").map(String.init)
            if !result.succeeded {
                let failures = lines.filter { $0.hasPrefix("failed: ") }.map { String($0.dropFirst(8)) }
                let reason = failures.isEmpty ? "exit status \(result.exitStatus): \(result.stderrText)" : failures.joined(separator: "; ")
                return Outcome(name: host.name, status: .failed(reason.trimmingCharacters(in: .whitespacesAndNewlines)), lines: lines, warnings: [])
            }
            return Outcome(name: host.name, status: lines.isEmpty ? .nothingToDo : .changed, lines: lines, warnings: [])
        } catch {
            return Outcome(name: host.name, status: .failed("\(error)"), lines: [], warnings: [])
        }
    }
}
