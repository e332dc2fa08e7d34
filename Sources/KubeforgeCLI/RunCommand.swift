import ArgumentParser
import Foundation
import Inventory
import Remote
import SSH

/// `kubeforge run -i INV [--hosts SEL] -- CMD...`: an ad-hoc command on every selected host at once.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command on inventory hosts over SSH and print each host's output.",
        discussion: "Output lines are prefixed with the host name. Exits 1 when any host fails or is unreachable.")

    @OptionGroup var target: InventoryOptions

    @OptionGroup var fanOut: FanOutOptions

    @Option(help: "Seconds the command may run on each host (0: no limit).")
    var timeout: Int = 0

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: OutputFormat = .text

    @Argument(parsing: .postTerminator, help: "The command, run by the login shell as ssh would run it.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command after --, e.g. kubeforge run -i inv.yaml -- hostname") }
        guard timeout >= 0 else { throw ValidationError("--timeout must be ≥ 0") }
    }

    func run() async throws {
        let (_, hosts) = try target.load()
        let line = command.joined(separator: " ")
        let limit: Duration? = timeout > 0 ? .seconds(timeout) : nil
        let printer = HostOutputPrinter(enabled: output == .text)
        let transports = fanOut.sshHosts(hosts)
        let results = await FanOut.map(transports, concurrency: fanOut.concurrency) { host in
            do {
                let output = try await host.run(line, timeout: limit)
                await host.disconnect()
                printer.print(host: host.name, result: output)
                return output
            } catch {
                await host.disconnect()
                throw error
            }
        }
        let outcomes = zip(hosts, results).map { HostRunOutcome(host: $0, result: $1) }
        switch output {
        case .text: FileHandle.standardError.write(Data(HostRunOutcome.summary(outcomes).utf8))
        case .json: print(try HostRunOutcome.json(outcomes))
        }
        if outcomes.contains(where: { !$0.succeeded }) { throw ExitCode(1) }
    }
}

/// What `run` learned from one host.
struct HostRunOutcome {
    var host: InventoryHost
    var result: Result<CommandResult, any Error>

    var succeeded: Bool { (try? result.get())?.succeeded ?? false }

    /// Why the host failed, in a few words, or nil.
    var failure: String? {
        switch result {
        case let .success(output): output.succeeded ? nil : "exit status \(output.exitStatus)"
        case let .failure(error): "\(error)"
        }
    }

    static func summary(_ outcomes: [HostRunOutcome]) -> String {
        let failed = outcomes.filter { !$0.succeeded }
        var text = "\(outcomes.count) host\(outcomes.count == 1 ? "" : "s"): \(outcomes.count - failed.count) succeeded, \(failed.count) failed\n"
        for outcome in failed { text += "  \(outcome.host.name): \(outcome.failure ?? "failed")\n" }
        return text
    }

    static func json(_ outcomes: [HostRunOutcome]) throws -> String {
        let hosts: [[String: Any]] = outcomes.map { outcome in
            var entry: [String: Any] = ["name": outcome.host.name, "address": outcome.host.address]
            switch outcome.result {
            case let .success(output):
                entry["exitStatus"] = Int(output.exitStatus)
                entry["stdout"] = output.stdoutText
                entry["stderr"] = output.stderrText
                entry["error"] = NSNull()
            case let .failure(error):
                entry["exitStatus"] = NSNull()
                entry["error"] = "\(error)"
            }
            return entry
        }
        let failed = outcomes.filter { !$0.succeeded }.count
        let document: [String: Any] = ["hosts": hosts, "summary": ["hosts": outcomes.count, "failed": failed]]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

/// Prints each host's output as soon as it finishes, a whole host at a time so lines never interleave.
final class HostOutputPrinter: Sendable {
    private let enabled: Bool
    private let lock = NSLock()

    init(enabled: Bool) { self.enabled = enabled }

    func print(host: String, result: CommandResult) {
        guard enabled else { return }
        let out = Self.prefixed(result.stdoutText, with: host)
        let err = Self.prefixed(result.stderrText, with: host)
        lock.withLock {
            FileHandle.standardOutput.write(Data(out.utf8))
            FileHandle.standardError.write(Data(err.utf8))
        }
    }

    static func prefixed(_ text: String, with host: String) -> String {
        guard !text.isEmpty else { return "" }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines.map { "\(host) | \($0)\n" }.joined()
    }
}
