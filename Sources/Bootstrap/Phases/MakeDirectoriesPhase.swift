import Remote

/// Creates directories a component expects to exist (the kubelet logs an error every few seconds without its
/// static Pod directory, which kubeadm creates).
public struct MakeDirectoriesPhase: Phase {
    public let host: any Remote.Host
    public let paths: [String]
    public var title: String { "Create \(paths.joined(separator: ", ")) on \(host.name)" }

    public init(_ paths: [String], on host: any Remote.Host) {
        self.paths = paths
        self.host = host
    }

    public func run() async throws {
        for path in paths { try await host.makeDirectory(path, mode: 0o755) }
    }

    public func dryRun() async throws -> [String] {
        paths.map { "would create \(host.name):\($0)" }
    }
}
