import Foundation
import Testing
@testable import Remote

@Suite struct ShellQuoteTests {
    /// The real /bin/sh reads every quoted value back byte for byte.
    @Test(arguments: ["plain", "", "two words", "it's", "$(reboot)", "`id`", "a\"b", "semi;colon", "new\nline", "*", "~root", "A=B", "-rf"])
    func roundTripsThroughSh(value: String) async throws {
        let result = try await LocalHost().run("printf '%s' " + ShellQuote.quote(value))
        #expect(result.stdoutText == value)
        #expect(result.exitStatus == 0)
    }

    @Test func leavesSafeWordsBare() {
        #expect(ShellQuote.quote("/etc/kubernetes/pki") == "/etc/kubernetes/pki")
        #expect(ShellQuote.join(["ls", "-l", "a b"]) == "ls -l 'a b'")
    }
}

@Suite struct LocalHostTests {
    @Test func capturesStdoutStderrAndStatus() async throws {
        let result = try await LocalHost().run("echo out; echo err >&2; exit 3")
        #expect(result.stdoutText == "out\n")
        #expect(result.stderrText == "err\n")
        #expect(result.exitStatus == 3)
    }

    @Test func feedsStdin() async throws {
        let result = try await LocalHost().run("cat", stdin: Data("secret-from-stdin".utf8), timeout: .seconds(10))
        #expect(result.stdoutText == "secret-from-stdin")
    }

    @Test func largeOutputDoesNotStall() async throws {
        let result = try await LocalHost().run("head -c 3000000 /dev/zero", timeout: .seconds(30))
        #expect(result.stdout.count == 3_000_000)
    }

    /// Children start with a clean signal mask: a script that waits for its own background job returns.
    @Test func backgroundJobsCanBeAwaited() async throws {
        let result = try await LocalHost().run("sleep 0.1 & wait; grep -E '^Sig(Blk|Ign)' /proc/self/status", timeout: .seconds(10))
        #expect(result.exitStatus == 0)
        #expect(result.stdoutText.contains("SigBlk:\t0000000000000000"))
    }

    @Test func timesOut() async throws {
        let start = ContinuousClock.now
        await #expect(throws: HostError.self) {
            _ = try await LocalHost().run("sleep 120", timeout: .milliseconds(300))
        }
        // Far below the command's 120 s: the timeout, not the command, ended the wait.
        #expect(ContinuousClock.now - start < .seconds(60))
    }

    @Test func writesAtomicallyWithModeUnderRootfs() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kf-rootfs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let host = LocalHost(rootfs: root)
        try await host.writeFile("/etc/kubernetes/pki/ca.key", contents: Data("key".utf8), mode: 0o600)
        let stat = try #require(try await host.stat("/etc/kubernetes/pki/ca.key"))
        #expect(stat.kind == .file)
        #expect(stat.mode == 0o600)
        #expect(stat.size == 3)
        #expect(FileManager.default.fileExists(atPath: root + "/etc/kubernetes/pki/ca.key"))
        #expect(try await host.readFile("/etc/kubernetes/pki/ca.key") == Data("key".utf8))
        // No temporary file is left beside it.
        let names = try FileManager.default.contentsOfDirectory(atPath: root + "/etc/kubernetes/pki")
        #expect(names == ["ca.key"])
        #expect(try await host.stat("/etc/kubernetes/missing") == nil)
    }

    @Test func missingFileIsNamed() async throws {
        await #expect(throws: HostError.fileNotFound(host: "localhost", path: "/nonexistent/kubeforge")) {
            _ = try await LocalHost().readFile("/nonexistent/kubeforge")
        }
    }
}

@Suite struct FanOutTests {
    struct Boom: Error {}

    @Test func keepsOrderAndIsolatesFailures() async throws {
        let results = await FanOut.map(Array(0..<20), concurrency: 4) { n -> Int in
            if n == 7 { throw Boom() }
            try await Task.sleep(for: .milliseconds(20 - n))
            return n * n
        }
        #expect(results.count == 20)
        for (n, result) in results.enumerated() {
            if n == 7 {
                #expect(throws: Boom.self) { try result.get() }
            } else {
                #expect(try result.get() == n * n)
            }
        }
    }

    @Test func neverExceedsTheBound() async {
        let gauge = Gauge()
        _ = await FanOut.map(Array(0..<30), concurrency: 5) { _ in
            await gauge.enter()
            try await Task.sleep(for: .milliseconds(10))
            await gauge.leave()
        }
        #expect(await gauge.peak == 5)
    }

    actor Gauge {
        var current = 0
        var peak = 0
        func enter() { current += 1; peak = max(peak, current) }
        func leave() { current -= 1 }
    }
}
