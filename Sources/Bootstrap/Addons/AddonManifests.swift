import Crypto
import Foundation
import Inventory
import KubeAPI
import Remote

/// Reads the inventory's `addons` on the operator's machine: a file as it is, a URL fetched (curl, as binaries
/// are) — each checked against its sha256 before anything is parsed, so what is applied is what was reviewed.
public struct AddonManifests: Sendable {
    public var fetcher: any BinaryFetcher
    /// Larger than any real CNI manifest (Calico's is ~250 kB); a bigger one is a mistake, not an addon.
    public var maximumSize = 32 << 20

    public init(fetcher: any BinaryFetcher = CurlFetcher(timeout: .seconds(120))) {
        self.fetcher = fetcher
    }

    /// Every addon, in order; the first that cannot be read, fetched, verified or parsed stops it.
    public func load(_ addons: [ClusterSettings.Addon]) async throws -> [Manifest] {
        var manifests: [Manifest] = []
        for addon in addons { manifests.append(try await load(addon)) }
        return manifests
    }

    public func load(_ addon: ClusterSettings.Addon) async throws -> Manifest {
        let data: Data
        switch addon.source {
        case let .file(path):
            data = try read(path, name: addon.description)
        case let .url(url):
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeforge-addon-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("manifest.yaml").path
            do {
                try await fetcher.fetch(url, to: path)
            } catch {
                throw AddonError.fetch(url: url, reason: (error as? FetchError)?.reason ?? "\(error)")
            }
            data = try read(path, name: url)
        }
        if let expected = addon.sha256 {
            let actual = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            guard actual == expected else { throw AddonError.digestMismatch(name: addon.description, expected: expected, actual: actual) }
        }
        guard let text = String(data: data, encoding: .utf8) else { throw AddonError.unreadable(name: addon.description, reason: "not UTF-8 text") }
        do {
            return try Manifest(name: addon.description, text: text)
        } catch {
            throw AddonError.manifest(error)
        }
    }

    private func read(_ path: String, name: String) throws -> Data {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size > maximumSize {
            throw AddonError.unreadable(name: name, reason: "\(size) bytes, more than the \(maximumSize >> 20) MiB an addon manifest may have")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions?)" : "does not exist"
            throw AddonError.unreadable(name: name, reason: reason)
        }
        return data
    }
}

/// Why an addon was not applied, naming the manifest (path or URL), the document's line and the object.
public enum AddonError: Error, CustomStringConvertible {
    case unreadable(name: String, reason: String)
    case fetch(url: String, reason: String)
    case digestMismatch(name: String, expected: String, actual: String)
    case manifest(Manifest.ParseError)
    case notServed(name: String, line: Int, apiVersion: String, kind: String, waited: Duration?)
    case apply(name: String, line: Int, object: String, applied: Int, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(name, reason):
            return "addon \(name): \(reason)"
        case let .fetch(url, reason):
            return "addon \(url): cannot fetch it: \(reason)"
        case let .digestMismatch(name, expected, actual):
            return "addon \(name): sha256 is \(actual), the inventory expects \(expected): the file changed (or was altered on the way); "
                + "review the new content and update sha256 in the inventory"
        case let .manifest(error):
            return "addon \(error)"
        case let .notServed(name, line, apiVersion, kind, waited):
            let hint = waited.map { "its CustomResourceDefinition was applied, but the API server still did not serve it after \($0)" }
                ?? "apply its CustomResourceDefinition first (in an earlier addon, or earlier in this one), or check apiVersion for a typo"
            return "addon \(name), line \(line): the API server does not serve kind \(kind) in \(apiVersion): \(hint)"
        case let .apply(name, line, object, applied, reason):
            return "addon \(name), line \(line): applying \(object) failed\(applied > 0 ? " (after \(applied) objects were applied; up applies them again)" : ""): \(reason)"
        }
    }
}
