import Foundation
import Remote
import Templates

/// Writes generated files (path → contents) to a host atomically, each with the mode kubeadm gives it
/// (`ClusterRenderer.fileMode`: static Pod manifests 0600, everything else 0644).
public struct WriteFilesPhase: Phase {
    public let title: String
    public let host: any Remote.Host
    /// Rendered when the phase runs, so it can use what earlier phases learned (the etcd member list).
    public let files: @Sendable () async throws -> [String: String]

    public init(_ title: String, on host: any Remote.Host, files: @escaping @Sendable () async throws -> [String: String]) {
        self.title = title
        self.host = host
        self.files = files
    }

    public func run() async throws {
        for (path, contents) in try await files().sorted(by: { $0.key < $1.key }) {
            try await host.writeFile(path, contents: Data(contents.utf8), mode: UInt16(ClusterRenderer.fileMode(forPath: path)))
        }
    }

    public func dryRun() async throws -> [String] {
        try await files().keys.sorted().map { "would write \(host.name):\($0) (mode \(String(ClusterRenderer.fileMode(forPath: $0), radix: 8)))" }
    }
}
