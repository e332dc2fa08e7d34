import Foundation
import KubeTypes

/// Checks that need every host's facts at once. Each returns results per host, in the order given.
public enum ClusterChecks {
    public static let skewWarnSeconds = 1.0
    public static let skewFailSeconds = 30.0

    public static func evaluate(_ hosts: [GatheredHost]) -> [[CheckResult]] {
        let columns = [clockSkew(hosts), uniqueHostname(hosts), uniqueMAC(hosts), uniqueProductUUID(hosts),
                       uniqueMachineID(hosts), sameRuntime(hosts), sameCgroupDriver(hosts), subnetOverlap(hosts)]
        return hosts.indices.map { index in columns.map { $0[index] } }
    }

    /// Against the operator (midpoint of the round trip, minus its uncertainty) and against the median host.
    public static func clockSkew(_ hosts: [GatheredHost]) -> [CheckResult] {
        let offsets = hosts.compactMap(\.offsetFromOperator).sorted()
        let median: Double? = offsets.isEmpty ? nil : offsets.count % 2 == 1 ? offsets[offsets.count / 2]
            : (offsets[offsets.count / 2 - 1] + offsets[offsets.count / 2]) / 2
        return hosts.map { host in
            let name = "ClockSkew"
            guard let offset = host.offsetFromOperator, let median else {
                return .warn(name, "the host's clock could not be read", fix: "check `date +%s.%N` on the host")
            }
            let toOperator = max(0, abs(offset) - host.uncertainty)
            let toMedian = abs(offset - median)
            let worst = max(toOperator, toMedian)
            let found = String(format: "clock is %+.3f s from the operator's (±%.3f s) and %+.3f s from the hosts' median",
                               offset, host.uncertainty, offset - median)
            let fix = "synchronise the clock (chrony/NTP) on this host; certificates and etcd fail with skewed clocks"
            if worst > skewFailSeconds { return .fail(name, found, fix: fix) }
            if worst > skewWarnSeconds { return .warn(name, found, fix: fix) }
            return .pass(name, found)
        }
    }

    public static func uniqueHostname(_ hosts: [GatheredHost]) -> [CheckResult] {
        unique(hosts, name: "UniqueHostname", what: "hostname", values: { [$0.facts.nodename.lowercased()] },
               fix: "give each host its own name: hostnamectl set-hostname NAME")
    }

    /// MAC addresses of real interfaces (not loopback, not the virtual devices runtimes and CNIs create).
    public static func uniqueMAC(_ hosts: [GatheredHost]) -> [CheckResult] {
        unique(hosts, name: "UniqueMAC", what: "MAC address", values: { host in
            let candidates = host.facts.interfaces.filter(isPhysical)
            // Containers (and the lab's nspawn hosts) have only virtual interfaces; then those count.
            let nics = candidates.filter { !$0.isVirtual }
            return (nics.isEmpty ? candidates : nics).map(\.mac)
        }, fix: "clone VMs with new MAC addresses (regenerate them in the hypervisor)")
    }

    public static func uniqueProductUUID(_ hosts: [GatheredHost]) -> [CheckResult] {
        unique(hosts, name: "UniqueProductUUID", what: "product_uuid", values: { host in
            host.facts.productUUID.map { [$0] } ?? []
        }, fix: "give each VM its own SMBIOS UUID (regenerate it in the hypervisor)")
    }

    public static func uniqueMachineID(_ hosts: [GatheredHost]) -> [CheckResult] {
        unique(hosts, name: "UniqueMachineID", what: "/etc/machine-id", values: { host in
            host.facts.machineID.map { [$0] } ?? []
        }, fix: "rm -f /etc/machine-id && systemd-machine-id-setup (cloned images share it)")
    }

    public static func sameRuntime(_ hosts: [GatheredHost]) -> [CheckResult] {
        same(hosts, name: "SameRuntime", what: "container runtime", value: { $0.facts.runtimes.first?.kind.rawValue },
             fix: "use the same container runtime on every host")
    }

