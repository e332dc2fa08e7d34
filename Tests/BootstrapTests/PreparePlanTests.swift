import Foundation
import Inventory
import Remote
import Testing
@testable import Bootstrap

/// Plans computed from gathered state (pure), the apply script's judgement, and the settings from an inventory.
@Suite struct PreparePlanTests {
    static let node1 = PrepareTarget(name: "k8s-node1", address: "10.0.0.12", firewallPorts: ["10250/tcp", "30000-32767/tcp"])

    func plan(_ fixture: PrepareFixture, _ settings: PrepareSettings = PrepareFixture.settings,
              target: PrepareTarget = node1) throws -> PreparePlan {
        PreparePlan(target: target, state: try fixture.state(), settings: settings)
    }

    @Test func stateParsesEveryField() throws {
        var fixture = PrepareFixture.prepared()
        fixture.swaps = ["/dev/sda2"]
        fixture.selinuxEnforce = "1"
        fixture.firewallPorts = ["10250/tcp"]
        let state = try fixture.state()
        #expect(state.nodename == "k8s-node1")
        #expect(state.osID == "debian" && !state.isRedHat)
        #expect(state.files == fixture.files)
        #expect(state.swaps == ["/dev/sda2"])
        #expect(state.selinuxEnforcing)
        #expect(state.sysctls["net.ipv4.ip_forward"] == "1")
        #expect(state.modulesAvailable == ["overlay", "br_netfilter"])
        #expect(state.binaries.contains("containerd"))
        #expect(state.unitActive["containerd"] == "active" && state.unitEnabled["chrony"] == "enabled")
        #expect(state.firewallPorts == ["10250/tcp"])
    }

    @Test func cutOffStateIsRefused() {
        let output = PrepareFixture().output
        #expect(throws: PrepareError.self) { try PrepareState(output: String(output.dropLast("==> end\n".count))) }
        #expect(throws: PrepareError.self) { try PrepareState(output: "") }
    }

    @Test func filesKeepExactBytes() throws {
        var fixture = PrepareFixture.prepared()
        let odd = "line with trailing spaces   \n\n\nno newline at end"
        fixture.files["/etc/hosts"] = odd
        #expect(try fixture.state().files["/etc/hosts"] == odd)
    }

    @Test func preparedHostNeedsNothing() throws {
        let plan = try plan(.prepared())
        #expect(plan.isEmpty)
        #expect(plan.warnings.isEmpty)
    }

