import Foundation
import Remote

/// Downloads one URL to a local file. Pluggable so tests and other transports can stand in for curl.
public protocol BinaryFetcher: Sendable {
    /// Writes the body of `url` to `path` (replacing it), or throws with the reason.
    func fetch(_ url: String, to path: String) async throws
}

/// Fetches with curl on the operator's machine (http, https, file; proxies from the environment).
public struct CurlFetcher: BinaryFetcher {
    public var host: any Remote.Host
    public var timeout: Duration

    public init(host: any Remote.Host = LocalHost(), timeout: Duration = .seconds(600)) {
        self.host = host
        self.timeout = timeout
    }

    public func fetch(_ url: String, to path: String) async throws {
        let command = "curl -fsSL --retry 2 --connect-timeout 20 -o \(ShellQuote.quote(path)) -- \(ShellQuote.quote(url))"
        let result = try await host.run(command, timeout: timeout)
        guard result.succeeded else {
            throw FetchError(url: url, reason: result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
                ?? "curl exited with status \(result.exitStatus)")
        }
    }
}

public struct FetchError: Error, CustomStringConvertible {
    public var url: String
    public var reason: String
    public var description: String { "\(url): \(reason)" }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
