import Foundation

/// A Go `time.Duration` as kubeadm's configuration writes it (`24h0m0s`, `4m0s`, `8760h0m0s`).
public struct GoDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Whole seconds; kubeadm's durations never need sub-second precision.
    public let seconds: Int

    public init(seconds: Int) { self.seconds = seconds }
    public static func hours(_ h: Int) -> GoDuration { GoDuration(seconds: h * 3600) }
    public static func minutes(_ m: Int) -> GoDuration { GoDuration(seconds: m * 60) }

    /// Parses Go duration syntax with the units h, m, s (and ms/us/ns rounded down to seconds).
    public init?(parsing text: String) {
        let units: [(String, Double)] = [("h", 3600), ("ms", 0.001), ("us", 0.000001), ("µs", 0.000001), ("ns", 1e-9), ("m", 60), ("s", 1)]
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if rest == "0" { self.init(seconds: 0); return }
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        self.init(seconds: Int(total))
    }

    /// Go's `Duration.String()` for whole seconds: `0s`, `45s`, `4m0s`, `24h0m0s`.
    public var description: String {
        if seconds == 0 { return "0s" }
        let h = seconds / 3600, m = (seconds % 3600) / 60, s = seconds % 60
        if h > 0 { return "\(h)h\(m)m\(s)s" }
        if m > 0 { return "\(m)m\(s)s" }
        return "\(s)s"
    }

    public static func < (lhs: GoDuration, rhs: GoDuration) -> Bool { lhs.seconds < rhs.seconds }
}