    @Test func tutorialHostNeedsEverything() throws {
        var fixture = PrepareFixture()
        fixture.nodename = "localhost.localdomain"
        fixture.osRelease = "NAME=\"Rocky Linux\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\n"
        fixture.files = ["/etc/fstab": PrepareEditsTests.centos7Fstab, "/etc/selinux/config": PrepareEditsTests.rockySELinux,
                         "/etc/hosts": "127.0.0.1 localhost\n", "/etc/hostname": "localhost.localdomain\n"]
        fixture.swaps = ["/dev/dm-1"]
        fixture.selinuxEnforce = "1"
        fixture.sysctls = ["net.ipv4.ip_forward": "0"]
        fixture.modules = ["overlay"]
        fixture.binaries = ["dnf", "systemctl", "modprobe", "sysctl", "swapoff", "setenforce", "firewall-cmd"]
        fixture.enabled = ["firewalld": "enabled", "chronyd": "", "containerd": ""]
        fixture.active = ["firewalld": "active"]
        var settings = PrepareFixture.settings
        settings.ntpServers = ["ntp.aliyun.com"]
        let plan = try plan(fixture, settings)
        let titles = plan.steps.map(\.title)
        #expect(titles.first == "install containerd chrony")
        #expect(plan.steps.first?.command == "dnf install -y containerd.io chrony")
        for path in ["/etc/chrony.conf", "/etc/containerd/config.toml", "/etc/fstab", "/etc/hostname", "/etc/hosts",
                     "/etc/modules-load.d/kubernetes.conf", "/etc/selinux/config", "/etc/sysctl.d/99-kubernetes.conf"] {
            #expect(titles.contains("write \(path)"), "missing write \(path)")
        }
        #expect(titles.contains("turn swap off (/dev/dm-1)"))
        #expect(titles.contains("set SELinux permissive"))
        #expect(titles.contains("set the hostname to k8s-node1"))
        #expect(titles.contains("load kernel module br_netfilter"))
        #expect(!titles.contains("load kernel module overlay"))
        #expect(titles.contains { $0.hasPrefix("apply /etc/sysctl.d/99-kubernetes.conf (net.ipv4.ip_forward 0 → 1)") })
        #expect(titles.contains("disable firewalld"))
        #expect(titles.contains("enable chronyd") && titles.contains("restart chronyd (its configuration changed)"))
        #expect(titles.contains("enable containerd") && titles.contains("restart containerd (its configuration changed)"))
        // Packages come before files, files before the commands that use them, services last.
        #expect(titles.firstIndex(of: "write /etc/sysctl.d/99-kubernetes.conf")! < titles.firstIndex { $0.hasPrefix("apply /etc/sysctl.d") }!)
        #expect(titles.last == "restart containerd (its configuration changed)")
        let chrony = try #require(plan.steps.first { $0.title == "write /etc/chrony.conf" }?.file)
        #expect(chrony.old == nil && chrony.new.hasPrefix(PreparePlan.chronyMinimalConfig) && chrony.new.contains("server ntp.aliyun.com iburst"))
        #expect(plan.warnings == ["net.bridge.bridge-nf-call-ip6tables cannot be set: /proc/sys/net/bridge/bridge-nf-call-ip6tables does not exist (br_netfilter is not loaded)",
                                  "net.bridge.bridge-nf-call-iptables cannot be set: /proc/sys/net/bridge/bridge-nf-call-iptables does not exist (br_netfilter is not loaded)"])
    }

    @Test func containerdRestartsOnlyWhenItsConfigChanges() throws {
        var fixture = PrepareFixture.prepared()
        fixture.files["/etc/hosts"] = "127.0.0.1 localhost\n"
        #expect(try plan(fixture).steps.map(\.title) == ["write /etc/hosts"])
        fixture = .prepared()
        fixture.files[PrepareSettings.containerdConfigPath] = "version = 2\n"
        #expect(try plan(fixture).steps.map(\.title) == ["write /etc/containerd/config.toml", "restart containerd (its configuration changed)"])
        fixture = .prepared()
        fixture.active["containerd"] = "failed"
        #expect(try plan(fixture).steps.map(\.title) == ["restart containerd (it is failed)"])
    }

    @Test func firewallPolicyOpenPortsAddsOnlyMissingPorts() throws {
        var fixture = PrepareFixture.prepared()
        fixture.binaries.append("firewall-cmd")
        fixture.enabled["firewalld"] = "enabled"
        fixture.active["firewalld"] = "active"
        fixture.firewallPorts = ["10250/tcp"]
        var settings = PrepareFixture.settings
        settings.firewall = .openPorts
        let steps = try plan(fixture, settings).steps
        #expect(steps.map(\.title) == ["open firewalld ports 30000-32767/tcp"])
        #expect(steps.first?.command == "firewall-cmd --permanent --add-port=30000-32767/tcp && firewall-cmd --reload")
        fixture.firewallPorts = ["10250/tcp", "30000-32767/tcp"]
        #expect(try plan(fixture, settings).isEmpty)
        #expect(try plan(fixture).steps.map(\.title) == ["disable firewalld"])
    }

    @Test func sysctlsThatCannotExistAreWarningsNotChanges() throws {
        // Inside a container without br_netfilter: nothing to do, two warnings, modprobe attempted best effort.
        var fixture = PrepareFixture.prepared()
        fixture.sysctls = ["net.ipv4.ip_forward": "1"]
        fixture.modules = ["overlay"]
        let plan = try plan(fixture)
        #expect(plan.steps.map(\.title) == ["load kernel module br_netfilter"])
        #expect(plan.steps.allSatisfy { !$0.required })
        #expect(plan.warnings.count == 2)
    }

    @Test func writeCommandBacksUpAndRenamesAtomically() {
        let change = PreparePlan.FileChange(path: "/etc/fstab", old: "a\n", new: "it's\n$(reboot)\n")
        let command = PreparePlan.writeCommand(change, timestamp: "20261122T030000Z")
        #expect(command == "mkdir -p /etc && { [ ! -e /etc/fstab ] || cp -p /etc/fstab /etc/fstab.kubeforge-backup-20261122T030000Z; } && "
            + "printf '%s' 'it'\\''s\n$(reboot)\n' > /etc/fstab.kubeforge-new && chmod 644 /etc/fstab.kubeforge-new && mv -f /etc/fstab.kubeforge-new /etc/fstab"
            + " && { ! command -v restorecon >/dev/null 2>&1 || restorecon /etc/fstab; }")
    }

    /// The apply script for real: run by /bin/sh against files in a temporary directory.
    @Test func applyScriptRunsEveryStepAndReportsEach() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kf-prepare-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "old\n".write(toFile: directory + "/hosts", atomically: true, encoding: .utf8)
        let write = PreparePlan.FileChange(path: directory + "/hosts", old: "old\n", new: "new 'quoted'\n")
        let created = PreparePlan.FileChange(path: directory + "/sub/dir/new.conf", old: nil, new: "x = 1\n")
        let plan = PreparePlan(steps: [
            .init(title: "write hosts", command: PreparePlan.writeCommand(write, timestamp: "T1"), file: write),
            .init(title: "write new.conf", command: PreparePlan.writeCommand(created, timestamp: "T1"), file: created),
            .init(title: "load kernel module nothere", command: "echo 'modprobe: FATAL: Module nothere not found'; exit 1", required: false),
            .init(title: "must work", command: "false"),
            .init(title: "still runs", command: "true"),
        ])
        let result = try await LocalHost().run(ApplyScript.text(plan.steps))
        #expect(try String(contentsOfFile: directory + "/hosts", encoding: .utf8) == "new 'quoted'\n")
        #expect(try String(contentsOfFile: directory + "/hosts.kubeforge-backup-T1", encoding: .utf8) == "old\n")
        #expect(try String(contentsOfFile: directory + "/sub/dir/new.conf", encoding: .utf8) == "x = 1\n")
        #expect(!FileManager.default.fileExists(atPath: directory + "/sub/dir/new.conf.kubeforge-backup-T1"))
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/sub/dir/new.conf")
        #expect((attributes[.posixPermissions] as? Int) == 0o644)
        let outcome = ApplyScript.outcome(of: plan, output: result, host: "h1")
        guard case let .failed(reason) = outcome.status else { Issue.record("expected failure, got \(outcome.status)"); return }
        #expect(reason.hasPrefix("must work: exit status 1"))
        #expect(reason.contains("done: write hosts; write new.conf; still runs"))
        #expect(outcome.warnings == ["h1: load kernel module nothere failed (exit status 1): modprobe: FATAL: Module nothere not found"])
    }

    @Test func reportTextAndExitCode() {
        let report = PrepareReport(hosts: [
            .init(name: "a", status: .changed(["write /etc/hosts"])),
            .init(name: "b", status: .unchanged, warnings: ["b: load kernel module br_netfilter failed (exit status 1)"]),
            .init(name: "c", status: .failed("connection refused")),
        ], dryRun: false)
        #expect(report.exitCode == 1)
        #expect(report.text() == """
        a: changed
          write /etc/hosts
        b: unchanged
          warning: b: load kernel module br_netfilter failed (exit status 1)
        c: failed: connection refused
        3 hosts: 1 changed, 1 unchanged, 1 failed

        """)
        #expect(PrepareReport(hosts: [.init(name: "a", status: .unchanged)], dryRun: false).exitCode == 0)
    }

    @Test func reportJSONParsesBackWithEveryHost() throws {
        let report = PrepareReport(hosts: [
            .init(name: "a", status: .changed(["write /etc/hosts"]), plan: ["write /etc/hosts:", "+10.0.0.1 a"]),
            .init(name: "c", status: .failed("connection refused"), warnings: ["c: no systemd"]),
        ], dryRun: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any])
        #expect(object["dryRun"] as? Bool == true)
        #expect(object["summary"] as? [String: Int] == ["changed": 1, "unchanged": 0, "failed": 1])
        let hosts = try #require(object["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["name"] as? String } == ["a", "c"])
        #expect(hosts[0]["status"] as? String == "changed")
        #expect(hosts[0]["steps"] as? [String] == ["write /etc/hosts:", "+10.0.0.1 a"], "a dry run reports the plan")
        #expect(hosts[1]["error"] as? String == "connection refused")
        #expect(hosts[1]["warnings"] as? [String] == ["c: no systemd"])
    }
}

/// Settings rendered from the repository's tutorial inventory through templates/.
@Suite struct PrepareSettingsTests {
    @Test func tutorialInventoryRendersTheHostFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var inventory = try InventoryLoader.load(path: root.appendingPathComponent("inventory/tutorial.yaml").path).inventory
        inventory.cluster.registryMirrors = ["https://docker.m.daocloud.io"]
        let settings = try PrepareSettings(inventory: inventory, now: Date(timeIntervalSince1970: 1_795_000_000))
        #expect(settings.backupTimestamp == "20261118T110640Z")
        #expect(settings.ntpServers == ["ntp.aliyun.com"])
        #expect(settings.firewall == .disable)
        #expect(settings.hostEntries.map(\.name) == ["k8s-master", "k8s-node1", "k8s-node2"])
        #expect(settings.hostEntries.map(\.address) == ["192.168.2.201", "192.168.2.202", "192.168.2.203"])
        let containerd = try #require(settings.renderedFiles[PrepareSettings.containerdConfigPath])
        #expect(containerd.contains("SystemdCgroup = true"))
        #expect(containerd.contains("sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.9\""))
        #expect(containerd.contains("registry.mirrors.\"docker.io\"]\n          endpoint = [\"https://docker.m.daocloud.io\"]"))
        #expect(settings.renderedFiles[PrepareSettings.sysctlPath]?.contains("net.ipv4.ip_forward                 = 1") == true)
        #expect(settings.renderedFiles[PrepareSettings.modulesPath]?.contains("br_netfilter") == true)

        inventory.cluster.firewall = .openPorts
        #expect(try PrepareSettings(inventory: inventory).firewall == .openPorts)
    }
}

/// The real gather script on this machine through LocalHost: it runs under /bin/sh and reads back exactly.
@Suite struct PrepareGatherLocalTests {
    @Test func gatherScriptReadsThisMachine() async throws {
        let target = PrepareTarget(name: "local", address: "127.0.0.1", firewallPorts: [])
        let state = try await Preparation.gather(target, on: LocalHost(), settings: PrepareFixture.settings)
        #expect(state.nodename == ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "")
        #expect(state.files["/etc/hosts"] == (try String(contentsOfFile: "/etc/hosts", encoding: .utf8)))
        #expect(state.files["/etc/fstab"] == (try? String(contentsOfFile: "/etc/fstab", encoding: .utf8)))
        #expect(state.sysctls["net.ipv4.ip_forward"] == (try String(contentsOfFile: "/proc/sys/net/ipv4/ip_forward", encoding: .utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(state.binaries.contains("base64"))
        #expect(state.osID == "debian")
    }
}
