import Foundation
import Remote
import SSH
import Testing

/// `SSHHost.forwardPort` against the lab's real sshd: services bound to a host's loopback only, reached
/// through direct-tcpip channels of the host's one connection. Enabled with KUBEFORGE_LAB=1.
@Suite(.enabled(if: Lab.enabled, "needs the lab (KUBEFORGE_LAB=1)"), .timeLimit(.minutes(2)))
struct PortForwardLabTests {
    @Test func reachesAPortBoundToTheHostsLoopbackOnly() async throws {
        try await withEcho(try Lab.configuration("k8s-master")) { host, echo in
            let before = try await host.run("echo $SSH_CONNECTION").stdoutText
            let forward = try #require(try await host.forwardPort(echo.port, on: "127.0.0.1") as? SSHPortForward)
            #expect(forward.localAddress == "127.0.0.1")
            #expect(try LocalCommand.run(["ss", "-Hltn", "sport = :\(forward.localPort)"]).stdout.contains("127.0.0.1:\(forward.localPort) "),
                    "the forward listens on this machine's loopback only")

            let greeting = Data("hello through the forward\n".utf8)
            #expect(try await LocalTCP.exchange(port: forward.localPort, sending: greeting) == greeting)
            // The service is not reachable from here without the forward.
            if case let .success(fd) = LocalTCP.connect(port: echo.port, address: try Lab.address(of: "k8s-master")) {
                close(fd)
                Issue.record("127.0.0.1:\(echo.port) on k8s-master must not be reachable directly")
            }
            // One connection: a forwarded connection is made by the sshd serving our commands.
            let client = try LocalTCP.open(port: forward.localPort)
            let sshdOfCommands = try await host.run("echo $PPID").stdoutText.trimmed
            let owner = try await host.run("ss -Htnp state established '( dport = :\(echo.port) )'").stdoutText
            #expect(owner.contains("pid=\(sshdOfCommands),"), "forwarded from another process than our session's sshd: \(owner)")
            close(client)
            #expect(try await host.run("echo $SSH_CONNECTION").stdoutText == before, "everything rides the first connection")

            // A simple case: sshd's own banner through a forward to its port.
            let sshd = try await host.forwardPort(22, on: "127.0.0.1")
            let banner = try LocalTCP.open(port: sshd.localPort)
            let line = try await LocalTCP.readLine(banner)
            close(banner)
            #expect(line.hasPrefix("SSH-2.0-OpenSSH"), "\(line)")
            await sshd.close()
            await forward.close()
        }
    }

    @Test func forwardsThroughTheBastion() async throws {
        var configuration = try Lab.configuration("k8s-node1")
        configuration.bastion = try Lab.configuration("k8s-master")
        let host = SSHHost(configuration)
        let master = try Lab.address(of: "k8s-master")
        #expect(try await host.run("echo $SSH_CLIENT").stdoutText.hasPrefix(master + " "), "the connection comes from the bastion")
        try await LoopbackService.running("cat", on: host) { echo in
            let forward = try await host.forwardPort(echo[0].port, on: "127.0.0.1")
            // Several at once in both directions: the bastion's session carries ours, with its own windows.
            let payloads = (0..<3).map { pseudoRandomData(count: 4 << 20, seed: 40 + UInt64($0)) }
            let echoed = try await echoAll(payloads, port: forward.localPort)
            #expect(echoed == payloads)
            await forward.close()
        }
        await host.disconnect()
    }

    @Test func carriesConcurrentConnectionsIntact() async throws {
        let host = SSHHost(try Lab.configuration("k8s-node2"))
        try await LoopbackService.running("cat", "sha256sum", on: host) { services in
            try await carryConcurrently(host, echo: services[0], hasher: services[1])
        }
        await host.disconnect()
    }

    private func carryConcurrently(_ host: SSHHost, echo: LoopbackService, hasher: LoopbackService) async throws {
        let echoForward = try await host.forwardPort(echo.port, on: "127.0.0.1")
        let hashForward = try await host.forwardPort(hasher.port, on: "127.0.0.1")
        let payloads = (0..<4).map { pseudoRandomData(count: 10 << 20, seed: 100 + UInt64($0)) }
        let start = ContinuousClock.now
        async let echoed = echoAll(payloads, port: echoForward.localPort)
        async let hashes = withThrowingTaskGroup(of: (Int, String).self) { group in
            for (index, payload) in payloads.enumerated() {
                group.addTask { (index, String(decoding: try await LocalTCP.exchange(port: hashForward.localPort, sending: payload), as: UTF8.self)) }
            }
            var byIndex: [Int: String] = [:]
            for try await (index, line) in group { byIndex[index] = line }
            return byIndex
        }
        let (echoResults, hashResults) = try await (echoed, hashes)
        print("4 × 10 MB echoed and 4 × 10 MB hashed at once through two forwards: \(ContinuousClock.now - start)")
        #expect(echoResults == payloads, "every echo comes back byte for byte")
        for (index, payload) in payloads.enumerated() {
            let expected = try LocalCommand.run(["sha256sum"], stdin: payload).stdout.split(separator: " ")[0]
            #expect(hashResults[index]?.hasPrefix(String(expected) + " ") == true, "connection \(index): \(hashResults[index] ?? "nothing")")
        }
    }

    @Test func keepsFlowingWhileACommandAndAnUploadRun() async throws {
        try await withEcho(try Lab.configuration("k8s-master")) { host, echo in
            let forward = try await host.forwardPort(echo.port, on: "127.0.0.1")
            let payload = pseudoRandomData(count: 8 << 20, seed: 3)

            // The connection is opened and used while the command holds the host's queue.
            let commandStart = ContinuousClock.now
            let command = Task { try await host.run("sleep 2; echo done") }
            try await Task.sleep(for: .milliseconds(300))
            let trips = try await LocalTCP.roundTrips(port: forward.localPort, count: 20, size: 100)
            let transferStart = ContinuousClock.now
            #expect(try await LocalTCP.exchange(port: forward.localPort, sending: payload) == payload)
            let transferTook = ContinuousClock.now - transferStart
            let transferEnded = ContinuousClock.now - commandStart
            let result = try await command.value
            let commandEnded = ContinuousClock.now - commandStart
            #expect(result.stdoutText == "done\n")
            // Waiting for the command would have held the first round trip for 1.7 s and ended after it.
            #expect(transferEnded < commandEnded, "the transfer waited for the command: it ended after \(transferEnded)")
            #expect(trips.max() ?? .zero < .seconds(1), "a round trip stalled: \(trips.max() ?? .zero)")
            #expect(commandEnded >= .seconds(2))
            let idleStart = ContinuousClock.now
            #expect(try await LocalTCP.exchange(port: forward.localPort, sending: payload) == payload)
            print("during `sleep 2`: 20 round trips (slowest \(trips.max() ?? .zero)), 8 MB echoed in \(transferTook) "
                + "(\(ContinuousClock.now - idleStart) between operations), done after \(transferEnded); command after \(commandEnded)")

            // An SFTP upload and a forwarded transfer at once: both complete, both intact.
            let upload = pseudoRandomData(count: 30 << 20, seed: 5)
            let path = "/tmp/kubeforge-forward-upload-\(UUID().uuidString.prefix(8))"
            async let uploaded: Void = host.writeFile(path, contents: upload, mode: 0o600)
            async let transferred = LocalTCP.exchange(port: forward.localPort, sending: payload)
            let (_, echoed) = try await (uploaded, transferred)
            #expect(echoed == payload)
            let expected = try LocalCommand.run(["sha256sum"], stdin: upload).stdout.split(separator: " ")[0]
            #expect(try await host.run("sha256sum \(path) | cut -d' ' -f1; rm -f \(path)").stdoutText == "\(expected)\n")
            await forward.close()
        }
    }

    @Test func closesAtOnceAndSaysWhyWhenNothingListens() async throws {
        let host = SSHHost(try Lab.configuration("k8s-node1"))
        let port = try await LoopbackService.freePort(on: host)
        let forward = try #require(try await host.forwardPort(port, on: "127.0.0.1") as? SSHPortForward)
        #expect(forward.lastFailure == nil)
        try await expectCut(try LocalTCP.open(port: forward.localPort), within: .seconds(2))
        let failure = try #require(forward.lastFailure)
        #expect(failure.description.hasPrefix("k8s-node1: forwarding a connection to 127.0.0.1:\(port) failed: "), "\(failure)")
        #expect(failure.description.contains("connect failed"), "\(failure)")
        // The connection is unharmed: commands and other forwards go on.
        #expect(try await host.run("echo fine").stdoutText == "fine\n")
        await forward.close()
        await host.disconnect()
    }

    /// A second sshd with `AllowTcpForwarding no`: each connection is refused, and the reason says how to fix it.
    @Test func saysSoWhenTheServerRefusesForwarding() async throws {
        let directory = try LocalCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Lab.withSecondSSHD(on: "k8s-node2", port: 2224, options: "-o AllowTcpForwarding=no") {
            let host = SSHHost(try Lab.configuration("k8s-node2", secondSSHDPort: 2224, directory: directory))
            let forward = try #require(try await host.forwardPort(22, on: "127.0.0.1") as? SSHPortForward)
            try await expectCut(try LocalTCP.open(port: forward.localPort), within: .seconds(2))
            let failure = try #require(forward.lastFailure)
            #expect(failure.description.contains("AllowTcpForwarding") && failure.description.contains("administratively prohibited"),
                    "\(failure)")
            await host.disconnect()
        }
    }

    @Test func closeFreesThePortAndDisconnectClosesForwards() async throws {
        try await withEcho(try Lab.configuration("k8s-node1")) { host, echo in
            let forward = try await host.forwardPort(echo.port, on: "127.0.0.1")
            let open = try echoingClient(through: forward, saying: "still open\n")
            await forward.close()
            try await expectCut(open, within: .seconds(1), "an open connection is cut by close()")
            #expect(LocalTCP.refuses(port: forward.localPort), "the port is free after close()")
            await forward.close()  // idempotent

            let second = try await host.forwardPort(echo.port, on: "127.0.0.1")
            let third = try await host.forwardPort(echo.port, on: "127.0.0.1")
            let riding = try echoingClient(through: second, saying: "before disconnect\n")
            await host.disconnect()
            try await expectCut(riding, within: .seconds(1))
            #expect(LocalTCP.refuses(port: second.localPort) && LocalTCP.refuses(port: third.localPort), "disconnect() closes every forward")
            await second.close()

            // The host is usable again afterwards: a new forward connects anew.
            let again = try await host.forwardPort(echo.port, on: "127.0.0.1")
            #expect(try await LocalTCP.exchange(port: again.localPort, sending: Data("again\n".utf8)) == Data("again\n".utf8))
            await again.close()
        }
    }

    @Test func cutsForwardedConnectionsWhenTheConnectionDropsAndReconnects() async throws {
        try await withEcho(try Lab.configuration("k8s-node2")) { host, echo in
            let forward = try #require(try await host.forwardPort(echo.port, on: "127.0.0.1") as? SSHPortForward)

            // Cut from this side (what cancellation does).
            let first = try echoingClient(through: forward, saying: "one\n")
            host.abortConnection()
            try await expectCut(first, within: .seconds(2))
            #expect(forward.lastFailure.map { if case .connectionLost = $0 { true } else { false } } == true, "\(String(describing: forward.lastFailure))")
            #expect(try await LocalTCP.exchange(port: forward.localPort, sending: Data("two\n".utf8)) == Data("two\n".utf8),
                    "the next connection reconnects")

            // Cut by the server: another connection kills the sshd process serving ours.
            let second = try echoingClient(through: forward, saying: "three\n")
            let sshd = try await host.run("echo $PPID").stdoutText.trimmed
            let killer = SSHHost(try Lab.configuration("k8s-node2"))
            #expect(try await killer.run("kill -KILL \(sshd)").succeeded)
            try await expectCut(second, within: .seconds(5))
            #expect(try await LocalTCP.exchange(port: forward.localPort, sending: Data("four\n".utf8)) == Data("four\n".utf8))
            #expect(try await host.run("echo $PPID").stdoutText.trimmed != sshd, "commands use the new connection")
            await killer.disconnect()

            // Cut while nothing was forwarded (nothing read the connection): the next client still gets through.
            host.abortConnection()
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await LocalTCP.exchange(port: forward.localPort, sending: Data("five\n".utf8)) == Data("five\n".utf8))
            await forward.close()
        }
    }

    /// Keepalives go on with channels open, and a peer that stops answering (its sshd frozen) is given up
    /// on between operations, cutting the clients instead of leaving them waiting.
    @Test func givesUpOnASilentPeerWithChannelsOpen() async throws {
        var configuration = try Lab.configuration("k8s-node1")
        configuration.keepaliveInterval = .seconds(1)
        let host = SSHHost(configuration)
        let root = SSHHost(try Lab.configuration("k8s-node1"))
        try await LoopbackService.running("cat", on: host) { echo in
            let forward = try #require(try await host.forwardPort(echo[0].port, on: "127.0.0.1") as? SSHPortForward)
            let client = try echoingClient(through: forward, saying: "alive\n")
            try await Task.sleep(for: .seconds(4))  // idle, with keepalives answered
            #expect(try LocalTCP.exchangeLine("still\n", on: client) == "still\n")
            let sshd = try await host.run("echo $PPID").stdoutText.trimmed
            #expect(try await root.run("kill -STOP \(sshd)").succeeded)
            let cut = await Result(catchingAsync: { try await expectCut(client, within: .seconds(8)) })
            _ = try await root.run("kill -CONT \(sshd)")
            try cut.get()
            #expect(forward.lastFailure?.description.contains("no answer") == true, "\(String(describing: forward.lastFailure))")
            await forward.close()
        }
        await host.disconnect()
        await root.disconnect()
    }

    /// A reader that reads nothing (and a writer nobody reads) stalls the other end: what waits in
    /// between stays bounded, here and on the way.
    @Test func boundsWhatItHoldsForASlowSide() async throws {
        let host = SSHHost(try Lab.configuration("k8s-node1"))
        let pidFile = "/tmp/kubeforge-forward-source-\(UUID().uuidString.prefix(8))"
        try await LoopbackService.running("echo $$ > \(pidFile); exec cat /dev/zero", "exec sleep 30", on: host) { services in
            let source = try await host.forwardPort(services[0].port, on: "127.0.0.1")
            let reader = try LocalTCP.open(port: source.localPort)
            try await Task.sleep(for: .milliseconds(1500))
            func written() async throws -> Int {
                let io = try await host.run("cat /proc/$(cat \(pidFile))/io").stdoutText
                let line = io.split(separator: "\n").first { $0.hasPrefix("wchar:") }
                return Int(line?.split(separator: " ").last ?? "") ?? -1
            }
            let first = try await written()
            try await Task.sleep(for: .seconds(1))
            let second = try await written()
            #expect(first > 0 && second < 64 << 20, "the source wrote \(second) bytes for a reader that read nothing")
            #expect(second - first < 1 << 20, "the source kept writing: \(first) then \(second)")
            let sample = try await LocalTCP.read(reader, count: 4 << 20)
            close(reader)
            #expect(sample == Data(count: 4 << 20), "what waited arrives intact")

            let sink = try await host.forwardPort(services[1].port, on: "127.0.0.1")
            let writer = try LocalTCP.open(port: sink.localPort)
            let pushed = try await LocalTCP.pushUntilBlocked(writer, for: .seconds(2))
            close(writer)
            #expect(pushed < 64 << 20, "\(pushed) bytes went to a service that reads nothing")
            print("held for a reader that reads nothing: \(second) bytes (\(second - first) in the last second); "
                + "taken from a writer nobody reads: \(pushed) bytes")
            _ = try await host.run("rm -f \(pidFile)")
            await source.close()
            await sink.close()
        }
        await host.disconnect()
    }

    @Test func cancellingAnOperationCutsForwardedConnectionsAndLaterOnesWork() async throws {
        try await withEcho(try Lab.configuration("k8s-master")) { host, echo in
            let forward = try await host.forwardPort(echo.port, on: "127.0.0.1")
            let open = try echoingClient(through: forward, saying: "before\n")
            let command = Task { try await host.run("sleep 30") }
            try await Task.sleep(for: .milliseconds(500))
            #expect(try LocalTCP.exchangeLine("during\n", on: open) == "during\n", "flows while the command runs")
            command.cancel()
            await #expect(throws: (any Error).self) { try await command.value }
            try await expectCut(open, within: .seconds(2))
            #expect(try await LocalTCP.exchange(port: forward.localPort, sending: Data("after\n".utf8)) == Data("after\n".utf8))
            await forward.close()
        }
    }

    /// Figures for the report: round-trip latency and throughput through a forward.
    @Test func measuresLatencyAndThroughput() async throws {
        let host = SSHHost(try Lab.configuration("k8s-node1"))
        let file = "/tmp/kubeforge-forward-50m-\(UUID().uuidString.prefix(8))"
        #expect(try await host.run("head -c \(50 << 20) /dev/urandom > \(file)").succeeded)
        try await LoopbackService.running("cat", "sha256sum", "cat \(file)", on: host) { services in
            try await measure(host, echo: services[0], hasher: services[1], source: services[2], file: file)
        }
        _ = try await host.run("rm -f \(file)")
        await host.disconnect()
    }

    private func measure(_ host: SSHHost, echo: LoopbackService, hasher: LoopbackService, source: LoopbackService,
                         file: String) async throws {
        let expectedDownload = try await host.run("sha256sum \(file) | cut -d' ' -f1").stdoutText.trimmed

        let echoForward = try await host.forwardPort(echo.port, on: "127.0.0.1")
        let trips = try await LocalTCP.roundTrips(port: echoForward.localPort, count: 200, size: 100).sorted()
        print("200 × 100-byte round trips: median \(trips[100]), p10 \(trips[20]), p90 \(trips[180]), "
            + "min \(trips[0]), max \(trips[199])")
        #expect(trips[100] < .milliseconds(20))

        let upload = pseudoRandomData(count: 50 << 20, seed: 9)
        let uploadHash = try LocalCommand.run(["sha256sum"], stdin: upload).stdout.split(separator: " ")[0]
        let hashForward = try await host.forwardPort(hasher.port, on: "127.0.0.1")
        let sourceForward = try await host.forwardPort(source.port, on: "127.0.0.1")
        var uploads: [Duration] = []
        var downloads: [Duration] = []
        for _ in 0..<3 {
            let start = ContinuousClock.now
            let answer = try await LocalTCP.exchange(port: hashForward.localPort, sending: upload)
            uploads.append(ContinuousClock.now - start)
            #expect(String(decoding: answer, as: UTF8.self).hasPrefix(String(uploadHash) + " "))
            let downloadStart = ContinuousClock.now
            let downloaded = try await LocalTCP.exchange(port: sourceForward.localPort, sending: Data())
            downloads.append(ContinuousClock.now - downloadStart)
            #expect(downloaded.count == 50 << 20)
            #expect(try LocalCommand.run(["sha256sum"], stdin: downloaded).stdout.hasPrefix(expectedDownload))
        }
        func rate(_ time: Duration) -> String { String(format: "%.0f MB/s", 50 / time.inSeconds) }
        print("50 MB up through a forward: " + uploads.map { "\($0) (\(rate($0)))" }.joined(separator: ", "))
        print("50 MB down through a forward: " + downloads.map { "\($0) (\(rate($0)))" }.joined(separator: ", "))
    }

    // MARK: helpers

    /// A fresh host object for `configuration` with an echo service on the host's loopback; the service is
    /// stopped and the host disconnected afterwards.
    private func withEcho(_ configuration: SSHHost.Configuration,
                          _ body: (SSHHost, LoopbackService) async throws -> Void) async throws {
        let host = SSHHost(configuration)
        try await LoopbackService.running("cat", on: host) { try await body(host, $0[0]) }
        await host.disconnect()
    }

    /// A client connected through `forward` to an echo, checked with one line.
    private func echoingClient(through forward: any PortForward, saying line: String) throws -> Int32 {
        let client = try LocalTCP.open(port: forward.localPort)
        #expect(try LocalTCP.exchangeLine(line, on: client) == line)
        return client
    }

    /// Expects `client` to be closed from the far side, with nothing more to read, within `limit`; closes it.
    private func expectCut(_ client: Int32, within limit: Duration, _ why: String = "") async throws {
        defer { close(client) }
        let (data, after) = try await LocalTCP.readUntilClosed(client, timeout: limit + .seconds(5))
        #expect(data.isEmpty && after < limit, "closed after \(after) with \(data.count) bytes unread \(why)")
    }

    private func echoAll(_ payloads: [Data], port: Int) async throws -> [Data] {
        try await withThrowingTaskGroup(of: (Int, Data).self) { group in
            for (index, payload) in payloads.enumerated() {
                group.addTask { (index, try await LocalTCP.exchange(port: port, sending: payload)) }
            }
            var results = [Data](repeating: Data(), count: payloads.count)
            for try await (index, data) in group { results[index] = data }
            return results
        }
    }
}

