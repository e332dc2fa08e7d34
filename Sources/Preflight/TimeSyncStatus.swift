import Foundation

/// Whether the clock is synchronised, as reported by chrony, ntpd or systemd (timedatectl).
public struct TimeSyncStatus: Sendable, Equatable {
    public enum Source: String, Sendable, Equatable { case chrony, ntpd, timedatectl }

    public var source: Source
    public var synchronized: Bool
    /// What the tool said, for the check's message.
    public var detail: String

    public init(source: Source, synchronized: Bool, detail: String) {
        self.source = source
        self.synchronized = synchronized
        self.detail = detail
    }

    /// `chronyc -n tracking`: synchronised when `Leap status` is not `Not synchronised` and a reference exists.
    public static func parseChrony(_ text: String, exitStatus: Int?) -> TimeSyncStatus? {
        guard exitStatus ?? 0 == 0 else {
            return TimeSyncStatus(source: .chrony, synchronized: false, detail: "chronyc: " + firstLine(text))
        }
        let fields = colonFields(text)
        guard let leap = fields["Leap status"] else { return nil }
        let reference = fields["Reference ID"] ?? ""
        let unsynced = leap.lowercased().hasPrefix("not synchron") || reference.hasPrefix("00000000")
        var detail = "chrony leap status \(leap)"
        if let offset = fields["System time"] { detail += ", system time \(offset)" }
        return TimeSyncStatus(source: .chrony, synchronized: !unsynced, detail: detail)
    }

    /// `ntpq -pn`: synchronised when a peer line is marked `*` (the system peer).
    public static func parseNtpq(_ text: String, exitStatus: Int?) -> TimeSyncStatus? {
        guard exitStatus ?? 0 == 0 else {
            return TimeSyncStatus(source: .ntpd, synchronized: false, detail: "ntpq: " + firstLine(text))
        }
        let peer = text.split(separator: "\n").first { $0.hasPrefix("*") }
        if let peer {
            let address = peer.dropFirst().split(separator: " ").first.map(String.init) ?? "?"
            return TimeSyncStatus(source: .ntpd, synchronized: true, detail: "ntpd system peer \(address)")
        }
        return TimeSyncStatus(source: .ntpd, synchronized: false, detail: "ntpd has no system peer (no line marked *)")
    }

    /// `timedatectl show` (`NTPSynchronized=yes`) or `timedatectl status` of systemd 219 (`NTP synchronized: yes`)
    /// and newer (`System clock synchronized: yes`).
    public static func parseTimedatectl(_ text: String, exitStatus: Int?) -> TimeSyncStatus? {
        guard exitStatus ?? 0 == 0 else { return nil }
        var synced: String?
        var service: String?
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let value = value(of: "NTPSynchronized=", in: trimmed) ?? value(of: "System clock synchronized:", in: trimmed)
                ?? value(of: "NTP synchronized:", in: trimmed) {
                synced = value
            }
            if let value = value(of: "NTP=", in: trimmed) ?? value(of: "NTP service:", in: trimmed)
                ?? value(of: "NTP enabled:", in: trimmed) {
                service = value
            }
        }
        guard let synced else { return nil }
        var detail = "timedatectl: synchronized \(synced)"
        if let service { detail += ", NTP service \(service)" }
        return TimeSyncStatus(source: .timedatectl, synchronized: synced == "yes", detail: detail)
    }

    private static func value(of key: String, in line: String) -> String? {
        guard line.hasPrefix(key) else { return nil }
        return line.dropFirst(key.count).trimmingCharacters(in: .whitespaces)
    }

    private static func colonFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].trimmingCharacters(in: .whitespaces)] =
                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    private static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n").first ?? "failed")
    }
}
