/// Expands `~` and `${VAR}` in inventory paths and makes relative paths absolute against a base
/// directory (the current directory, like ssh -i and Ansible).
struct PathExpander: Sendable {
    let environment: [String: String]
    let baseDirectory: String

    enum ExpansionError: Error, Equatable, CustomStringConvertible {
        case unsetVariable(String)
        case unterminatedVariable
        case otherUsersHome
        case noHome

        var description: String {
            switch self {
            case .unsetVariable(let name): return "environment variable \(name) is not set"
            case .unterminatedVariable: return "\"${\" is not closed by \"}\""
            case .otherUsersHome: return "only \"~\" (your own home) is expanded, not \"~user\""
            case .noHome: return "\"~\" cannot be expanded because HOME is not set"
            }
        }
    }

    func expand(_ path: String) throws(ExpansionError) -> String {
        var expanded = try substituteVariables(path)
        if expanded == "~" || expanded.hasPrefix("~/") {
            guard let home = environment["HOME"], !home.isEmpty else { throw .noHome }
            expanded = home + expanded.dropFirst()
        } else if expanded.hasPrefix("~") {
            throw .otherUsersHome
        }
        if !expanded.hasPrefix("/") {
            expanded = baseDirectory + (baseDirectory.hasSuffix("/") ? "" : "/") + expanded
        }
        return Self.normalize(expanded)
    }

    private func substituteVariables(_ text: String) throws(ExpansionError) -> String {
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.range(of: "${") {
            result += rest[..<dollar.lowerBound]
            let afterOpen = rest[dollar.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else { throw .unterminatedVariable }
            let name = String(afterOpen[..<close])
            guard let value = environment[name] else { throw .unsetVariable(name) }
            result += value
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        return result + rest
    }

    /// Drops `.` components and duplicate slashes; `..` is kept (symlinks make it unsafe to fold).
    static func normalize(_ path: String) -> String {
        let components = path.split(separator: "/").filter { $0 != "." }
        return "/" + components.joined(separator: "/")
    }
}
