import Testing
@testable import Bootstrap

/// Each edit over fixtures of real files, and applied to its own output (idempotence).
@Suite struct PrepareEditsTests {
    static let centos7Fstab = """
    #
    # /etc/fstab
    # Created by anaconda on Tue Mar  1 10:12:33 2022
    #
    /dev/mapper/centos-root /                       xfs     defaults        0 0
    UUID=6b1f0a5c-2f6e-4d8a-9f0e-3c1b2a4d5e6f /boot xfs     defaults        0 0
    /dev/mapper/centos-swap swap                    swap    defaults        0 0

    """

    @Test func fstabSwapIsCommentedOnce() {
        let edited = PrepareEdits.fstabWithoutSwap(Self.centos7Fstab)
        #expect(edited.contains("#/dev/mapper/centos-swap swap                    swap    defaults        0 0\n"))
        #expect(edited.contains("/dev/mapper/centos-root /                       xfs"))
        #expect(!edited.split(separator: "\n").contains { !$0.hasPrefix("#") && $0.contains(" swap ") })
        #expect(PrepareEdits.fstabWithoutSwap(edited) == edited)
        let ubuntu = "UUID=1 / ext4 errors=remount-ro 0 1\n/swap.img\tnone\tswap\tsw\t0\t0\n"
        #expect(PrepareEdits.fstabWithoutSwap(ubuntu) == "UUID=1 / ext4 errors=remount-ro 0 1\n#/swap.img\tnone\tswap\tsw\t0\t0\n")
    }

    @Test func fstabWithoutSwapIsUnchanged() {
        let debian = "# <file system> <mount point>   <type>  <options>       <dump>  <pass>\nUUID=a / ext4 defaults 0 1\n"
        #expect(PrepareEdits.fstabWithoutSwap(debian) == debian)
        #expect(PrepareEdits.fstabWithoutSwap("") == "")
    }

    static let rockySELinux = """

    # This file controls the state of SELinux on the system.
    # SELINUX= can take one of these three values:
    #     enforcing - SELinux security policy is enforced.
    #     permissive - SELinux prints warnings instead of enforcing.
    #     disabled - No SELinux policy is loaded.
    SELINUX=enforcing
    # SELINUXTYPE= can take one of these three values:
    SELINUXTYPE=targeted

    """

    @Test func selinuxBecomesPermissive() {
        let edited = PrepareEdits.selinuxPermissive(Self.rockySELinux)
        #expect(edited.contains("\nSELINUX=permissive\n"))
        #expect(!edited.contains("SELINUX=enforcing"))
        #expect(edited.contains("SELINUXTYPE=targeted"))
        #expect(edited.contains("# SELINUX= can take one of these three values:"))
        #expect(PrepareEdits.selinuxPermissive(edited) == edited)
        let disabled = Self.rockySELinux.replacingOccurrences(of: "SELINUX=enforcing", with: "SELINUX=disabled")
        #expect(PrepareEdits.selinuxPermissive(disabled) == disabled)
    }

    static let entries = [PrepareSettings.HostEntry(name: "k8s-master", address: "192.168.2.201"),
                          PrepareSettings.HostEntry(name: "k8s-node1", address: "192.168.2.202")]

    @Test func hostsBlockIsAppendedThenReplaced() {
        let original = "127.0.0.1\tlocalhost\n127.0.1.1\tk8s-master\n\n::1 localhost ip6-localhost ip6-loopback\n"
        let once = PrepareEdits.hostsWithBlock(original, entries: Self.entries)
        #expect(once.hasPrefix(original))
        #expect(once.contains("192.168.2.201 k8s-master\n192.168.2.202 k8s-node1\n# END kubeforge\n"))
        #expect(PrepareEdits.hostsWithBlock(once, entries: Self.entries) == once)
        // A changed inventory replaces the block in place, keeping lines after it.
        let withTail = once + "10.0.0.9 other\n"
        let changed = PrepareEdits.hostsWithBlock(withTail, entries: [.init(name: "k8s-master", address: "10.0.0.1")])
        #expect(changed == original + PrepareEdits.beginMarker("hosts") + "\n10.0.0.1 k8s-master\n# END kubeforge\n10.0.0.9 other\n")
        #expect(!changed.contains("192.168.2.202"))
    }

    @Test func hostsWithoutTrailingNewline() {
        let edited = PrepareEdits.hostsWithBlock("127.0.0.1 localhost", entries: Self.entries)
        #expect(edited.hasPrefix("127.0.0.1 localhost\n# BEGIN kubeforge hosts"))
    }

    static let debianChrony = """
    # Welcome to the chrony configuration file. See chrony.conf(5) for more
    # information about usable directives.

    # Use Debian vendor zone.
    pool 2.debian.pool.ntp.org iburst

    # Use time sources from DHCP.
    sourcedir /run/chrony-dhcp

    driftfile /var/lib/chrony/chrony.drift
    makestep 1 3
    rtcsync

    """

    @Test func chronyGetsTheInventoryServers() {
        let edited = PrepareEdits.chronyWithServers(Self.debianChrony, servers: ["ntp.aliyun.com", "ntp1.aliyun.com"])
        #expect(edited.contains("#pool 2.debian.pool.ntp.org iburst\n"))
        #expect(edited.hasSuffix(PrepareEdits.beginMarker("ntp servers") + "\nserver ntp.aliyun.com iburst\nserver ntp1.aliyun.com iburst\n# END kubeforge\n"))
        #expect(edited.contains("sourcedir /run/chrony-dhcp\n"))
        #expect(PrepareEdits.chronyWithServers(edited, servers: ["ntp.aliyun.com", "ntp1.aliyun.com"]) == edited)
        // Fewer servers later: the block shrinks, the rest stays.
        let fewer = PrepareEdits.chronyWithServers(edited, servers: ["ntp.aliyun.com"])
        #expect(!fewer.contains("ntp1.aliyun.com") && fewer.contains("#pool 2.debian"))
        #expect(PrepareEdits.chronyWithServers(Self.debianChrony, servers: []) == Self.debianChrony)
    }
}
