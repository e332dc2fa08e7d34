import Foundation

/// `--ignore-preflight-errors`: check names (case-insensitive) or `all`, as in kubeadm. An ignored check
/// that failed is reported as `ignored` and no longer fails the run; other statuses are left alone.
public struct IgnoreList: Sendable, Equatable {
    public static let none = IgnoreList(names: [], all: false)
    public static let everything = IgnoreList(names: [], all: true)

    public let names: Set<String>
    public let all: Bool

    private init(names: Set<String>, all: Bool) {
        self.names = names
        self.all = all
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case allCombined
        case empty

        public var description: String {
            switch self {
            case .allCombined: "--ignore-preflight-errors: 'all' cannot be combined with other check names"
            case .empty: "--ignore-preflight-errors: empty check name"
            }
        }
    }

    /// Parses every occurrence of the flag (`["Swap,NumCPU", "mem"]`).
    public init(parsing values: [String]) throws {
        var names = Set<String>()
        for value in values {
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                let name = part.trimmingCharacters(in: .whitespaces).lowercased()
                guard !name.isEmpty else { throw ParseError.empty }
                names.insert(name)
            }
        }
        if names.contains("all") {
            guard names.count == 1 else { throw ParseError.allCombined }
            self.init(names: [], all: true)
        } else {
            self.init(names: names, all: false)
        }
    }

    public func ignores(_ checkName: String) -> Bool { all || names.contains(checkName.lowercased()) }

    public func apply(_ result: CheckResult) -> CheckResult {
        guard result.status == .fail, ignores(result.name) else { return result }
        var ignored = result
        ignored.status = .ignored
        return ignored
    }
}
