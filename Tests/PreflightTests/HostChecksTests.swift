import Foundation
import Testing
@testable import Preflight
import KubeTypes

/// Each per-host check over passing and failing facts. The prepared Rocky 9 fixture is the passing base;
/// failing facts come from the unprepared CentOS 7.9 and Ubuntu 22.04 fixtures or from small edits.
@Suite struct HostChecksTests {
    let cp = Fixture.target(roles: [.controlPlane])
    let worker = Fixture.target(roles: [.worker])

    func good() throws -> HostFacts { try Fixture.rocky9.facts }

    @Test func preparedRockyPassesEveryCheckButSELinux() throws {
        let results = HostChecks.evaluate(Fixture.target(roles: [.controlPlane], address: "192.168.10.11"), try good())
        let notPassing = results.filter { $0.status != .pass }
        #expect(notPassing.map(\.name) == ["SELinux"], "\(notPassing)")
    }

    @Test func unpreparedCentOSFailsWhatTheTutorialFixesByHand() throws {
        let results = HostChecks.evaluate(cp, try Fixture.centos7.facts)
        let failed = Set(results.filter { $0.status == .fail }.map(\.name))
        #expect(failed == ["Swap", "SELinux", "FileContent--proc-sys-net-ipv4-ip_forward",
                           "FileContent--proc-sys-net-bridge-bridge-nf-call-iptables", "KernelModules",
                           "FileExisting-conntrack", "CRI", "CgroupDriver"])
        let warned = Set(results.filter { $0.status == .warn }.map(\.name))
        #expect(warned == ["Firewalld", "KernelVersion", "FileExisting-socat", "CgroupVersion",
                           "FileContent--proc-sys-net-bridge-bridge-nf-call-ip6tables"])
    }

    @Test func privilegedUser() throws {
        var facts = try good()
        #expect(HostChecks.privilegedUser(facts).status == .pass)
        facts.uid = 1000
        facts.sudoWorks = true
        #expect(HostChecks.privilegedUser(facts) == .pass("IsPrivilegedUser", "uid 1000 with passwordless sudo"))
        facts.sudoWorks = false
        #expect(HostChecks.privilegedUser(facts).status == .fail)
        facts.sudoWorks = nil
        #expect(HostChecks.privilegedUser(facts).fix.contains("NOPASSWD"))
    }

    @Test func osRelease() throws {
        #expect(HostChecks.osRelease(try good()) == .pass("OSRelease", "Rocky Linux release 9.3 (Blue Onyx)"))
        #expect(HostChecks.osRelease(try Fixture.centos7.facts).message.contains("7.9.2009"))
        #expect(HostChecks.osRelease(try Fixture.ubuntu2204.facts).status == .pass)
        #expect(HostChecks.osRelease(try Fixture.debian12.facts).status == .pass)
        var facts = try good()
        facts.redhatRelease = nil
        facts.osRelease = OSRelease(parsing: "ID=debian\nVERSION_ID=\"10\"\nPRETTY_NAME=\"Debian GNU/Linux 10 (buster)\"")
        #expect(HostChecks.osRelease(facts).status == .fail)
        facts.osRelease = OSRelease(parsing: "ID=ubuntu\nVERSION_ID=\"23.10\"")
        #expect(HostChecks.osRelease(facts).status == .warn, "non-LTS")
        facts.osRelease = OSRelease(parsing: "ID=ubuntu\nVERSION_ID=\"18.04\"")
        #expect(HostChecks.osRelease(facts).status == .fail)
        facts.osRelease = OSRelease(parsing: "ID=arch\n")
        #expect(HostChecks.osRelease(facts).status == .warn)
        facts.osRelease = nil
        #expect(HostChecks.osRelease(facts).status == .warn)
    }

    @Test func kernelVersion() throws {
        var facts = try good()
        #expect(HostChecks.kernelVersion(facts).status == .pass)
        #expect(HostChecks.kernelVersion(try Fixture.centos7.facts).status == .warn)
        facts.kernelRelease = "2.6.32-754.el6.x86_64"
        #expect(HostChecks.kernelVersion(facts).status == .fail)
        facts.kernelRelease = ""
        #expect(HostChecks.kernelVersion(facts).status == .warn)
    }

    @Test func architecture() throws {
        var facts = try good()
        #expect(HostChecks.architecture(facts) == .pass("Architecture", "x86_64 (amd64)"))
        facts.machine = "aarch64"
        #expect(HostChecks.architecture(facts).status == .pass)
        facts.machine = "armv7l"
        #expect(HostChecks.architecture(facts).status == .fail)
    }

    @Test func numCPUAndMemOnControlPlanesOnly() throws {
        var facts = try good()
        #expect(HostChecks.numCPU(cp, facts) == .pass("NumCPU", "4 CPUs"))
        #expect(HostChecks.memory(cp, facts) == .pass("Mem", "7668 MB of memory"))
        facts.cpus = 1
        facts.memTotalKiB = 1_699 * 1024 + 1023
        #expect(HostChecks.numCPU(cp, facts).status == .fail)
        #expect(HostChecks.memory(cp, facts).status == .fail)
        #expect(HostChecks.numCPU(worker, facts).status == .skip)
        #expect(HostChecks.memory(worker, facts).status == .skip)
        facts.memTotalKiB = 1_700 * 1024
        #expect(HostChecks.memory(cp, facts).status == .pass)
    }

    @Test func diskSpace() throws {
        var facts = try good()
        #expect(HostChecks.diskSpace(facts).status == .pass)
        facts.varLibDisk = .init(mountPoint: "/var", totalKiB: 100 * 1_048_576, availableKiB: 8 * 1_048_576)
        #expect(HostChecks.diskSpace(facts).status == .warn)
        facts.varLibDisk = .init(mountPoint: "/var", totalKiB: 20 * 1_048_576, availableKiB: 1_048_576)
        #expect(HostChecks.diskSpace(facts).status == .fail)
        facts.varLibDisk = nil
        #expect(HostChecks.diskSpace(facts).status == .warn)
    }

    @Test func swap() throws {
        #expect(HostChecks.swap(try good()).status == .pass)
        let ubuntu = HostChecks.swap(try Fixture.ubuntu2204.facts)
        #expect(ubuntu.status == .fail && ubuntu.message.contains("/swap.img") && ubuntu.fix.contains("swapoff -a"))
    }

    @Test func selinux() throws {
        #expect(HostChecks.selinux(try Fixture.centos7.facts).status == .fail)
        #expect(HostChecks.selinux(try good()).status == .warn)
        #expect(HostChecks.selinux(try Fixture.ubuntu2204.facts) == .pass("SELinux", "SELinux not present"))
        var facts = try good()
        facts.selinuxConfigMode = "enforcing"
        #expect(HostChecks.selinux(facts).message.contains("returns on reboot"))
        facts.fileValues["/sys/fs/selinux/enforce"] = nil
        facts.getenforce = "Disabled"
        #expect(HostChecks.selinux(facts).status == .warn)
        facts.selinuxConfigMode = "disabled"
        #expect(HostChecks.selinux(facts) == .pass("SELinux", "SELinux disabled"))
    }

    @Test func firewallListsPortsForRoles() throws {
        #expect(HostChecks.firewall(cp, try good()).status == .pass)
        let centos = HostChecks.firewall(cp, try Fixture.centos7.facts)
        #expect(centos.status == .warn)
        #expect(centos.message.contains("6443/tcp, 10250/tcp, 10257/tcp, 10259/tcp, 2379-2380/tcp"))
        #expect(centos.fix.contains("firewall-cmd --permanent --add-port=6443/tcp"))
        let ubuntu = HostChecks.firewall(worker, try Fixture.ubuntu2204.facts)
        #expect(ubuntu.status == .warn && ubuntu.message.contains("ufw"))
        #expect(ubuntu.message.contains("10250/tcp, 30000-32767/tcp") && !ubuntu.message.contains("6443"))
        #expect(ubuntu.fix.contains("ufw allow 30000:32767/tcp"))
    }

    @Test func ipForward() throws {
        #expect(HostChecks.ipForward(try good()).status == .pass)
        #expect(HostChecks.ipForward(try Fixture.centos7.facts).status == .fail)
        var facts = try good()
        facts.fileValues["/proc/sys/net/ipv4/ip_forward"] = nil
        #expect(HostChecks.ipForward(facts).status == .fail)
    }

    @Test func bridgeNetfilterSeverityFollowsVersion() throws {
        let centos = try Fixture.centos7.facts
        #expect(HostChecks.bridgeNetfilter(cp, try good(), ipv6: false).status == .pass)
        #expect(HostChecks.bridgeNetfilter(cp, centos, ipv6: false).status == .fail)
        #expect(HostChecks.bridgeNetfilter(cp, centos, ipv6: false).message.contains("br_netfilter is not loaded"))
        #expect(HostChecks.bridgeNetfilter(Fixture.target(version: "v1.30.0"), centos, ipv6: false).status == .warn)
        #expect(HostChecks.bridgeNetfilter(cp, centos, ipv6: true).status == .warn, "IPv4-only cluster")
        var dual = cp
        dual.podSubnet = "10.244.0.0/16,fd00:10:244::/56"
        #expect(HostChecks.bridgeNetfilter(dual, centos, ipv6: true).status == .fail)
        var facts = try good()
        facts.fileValues["/proc/sys/net/bridge/bridge-nf-call-iptables"] = "0"
        #expect(HostChecks.bridgeNetfilter(cp, facts, ipv6: false).message == "net.bridge.bridge-nf-call-iptables = 0")
    }

    @Test func kernelModules() throws {
        #expect(HostChecks.kernelModules(try good()).status == .pass)
        #expect(HostChecks.kernelModules(try Fixture.debian12.facts).status == .pass, "built-in modules count")
        let centos = HostChecks.kernelModules(try Fixture.centos7.facts)
        #expect(centos.status == .fail && centos.message == "not loaded: overlay, br_netfilter")
        #expect(centos.fix.hasPrefix("modprobe overlay && modprobe br_netfilter"))
    }

    @Test func systemVerification() throws {
        #expect(HostChecks.systemVerification(try good()).status == .pass)
        var facts = try good()
        facts.kernelConfig?["CONFIG_MEMCG"] = nil
        #expect(HostChecks.systemVerification(facts).status == .fail)
        facts = try good()
        facts.kernelConfig?["CONFIG_OVERLAY_FS"] = nil
        #expect(HostChecks.systemVerification(facts).status == .warn)
        facts.kernelConfig = nil
        #expect(HostChecks.systemVerification(facts).status == .warn)
        var v1 = try Fixture.centos7.facts
        #expect(HostChecks.systemVerification(v1).status == .pass)
        v1.cgroupControllers["memory"] = false
        #expect(HostChecks.systemVerification(v1).message.contains("memory"))
    }

    @Test func timeSync() throws {
        #expect(HostChecks.timeSync(try good()).status == .pass)
        #expect(HostChecks.timeSync(try Fixture.centos7.facts).status == .pass)
        #expect(HostChecks.timeSync(try Fixture.ubuntu2204.facts).status == .warn)
        #expect(HostChecks.timeSync(try Fixture.debian12.facts).message.contains("no time synchronisation"))
    }

    @Test func hostname() throws {
        #expect(HostChecks.hostname(try good()).status == .pass)
        #expect(HostChecks.hostname(try Fixture.ubuntu2204.facts).status == .warn)
        var facts = try good()
        facts.nodename = "k8s_master"
        #expect(HostChecks.hostname(facts).status == .fail)
        facts.nodename = "localhost.localdomain"
        #expect(HostChecks.hostname(facts).status == .fail)
        facts.nodename = "Rocky-CP1"
        #expect(HostChecks.hostname(facts).status == .pass, "kubeadm lowercases node names")
    }

    @Test func portsByRole() throws {
        #expect(HostChecks.requiredPorts(cp) == [6443, 10259, 10257, 10250, 2379, 2380])
        #expect(HostChecks.requiredPorts(worker) == [10250])
        var external = cp
        external.localEtcd = false
        #expect(HostChecks.requiredPorts(external) == [6443, 10259, 10257, 10250])
        var facts = try good()
        #expect(HostChecks.ports(cp, facts).allSatisfy { $0.status == .pass })
        facts.listening.append(ListeningSocket(address: "::", port: 6443, process: "kube-apiserver (pid 4242)"))
        let results = HostChecks.ports(cp, facts)
        #expect(results.named("Port-6443")?.status == .fail)
        #expect(results.named("Port-6443")?.message == "port 6443 is in use by kube-apiserver (pid 4242)")
        #expect(HostChecks.ports(worker, facts).allSatisfy { $0.status == .pass })
    }

    @Test func fileAvailable() throws {
        var facts = try good()
        #expect(HostChecks.fileAvailable(cp, facts).map(\.name) == [
            "FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml",
            "FileAvailable--etc-kubernetes-manifests-kube-controller-manager.yaml",
            "FileAvailable--etc-kubernetes-manifests-kube-scheduler.yaml",
            "FileAvailable--etc-kubernetes-manifests-etcd.yaml",
            "FileAvailable--etc-kubernetes-kubelet.conf", "FileAvailable--etc-kubernetes-bootstrap-kubelet.conf"])
        #expect(HostChecks.fileAvailable(worker, facts).map(\.name).last == "FileAvailable--etc-kubernetes-pki-ca.crt")
        #expect(HostChecks.fileAvailable(cp, facts).allSatisfy { $0.status == .pass })
        facts.existingPaths["/etc/kubernetes/manifests/kube-apiserver.yaml"] = "file"
        #expect(HostChecks.fileAvailable(cp, facts).filter { $0.status == .fail }.map(\.name)
            == ["FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml"])
    }

    @Test func directoriesAvailable() throws {
        var facts = try good()
        #expect(HostChecks.directoriesAvailable(cp, facts).map(\.status) == [.pass, .pass])
        #expect(HostChecks.directoriesAvailable(worker, facts).map(\.name) == ["DirAvailable--etc-kubernetes-manifests"])
        facts.directoryEntries["/var/lib/etcd"] = .some(["member"])
        let etcd = HostChecks.directoriesAvailable(cp, facts).named("DirAvailable--var-lib-etcd")
        #expect(etcd?.status == .fail && etcd?.message == "/var/lib/etcd is not empty: member")
    }

    @Test func binariesFollowKubeadmSeverities() throws {
        let centos = HostChecks.binaries(cp, try Fixture.centos7.facts)
        #expect(centos.named("FileExisting-conntrack")?.status == .fail)
        #expect(centos.named("FileExisting-conntrack")?.fix.contains("yum install -y conntrack-tools") == true)
        #expect(centos.named("FileExisting-socat")?.status == .warn)
        #expect(centos.named("FileExisting-crictl")?.status == .pass)
        let ubuntu = HostChecks.binaries(worker, try Fixture.ubuntu2204.facts)
        #expect(ubuntu.named("FileExisting-ebtables")?.fix.contains("apt-get install -y ebtables") == true)
        #expect(HostChecks.binaries(cp, try good()).allSatisfy { $0.status == .pass })
        // conntrack is only required before v1.32; crictl is an error before v1.31, a warning in v1.31.
        #expect(HostChecks.requiredBinaries(KubernetesVersion("v1.32.0")).map(\.name).contains("conntrack") == false)
        #expect(HostChecks.requiredBinaries(KubernetesVersion("v1.31.2")).first { $0.name == "crictl" }?.fatal == false)
        #expect(HostChecks.requiredBinaries(KubernetesVersion("v1.30.0")).first { $0.name == "crictl" }?.fatal == true)
        #expect(HostChecks.requiredBinaries(KubernetesVersion("v1.32.0")).contains { $0.name == "crictl" } == false)
    }

    @Test func cri() throws {
        #expect(HostChecks.cri(try good()) == .pass("CRI", "containerd answers on /run/containerd/containerd.sock"))
        let centos = HostChecks.cri(try Fixture.centos7.facts)
        #expect(centos.status == .fail && centos.message.contains("unknown service runtime.v1.RuntimeService"))
        #expect(HostChecks.cri(try Fixture.debian12.facts).status == .fail)
        var facts = try good()
        facts.runtimes[0].ready = false
        #expect(HostChecks.cri(facts).status == .fail)
        facts.runtimes[0].answered = nil
        #expect(HostChecks.cri(facts).status == .warn)
    }

    @Test func cgroupVersionAndDriver() throws {
        #expect(HostChecks.cgroupVersion(try good()).status == .pass)
        #expect(HostChecks.cgroupVersion(try Fixture.centos7.facts).status == .warn)
        #expect(HostChecks.cgroupDriver(try good()).status == .pass)
        let ubuntu = HostChecks.cgroupDriver(try Fixture.ubuntu2204.facts)
        #expect(ubuntu.status == .fail && ubuntu.message.hasPrefix("containerd uses cgroupfs (from crictl info)"))
        #expect(ubuntu.fix.contains("SystemdCgroup = true"))
        #expect(HostChecks.cgroupDriver(try Fixture.centos7.facts).message.contains("/etc/containerd/config.toml"))
        #expect(HostChecks.cgroupDriver(try Fixture.debian12.facts).status == .skip)
        var facts = try good()
        facts.kubeletCgroupDriver = "cgroupfs"
        #expect(HostChecks.cgroupDriver(facts).status == .fail, "runtime and kubelet disagree")
    }

    @Test func httpProxy() throws {
        let ubuntu = HostChecks.proxy(cp, try Fixture.ubuntu2204.facts)
        // The API server 192.168.2.201 is in no_proxy's 192.168.2.0/24; the subnets are not.
        #expect(ubuntu.map(\.name) == ["HTTPProxy", "HTTPProxyCIDR", "HTTPProxyCIDR"])
        #expect(ubuntu.map(\.status) == [.pass, .warn, .warn])
        #expect(ubuntu[1].message.contains("/etc/environment sends it to http://10.0.0.254:3128/"))
        #expect(!ubuntu[1].message.contains("drop-in"), "the runtime's proxy only affects image pulls")
        var kubeletProxied = try Fixture.ubuntu2204.facts
        kubeletProxied.proxies.append(ProxySettings(source: "the kubelet's systemd drop-in",
            variables: ProxySettings.parseSystemdEnvironment(#"Environment="HTTPS_PROXY=http://q:8080""#)))
        #expect(HostChecks.proxy(cp, kubeletProxied)[0].status == .warn)
        #expect(HostChecks.proxy(worker, try Fixture.ubuntu2204.facts).map(\.name) == ["HTTPProxyCIDR", "HTTPProxyCIDR"])
        #expect(HostChecks.proxy(cp, try good()).allSatisfy { $0.status == .pass })
        var bad = cp
        bad.serviceSubnet = "10.96.0.0/33"
        #expect(HostChecks.proxy(bad, try good()).last?.status == .fail)
    }

    @Test func proxyMatchingFollowsGo() throws {
        let settings = ProxySettings(source: "env", variables: [
            "HTTPS_PROXY": "http://p:3128", "no_proxy": "10.0.0.1, 172.16.0.0/12,[fd00::1]:6443,.example.com",
        ])
        #expect(settings.proxy(for: try #require(IPAddress("10.0.0.1"))) == nil)
        #expect(settings.proxy(for: try #require(IPAddress("172.20.1.1"))) == nil)
        #expect(settings.proxy(for: try #require(IPAddress("fd00::1"))) == nil)
        #expect(settings.proxy(for: try #require(IPAddress("127.0.0.1"))) == nil)
        #expect(settings.proxy(for: try #require(IPAddress("10.0.0.2"))) == "http://p:3128")
        let star = ProxySettings(source: "env", variables: ["https_proxy": "http://p", "NO_PROXY": "*"])
        #expect(star.proxy(for: try #require(IPAddress("8.8.8.8"))) == nil)
        let httpOnly = ProxySettings(source: "env", variables: ["HTTP_PROXY": "http://p"])
        #expect(httpOnly.proxy(for: try #require(IPAddress("8.8.8.8"))) == nil, "https ignores HTTP_PROXY")
    }

    @Test func networks() throws {
        let pods = try #require(IPNetwork("192.168.0.0/16"))
        #expect(pods.contains(try #require(IPAddress("192.168.2.201"))))
        #expect(!pods.contains(try #require(IPAddress("192.169.0.1"))))
        #expect(try #require(IPNetwork("10.96.0.0/12")).firstHost.description == "10.96.0.1")
        #expect(try #require(IPNetwork("10.100.3.7/12")).firstHost.description == "10.96.0.1")
        #expect(try #require(IPNetwork("fd00:10:96::/108")).firstHost.description == "fd00:10:96::1")
        #expect(IPNetwork("10.0.0.0") == nil && IPNetwork("300.0.0.0/8") == nil)
        #expect(KubernetesVersion("v1.28.3") == KubernetesVersion(major: 1, minor: 28, patch: 3))
        #expect(KubernetesVersion("1.30") == KubernetesVersion(major: 1, minor: 30))
        #expect(KubernetesVersion("latest") == nil)
    }
}
