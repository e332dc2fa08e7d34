/// A Kubernetes release version: `v1.28.0` or `1.28.0`, optionally `-rc.1` / `+build`.
///
/// Kept apart from `KubeTypes.KubernetesVersion` on purpose: an inventory must name a full release (no `1.28`,
/// no `stable-1`, no leading zeros, major 1), while the shared type's failable parser is preflight's lenient one
/// (`1.28` is v1.28.0) and its throwing parser accepts kubeadm's labels.
struct KubernetesVersion: Sendable, Equatable, CustomStringConvertible {
    let major: Int
    let minor: Int
    let patch: Int
    let suffix: String

    /// Canonical form, always with the leading `v` kubeadm prints.
    var description: String { "v\(major).\(minor).\(patch)\(suffix)" }

    init?(_ text: String) {
        var rest = Substring(text)
        if rest.first == "v" { rest = rest.dropFirst() }
        let coreEnd = rest.firstIndex(where: { $0 == "-" || $0 == "+" }) ?? rest.endIndex
        let core = rest[..<coreEnd].split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3 else { return nil }
        var numbers: [Int] = []
        for part in core {
            guard !part.isEmpty, part.count <= 6, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part == "0" || part.first != "0", let number = Int(part) else { return nil }
            numbers.append(number)
        }
        let suffix = String(rest[coreEnd...])
        if !suffix.isEmpty {
            let body = suffix.dropFirst()
            guard !body.isEmpty,
                  body.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "+") })
            else { return nil }
        }
        guard numbers[0] == 1 else { return nil }
        (major, minor, patch) = (numbers[0], numbers[1], numbers[2])
        self.suffix = suffix
    }
}
