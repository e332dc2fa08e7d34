import Foundation
import PKI

/// kubeadm's advertise-address default: the IPv4 address of the interface that holds the default route.
enum InitPhaseAddressDetection {
    static func defaultRouteAddress(routes: String? = nil) throws -> String {
        let table = routes ?? (try? String(contentsOfFile: "/proc/net/route", encoding: .utf8)) ?? ""
        // Columns: Iface Destination Gateway Flags …; the default route has destination 00000000.
        var interface: String?
        for line in table.split(separator: "\n").dropFirst() {
            let columns: [Substring] = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if columns.count > 2, columns[1] == "00000000" {
                interface = String(columns[0])
                break
            }
        }
        guard let interface, let address = ipv4Address(of: interface) else {
            throw PKIError(.invalidInput, "cannot find this node's address (no default route); give --apiserver-advertise-address")
        }
        return address
    }

    private static func ipv4Address(of interface: String) -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return nil }
        defer { freeifaddrs(list) }
        var cursor = list
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard String(cString: entry.pointee.ifa_name) == interface, let address = entry.pointee.ifa_addr,
                  address.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            let ip = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            let bytes = withUnsafeBytes(of: ip) { Array($0) }
            return bytes.map(String.init).joined(separator: ".")
        }
        return nil
    }
}
