import CLibSSH2
import Foundation
import Remote

/// File operations over SFTP, for a login that may write the paths itself (root, or no sudo).
extension SSHConnection {
    /// Uploads `data` to `temporary` (created with `mode`, beside `path`), then renames it over `path`.
    /// OpenSSH's SFTP rename refuses to replace a file and libssh2 1.10 has no posix-rename, so an
    /// existing file is removed first: `path` is briefly absent, but never holds part of a file.
    func upload(_ data: Data, to path: String, temporary: String, mode: UInt16) throws {
        let sftp = try sftp(deadline: nil)
        var handle = try openForWriting(sftp, temporary, mode: mode)
        do {
            try sftpCheck(session.call(deadline: nil) { kf_sftp_set_mode(handle!, UInt(mode)) }, sftp, temporary, "chmod")
            var offset = 0
            while offset < data.count {
                let written = data.withUnsafeBytes { raw in
                    libssh2_sftp_write(handle, raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self),
                                       min(data.count - offset, 1 << 20))
                }
                if written > 0 {
                    offset += written
                } else if written == Int(LIBSSH2_ERROR_EAGAIN) {
                    try session.waitForSocket(deadline: nil)
                } else {
                    try sftpCheck(Int32(written), sftp, temporary, "write")
                }
            }
            // fsync@openssh.com: the data is on disk before the rename publishes it. Older servers lack it.
            _ = try session.call(deadline: nil) { libssh2_sftp_fsync(handle) }
            let closing = handle
            handle = nil
            try sftpCheck(session.call(deadline: nil) { libssh2_sftp_close_handle(closing) }, sftp, temporary, "close")
            let renamed = try session.call(deadline: nil) { kf_sftp_rename_plain(sftp, temporary, path) }
            if renamed != 0 {
                try sftpCheck(session.call(deadline: nil) { kf_sftp_unlink(sftp, path) }, sftp, path, "remove", allowMissing: true)
                try sftpCheck(session.call(deadline: nil) { kf_sftp_rename_plain(sftp, temporary, path) }, sftp, path, "rename")
            }
        } catch {
            if let handle { _ = try? session.call(deadline: .after(.seconds(2))) { libssh2_sftp_close_handle(handle) } }
            if !isBroken { _ = try? session.call(deadline: .after(.seconds(2))) { kf_sftp_unlink(sftp, temporary) } }
            throw error
        }
    }

    /// Removes `path` if it exists (a leftover temporary file).
    func removeQuietly(_ path: String) throws {
        let sftp = try sftp(deadline: .after(configuration.connectTimeout))
        _ = try session.call(deadline: .after(configuration.connectTimeout)) { kf_sftp_unlink(sftp, path) }
    }

    func download(_ path: String) throws -> Data {
        let sftp = try sftp(deadline: nil)
        guard let handle = try session.callPointer(deadline: nil, { kf_sftp_open_read(sftp, path) }) else {
            try sftpCheck(session.lastErrno, sftp, path, "read")
            throw HostError.io(host: configuration.name, path: path, reason: "cannot open")
        }
        defer { _ = try? session.call(deadline: .after(.seconds(2))) { libssh2_sftp_close_handle(handle) } }
        var contents = Data()
        var buffer = [CChar](repeating: 0, count: 256 * 1024)
        while true {
            let count = libssh2_sftp_read(handle, &buffer, buffer.count)
            if count > 0 {
                buffer.withUnsafeBytes { contents.append(contentsOf: $0.prefix(count)) }
            } else if count == 0 {
                return contents
            } else if count == Int(LIBSSH2_ERROR_EAGAIN) {
                try session.waitForSocket(deadline: nil)
            } else {
                try sftpCheck(Int32(count), sftp, path, "read")
            }
        }
    }

    func statFile(_ path: String) throws -> FileStat? {
        let sftp = try sftp(deadline: nil)
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        let result = try session.call(deadline: nil) { kf_sftp_lstat(sftp, path, &attributes) }
        if result != 0 {
            if result == LIBSSH2_ERROR_SFTP_PROTOCOL, libssh2_sftp_last_error(sftp) == KF_FX_NO_SUCH_FILE { return nil }
            try sftpCheck(result, sftp, path, "stat")
        }
        let permissions = attributes.permissions
        let kind: FileStat.Kind = switch permissions & KF_SFTP_S_IFMT {
        case KF_SFTP_S_IFREG: .file
        case KF_SFTP_S_IFDIR: .directory
        case KF_SFTP_S_IFLNK: .symlink
        default: .other
        }
        return FileStat(kind: kind, mode: UInt16(permissions & 0o7777), size: attributes.filesize)
    }

    /// Opens `path` for exclusive creation, creating missing parent directories (0755) on demand.
    private func openForWriting(_ sftp: OpaquePointer, _ path: String, mode: UInt16) throws -> OpaquePointer? {
        for attempt in 0..<2 {
            var handle: OpaquePointer?
            let result = try session.call(deadline: nil) { kf_sftp_open_write(sftp, path, Int(mode), &handle) == 0 ? 0 : session.lastErrno }
            if result == 0, let handle { return handle }
            let missing = result == LIBSSH2_ERROR_SFTP_PROTOCOL && libssh2_sftp_last_error(sftp) == KF_FX_NO_SUCH_FILE
            guard missing, attempt == 0 else { try sftpCheck(result, sftp, path, "create"); break }
            try makeDirectories((path as NSString).deletingLastPathComponent, sftp)
        }
        throw HostError.io(host: configuration.name, path: path, reason: "cannot create")
    }

    private func makeDirectories(_ directory: String, _ sftp: OpaquePointer) throws {
        var missing: [String] = []
        var current = directory
        while !current.isEmpty, current != "/", try statFile(current) == nil {
            missing.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        for path in missing.reversed() {
            let result = try session.call(deadline: nil) { kf_sftp_mkdir(sftp, path, 0o755) }
            if result != 0, try statFile(path)?.kind != .directory { try sftpCheck(result, sftp, path, "mkdir") }
        }
    }

    /// Throws a precise error for a failed SFTP call (`result` < 0).
    private func sftpCheck(_ result: Int32, _ sftp: OpaquePointer, _ path: String, _ operation: String,
                           allowMissing: Bool = false) throws {
        guard result < 0 else { return }
        guard result == LIBSSH2_ERROR_SFTP_PROTOCOL else { throw failure("SFTP \(operation) \(path)", code: result) }
        let status = libssh2_sftp_last_error(sftp)
        if status == KF_FX_NO_SUCH_FILE {
            if allowMissing { return }
            throw HostError.fileNotFound(host: configuration.name, path: path)
        }
        let reason = switch status {
        case KF_FX_PERMISSION_DENIED: "permission denied (log in as root or configure sudo)"
        case KF_FX_FILE_ALREADY_EXISTS: "already exists"
        case KF_FX_FAILURE: "the server reported a failure (disk full, or a directory in the way?)"
        default: "SFTP status \(status)"
        }
        throw SSHError.sftp(host: configuration.name, path: path, operation: operation, reason: reason)
    }
}
