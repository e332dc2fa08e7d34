import Foundation
import Testing
@testable import Preflight

/// Every parser over every fixture: the captured Debian 12 output and the reconstructed ones.
@Suite struct FixtureParsingTests {
    @Test(arguments: Fixture.allCases)
    func everyFixtureParsesCompletely(fixture: Fixture) throws {
        let sections = ProbeSections(parsing: try fixture.text)
        #expect(sections.isComplete)
        #expect(sections["probe"]?.text == "kubeforge-probe 1")
        let facts = try fixture.facts
        #expect(facts.probeVersion == 1)
        #expect(facts.epoch != nil && facts.cpus != nil && facts.memTotalKiB != nil && facts.uid == 0)
        #expect(!facts.nodename.isEmpty && !facts.kernelRelease.isEmpty && facts.machine == "x86_64")
        #expect(facts.varLibDisk != nil && !facts.interfaces.isEmpty && !facts.addresses.isEmpty)
        #expect(facts.binaries["mount"] != nil && facts.kernelConfig?["CONFIG_NAMESPACES"] == "y")
        #expect(facts.osRelease?.id.isEmpty == false)
    }

    @Test func centos7() throws {
        let facts = try Fixture.centos7.facts
        #expect(facts.osRelease?.id == "centos" && facts.osRelease?.majorVersion == 7)
        #expect(facts.redhatRelease == "CentOS Linux release 7.9.2009 (Core)")
        #expect(facts.kernelRelease == "3.10.0-1160.el7.x86_64" && facts.nodename == "k8s-master")
        #expect(facts.memTotalKiB == 1_862_792 && facts.cpus == 2)
        #expect(facts.swaps == ["/dev/dm-1"])
        #expect(facts.varLibDisk == .init(mountPoint: "/", totalKiB: 17_811_456, availableKiB: 16_100_604))
        #expect(facts.fileValues["/proc/sys/net/ipv4/ip_forward"] == "0")
        #expect(facts.fileValues["/proc/sys/net/bridge/bridge-nf-call-iptables"] == nil)
        #expect(facts.fileValues["/sys/fs/selinux/enforce"] == "1" && facts.selinuxConfigMode == "enforcing")
        #expect(facts.getenforce == "Enforcing")
        #expect(facts.loadedModules?.contains("bridge") == true && !facts.moduleLoaded("br_netfilter") && !facts.moduleLoaded("overlay"))
        #expect(!facts.filesystems.contains("overlay") && facts.filesystems.contains("xfs"))
        #expect(!facts.cgroupV2 && facts.cgroupControllers["memory"] == true && facts.isSystemd)
        #expect(facts.binaries["conntrack"] == nil && facts.binaries["crictl"] == "/usr/bin/crictl")
        #expect(facts.unitStates?["firewalld"] == "active" && facts.unitStates?["kubelet"] == "activating")
        #expect(facts.unitStates?["ufw"] == "unknown" && !facts.ufwEnabled)
        #expect(facts.timeSync.map(\.source) == [.chrony, .timedatectl] && facts.timeSync.allSatisfy(\.synchronized))
        #expect(facts.hostsFile["k8s-master"] == ["192.168.2.201"])
        #expect(facts.productUUID == "564d1a2b-3c4d-5e6f-7a8b-9c0d1e2f3a4b")
        #expect(facts.interfaces.map(\.name) == ["ens33", "lo"] && facts.interfaces[1].isVirtual)
        #expect(facts.addresses.map(\.description) == ["127.0.0.1", "::1", "192.168.2.201", "fe80::20c:29ff:fe3a:5b7c"])
        // iproute 4.11's ss: `*:22` and `:::22`.
        #expect(facts.listening.map(\.port) == [22, 25, 39251, 22, 25])
        #expect(facts.listening[0] == ListeningSocket(address: "*", port: 22, process: "sshd (pid 1043)"))
        #expect(facts.listening[3].address == "::")
        let runtime = try #require(facts.runtimes.first)
        #expect(runtime.kind == .containerd && runtime.answered == false && runtime.cgroupDriver == "cgroupfs")
        #expect(runtime.detail.contains("unknown service runtime.v1.RuntimeService"))
    }

