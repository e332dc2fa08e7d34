import CLibSSH2
import Foundation
import Remote

extension SSHConnection {
    /// Runs `command` on one new channel of this connection: open, exec, stream stdin/stdout/stderr,
    /// collect the exit status. Throws `HostError.timedOut` when `timeout` passes.
    func execute(_ command: String, displayCommand: String, stdin: Data?, timeout: Duration?) throws -> CommandResult {
        let deadline = timeout.map(Deadline.after)
        var openedChannel: OpaquePointer?
        defer { if let openedChannel { release(openedChannel) } }
        do {
            guard let channel = try session.openChannel(deadline: deadline, { kf_channel_open_session(session.raw) }) else {
                throw failure("opening a channel")
            }
            openedChannel = channel
            let started = try session.call(deadline: deadline) {
                libssh2_channel_process_startup(channel, "exec", 4, command, UInt32(command.utf8.count))
            }
            guard started == 0 else { throw failure("starting the command") }
            var output = Data()
            var errors = Data()
            try pump(channel, stdin: stdin ?? Data(), stdout: &output, stderr: &errors, deadline: deadline)
            // Wait for the server's close first: the exit status is sent before it.
            guard try session.call(deadline: deadline, { libssh2_channel_wait_closed(channel) }) == 0 else {
                throw failure("waiting for the command to finish")
            }
            return CommandResult(stdout: output, stderr: errors, exitStatus: exitStatus(of: channel))
        } catch is DeadlineExceeded {
            throw HostError.timedOut(host: configuration.name, command: displayCommand, after: timeout ?? .zero)
        }
    }

    /// Moves stdin out and stdout/stderr in until the command's output ends.
    private func pump(_ channel: OpaquePointer, stdin input: Data, stdout: inout Data, stderr: inout Data,
                      deadline: Deadline?) throws {
        var sent = 0
        var eofSent = false
        var buffer = [CChar](repeating: 0, count: 64 * 1024)
        while true {
            var progressed = false
            if !eofSent {
                if sent < input.count {
                    let written = input.withUnsafeBytes { raw in
                        libssh2_channel_write_ex(channel, 0, raw.baseAddress!.advanced(by: sent).assumingMemoryBound(to: CChar.self),
                                                 min(input.count - sent, 256 * 1024))
                    }
                    if written > 0 {
                        sent += written
                        progressed = true
                    } else if written != Int(LIBSSH2_ERROR_EAGAIN) {
                        if SSHSession.isTransportFailure(Int32(written)) { throw failure("sending input", code: Int32(written)) }
                        sent = input.count  // the command stopped reading its input; that is its business
                    }
                }
                if sent >= input.count {
                    let result = libssh2_channel_send_eof(channel)
                    if result != LIBSSH2_ERROR_EAGAIN {
                        if SSHSession.isTransportFailure(result) { throw failure("closing input", code: result) }
                        eofSent = true
                        progressed = true
                    }
                }
            }
            for stream: Int32 in [0, 1] {
                while true {
                    let count = libssh2_channel_read_ex(channel, stream, &buffer, buffer.count)
                    if count > 0 {
                        buffer.withUnsafeBytes { raw in
                            if stream == 0 { stdout.append(contentsOf: raw.prefix(count)) } else { stderr.append(contentsOf: raw.prefix(count)) }
                        }
                        progressed = true
                    } else if count == 0 || count == Int(LIBSSH2_ERROR_EAGAIN) {
                        break
                    } else {
                        throw failure("reading output", code: Int32(count))
                    }
                }
            }
            if libssh2_channel_eof(channel) != 0 { return }
            if !progressed { try session.waitForSocket(deadline: deadline) }
        }
    }

    /// The exit status, or 128 + signal number when the command was killed by a signal (as a shell reports it).
    private func exitStatus(of channel: OpaquePointer) -> Int32 {
        var signal: UnsafeMutablePointer<CChar>?
        var length = 0
        if libssh2_channel_get_exit_signal(channel, &signal, &length, nil, nil, nil, nil) == 0, let signal {
            let name = String(cString: signal)
            libssh2_free(session.raw, signal)
            return 128 + (Self.signalNumbers[name] ?? 0)
        }
        return libssh2_channel_get_exit_status(channel)
    }

    private static let signalNumbers: [String: Int32] = [
        "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "ABRT": 6, "FPE": 8, "KILL": 9, "USR1": 10, "SEGV": 11,
        "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15,
    ]

    /// Closes and frees a channel without waiting long (the peer may be gone or the command still running).
    private func release(_ channel: OpaquePointer) {
        let deadline = Deadline.after(.seconds(2))
        do {
            try session.call(deadline: deadline) { libssh2_channel_close(channel) }
            try session.call(deadline: deadline) { libssh2_channel_free(channel) }
        } catch {
            // A half-sent close would desynchronise the next request: start afresh next time.
            markBroken()
        }
    }
}
