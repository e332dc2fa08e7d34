import Foundation
import Remote

/// Wraps commands for a non-root login that raises itself with sudo, and recognises sudo's refusals.
struct SudoCommand: Sendable, Equatable {
    var mode: SSHHost.Configuration.Sudo

    /// The command line sent to the host. With a password, `-k` makes sudo always read it (a cached
    /// timestamp would otherwise hand the password line to the command); `-p ''` keeps its prompt off stderr.
    func wrap(_ command: String) -> String {
        switch mode {
        case .none: command
        case .passwordless: "sudo -n -- /bin/sh -c " + ShellQuote.quote(command)
        case .password: "sudo -k -S -p '' -- /bin/sh -c " + ShellQuote.quote(command)
        }
    }

    /// The bytes sent to the command's stdin: sudo's password line first, when there is one.
    func stdin(_ input: Data?, password: String?) -> Data? {
        guard mode == .password, let password else { return input }
        return Data((password + "\n").utf8) + (input ?? Data())
    }

    /// Why sudo refused to run the command, judged from its exit status and stderr; nil when it ran.
    static func refusal(in result: CommandResult) -> String? {
        guard result.exitStatus == 1 else { return nil }
        let stderr = result.stderrText
        if stderr.contains("sudo: a password is required") {
            return "a password is required; configure sudo with a password (KUBEFORGE_SUDO_PASSWORD) or allow NOPASSWD"
        }
        if stderr.contains("incorrect password attempt") || stderr.contains("no password was provided") {
            return "the sudo password was not accepted; check KUBEFORGE_SUDO_PASSWORD (or KUBEFORGE_SSH_PASSWORD)"
        }
        if stderr.contains("is not in the sudoers file") || stderr.contains("is not allowed to execute") {
            return "the user may not use sudo on this host; grant it in /etc/sudoers.d or log in as root"
        }
        return nil
    }
}
