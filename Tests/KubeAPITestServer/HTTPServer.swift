// Part of the test stand-in for kube-apiserver (tests only): the TLS and HTTP/1.1 plumbing — 127.0.0.1 on a free
// port, client certificates verified when presented, keep-alive, concurrent connections, chunked watch streams.
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

typealias HTTPConnection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
typealias ResponseWriter = NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>

/// Accepts TLS connections and hands each complete request to the core; everything runs on NIO's event loops and
/// in structured tasks, never blocking a cooperative thread.
final class HTTPServer: Sendable {
    /// kube-apiserver's request body limit (3 MiB).
    static let maximumBodySize = 3 * 1024 * 1024

    let port: Int
    private let acceptLoop: Task<Void, Never>

    private init(port: Int, acceptLoop: Task<Void, Never>) {
        self.port = port
        self.acceptLoop = acceptLoop
    }

    static func start(tls: TLSConfiguration, core: APIServerCore) async throws -> HTTPServer {
        let context = try NIOSSLContext(configuration: tls)
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    // No pipelining assistance: it stops reading while a response is open, so a watch would not
                    // see its client leave. Requests are answered in order by `serve` anyway.
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false)
                    return try HTTPConnection(wrappingChannelSynchronously: channel)
                }
            }
        guard let port = listener.channel.localAddress?.port else {
            try? await listener.channel.close()
            throw TestAPIServerError("the test API server's socket has no local port")
        }
        let acceptLoop = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await listener.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask { await serve(connection, core: core) }
                        }
                    }
                } catch {
                    // Shutdown cancels the loop; a failing listener ends it too. Either way: stop serving.
                }
            }
        }
        return HTTPServer(port: port, acceptLoop: acceptLoop)
    }

    /// Stops accepting, ends every open connection and watch, and waits for them.
    func shutdown() async {
        acceptLoop.cancel()
        await acceptLoop.value
    }

    /// One connection: requests in order (HTTP/1.1 keep-alive), each answered before the next is read.
    private static func serve(_ connection: HTTPConnection, core: APIServerCore) async {
        let channel = connection.channel
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            var certificate: ClientCertificateSubject?
            var certificateRead = false
            for try await part in inbound {
                switch part {
                case let .head(requestHead):
                    head = requestHead
                    body.clear()
                case var .body(chunk):
                    if body.readableBytes <= maximumBodySize { body.writeBuffer(&chunk) }
                case .end:
                    guard let requestHead = head else { continue }
                    head = nil
                    if !certificateRead {
                        certificateRead = true
                        certificate = try await peerCertificate(channel)
                    }
                    guard body.readableBytes <= maximumBodySize else {
                        let status = APIError(code: 413, reason: "RequestEntityTooLarge",
                                              message: "Request entity too large: limit is \(maximumBodySize)").status
                        try await write(HTTPReply(code: 413, json: status), keepAlive: false, to: outbound)
                        return
                    }
                    let request = HTTPRequest(head: requestHead, body: Array(body.readableBytesView))
                    switch await core.handle(request, certificate: certificate) {
                    case let .reply(reply):
                        try await write(reply, keepAlive: requestHead.isKeepAlive, to: outbound)
                        guard requestHead.isKeepAlive else { return }
                    case let .watch(session):
                        try await stream(session, to: outbound, closing: channel)
                        guard requestHead.isKeepAlive else { return }
                    case .drop:
                        return
                    }
                }
            }
        }
    }

    private static func peerCertificate(_ channel: any Channel) async throws -> ClientCertificateSubject? {
        guard let certificate = try await channel.nioSSL_peerCertificate().get() else { return nil }
        return try ClientCertificateSubject(derBytes: certificate.toDERBytes())
    }

    private static func responseHead(_ code: Int, contentType: String, extra: [(String, String)]) -> HTTPResponseHead {
        var headers = HTTPHeaders([("Content-Type", contentType), ("Cache-Control", "no-cache, private"),
                                   ("Audit-Id", UUID().uuidString.lowercased())])
        headers.add(contentsOf: extra)
        return HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: code), headers: headers)
    }

    private static func write(_ reply: HTTPReply, keepAlive: Bool, to outbound: ResponseWriter) async throws {
        var extra = reply.headers + [("Content-Length", String(reply.body.count))]
        if !keepAlive { extra.append(("Connection", "close")) }
        try await outbound.write(.head(responseHead(reply.code, contentType: reply.contentType, extra: extra)))
        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: reply.body))))
        try await outbound.write(.end(nil))
    }

    /// A watch: one JSON line per event in a chunked response, until the timeout, the client going away or shutdown.
    private static func line(_ event: ServerJSON) -> HTTPServerResponsePart {
        .body(.byteBuffer(ByteBuffer(string: event.description + "\n")))
    }

    private static func stream(_ session: WatchSession, to outbound: ResponseWriter, closing channel: any Channel)
        async throws
    {
        try await outbound.write(.head(responseHead(200, contentType: "application/json",
                                                    extra: [("Transfer-Encoding", "chunked")])))
        // The channel's close future, as a stream a cancelled task stops waiting for.
        let (closed, closedContinuation) = AsyncStream.makeStream(of: Void.self)
        channel.closeFuture.whenComplete { _ in closedContinuation.finish() }
        let clientLeft = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await event in session.events { if (try? await outbound.write(line(event))) == nil { return true } }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: session.timeout)
                return false
            }
            group.addTask {
                for await _ in closed {}
                return !Task.isCancelled
            }
            let first = await group.next() ?? true
            group.cancelAll()
            return first
        }
        guard !clientLeft, !Task.isCancelled else { return }
        if let bookmark = session.bookmark { try await outbound.write(line(await bookmark())) }
        try await outbound.write(.end(nil))
    }
}

extension HTTPRequest {
    init(head: HTTPRequestHead, body: [UInt8]) {
        var headers: [String: String] = [:]
        for (name, value) in head.headers where headers[name.lowercased()] == nil { headers[name.lowercased()] = value }
        self.init(method: head.method.rawValue, uri: head.uri, headers: headers, body: body)
    }
}

/// A failure to start or configure the test API server, naming what to fix.
public struct TestAPIServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
