import ArgumentParser
import Foundation
import KubeadmConfig

/// Loading a kubeadm configuration for a command: defaults or `--config F`, then init flags on top.
/// Bad input is printed (file, line, field) and exits with status 2.
enum ConfigInput {
    static func load(configFile: String?, flags: InitFlags = InitFlags(), rejectMixedFlags: Bool = false) throws -> KubeadmConfiguration {
        do {
            var config = KubeadmConfiguration()
            if let configFile {
                config = try KubeadmConfiguration.load(contentsOf: configFile)
            }
            try flags.apply(to: &config, fromConfigFile: rejectMixedFlags && configFile != nil)
            return config
        } catch {
            throw badInput(error.description)
        }
    }

    /// Writes `message` to standard error and returns the exit status for bad input.
    static func badInput(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(2)
    }
}
