import Foundation

/// This machine. With a `rootfs`, every file path is resolved under that directory (kubeadm's `--rootfs`);
/// commands still run on this machine as they are.
public struct LocalHost: Host {
    public let name: String
    public let rootfs: String?

    public init(name: String = "localhost", rootfs: String? = nil) {
        self.name = name
        self.rootfs = rootfs.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    /// This machine under its own host name, so progress and errors of commands run on a node (`init`, `join`)
    /// name the node rather than "localhost".
    public static func named(rootfs: String? = nil) -> LocalHost {
        var buffer = [CChar](repeating: 0, count: 256)
        let name = gethostname(&buffer, buffer.count) == 0 ? String(cString: buffer) : ""
        return LocalHost(name: name.isEmpty ? "localhost" : name, rootfs: rootfs)
    }

    /// `path` as seen on this machine, under `rootfs` when one is set.
    public func resolve(_ path: String) -> String {
        guard let rootfs, !rootfs.isEmpty else { return path }
        return rootfs + (path.hasPrefix("/") ? path : "/" + path)
    }

    public func run(_ command: String, stdin: Data?, timeout: Duration?) async throws -> CommandResult {
        // Output goes to unlinked temporary files: no pipe can fill up and stall the child.
        let stdoutFile = try TemporaryOutput()
        let stderrFile = try TemporaryOutput()
        let child = try ChildProcess.spawn(["/bin/sh", "-c", command], stdout: stdoutFile.fd, stderr: stderrFile.fd,
                                           feedsStdin: stdin != nil)
        if let stdin { child.feed(stdin) }
        let exited = ExitSignal()
        let status = StatusBox()
        // waitpid blocks: give it a thread of its own, never one of the shared pools (which on Linux hold
        // one thread per core, so a few blocked waits would starve timers and everything else).
        Thread.detachNewThread {
            status.value = child.waitForExit()
            exited.fire()
        }
        guard await exited.wait(timeout: timeout) else {
            child.killGroup()
            throw HostError.timedOut(host: name, command: command, after: timeout ?? .zero)
        }
        return CommandResult(stdout: try stdoutFile.contents(), stderr: try stderrFile.contents(),
                             exitStatus: status.value)
    }

    public func readFile(_ path: String) async throws -> Data {
        let full = resolve(path)
        guard FileManager.default.fileExists(atPath: full) else { throw HostError.fileNotFound(host: name, path: path) }
        do { return try Data(contentsOf: URL(fileURLWithPath: full)) } catch {
            throw HostError.io(host: name, path: path, reason: error.localizedDescription)
        }
    }

    public func writeFile(_ path: String, contents: Data, mode: UInt16) async throws {
        do { try AtomicFile.write(contents, to: resolve(path), mode: mode) } catch {
            throw HostError.io(host: name, path: path, reason: "\(error)")
        }
    }

    public func removeFile(_ path: String) async throws {
        guard unlink(resolve(path)) == 0 || errno == ENOENT else {
            throw HostError.io(host: name, path: path, reason: String(cString: strerror(errno)))
        }
    }

    public func makeDirectory(_ path: String, mode: UInt16) async throws {
        do {
            try FileManager.default.createDirectory(atPath: resolve(path), withIntermediateDirectories: true)
            _ = chmod(resolve(path), mode_t(mode))
        } catch {
            throw HostError.io(host: name, path: path, reason: error.localizedDescription)
        }
    }

    /// This machine reaches its own ports directly.
    public func forwardPort(_ port: Int, on address: String) async throws -> any PortForward {
        DirectPortForward(address: address, port: port)
    }

    public func stat(_ path: String) async throws -> FileStat? {
        var info = Foundation.stat()
        guard lstat(resolve(path), &info) == 0 else { return nil }
        let kind: FileStat.Kind = switch info.st_mode & S_IFMT {
        case S_IFREG: .file
        case S_IFDIR: .directory
        case S_IFLNK: .symlink
        default: .other
        }
        return FileStat(kind: kind, mode: UInt16(info.st_mode & 0o7777), size: UInt64(info.st_size))
    }
}

/// Writes files the way every private key and config must be written: temporary file in the same
/// directory, created with the final mode (never briefly world-readable), fsync, then rename.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String, mode: UInt16) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = directory + "/." + url.lastPathComponent + ".kubeforge-" + UUID().uuidString.prefix(8)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var committed = false
        defer {
            if !committed { unlink(temporary) }
        }
        do {
            try data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                    }
                    offset += written
                }
            }
            // The umask may have narrowed the mode given to open(2); set it exactly.
            guard fchmod(fd, mode_t(mode)) == 0, fsync(fd) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        committed = true
    }
}

/// An unlinked temporary file that collects a child process's output.
private struct TemporaryOutput {
    let handle: FileHandle
    var fd: Int32 { handle.fileDescriptor }

    init() throws {
        var template = Array("/tmp/kubeforge-out-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    func contents() throws -> Data {
        try handle.seek(toOffset: 0)
        return try handle.readToEnd() ?? Data()
    }
}

private final class StatusBox: @unchecked Sendable {  // written once before `ExitSignal.fire`, read after
    var value: Int32 = -1
}

/// A one-shot signal that an async caller can wait on with a deadline.
private final class ExitSignal: @unchecked Sendable {
    /// Deadlines fire on their own queue, so blocked work elsewhere cannot delay a timeout.
    static let timers = DispatchQueue(label: "kubeforge.localhost.timeouts")

    private let lock = NSLock()
    private var fired = false
    private var waiter: CheckedContinuation<Bool, Never>?

    func fire() {
        lock.lock()
        fired = true
        let waiting = waiter
        waiter = nil
        lock.unlock()
        waiting?.resume(returning: true)
    }

    /// True when the signal fired, false when `timeout` passed first.
    func wait(timeout: Duration?) async -> Bool {
        await withCheckedContinuation { continuation in
            lock.lock()
            if fired {
                lock.unlock()
                continuation.resume(returning: true)
                return
            }
            waiter = continuation
            lock.unlock()
            guard let timeout else { return }
            let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            ExitSignal.timers.asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [self] in
                lock.lock()
                let waiting = waiter
                waiter = nil
                lock.unlock()
                waiting?.resume(returning: false)
            }
        }
    }
}