    public static func sameCgroupDriver(_ hosts: [GatheredHost]) -> [CheckResult] {
        same(hosts, name: "SameCgroupDriver", what: "cgroup driver", value: { $0.facts.runtimes.first?.cgroupDriver },
             fix: "configure every runtime with the systemd cgroup driver")
    }

    /// Host addresses inside the pod or service subnet break routing (the tutorial's 192.168.x hosts with
    /// Calico's default 192.168.0.0/16 are the classic case).
    public static func subnetOverlap(_ hosts: [GatheredHost]) -> [CheckResult] {
        hosts.map { host in
            let name = "SubnetOverlap"
            var addresses = host.facts.addresses.filter { !$0.isLoopback && !$0.isLinkLocal }
            if let configured = IPAddress(host: host.target.address), !addresses.contains(configured) { addresses.insert(configured, at: 0) }
            var clashes: [String] = []
            for (label, cidr) in [("pod", host.target.podSubnet), ("service", host.target.serviceSubnet)] {
                for block in (cidr ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    guard let network = IPNetwork(block) else { continue }
                    for address in addresses where network.contains(address) {
                        clashes.append("\(address) is inside the \(label) subnet \(block)")
                    }
                }
            }
            if clashes.isEmpty { return .pass(name, "host addresses are outside the pod and service subnets") }
            return .fail(name, clashes.joined(separator: "; "),
                         fix: "choose pod and service subnets that do not contain host addresses (cluster.networking in the inventory)")
        }
    }

    static let virtualPrefixes = ["lo", "veth", "docker", "cni", "flannel", "cali", "tunl", "vxlan", "kube-", "cilium",
                                  "weave", "virbr", "br-", "ifb", "nodelocaldns", "dummy", "genev", "antrea", "vxlan"]

    static func isPhysical(_ interface: HostFacts.Interface) -> Bool {
        interface.mac != "00:00:00:00:00:00" && !interface.mac.isEmpty
            && !virtualPrefixes.contains { interface.name.hasPrefix($0) }
    }

    private static func unique(_ hosts: [GatheredHost], name: String, what: String,
                               values: (GatheredHost) -> [String], fix: String) -> [CheckResult] {
        let perHost = hosts.map { Array(Set(values($0))).sorted() }
        var owners: [String: [String]] = [:]
        for (host, list) in zip(hosts, perHost) { for value in list { owners[value, default: []].append(host.target.name) } }
        return zip(hosts, perHost).map { host, list in
            if list.isEmpty { return .skip(name, "no \(what) could be read") }
            let shared = list.compactMap { value -> String? in
                let others = owners[value, default: []].filter { $0 != host.target.name }
                return others.isEmpty ? nil : "\(value) is also on \(others.joined(separator: ", "))"
            }
            if shared.isEmpty { return .pass(name, "\(what) \(list.joined(separator: ", ")) is unique") }
            return .fail(name, "\(what) " + shared.joined(separator: "; "), fix: fix)
        }
    }

    private static func same(_ hosts: [GatheredHost], name: String, what: String,
                             value: (GatheredHost) -> String?, fix: String) -> [CheckResult] {
        var counts: [String: Int] = [:]
        for host in hosts { if let found = value(host) { counts[found, default: 0] += 1 } }
        // The most common value is taken as intended; ties go to the alphabetically first.
        let majority = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.first?.key
        return hosts.map { host in
            guard let found = value(host) else { return .skip(name, "no \(what) found on this host") }
            if counts.count <= 1 { return .pass(name, "\(what) \(found) on every host that has one") }
            if found == majority {
                return .warn(name, "\(what) \(found); other hosts use " + counts.keys.filter { $0 != found }.sorted().joined(separator: ", "), fix: fix)
            }
            let others = hosts.filter { value($0) == majority }.map(\.target.name)
            return .fail(name, "\(what) \(found), but \(others.joined(separator: ", ")) use \(majority ?? "?")", fix: fix)
        }
    }
}
