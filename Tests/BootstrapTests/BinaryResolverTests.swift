import Foundation
import Remote
import Synchronization
import Testing
@testable import Bootstrap

/// Records every URL fetched, then fetches for real with curl.
final class RecordingFetcher: BinaryFetcher {
    let fetched = Mutex<[String]>([])
    let curl = CurlFetcher()
    func fetch(_ url: String, to path: String) async throws {
        fetched.withLock { $0.append(url) }
        try await curl.fetch(url, to: path)
    }
    var urls: [String] { fetched.withLock { $0 } }
}

struct BinaryResolverTests {
    static let fakeBinary = "#!/bin/sh\necho 'etcd Version: 3.4.23'\n"
    static let fakeDigest = "a1d0f1a1ec4bd2de0b0b8c4f8b2b0fb3a7b6bc8bd3c0adf3e1a0bb1b7a3e1e55"

    static func digest(_ text: String) async throws -> String {
        let result = try await LocalHost().run("sha256sum", stdin: Data(text.utf8), timeout: nil)
        return try #require(Checksums.parseSha256sumOutput(result.stdoutText))
    }

    // MARK: bundle directory

    @Test func findsABinaryInTheBinSubdirectory() async throws {
        let bundle = try TemporaryDirectory()
        try bundle.write("bin/etcd", Self.fakeBinary, mode: 0o755)
        let resolved = try await BinaryResolver(source: .directory(bundle.path)).resolve(.etcd())
        #expect(resolved.localPath == bundle.path + "/bin/etcd")
        #expect(resolved.sha256 == (try await Self.digest(Self.fakeBinary)))
    }

    @Test func namesTheBinaryAndEveryPlaceLookedAtWhenAbsent() async throws {
        let bundle = try TemporaryDirectory()
        try bundle.write("etcd", Self.fakeBinary, mode: 0o755)
        let error = await #expect(throws: BinaryError.self) {
            try await BinaryResolver(source: .directory(bundle.path)).resolve(.kubernetes("kube-apiserver"))
        }
        let expected = [bundle.path + "/kube-apiserver", bundle.path + "/bin/kube-apiserver", bundle.path + "/linux/amd64/kube-apiserver"]
        #expect(error == .notFound(binary: "kube-apiserver", searched: expected))
        let message = "\(error!)"
        #expect(message.contains("'kube-apiserver'"))
        for path in expected { #expect(message.contains(path)) }
    }

    @Test func verifiesTheBundlesSHA256SUMS() async throws {
        let bundle = try TemporaryDirectory()
        try bundle.write("etcd", Self.fakeBinary, mode: 0o755)
        try bundle.write("SHA256SUMS", "\(String(repeating: "0", count: 64))  etcd\n")
        let error = await #expect(throws: BinaryError.self) {
            try await BinaryResolver(source: .directory(bundle.path)).resolve(.etcd())
        }
        guard case let .checksumMismatch(binary, _, expected, _, source) = error else {
            Issue.record("expected a checksum mismatch, got \(String(describing: error))")
            return
        }
        #expect(binary == "etcd" && expected == String(repeating: "0", count: 64) && source.hasSuffix("SHA256SUMS"))

