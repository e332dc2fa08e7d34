import Foundation
import Remote

/// Shell scripts for file operations that must run through sudo (SFTP runs as the login user).
enum RemoteScripts {
    /// Writes stdin to `temporary` (mode 0600 while written), checks that exactly `size` bytes arrived
    /// (a dropped connection ends stdin early), sets `mode` and renames over `path`; removes the
    /// temporary file on any failure.
    static func atomicWrite(path: String, temporary: String, size: Int, mode: UInt16) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        let t = ShellQuote.quote(temporary)
        return [
            "set -e",
            "trap 'rm -f \(t)' EXIT",
            "trap 'rm -f \(t); exit 1' HUP INT TERM PIPE",
            directory.isEmpty ? ":" : "mkdir -p -m 0755 \(ShellQuote.quote(directory))",
            "(umask 077; cat > \(t))",
            "[ \"$(wc -c < \(t))\" -eq \(size) ] || { echo 'incomplete upload' >&2; exit 1; }",
            "chmod \(String(mode, radix: 8)) \(t)",
            "mv -f \(t) \(ShellQuote.quote(path))",
            "trap - EXIT",
        ].joined(separator: "\n")
    }

    /// Prints `missing`, or the raw mode in hex and the size (`stat -c '%f %s'`, which does not follow links).
    static func stat(path: String) -> String {
        let p = ShellQuote.quote(path)
        return "if [ -e \(p) ] || [ -L \(p) ]; then stat -c '%f %s' -- \(p); else echo missing; fi"
    }

    static func parseStat(_ output: String) -> FileStat? {
        let fields = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard fields.count == 2, let raw = UInt32(fields[0], radix: 16), let size = UInt64(fields[1]) else { return nil }
        let kind: FileStat.Kind = switch raw & 0o170000 {
        case 0o100000: .file
        case 0o040000: .directory
        case 0o120000: .symlink
        default: .other
        }
        return FileStat(kind: kind, mode: UInt16(raw & 0o7777), size: size)
    }
}