    @Test func rocky9() throws {
        let facts = try Fixture.rocky9.facts
        #expect(facts.osRelease?.id == "rocky" && facts.osRelease?.versionID == "9.3" && facts.osRelease?.majorVersion == 9)
        #expect(facts.osRelease?.idLike == ["rhel", "centos", "fedora"])
        #expect(facts.swaps.isEmpty && facts.cpus == 4)
        #expect(facts.cgroupV2 && facts.moduleLoaded("br_netfilter") && facts.moduleLoaded("overlay"))
        #expect(facts.fileValues["/sys/fs/selinux/enforce"] == "0" && facts.selinuxConfigMode == "permissive")
        #expect(facts.directoryEntries["/etc/kubernetes/manifests"] == .some([]))
        #expect(facts.directoryEntries["/var/lib/etcd"] == .some(nil))
        #expect(facts.timeSync.first == TimeSyncStatus(source: .chrony, synchronized: true,
            detail: "chrony leap status Normal, system time 0.000012731 seconds fast of NTP time"))
        #expect(facts.listening.map(\.address) == ["0.0.0.0", "127.0.0.1", "::"])
        let runtime = try #require(facts.runtimes.first)
        // crictl info also carries the deprecated top-level "systemdCgroup": false; the runc option wins.
        #expect(runtime.answered == true && runtime.ready == true && runtime.cgroupDriver == "systemd")
        #expect(runtime.cgroupDriverSource == "crictl info")
        #expect(RuntimeFacts.parseContainerdSystemdCgroup(try Fixture.rocky9.text) == true)
    }

    @Test func ubuntu2204() throws {
        let facts = try Fixture.ubuntu2204.facts
        #expect(facts.osRelease?.id == "ubuntu" && facts.osRelease?.versionID == "22.04" && facts.osRelease?.minorVersion == 4)
        #expect(facts.swaps == ["/swap.img"])
        #expect(facts.ufwEnabled && facts.unitStates?["ufw"] == "active")
        #expect(facts.timeSync == [TimeSyncStatus(source: .timedatectl, synchronized: false,
                                                  detail: "timedatectl: synchronized no, NTP service yes")])
        #expect(facts.hostsFile["k8s-node1"] == nil && facts.hostsFile["ubuntu-template"] == ["127.0.1.1"])
        #expect(facts.selinuxConfigMode == nil && facts.fileValues["/sys/fs/selinux/enforce"] == nil)
        #expect(facts.listening.first == ListeningSocket(address: "127.0.0.53", port: 53, process: "systemd-resolve (pid 645)"))
        let environment = try #require(facts.proxies.first { $0.source == "/etc/environment" })
        #expect(environment.httpsProxy == "http://10.0.0.254:3128/")
        #expect(environment.noProxy == ["localhost", "127.0.0.1", "192.168.2.0/24", ".svc", ".cluster.local"])
        #expect(facts.runtimeProxy.noProxy.contains("10.96.0.0/12") && facts.runtimeProxy.httpsProxy == "http://10.0.0.254:3128/")
        let runtime = try #require(facts.runtimes.first)
        #expect(runtime.answered == true && runtime.ready == true && runtime.cgroupDriver == "cgroupfs")
    }

    @Test func debian12Captured() throws {
        let text = try Fixture.debian12.text
        #expect(text.hasPrefix("# CAPTURED"))
        let facts = try Fixture.debian12.facts
        #expect(facts.osRelease?.id == "debian" && facts.osRelease?.majorVersion == 12)
        #expect(facts.redhatRelease == nil && facts.unitStates == nil, "no systemd on the capture machine")
        #expect(facts.loadedModules == nil, "the capture machine's kernel has no loadable modules")
        #expect(facts.filesystems.contains("overlay") && facts.moduleLoaded("overlay"))
        #expect(facts.runtimes.isEmpty && facts.timeSync.isEmpty)
        #expect(facts.kernelConfig?["CONFIG_OVERLAY_FS"] == "y")
    }

    /// A lab host (systemd-nspawn, Debian 12) over ssh: systemd, containerd without crictl, chrony with no source.
    @Test func debian12LabCaptured() throws {
        #expect(try Fixture.debian12Lab.text.hasPrefix("# CAPTURED"))
        let facts = try Fixture.debian12Lab.facts
        #expect(facts.osRelease?.id == "debian" && facts.nodename == "k8s-master" && facts.isSystemd)
        #expect(facts.unitStates?["containerd"] == "active" && facts.unitStates?["chrony"] == "active")
        #expect(facts.unitStates?["firewalld"] == "inactive" && facts.unitStates?["kubelet"] == "inactive")
        #expect(facts.binaries["crictl"] == nil && facts.binaries["ctr"] == "/usr/bin/ctr" && facts.binaries["conntrack"] != nil)
        #expect(facts.timeSync.map(\.source) == [.chrony, .timedatectl] && !facts.timeSync.contains(where: \.synchronized))
        #expect(facts.productUUID == "18e62f31-a67f-40b1-9553-4e58ea160a54")
        #expect(facts.interfaces.map(\.name) == ["eth0", "lo"])
        #expect(facts.addresses.map(\.description).contains("10.213.0.11"))
        // `ss -ltn` without -p when no Kubernetes port is taken: sockets, no process names.
        #expect(facts.listening.contains { $0.port == 22 } && facts.listening.allSatisfy { $0.process == nil })
        #expect(facts.directoryEntries["/var/lib/etcd"] == .some([]) && facts.directoryEntries["/etc/kubernetes/manifests"] == .some(nil))
        let runtime = try #require(facts.runtimes.first)
        #expect(runtime.kind == .containerd && runtime.answered == true)
        #expect(HostChecks.cri(facts).status == .pass)
        #expect(HostChecks.timeSync(facts).status != .pass, "chrony has no source in the lab")
    }

    // MARK: single parsers on edge cases

    @Test func sectionsHeaderForms() {
        let sections = ProbeSections(parsing: "junk before\n==> a\nx\n==> b absent\n==> c d rc=3\nout\n\n==> end\n")
        #expect(sections.sections.map(\.name) == ["a", "b", "c d", "end"])
        #expect(sections["b"]?.absent == true && sections["b"]?.okText == nil)
        #expect(sections["c d"]?.exitStatus == 3 && sections["c d"]?.lines == ["out"] && sections["c d"]?.okText == nil)
        #expect(sections.isComplete)
        #expect(!ProbeSections(parsing: "==> probe\nkubeforge-probe 1\n==> epoch\n").isComplete)
    }

    @Test func truncatedOrForeignOutputIsRejected() {
        #expect(throws: ProbeError.incomplete(lastSection: "epoch")) {
            try HostFacts(probeOutput: "==> probe\nkubeforge-probe 1\n==> epoch\n1.5\n")
        }
        #expect(throws: ProbeError.unknownVersion(9)) { try HostFacts(probeOutput: "==> probe\nkubeforge-probe 9\n==> end\n") }
        #expect(throws: ProbeError.incomplete(lastSection: nil)) { try HostFacts(probeOutput: "bash: sh: not found\n") }
    }

    @Test func epochWithoutNanoseconds() {
        #expect(HostFacts.parseEpoch("1709604751.482913304") == 1_709_604_751.482913304)
        #expect(HostFacts.parseEpoch("1709604751.N") == 1_709_604_751)
        #expect(HostFacts.parseEpoch(nil) == nil)
    }

    @Test func procNetTCP() {
        let text = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21418 1 0000000000000000 100 0 0 10 0
           1: 0100007F:1A0A 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31331 1 0000000000000000 100 0 0 10 0
           2: 0202A8C0:0016 0102A8C0:D8F4 01 00000000:00000000 02:00086D3E 00000000     0        0 41352 4 0000000000000000 20 4 29 10 -1
        """
        #expect(ListeningSocket.parseProcNet(text).map(\.port) == [22, 6666])
    }

    @Test func chronyAndNtpqFailures() {
        #expect(TimeSyncStatus.parseChrony("506 Cannot talk to daemon", exitStatus: 1)
            == TimeSyncStatus(source: .chrony, synchronized: false, detail: "chronyc: 506 Cannot talk to daemon"))
        let unsynced = "Reference ID    : 00000000 ()\nStratum         : 0\nLeap status     : Not synchronised\n"
        #expect(TimeSyncStatus.parseChrony(unsynced, exitStatus: 0)?.synchronized == false)
        let ntpq = """
                 remote           refid      st t when poll reach   delay   offset  jitter
            ==============================================================================
            *202.118.1.130   .PPS.            1 u   33   64  377   12.344    0.135   0.071
            +162.159.200.123 10.34.8.4        3 u   31   64  377   30.112   -0.412   0.204
            """
        #expect(TimeSyncStatus.parseNtpq(ntpq, exitStatus: 0)?.detail == "ntpd system peer 202.118.1.130")
        #expect(TimeSyncStatus.parseNtpq(ntpq.replacingOccurrences(of: "*", with: " "), exitStatus: 0)?.synchronized == false)
        #expect(TimeSyncStatus.parseNtpq("ntpq: read: Connection refused", exitStatus: 1)?.synchronized == false)
        #expect(TimeSyncStatus.parseTimedatectl("System clock synchronized: yes\n              NTP service: active", exitStatus: 0)?.synchronized == true)
    }

    @Test func crioConfigAndSystemdEnvironment() {
        #expect(RuntimeFacts.parseCrioCgroupManager("[crio.runtime]\ncgroup_manager = \"cgroupfs\"\n") == "cgroupfs")
        #expect(RuntimeFacts.parseContainerdSystemdCgroup("# SystemdCgroup = true\n") == nil)
        let env = ProxySettings.parseSystemdEnvironment(#"Environment="HTTPS_PROXY=http://p:3128" NO_PROXY=10.0.0.0/8"#)
        #expect(env == ["HTTPS_PROXY": "http://p:3128", "NO_PROXY": "10.0.0.0/8"])
    }

    @Test func osReleaseQuoting() {
        let os = OSRelease(parsing: "ID=\"almalinux\"\nVERSION_ID='8.9'\n# comment\nPRETTY_NAME=\"AlmaLinux 8.9 (Midnight Oncilla)\"\n")
        #expect(os.id == "almalinux" && os.majorVersion == 8 && os.minorVersion == 9)
        #expect(os.prettyName == "AlmaLinux 8.9 (Midnight Oncilla)")
    }
}
