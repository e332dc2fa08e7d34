import Foundation
import Testing
@testable import Preflight
import KubeTypes

/// Checks across hosts, over synthetic fact sets built from the fixtures.
@Suite struct ClusterChecksTests {
    /// Three hosts with distinct identities; `clock` is each host's offset from the operator in seconds.
    func cluster(clock: [Double] = [0, 0, 0], roundTrip: Double = 0.04) throws -> [GatheredHost] {
        let base = try Fixture.rocky9.facts
        return try clock.enumerated().map { index, offset in
            var facts = base
            facts.nodename = "node\(index)"
            facts.interfaces = [.init(name: "ens160", mac: String(format: "00:50:56:a1:2b:%02x", index), isVirtual: false),
                                .init(name: "lo", mac: "00:00:00:00:00:00", isVirtual: true)]
            facts.productUUID = "4221b3d4-8f2e-1c6a-93b7-5e0d2f4a6c8\(index)"
            facts.machineID = "9f1c2d3e4b5a69788796a5b4c3d2e1f\(index)"
            facts.addresses = [try #require(IPAddress("192.168.10.1\(index)"))]
            let before = 1_709_604_751.0 + Double(index)
            // The probe runs for 10 ms on the host, centred in the round trip.
            facts.epoch = before + roundTrip / 2 + offset - 0.005
            facts.epochEnd = before + roundTrip / 2 + offset + 0.005
            return GatheredHost(target: Fixture.target("node\(index)", address: "192.168.10.1\(index)"), facts: facts,
                                operatorBefore: before, operatorAfter: before + roundTrip)
        }
    }

    /// A slow probe (its run dominating the round trip) does not read as clock skew.
    @Test func probeRunTimeCancelsOut() throws {
        var host = try cluster(clock: [0])[0]
        host.facts.epoch = host.operatorBefore + 0.001
        host.facts.epochEnd = host.operatorAfter - 0.001
        host.operatorAfter = host.operatorBefore + 2.0
        host.facts.epochEnd = host.operatorAfter - 0.001
        #expect(abs(try #require(host.offsetFromOperator)) < 0.000_001)
        #expect(abs(host.uncertainty - 0.001) < 0.000_001)
    }

    @Test func distinctHostsPassEverything() throws {
        let results = ClusterChecks.evaluate(try cluster())
        #expect(results.count == 3)
        for host in results {
            #expect(host.map(\.name) == ["ClockSkew", "UniqueHostname", "UniqueMAC", "UniqueProductUUID", "UniqueMachineID",
                                         "SameRuntime", "SameCgroupDriver", "SubnetOverlap"])
            #expect(host.allSatisfy { $0.status == .pass }, "\(host)")
        }
    }

    @Test func clockSkewAgainstOperatorAndMedian() throws {
        let results = ClusterChecks.clockSkew(try cluster(clock: [0.2, 5, -45]))
        #expect(results.map(\.status) == [.pass, .warn, .fail])
        #expect(results[1].message.contains("+5.000 s from the operator's (±0.015 s)"))
        // All hosts agree with each other but not with the operator: still skew.
        #expect(ClusterChecks.clockSkew(try cluster(clock: [40, 40, 40])).allSatisfy { $0.status == .fail })
        // The round trip's uncertainty is forgiven: 1.5 s off with a 2 s round trip is within ±1 s.
        #expect(ClusterChecks.clockSkew(try cluster(clock: [1.5, 1.5, 1.5], roundTrip: 2)).allSatisfy { $0.status == .pass })
        var unknown = try cluster()
        unknown[0].facts.epoch = nil
        #expect(ClusterChecks.clockSkew(unknown).map(\.status) == [.warn, .pass, .pass])
    }

    @Test func clockSkewAgainstMedianOnly() throws {
        // The operator's clock cannot be blamed when one host is 10 s off the others, all near the operator.
        let results = ClusterChecks.clockSkew(try cluster(clock: [0, 0.1, 10]))
        #expect(results.map(\.status) == [.pass, .pass, .warn])
        #expect(results[2].message.hasSuffix("+9.900 s from the hosts' median"))
    }

    @Test func uniqueHostnames() throws {
        var hosts = try cluster()
        hosts[2].facts.nodename = "NODE0"
        let results = ClusterChecks.uniqueHostname(hosts)
        #expect(results.map(\.status) == [.fail, .pass, .fail])
        #expect(results[0].message == "hostname node0 is also on node2")
    }

    @Test func uniqueMACsIgnoreVirtualInterfaces() throws {
        var hosts = try cluster()
        hosts[1].facts.interfaces[0].mac = hosts[0].facts.interfaces[0].mac
        #expect(ClusterChecks.uniqueMAC(hosts).map(\.status) == [.fail, .fail, .pass])
        hosts = try cluster()
        // The same cni0/docker0 MAC everywhere is normal; a shared NIC MAC is not.
        for index in hosts.indices {
            hosts[index].facts.interfaces.append(.init(name: "docker0", mac: "02:42:ac:11:00:01", isVirtual: true))
        }
        #expect(ClusterChecks.uniqueMAC(hosts).allSatisfy { $0.status == .pass })
        // Hosts with only virtual interfaces (containers, nspawn) are compared on those.
        hosts[0].facts.interfaces = [.init(name: "host0", mac: "aa:bb:cc:00:00:01", isVirtual: true)]
        hosts[1].facts.interfaces = [.init(name: "host0", mac: "aa:bb:cc:00:00:01", isVirtual: true)]
        #expect(ClusterChecks.uniqueMAC(hosts).map(\.status) == [.fail, .fail, .pass])
    }

    @Test func uniqueProductUUIDAndMachineID() throws {
        var hosts = try cluster()
        hosts[2].facts.productUUID = hosts[0].facts.productUUID
        hosts[1].facts.machineID = hosts[0].facts.machineID
        #expect(ClusterChecks.uniqueProductUUID(hosts).map(\.status) == [.fail, .pass, .fail])
        #expect(ClusterChecks.uniqueMachineID(hosts).map(\.status) == [.fail, .fail, .pass])
        hosts[2].facts.productUUID = nil
        #expect(ClusterChecks.uniqueProductUUID(hosts).map(\.status) == [.pass, .pass, .skip])
    }

    @Test func sameRuntimeAndCgroupDriver() throws {
        var hosts = try cluster()
        hosts[2].facts.runtimes[0].cgroupDriver = "cgroupfs"
        let drivers = ClusterChecks.sameCgroupDriver(hosts)
        #expect(drivers.map(\.status) == [.warn, .warn, .fail])
        #expect(drivers[2].message == "cgroup driver cgroupfs, but node0, node1 use systemd")
        hosts[1].facts.runtimes[0].kind = .crio
        #expect(ClusterChecks.sameRuntime(hosts).map(\.status) == [.warn, .fail, .warn])
        hosts[0].facts.runtimes = []
        #expect(ClusterChecks.sameRuntime(hosts)[0].status == .skip)
    }

    @Test func hostAddressesOutsidePodAndServiceSubnets() throws {
        var hosts = try cluster()
        // The tutorial's classic: hosts on 192.168.x with Calico's default pod subnet.
        hosts[0].target.podSubnet = "192.168.0.0/16"
        hosts[1].target.serviceSubnet = "192.168.10.0/24"
        let results = ClusterChecks.subnetOverlap(hosts)
        #expect(results.map(\.status) == [.fail, .fail, .pass])
        #expect(results[0].message == "192.168.10.10 is inside the pod subnet 192.168.0.0/16")
        #expect(results[1].message == "192.168.10.11 is inside the service subnet 192.168.10.0/24")
        // The inventory address counts even when it is not on an interface (NAT).
        hosts = try cluster()
        hosts[2].facts.addresses = []
        hosts[2].target.address = "10.96.5.5"
        #expect(ClusterChecks.subnetOverlap(hosts)[2].status == .fail)
    }

    @Test func evaluateKeepsHostOrder() throws {
        var hosts = try cluster()
        hosts[1].facts.nodename = "node0"
        let results = ClusterChecks.evaluate(hosts)
        #expect(results.map { $0.named("UniqueHostname")!.status } == [.fail, .fail, .pass])
    }
}
