import ArgumentParser
import Foundation

extension Kubeforge {
    /// Parses and runs a command with design.md's exit codes: ArgumentParser reports bad flags with 64
    /// (EX_USAGE); kubeforge's contract is 2 for every kind of bad input.
    public static func runMain() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            exit(withError: ExitCode(2))
        }
    }
}
