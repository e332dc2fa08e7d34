import Foundation
import KubeTypes
import Remote
import Testing
@testable import PKI

/// A fresh directory under /tmp, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init(prefix: String = "kubeforge-pki-") throws {
        path = NSTemporaryDirectory() + prefix + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs a real command-line tool and returns its stdout; fails the test on a non-zero exit unless allowed.
@discardableResult
func runTool(_ executable: String, _ arguments: [String], stdin: Data? = nil, allowFailure: Bool = false) throws
    -> (status: Int32, stdout: String, stderr: String)
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = stdin == nil ? FileHandle.nullDevice : input
    try process.run()
    if let stdin {
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
    }
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    let stderrData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let result = (process.terminationStatus, String(decoding: stdoutData, as: UTF8.self), String(decoding: stderrData, as: UTF8.self))
    if !allowFailure && result.0 != 0 {
        Issue.record("\(executable) \(arguments.joined(separator: " ")) exited \(result.0): \(result.2)")
    }
    return result
}

func fileMode(_ path: String) -> UInt16 {
    var info = stat()
    guard lstat(path, &info) == 0 else { return 0 }
    return UInt16(info.st_mode & 0o7777)
}

/// The options of the examples in these tests: node `cp-1` advertising 192.168.2.201.
func sampleOptions(_ root: String, version: String = "v1.33.1", algorithm: EncryptionAlgorithm = .rsa2048) -> CertificateTreeOptions {
    var options = CertificateTreeOptions()
    options.certificatesDir = root + "/etc/kubernetes/pki"
    options.kubeconfigDir = root + "/etc/kubernetes"
    options.nodeName = "cp-1"
    options.advertiseAddress = "192.168.2.201"
    options.controlPlaneEndpoint = "k8s-api.example.com:6443"
    options.apiServerCertSANs = ["10.0.0.10", "k8s-api.example.com", "*.apps.example.com", "Not_Valid!"]
    options.kubernetesVersion = version
    options.encryptionAlgorithm = algorithm
    return options
}

/// A complete tree generated once (RSA-2048, v1.33) and shared by the read-only tests.
enum SharedTree {
    struct Tree: Sendable {
        let root: String
        let resolved: CertificateTreeOptions.Resolved
        let startTime: Date
        let report: PKIReport
        var pki: String { resolved.options.certificatesDir }
        var kubeconfigDir: String { resolved.options.kubeconfigDir }
    }

    static let tree = Task<Tree, any Error> {
        // Swift Testing has no suite teardown: remove the shared trees of earlier test processes that have exited.
        let temporary = NSTemporaryDirectory()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        where name.hasPrefix("kubeforge-pki-shared-") {
            let pid = name.dropFirst("kubeforge-pki-shared-".count).prefix { $0 != "-" }
            if !FileManager.default.fileExists(atPath: "/proc/\(pid)") { try? FileManager.default.removeItem(atPath: temporary + name) }
        }
        let directory = try TemporaryDirectory(prefix: "kubeforge-pki-shared-\(getpid())-")
        let resolved = try sampleOptions(directory.path).resolve()
        let start = Date()
        let issuer = CertificateIssuer(startTime: start, release: resolved.release)
        let generator = PKIGenerator(resolved: resolved, host: LocalHost(), issuer: issuer)
        let report = try await generator.run(.everything(for: resolved))
        return Tree(root: directory.path, resolved: resolved, startTime: issuer.startTime, report: report)
    }

    static func get() async throws -> Tree { try await tree.value }
}
