/// One command-line argument `--name=value`, as kubeadm's v1beta4 `extraArgs` list entry.
public struct Arg: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// `--name=value`.
    public var description: String { "--\(name)=\(value)" }
}

extension [Arg] {
    /// kubeadm's argument builder (`util/arguments.go`): any name given in `overrides` removes every default with
    /// that name, then the whole list is sorted by name, then value.
    public static func merging(defaults: [Arg], overrides: [Arg]) -> [Arg] {
        let overridden = Set(overrides.map(\.name))
        let merged = defaults.filter { !overridden.contains($0.name) } + overrides
        return merged.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
    }

    /// The last value given for `name`, if any.
    public func value(of name: String) -> String? {
        last { $0.name == name }?.value
    }

    /// `--name=value` strings in order.
    public var commandLine: [String] { map(\.description) }
}
