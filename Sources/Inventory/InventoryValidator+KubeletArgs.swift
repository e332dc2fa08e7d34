/// `kubeletExtraArgs:` in `cluster` and in a host: kubeadm's `nodeRegistration.kubeletExtraArgs`, flag names
/// as kubeadm takes them (it adds the `--`) with one value each.
extension InventoryValidator {
    mutating func validateKubeletArgs(_ args: [KubeletArgDocument]?, path: String) -> [String: String] {
        var flags: [String: String] = [:]
        for arg in args ?? [] {
            let name = arg.name.value
            let value = arg.value.value
            let written = "\(path): \"\(name.prefix(80))\""
            if name.hasPrefix("-") {
                let bare = String(name.drop { $0 == "-" })
                error(at: arg.name.location, "\(written) starts with dashes; kubeadm adds \"--\" to each flag name itself",
                      fix: "write the name without them: `\(bare): \(Self.quoted(value))`")
                continue
            }
            if let equals = name.firstIndex(of: "=") {
                error(at: arg.name.location, "\(written) holds a value after '='; the value goes after the colon",
                      fix: "write `\(name[..<equals]): \(Self.quoted(String(name[name.index(after: equals)...])))`")
                continue
            }
            guard Self.isFlagName(name) else {
                error(at: arg.name.location, "\(written) is not a kubelet flag name",
                      fix: "name the flag as `kubelet --help` spells it, without dashes (letters, digits, '-', '_', '.'), e.g. cgroups-per-qos")
                continue
            }
            if value.contains(where: { $0.isWhitespace || $0.unicodeScalars.contains { $0.value < 0x20 } }) {
                error(at: arg.value.location,
                      "\(path).\(name): the value contains a space or line break, and the kubelet's unit splits its arguments at spaces",
                      fix: "write the value without spaces; kubelet lists are comma-separated, e.g. `node-labels: \"a=b,c=d\"`")
                continue
            }
            flags[name] = value
        }
        return flags
    }

    private static func isFlagName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.count <= 128 else { return false }
        let letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return letters.unicodeScalars.contains(first)
            && name.unicodeScalars.allSatisfy { letters.unicodeScalars.contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    /// A value as the fix should show it: double-quoted, so `false` and `""` stay strings.
    private static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
