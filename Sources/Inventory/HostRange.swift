/// A numeric range inside a name or address, `node[01:20]` or `10.0.0.[11:30]`, as KubeKey and
/// Ansible write them. Leading zeros in the start set the width (`01` → 01, 02, … 20).
struct HostRange: Sendable, Equatable {
    static let maximumCount = 4096

    let prefix: String
    let suffix: String
    let start: Int
    let end: Int
    let width: Int

    var count: Int { end - start + 1 }

    func value(at index: Int) -> String {
        let digits = String(start + index)
        let padding = String(repeating: "0", count: max(0, width - digits.count))
        return prefix + padding + digits + suffix
    }

    var values: [String] { (0..<count).map(value(at:)) }

    enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case descending(Int, Int)
        case tooLarge(Int)

        var description: String {
            switch self {
            case .malformed(let text):
                return "\"\(text.prefix(80))\" has a malformed range; write one [START:END] with decimal numbers, like node[01:20]"
            case .descending(let start, let end):
                return "range [\(start):\(end)] counts down; the start must not exceed the end"
            case .tooLarge(let count):
                return "range expands to \(count) entries; at most \(HostRange.maximumCount) are allowed"
            }
        }
    }

    /// Nil when the text has no brackets at all.
    static func parse(_ text: String) throws(ParseError) -> HostRange? {
        guard let open = text.firstIndex(of: "[") else {
            if text.contains("]") { throw .malformed(text) }
            return nil
        }
        guard let close = text[open...].firstIndex(of: "]") else { throw .malformed(text) }
        let suffix = text[text.index(after: close)...]
        let prefix = text[..<open]
        if suffix.contains("[") || suffix.contains("]") || prefix.contains("]") { throw .malformed(text) }
        let bounds = text[text.index(after: open)..<close].split(separator: ":", omittingEmptySubsequences: false)
        guard bounds.count == 2,
              let startText = bounds.first, let endText = bounds.last,
              isDecimal(startText), isDecimal(endText),
              let start = Int(startText), let end = Int(endText) else { throw .malformed(text) }
        guard start <= end else { throw .descending(start, end) }
        guard end - start < maximumCount else { throw .tooLarge(end - start + 1) }
        let width = startText.count > 1 && startText.first == "0" ? startText.count : 1
        return HostRange(prefix: String(prefix), suffix: String(suffix), start: start, end: end, width: width)
    }

    private static func isDecimal(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 9 && text.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