/// A TCP service on a lab host, bound to the host's loopback only: `systemd-socket-activate --inetd`
/// runs `command` once per connection with the connection as its stdin and stdout (its `$` escaped
/// for systemd, which expands `$` in command lines).
struct LoopbackService {
    let host: SSHHost
    let port: Int
    let unit: String

    /// Runs `body` with one service per command, stopping them afterwards whatever happens.
    static func running(_ commands: String..., on host: SSHHost,
                        _ body: ([LoopbackService]) async throws -> Void) async throws {
        var services: [LoopbackService] = []
        do {
            for command in commands { services.append(try await start(on: host, command: command)) }
            try await body(services)
        } catch {
            for service in services { await service.stop() }
            throw error
        }
        for service in services { await service.stop() }
    }

    static func start(on host: SSHHost, command: String) async throws -> LoopbackService {
        let port = try await freePort(on: host)
        let unit = "kubeforge-forward-test-\(port)"
        let started = try await host.run("systemd-run --quiet --unit \(unit) "
            + "$(command -v systemd-socket-activate || echo /lib/systemd/systemd-socket-activate) "
            + "-l 127.0.0.1:\(port) --inetd -a sh -c \(ShellQuote.quote(command.replacingOccurrences(of: "$", with: "$$")))")
        guard started.succeeded else { throw TestFailure("starting \(unit): \(started.stderrText)") }
        for _ in 0..<100 {
            if try await host.run("ss -Hltn 'sport = :\(port)'").stdoutText.contains("127.0.0.1:\(port)") {
                return LoopbackService(host: host, port: port, unit: unit)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("\(unit) did not start listening on 127.0.0.1:\(port)")
    }

    /// A port nothing listens on at the host's loopback.
    static func freePort(on host: SSHHost) async throws -> Int {
        for _ in 0..<20 {
            let port = Int.random(in: 20_000...29_999)
            if try await host.run("ss -Hltn 'sport = :\(port)'").stdoutText.isEmpty { return port }
        }
        throw TestFailure("no free port on \(host.name)")
    }

    func stop() async {
        _ = try? await host.run("systemctl stop \(unit)")
    }
}

extension LocalTCP {
    /// Writes `line` on a connected blocking socket and reads the same number of bytes back.
    static func exchangeLine(_ line: String, on fd: Int32) throws -> String {
        let bytes = Array(line.utf8)
        guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { throw TestFailure("send failed: \(errno)") }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var answer = [UInt8](repeating: 0, count: bytes.count)
        var got = 0
        while got < bytes.count {
            let count = answer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!.advanced(by: got), bytes.count - got, 0) }
            guard count > 0 else { throw TestFailure("the connection ended after \(got) bytes (errno \(errno))") }
            got += count
        }
        return String(decoding: answer, as: UTF8.self)
    }

