import Foundation
@testable import Preflight
import KubeTypes

/// The probe outputs under Fixtures/: two captured (Debian 12), three reconstructed (see Fixtures/README.md).
enum Fixture: String, CaseIterable, CustomStringConvertible {
    case debian12 = "debian12-vm"
    case debian12Lab = "debian12-lab"
    case centos7 = "centos7.9-unprepared"
    case rocky9 = "rocky9-prepared"
    case ubuntu2204 = "ubuntu22.04-worker"

    var description: String { rawValue }

    var text: String {
        get throws {
            guard let url = Bundle.module.url(forResource: rawValue, withExtension: "probe", subdirectory: "Fixtures") else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures/\(rawValue).probe"])
            }
            return try String(contentsOf: url, encoding: .utf8)
        }
    }

    var facts: HostFacts { get throws { try HostFacts(probeOutput: text) } }

    static let cluster = ["10.244.0.0/16", "10.96.0.0/12"]

    static func target(_ name: String = "host", roles: Set<PreflightTarget.Role> = [.controlPlane],
                       version: String? = "v1.28.0", address: String = "192.168.2.201") -> PreflightTarget {
        PreflightTarget(name: name, address: address, roles: roles, kubernetesVersion: version.flatMap(KubernetesVersion.init),
                        podSubnet: cluster[0], serviceSubnet: cluster[1])
    }
}

extension Array where Element == CheckResult {
    func named(_ name: String) -> CheckResult? { first { $0.name == name } }
}
