import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

/// One event of a watch: ADDED, MODIFIED, DELETED or BOOKMARK with the object.
public struct WatchEvent: Sendable {
    public var type: String
    public var object: KubeObject
}

extension KubeClient {
    /// Watches a collection from `resourceVersion` (a list's, so nothing is missed) for up to `timeout`, as
    /// client-go's reflector asks (`allowWatchBookmarks`, `timeoutSeconds`). The stream ends when the server
    /// closes the watch; an ERROR event (410 Gone: the resourceVersion is too old) ends it with that Status.
    public func watch(_ kind: ResourceKind, namespace: String? = nil, fieldSelector: String? = nil, labelSelector: String? = nil,
                      resourceVersion: String?, timeout: Duration = .seconds(361)) -> AsyncThrowingStream<WatchEvent, any Error> {
        var query: [(String, String)] = [("allowWatchBookmarks", "true"), ("watch", "true"),
                                         ("timeoutSeconds", String(timeout.components.seconds)),
                                         ("timeout", Self.goDuration(timeout))]
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        var request = Request(verb: "watch", kind: kind, name: nil, namespace: namespace, method: .GET,
                              path: kind.collectionPath(namespace: namespace), query: query)
        request.timeout = timeout + .seconds(5)
        let (stream, continuation) = AsyncThrowingStream<WatchEvent, any Error>.makeStream()
        let task = Task {
            do {
                let response = try await self.execute(request)
                guard response.status.code == 200 else {
                    let body = try await response.body.collect(upTo: 1 << 20)
                    throw Self.failure(code: Int(response.status.code), headers: response.headers, body: Data(buffer: body),
                                       request: request.description)
                }
                var framer = LineFramer()
                for try await chunk in response.body {
                    for line in framer.append(Data(buffer: chunk)) {
                        continuation.yield(try Self.event(line, request: request.description))
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: self.classify(error, request))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    static func event(_ line: Data, request: String) throws -> WatchEvent {
        guard let value = try? JSONValue.decode(line), let type = value["type"]?.stringValue,
              let object = value["object"].flatMap(KubeObject.init) else {
            throw KubeAPIError.decoding(request: request, reason: "a watch event is not {\"type\", \"object\"}")
        }
        if type == "ERROR" {
            let status = (try? JSONDecoder().decode(KubeStatus.self, from: object.value.encoded())) ?? KubeStatus(message: "watch error")
            throw KubeAPIError.status(status, request: request)
        }
        return WatchEvent(type: type, object: object)
    }
}

/// Splits a byte stream into newline-terminated lines (watch events arrive one JSON document per line, in
/// chunks that need not end at a line break).
struct LineFramer {
    private var pending = Data()

    mutating func append(_ bytes: Data) -> [Data] {
        pending.append(bytes)
        var lines: [Data] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = pending[pending.startIndex..<newline]
            if !line.isEmpty { lines.append(Data(line)) }
            pending = Data(pending[pending.index(after: newline)...])
        }
        return lines
    }
}
