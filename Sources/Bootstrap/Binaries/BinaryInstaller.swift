import Foundation
import Remote

/// What installing one binary on one host did.
public struct InstallOutcome: Sendable, Equatable {
    public var binary: String
    public var host: String
    /// False when the host already had a file with the same sha256 (nothing was sent).
    public var uploaded: Bool
    /// The version the installed binary reports.
    public var version: String
}

/// Pushes resolved binaries to a host (skipped when the host's copy already has the same sha256) and
/// checks each one's version where it was installed.
public struct BinaryInstaller: Sendable {
    public var operatorHost: any Remote.Host

    public init(operatorHost: any Remote.Host = LocalHost()) {
        self.operatorHost = operatorHost
    }

    public func install(_ binary: ResolvedBinary, on host: any Remote.Host) async throws -> InstallOutcome {
        let path = binary.spec.installPath
        let uploaded: Bool
        if try await remoteDigest(path, on: host) == binary.sha256 {
            uploaded = false
        } else {
            let data = try await operatorHost.readFile(binary.localPath)
            try await host.writeFile(path, contents: data, mode: 0o755)
            let written = try await remoteDigest(path, on: host)
            guard written == binary.sha256 else {
                throw BinaryError.versionCheckFailed(binary: binary.spec.name, host: host.name, path: path,
                                                     detail: "sha256 after upload is \(written ?? "unreadable"), expected \(binary.sha256)")
            }
            uploaded = true
        }
        let version = try await checkVersion(binary.spec, on: host)
        return InstallOutcome(binary: binary.spec.name, host: host.name, uploaded: uploaded, version: version)
    }

    /// Runs the installed binary's version command and compares the result with the expected version.
    public func checkVersion(_ spec: BinarySpec, on host: any Remote.Host) async throws -> String {
        let command = ShellQuote.join([spec.installPath] + spec.versionArguments)
        let result = try await host.run(command, timeout: .seconds(30))
        let output = result.stdoutText + "\n" + result.stderrText
        guard result.succeeded else {
            throw BinaryError.versionCheckFailed(binary: spec.name, host: host.name, path: spec.installPath,
                                                 detail: "`\(command)` exited \(result.exitStatus): \(Self.firstLines(output))")
        }
        guard let version = BinaryVersion.parse(output) else {
            throw BinaryError.versionCheckFailed(binary: spec.name, host: host.name, path: spec.installPath,
                                                 detail: "no version in the output of `\(command)`: \(Self.firstLines(output))")
        }
        if let expected = spec.expectedVersion, !BinaryVersion.matches(version, expected: expected) {
            throw BinaryError.versionCheckFailed(binary: spec.name, host: host.name, path: spec.installPath,
                                                 detail: "reports version \(version), expected \(expected): the bundle holds another release "
                                                     + "(set cluster.kubernetesVersion: v\(version.trimmingPrefix("v")) in the inventory, or use a bundle of \(expected))")
        }
        return version
    }

    private func remoteDigest(_ path: String, on host: any Remote.Host) async throws -> String? {
        let result = try await host.run("sha256sum -- \(ShellQuote.quote(path)) 2>/dev/null")
        return result.succeeded ? Checksums.parseSha256sumOutput(result.stdoutText) : nil
    }

    static func firstLines(_ text: String) -> String {
        text.split(separator: "\n").prefix(3).joined(separator: " / ")
    }
}
