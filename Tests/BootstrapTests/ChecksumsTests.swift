import Foundation
import Remote
import Testing
@testable import Bootstrap

struct ChecksumsTests {
    @Test func parsesSha256sumFilesInTextAndBinaryMode() {
        let text = """
        a0c7a1c87a9a1d1b1bd0c5f3e7b8e0d7df2a8f4a5e1a2b3c4d5e6f708192a3b4  etcd
        B1C7A1C87A9A1D1B1BD0C5F3E7B8E0D7DF2A8F4A5E1A2B3C4D5E6F708192A3B4 *bin/etcdctl
        not a checksum line
        1234  short
        """
        let sums = Checksums.parseSums(text)
        #expect(sums == [
            "etcd": "a0c7a1c87a9a1d1b1bd0c5f3e7b8e0d7df2a8f4a5e1a2b3c4d5e6f708192a3b4",
            "etcdctl": "b1c7a1c87a9a1d1b1bd0c5f3e7b8e0d7df2a8f4a5e1a2b3c4d5e6f708192a3b4",
        ])
    }

    @Test func parsesAPublishedSha256File() {
        // dl.k8s.io's kube-apiserver.sha256 holds the bare digest.
        #expect(Checksums.parseSingle("f1a2b3c4d5e6f708192a3b4a0c7a1c87a9a1d1b1bd0c5f3e7b8e0d7df2a8f4a5\n")
            == "f1a2b3c4d5e6f708192a3b4a0c7a1c87a9a1d1b1bd0c5f3e7b8e0d7df2a8f4a5")
        #expect(Checksums.parseSingle("<html>404</html>") == nil)
    }

    @Test func agreesWithRealSha256sum() async throws {
        let directory = try TemporaryDirectory()
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: directory.path + "/x"))
        let output = try await LocalHost().run("cd \(directory.path) && sha256sum x").stdoutText
        #expect(Checksums.parseSums(output)["x"] == "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
        #expect(Checksums.parseSha256sumOutput(output) == "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
    }
}

/// A directory under /tmp removed when the value goes away.
final class TemporaryDirectory: @unchecked Sendable {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "kubeforge-bootstrap-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ relative: String, _ text: String, mode: Int = 0o644) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: full)
    }
}
