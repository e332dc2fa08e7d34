import Foundation
import Remote

/// A binary ready to push: where it is on the operator's machine and its verified sha256.
public struct ResolvedBinary: Sendable, Equatable {
    public var spec: BinarySpec
    public var localPath: String
    public var sha256: String

    public init(spec: BinarySpec, localPath: String, sha256: String) {
        self.spec = spec
        self.localPath = localPath
        self.sha256 = sha256
    }
}

/// Finds each binary once on the operator's machine — in the bundle directory, or in the download cache
/// (fetching and verifying it first) — however many hosts ask for it at the same time.
public actor BinaryResolver {
    public nonisolated let source: BinarySource
    /// The operator's machine, where bundles and the cache live.
    public nonisolated let operatorHost: any Remote.Host
    public nonisolated let fetcher: any BinaryFetcher
    private var inFlight: [String: Task<ResolvedBinary, any Error>] = [:]

    public init(source: BinarySource, operatorHost: any Remote.Host = LocalHost(), fetcher: (any BinaryFetcher)? = nil) {
        self.source = source
        self.operatorHost = operatorHost
        self.fetcher = fetcher ?? CurlFetcher(host: operatorHost)
    }

    /// The file is found (or fetched) once per name; the answer carries the caller's spec (install path and
    /// expected version may differ between callers).
    public func resolve(_ spec: BinarySpec) async throws -> ResolvedBinary {
        let task: Task<ResolvedBinary, any Error>
        if let running = inFlight[spec.name] {
            task = running
        } else {
            task = Task { try await self.locate(spec) }
            inFlight[spec.name] = task
        }
        do {
            var resolved = try await task.value
            resolved.spec = spec
            return resolved
        } catch {
            inFlight[spec.name] = nil  // a later call may succeed (file added, network back)
            throw error
        }
    }

    private func locate(_ spec: BinarySpec) async throws -> ResolvedBinary {
        switch source {
        case let .directory(directory): try await fromDirectory(directory, spec)
        case let .download(download): try await fromDownload(download, spec)
        }
    }

    /// Whether `name` can be had: present in a bundle directory, or (downloads) assumed so.
    public nonisolated func offers(_ name: String) -> Bool {
        guard case let .directory(directory) = source else { return true }
        return Self.candidatePaths(directory: directory, name: name).contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The paths looked at in a bundle directory, in order.
    public static func candidatePaths(directory: String, name: String) -> [String] {
        let dir = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        return ["\(dir)/\(name)", "\(dir)/bin/\(name)", "\(dir)/linux/amd64/\(name)"]
    }

    private func fromDirectory(_ directory: String, _ spec: BinarySpec) async throws -> ResolvedBinary {
        let candidates = Self.candidatePaths(directory: directory, name: spec.name)
        var found: String?
        for path in candidates {
            if let info = try await operatorHost.stat(path), info.kind == .file || info.kind == .symlink {
                found = path
                break
            }
        }
        guard let found else { throw BinaryError.notFound(binary: spec.name, searched: candidates) }
        let digest = try await sha256(of: found, binary: spec.name)
        let sumsPath = "\(directory)/SHA256SUMS"
        if try await operatorHost.stat(sumsPath) != nil {
            let sums = Checksums.parseSums(String(decoding: try await operatorHost.readFile(sumsPath), as: UTF8.self))
            if let expected = sums[spec.name], expected != digest {
                throw BinaryError.checksumMismatch(binary: spec.name, file: found, expected: expected, actual: digest, source: sumsPath)
            }
        }
        return ResolvedBinary(spec: spec, localPath: found, sha256: digest)
    }

    private func fromDownload(_ download: DownloadSource, _ spec: BinarySpec) async throws -> ResolvedBinary {
        let folder = download.cacheFolder()
        let target = "\(folder)/\(spec.name)"
        try await mkdir(folder)
        var attempts: [String] = []

        var expected = download.pinnedChecksums[spec.name].map { $0.lowercased() }
        var expectedSource = "the pinned checksum"
        if expected == nil {
            for base in download.bases {
                let url = "\(base)/\(spec.name).sha256"
                let file = "\(target).sha256.download"
                do {
                    try await fetcher.fetch(url, to: file)
                    guard let digest = Checksums.parseSingle(String(decoding: try await operatorHost.readFile(file), as: UTF8.self)) else {
                        attempts.append("\(url): not a sha256 digest")
                        continue
                    }
                    expected = digest
                    expectedSource = url
                    break
                } catch {
                    attempts.append("\(error)")
                }
            }
        }
        guard let expected else {
            attempts.append("no checksum for '\(spec.name)' (publish <name>.sha256 beside it or pin one): refusing an unverified download")
            throw BinaryError.downloadFailed(binary: spec.name, attempts: attempts)
        }

        // Cache hit: nothing is downloaded again.
        if try await operatorHost.stat(target) != nil, try await sha256(of: target, binary: spec.name) == expected {
            return ResolvedBinary(spec: spec, localPath: target, sha256: expected)
        }
        for base in download.bases {
            let url = "\(base)/\(spec.name)"
            let partial = "\(target).partial"
            do {
                try await fetcher.fetch(url, to: partial)
            } catch {
                attempts.append("\(error)")
                continue
            }
            let actual = try await sha256(of: partial, binary: spec.name)
            guard actual == expected else {
                attempts.append("\(url): sha256 \(actual), but \(expectedSource) says \(expected)")
                _ = try? await operatorHost.run("rm -f -- \(ShellQuote.quote(partial))")
                continue
            }
            let move = try await operatorHost.run("chmod 0755 -- \(ShellQuote.quote(partial)) && mv -f -- \(ShellQuote.quote(partial)) \(ShellQuote.quote(target))")
            guard move.succeeded else {
                throw BinaryError.unreadable(binary: spec.name, file: target, reason: move.stderrText)
            }
            return ResolvedBinary(spec: spec, localPath: target, sha256: expected)
        }
        throw BinaryError.downloadFailed(binary: spec.name, attempts: attempts)
    }

    private func mkdir(_ path: String) async throws {
        let result = try await operatorHost.run("mkdir -p -- \(ShellQuote.quote(path))")
        guard result.succeeded else { throw BinaryError.unreadable(binary: "-", file: path, reason: result.stderrText) }
    }

    private func sha256(of path: String, binary: String) async throws -> String {
        let result = try await operatorHost.run("sha256sum -- \(ShellQuote.quote(path))")
        guard result.succeeded, let digest = Checksums.parseSha256sumOutput(result.stdoutText) else {
            throw BinaryError.unreadable(binary: binary, file: path, reason: result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return digest
    }
}
