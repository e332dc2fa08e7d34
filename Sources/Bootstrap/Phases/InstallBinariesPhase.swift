import Remote

/// Makes sure a host has each binary (sent only when its sha256 differs) and that each reports the expected version.
public struct InstallBinariesPhase: Phase {
    public let host: any Remote.Host
    public let specs: [BinarySpec]
    public let resolver: BinaryResolver
    public let installer: BinaryInstaller
    /// Called with each outcome (uploaded or already present, version), for progress output.
    public let report: @Sendable (InstallOutcome) -> Void
    public var title: String { "Install \(specs.map(\.name).joined(separator: ", ")) on \(host.name)" }

    public init(_ specs: [BinarySpec], on host: any Remote.Host, resolver: BinaryResolver, installer: BinaryInstaller = BinaryInstaller(),
                report: @escaping @Sendable (InstallOutcome) -> Void = { _ in }) {
        self.specs = specs
        self.host = host
        self.resolver = resolver
        self.installer = installer
        self.report = report
    }

    public func run() async throws {
        for spec in specs {
            let binary = try await resolver.resolve(spec)
            report(try await installer.install(binary, on: host))
        }
    }

    public func dryRun() async throws -> [String] {
        var lines: [String] = []
        for spec in specs {
            let binary = try await resolver.resolve(spec)
            lines.append("would install \(binary.localPath) (sha256 \(binary.sha256.prefix(12))…) as \(host.name):\(spec.installPath)")
        }
        return lines
    }
}