    /// Reads exactly `count` bytes.
    static func read(_ fd: Int32, count: Int) async throws -> Data {
        try await onThread {
            var tv = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var data = Data(count: count)
            var got = 0
            while got < count {
                let n = data.withUnsafeMutableBytes { recv(fd, $0.baseAddress!.advanced(by: got), count - got, 0) }
                guard n > 0 else { throw TestFailure("the connection ended after \(got) bytes (errno \(errno))") }
                got += n
            }
            return data
        }
    }

    /// Sends as fast as the connection takes for `duration`; how much it took.
    static func pushUntilBlocked(_ fd: Int32, for duration: Duration) async throws -> Int {
        try await onThread {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            let chunk = [UInt8](repeating: 7, count: 64 << 10)
            let end = ContinuousClock.now + duration
            var pushed = 0
            while ContinuousClock.now < end {
                let sent = send(fd, chunk, chunk.count, Int32(MSG_NOSIGNAL))
                if sent > 0 { pushed += sent; continue }
                guard errno == EAGAIN else { throw TestFailure("send failed: \(errno)") }
                var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, 50)
            }
            return pushed
        }
    }

    /// Reads up to the first newline.
    static func readLine(_ fd: Int32) async throws -> String {
        try await onThread {
            var tv = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var line: [UInt8] = []
            var byte: UInt8 = 0
            while recv(fd, &byte, 1, 0) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
            return String(decoding: line, as: UTF8.self)
        }
    }

    /// Whether connecting to 127.0.0.1:`port` is refused (nothing listens).
    static func refuses(port: Int) -> Bool {
        switch connect(port: port) {
        case let .success(fd):
            close(fd)
            return false
        case let .failure(error):
            return error.code == .ECONNREFUSED
        }
    }
}

extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
