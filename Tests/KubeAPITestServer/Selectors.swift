// Part of the test stand-in for kube-apiserver (tests only): label and field selectors as list and watch take them.

/// A parsed `labelSelector`: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, comma-separated.
struct LabelSelector: Sendable {
    enum Requirement: Sendable {
        case equals(String, String), notEquals(String, String), exists(String), notExists(String)
        case isIn(String, Set<String>), notIn(String, Set<String>)
    }

    let requirements: [Requirement]

    static let everything = LabelSelector(requirements: [])

    init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    init(parsing text: String) throws(APIError) {
        var requirements: [Requirement] = []
        for term in Self.topLevelTerms(text) {
            let term = term.trimmingCharacters(in: .whitespaces)
            if term.isEmpty { continue }
            if let range = term.range(of: " notin ") ?? term.range(of: " in ") {
                let key = term[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let list = term[range.upperBound...].trimmingCharacters(in: .whitespaces)
                guard list.hasPrefix("("), list.hasSuffix(")") else {
                    throw APIError.badRequest("unable to parse requirement: found '\(list)', expected: '('")
                }
                let values = Set(list.dropFirst().dropLast().split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces)
                })
                requirements.append(term[range].contains("notin") ? .notIn(key, values) : .isIn(key, values))
            } else if let range = term.range(of: "!=") {
                requirements.append(.notEquals(Self.trimmed(term[..<range.lowerBound]),
                                               Self.trimmed(term[range.upperBound...])))
            } else if let range = term.range(of: "==") ?? term.range(of: "=") {
                requirements.append(.equals(Self.trimmed(term[..<range.lowerBound]), Self.trimmed(term[range.upperBound...])))
            } else if term.hasPrefix("!") {
                requirements.append(.notExists(Self.trimmed(term.dropFirst())))
            } else {
                requirements.append(.exists(term))
            }
        }
        self.requirements = requirements
    }

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case let .equals(key, value): labels[key] == value
            case let .notEquals(key, value): labels[key] != value
            case let .exists(key): labels[key] != nil
            case let .notExists(key): labels[key] == nil
            case let .isIn(key, values): labels[key].map(values.contains) ?? false
            case let .notIn(key, values): !(labels[key].map(values.contains) ?? false)
            }
        }
    }

    /// Splits on commas outside parentheses.
    private static func topLevelTerms(_ text: String) -> [String] {
        var terms: [String] = [], current = "", depth = 0
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")": depth -= 1; current.append(character)
            case "," where depth == 0: terms.append(current); current = ""
            default: current.append(character)
            }
        }
        terms.append(current)
        return terms
    }

    private static func trimmed(_ text: Substring) -> String { text.trimmingCharacters(in: .whitespaces) }
}

/// A parsed `fieldSelector`: `field=value`, `field==value`, `field!=value`, comma-separated, over the fields the
/// resource's registry supports (anything else is the 400 kube-apiserver gives).
struct FieldSelector: Sendable {
    struct Requirement: Sendable {
        let field: String
        let path: [String]
        let value: String
        let negated: Bool
    }

    let requirements: [Requirement]

    static let everything = FieldSelector(requirements: [])

    init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    init(parsing text: String, for resource: Resource) throws(APIError) {
        var fields: [String: [String]] = ["metadata.name": ["metadata", "name"]]
        if resource.isNamespaced { fields["metadata.namespace"] = ["metadata", "namespace"] }
        fields.merge(resource.extraFieldLabels) { first, _ in first }
        var requirements: [Requirement] = []
        for term in text.split(separator: ",") {
            let negated = term.contains("!=")
            let separator = negated ? "!=" : (term.contains("==") ? "==" : "=")
            guard let range = term.range(of: separator) else {
                throw APIError.badRequest("invalid selector: '\(text)'; can't understand '\(term)'")
            }
            let field = String(term[..<range.lowerBound])
            guard let path = fields[field] else {
                throw APIError.badRequest("field label not supported: \(field)")
            }
            requirements.append(Requirement(field: field, path: path, value: String(term[range.upperBound...]),
                                            negated: negated))
        }
        self.requirements = requirements
    }

    /// The name an exact `metadata.name=` requirement selects (RBAC then authorizes list and watch by name).
    var exactName: String? {
        requirements.first { $0.field == "metadata.name" && !$0.negated }?.value
    }

    func matches(_ object: ServerJSON) -> Bool {
        requirements.allSatisfy { requirement in
            let actual = Self.text(object[path: requirement.path])
            return (actual == requirement.value) != requirement.negated
        }
    }

    private static func text(_ value: ServerJSON?) -> String {
        switch value {
        case let .string(text)?: text
        case let .bool(flag)?: flag ? "true" : "false"
        case nil, .null?: ""
        case let other?: other.description
        }
    }
}