        try bundle.write("SHA256SUMS", "\(try await Self.digest(Self.fakeBinary))  etcd\n")
        _ = try await BinaryResolver(source: .directory(bundle.path)).resolve(.etcd())
    }

    // MARK: download cache

    /// A published release folder: the binary and its `.sha256`.
    static func release(_ binary: String = fakeBinary, digestOf published: String? = nil) async throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        try folder.write("etcd", binary, mode: 0o755)
        try folder.write("etcd.sha256", try await digest(published ?? binary) + "\n")
        return folder
    }

    @Test func downloadsOnceThenServesFromTheVerifiedCache() async throws {
        let release = try await Self.release()
        let cache = try TemporaryDirectory()
        let source = DownloadSource(baseURL: "file://" + release.path, cacheDirectory: cache.path)

        let first = RecordingFetcher()
        let resolved = try await BinaryResolver(source: .download(source), fetcher: first).resolve(.etcd())
        #expect(first.urls == ["file://\(release.path)/etcd.sha256", "file://\(release.path)/etcd"])
        #expect(resolved.localPath.hasPrefix(cache.path + "/"))
        #expect(try String(contentsOfFile: resolved.localPath, encoding: .utf8) == Self.fakeBinary)
        #expect(try await LocalHost().stat(resolved.localPath)?.mode == 0o755)

        // A new run (new resolver) only re-reads the checksum.
        let second = RecordingFetcher()
        let again = try await BinaryResolver(source: .download(source), fetcher: second).resolve(.etcd())
        #expect(second.urls == ["file://\(release.path)/etcd.sha256"])
        #expect(again == resolved)

        // A cached file that no longer matches is fetched again.
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: resolved.localPath))
        let third = RecordingFetcher()
        _ = try await BinaryResolver(source: .download(source), fetcher: third).resolve(.etcd())
        #expect(third.urls.count == 2)
        #expect(try String(contentsOfFile: resolved.localPath, encoding: .utf8) == Self.fakeBinary)
    }

    @Test func concurrentRequestsForOneBinaryDownloadItOnce() async throws {
        let release = try await Self.release()
        let cache = try TemporaryDirectory()
        let fetcher = RecordingFetcher()
        let resolver = BinaryResolver(source: .download(DownloadSource(baseURL: "file://" + release.path, cacheDirectory: cache.path)),
                                      fetcher: fetcher)
        async let a = resolver.resolve(.etcd())
        async let b = resolver.resolve(.etcd())
        async let c = resolver.resolve(.etcd())
        let all = try await [a, b, c]
        #expect(Set(all.map(\.localPath)).count == 1)
        #expect(fetcher.urls.count == 2)
    }

    @Test func fallsBackToAMirrorWhenTheBaseIsDownOrServesABadFile() async throws {
        let good = try await Self.release()
        // The base publishes the good digest but serves another file: the download is rejected.
        let bad = try await Self.release("#!/bin/sh\necho evil\n", digestOf: Self.fakeBinary)
        let cache = try TemporaryDirectory()
        let fetcher = RecordingFetcher()
        let source = DownloadSource(baseURL: "file://" + bad.path, mirrors: ["file:///nonexistent/mirror", "file://" + good.path],
                                    cacheDirectory: cache.path)
        let resolved = try await BinaryResolver(source: .download(source), fetcher: fetcher).resolve(.etcd())
        #expect(try String(contentsOfFile: resolved.localPath, encoding: .utf8) == Self.fakeBinary)
        #expect(fetcher.urls == [
            "file://\(bad.path)/etcd.sha256",
            "file://\(bad.path)/etcd", "file:///nonexistent/mirror/etcd", "file://\(good.path)/etcd",
        ])
    }

    @Test func refusesADownloadItCannotVerify() async throws {
        let release = try TemporaryDirectory()
        try release.write("etcd", Self.fakeBinary, mode: 0o755)  // no etcd.sha256
        let cache = try TemporaryDirectory()
        let error = await #expect(throws: BinaryError.self) {
            try await BinaryResolver(source: .download(DownloadSource(baseURL: "file://" + release.path, cacheDirectory: cache.path))).resolve(.etcd())
        }
        #expect("\(error!)".contains("refusing an unverified download"))
        #expect(try await LocalHost().stat(cache.path + "/file___" + release.path.dropFirst().replacingOccurrences(of: "/", with: "_") + "/etcd") == nil)
    }

    @Test func aPinnedChecksumWinsOverThePublishedOne() async throws {
        let release = try await Self.release()
        let cache = try TemporaryDirectory()
        let pinned = String(repeating: "ab", count: 32)
        let source = DownloadSource(baseURL: "file://" + release.path, cacheDirectory: cache.path, pinnedChecksums: ["etcd": pinned])
        let fetcher = RecordingFetcher()
        let error = await #expect(throws: BinaryError.self) {
            try await BinaryResolver(source: .download(source), fetcher: fetcher).resolve(.etcd())
        }
        #expect(fetcher.urls == ["file://\(release.path)/etcd"])
        #expect("\(error!)".contains("the pinned checksum says \(pinned)"))
    }

    @Test func downloadsOverHTTPFromALoopbackServer() async throws {
        let release = try await Self.release()
        let server = try await LoopbackHTTPServer(directory: release.path)
        defer { server.stop() }
        let cache = try TemporaryDirectory()
        let base = "http://127.0.0.1:\(server.port)"
        let fetcher = RecordingFetcher()
        let resolved = try await BinaryResolver(source: .download(DownloadSource(baseURL: "http://127.0.0.1:1/down", mirrors: [base], cacheDirectory: cache.path)),
                                                fetcher: fetcher).resolve(.etcd())
        #expect(try String(contentsOfFile: resolved.localPath, encoding: .utf8) == Self.fakeBinary)
        #expect(fetcher.urls.last == "\(base)/etcd")
        #expect(resolved.localPath.hasPrefix(cache.path + "/http___127.0.0.1_1_down/"))  // cached under the base URL
    }
}

/// `python3 -m http.server` on a free loopback port, serving one directory.
final class LoopbackHTTPServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    init(directory: String) async throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        var seen = ""
        while !seen.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        let words = seen.split(separator: " ")
        guard let index = words.firstIndex(of: "port"), index + 1 < words.count, let port = Int(words[index + 1]) else {
            process.terminate()
            throw FetchError(url: "http.server", reason: "did not start: \(seen)")
        }
        self.port = port
    }

    /// SIGKILL by pid; Foundation reaps the child. (waitUntilExit spins off the main thread.)
    func stop() {
        kill(process.processIdentifier, SIGKILL)
    }
}
