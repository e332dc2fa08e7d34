import Foundation
import Remote
import Testing
@testable import Bootstrap

/// Installs Debian's real etcd (this machine's /usr/bin/etcd) into a temporary directory through LocalHost.
struct BinaryInstallerTests {
    @Test func uploadsOnceChecksTheVersionAndSkipsAMatchingCopy() async throws {
        let bundle = try TemporaryDirectory()
        let target = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: "/usr/bin/etcd", toPath: bundle.path + "/etcd")
        let resolver = BinaryResolver(source: .directory(bundle.path))
        let spec = BinarySpec.etcd(version: "3.4.23", directory: target.path)
        let binary = try await resolver.resolve(spec)
        let host = LocalHost(name: "local")

        let first = try await BinaryInstaller().install(binary, on: host)
        #expect(first == InstallOutcome(binary: "etcd", host: "local", uploaded: true, version: "3.4.23"))
        #expect(try await host.stat(target.path + "/etcd")?.mode == 0o755)

        let second = try await BinaryInstaller().install(binary, on: host)
        #expect(second.uploaded == false)
    }

    @Test func rejectsABinaryOfAnotherRelease() async throws {
        let bundle = try TemporaryDirectory()
        let target = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: "/usr/bin/etcd", toPath: bundle.path + "/etcd")
        let spec = BinarySpec.etcd(version: "3.5.15", directory: target.path)
        let binary = try await BinaryResolver(source: .directory(bundle.path)).resolve(spec)
        let error = await #expect(throws: BinaryError.self) { try await BinaryInstaller().install(binary, on: LocalHost()) }
        #expect("\(error!)".contains("reports version 3.4.23, expected 3.5.15"))
    }

    @Test func reportsABinaryThatCannotPrintItsVersion() async throws {
        let bundle = try TemporaryDirectory()
        let target = try TemporaryDirectory()
        try bundle.write("etcd", "#!/bin/sh\necho 'flag provided but not defined: -version' >&2\nexit 2\n", mode: 0o755)
        let binary = try await BinaryResolver(source: .directory(bundle.path)).resolve(.etcd(directory: target.path))
        let error = await #expect(throws: BinaryError.self) { try await BinaryInstaller().install(binary, on: LocalHost(name: "n1")) }
        #expect("\(error!)".contains("n1: \(target.path)/etcd (etcd) failed its version check"))
        #expect("\(error!)".contains("exited 2"))
    }
}
