/// A `--hosts` value: comma-separated host names (ranges like `node[01:05]` allowed), `role=ROLE`
/// terms and `all`. The selection is their union, in inventory order.
public struct HostSelector: Sendable, Equatable, CustomStringConvertible {
    public enum Term: Sendable, Equatable {
        case all
        case role(HostRole)
        case name(String)
    }

    public var terms: [Term]

    public static let all = HostSelector(terms: [.all])

    public init(terms: [Term]) {
        self.terms = terms
    }

    public init(parsing text: String) throws(HostSelectionError) {
        var terms: [Term] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: true) {
            let term = raw.trimmingSpaces
            if term.isEmpty { continue }
            if term == "all" {
                terms.append(.all)
            } else if term.hasPrefix("role=") {
                let roleName = String(term.dropFirst("role=".count))
                guard let role = HostRole(rawValue: roleName) ?? InventoryValidator.roleAliases[roleName.lowercased()] else {
                    throw .unknownRole(roleName)
                }
                terms.append(.role(role))
            } else {
                let range: HostRange?
                do { range = try HostRange.parse(term) } catch { throw .malformedRange(term, error.description) }
                terms += (range?.values ?? [term]).map(Term.name)
            }
        }
        guard !terms.isEmpty else { throw .empty }
        self.terms = terms
    }

    public var description: String {
        terms.map { term in
            switch term {
            case .all: return "all"
            case .role(let role): return "role=\(role.rawValue)"
            case .name(let name): return name
            }
        }.joined(separator: ",")
    }

    /// Throws when a name matches no host or a role no host has: a typo must not silently shrink a run.
    public func select(from hosts: [InventoryHost]) throws(HostSelectionError) -> [InventoryHost] {
        var selected = Set<String>()
        var unknownNames: [String] = []
        for term in terms {
            switch term {
            case .all:
                selected.formUnion(hosts.map(\.name))
            case .role(let role):
                let matching = hosts.filter { $0.roles.contains(role) }
                if matching.isEmpty { throw .noHostWithRole(role) }
                selected.formUnion(matching.map(\.name))
            case .name(let name):
                if hosts.contains(where: { $0.name == name }) {
                    selected.insert(name)
                } else if !unknownNames.contains(name) {
                    unknownNames.append(name)
                }
            }
        }
        if !unknownNames.isEmpty {
            let known = hosts.map(\.name)
            let suggestions = unknownNames.map { InventorySchema.suggestion(for: $0, among: known) }
            throw .unknownHosts(unknownNames, suggestions: suggestions, known: known)
        }
        return hosts.filter { selected.contains($0.name) }
    }
}

public enum HostSelectionError: Error, Equatable, CustomStringConvertible {
    case empty
    case unknownRole(String)
    case malformedRange(String, String)
    case noHostWithRole(HostRole)
    /// Names that match nothing, each with the closest host name if there is one.
    case unknownHosts([String], suggestions: [String?], known: [String])

    public var description: String {
        switch self {
        case .empty:
            return "--hosts is empty; give host names (k8s-master,k8s-node1), role=ROLE or all"
        case .unknownRole(let role):
            return "--hosts: unknown role \"\(role)\"; roles are \(HostRole.allCases.map(\.rawValue).joined(separator: ", "))"
        case .malformedRange(let term, let reason):
            return "--hosts: \"\(term)\": \(reason)"
        case .noHostWithRole(let role):
            return "--hosts: no host in the inventory has the role \(role.rawValue)"
        case .unknownHosts(let names, let suggestions, let known):
            let listed = zip(names, suggestions).map { name, suggestion in
                "\"\(name)\"" + (suggestion.map { " (did you mean \"\($0)\"?)" } ?? "")
            }
            let shown = known.count > 20 ? known.prefix(20).joined(separator: ", ") + ", …" : known.joined(separator: ", ")
            return "--hosts: no host named \(listed.joined(separator: ", ")) in the inventory; hosts are: \(shown)"
        }
    }
}
