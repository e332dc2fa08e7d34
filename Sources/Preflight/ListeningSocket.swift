import Foundation

/// A TCP socket in LISTEN state, read from `ss -ltnp` or from `/proc/net/tcp{,6}`.
public struct ListeningSocket: Sendable, Equatable {
    public var address: String
    public var port: Int
    /// The owning process (`kube-apiserver (pid 1234)`), when `ss -p` could see it.
    public var process: String?

    public init(address: String, port: Int, process: String? = nil) {
        self.address = address
        self.port = port
        self.process = process
    }

    /// Parses `ss -ltn[p]` output with or without its header line; iproute2 4.11 (CentOS 7) and newer.
    public static func parseSS(_ text: String) -> [ListeningSocket] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            // With -l the state column is present: State Recv-Q Send-Q Local Peer [Process].
            guard fields.count >= 5, fields[0] == "LISTEN", let colon = fields[3].lastIndex(of: ":"),
                  let port = Int(fields[3][fields[3].index(after: colon)...]) else { return nil }
            var address = String(fields[3][..<colon])
            if let percent = address.firstIndex(of: "%") { address = String(address[..<percent]) }
            address = address.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            let rest = fields.dropFirst(5).joined(separator: " ")
            return ListeningSocket(address: address, port: port, process: processName(rest))
        }
    }

    /// Parses `/proc/net/tcp` or `/proc/net/tcp6`: state `0A` is LISTEN, the port is hexadecimal.
    public static func parseProcNet(_ text: String) -> [ListeningSocket] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[3] == "0A" else { return nil }
            let local = fields[1].split(separator: ":")
            guard local.count == 2, let port = Int(local[1], radix: 16) else { return nil }
            return ListeningSocket(address: String(local[0]), port: port)
        }
    }

    /// `users:(("kube-apiserver",pid=1234,fd=7))` → `kube-apiserver (pid 1234)`.
    private static func processName(_ text: String) -> String? {
        guard let open = text.range(of: "((\""), let close = text[open.upperBound...].firstIndex(of: "\"") else { return nil }
        let name = String(text[open.upperBound..<close])
        if let pid = text.range(of: "pid="), let end = text[pid.upperBound...].firstIndex(where: { !$0.isNumber }) {
            return "\(name) (pid \(text[pid.upperBound..<end]))"
        }
        return name
    }
}
