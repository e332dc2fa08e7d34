import ArgumentParser
import Foundation
import PKI

/// Exit statuses and output shared by the certs, kubeconfig and token commands: 0 done, 1 the operation failed
/// or left problems, 2 bad input — with the message on stderr.
enum CertsErrorReporting {
    /// Runs `body`; it returns false when it finished with problems to report (exit 1).
    static func run(_ body: () async throws -> Bool) async throws {
        let succeeded: Bool
        do {
            succeeded = try await body()
        } catch let error as PKIError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(error.isBadInput ? 2 : 1)
        }
        if !succeeded { throw ExitCode(1) }
    }

    static func print(_ report: PKIReport, prefix: String) {
        for line in report.lines { KubeforgeCLI.print("\(prefix) \(line)") }
        for problem in report.problems {
            FileHandle.standardError.write(Data("\(prefix) error: \(problem)\n".utf8))
        }
    }
}
