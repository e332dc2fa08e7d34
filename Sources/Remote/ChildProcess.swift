import Foundation

/// A child started with posix_spawn, in its own process group, with default signal dispositions and an
/// empty signal mask. Foundation's `Process` lets the child inherit a mask with SIGCHLD blocked, and then
/// `cmd & wait` in a script never returns.
struct ChildProcess: Sendable {
    let pid: pid_t
    /// The write end of the child's stdin, when it has one.
    let stdinFD: Int32?

    static func spawn(_ arguments: [String], stdout: Int32, stderr: Int32, feedsStdin: Bool) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var stdinPipe: [Int32] = [-1, -1]
        if feedsStdin {
            guard pipe(&stdinPipe) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            // Only the child's fd 0 may stay open in the child.
            _ = fcntl(stdinPipe[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(stdinPipe[1], F_SETFD, FD_CLOEXEC)
            posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
        if feedsStdin { close(stdinPipe[0]) }
        guard rc == 0 else {
            if feedsStdin { close(stdinPipe[1]) }
            throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO)
        }
        return ChildProcess(pid: pid, stdinFD: feedsStdin ? stdinPipe[1] : nil)
    }

    /// Writes `data` to the child's stdin on a thread of its own (the write blocks until the child reads),
    /// then closes it.
    func feed(_ data: Data) {
        guard let fd = stdinFD else { return }
        Thread.detachNewThread {
            data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }  // the child closed its stdin
                    offset += n
                }
            }
            close(fd)
        }
    }

    /// Blocks until the child exits; returns its exit status, or 128 + signal as a shell would.
    func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Kills the child and everything it started.
    func killGroup() {
        kill(-pid, SIGKILL)
    }
}
