/// Why rendering failed; every case names the template (and where it came from) or the configuration field.
public enum TemplateError: Error, CustomStringConvertible, Equatable {
    /// No embedded template and no override of that name.
    case notFound(name: String)
    /// The `--templates` directory does not exist or cannot be read.
    case unreadableOverride(path: String, reason: String)
    /// The template itself does not parse as Mustache.
    case syntax(template: String, origin: String, line: Int, column: Int, reason: String)
    /// The rendered text is not valid YAML (the check every YAML template gets before it is returned).
    case invalidOutput(template: String, origin: String, line: Int?, column: Int?, reason: String)
    /// The configuration lacks something rendering needs (e.g. an advertise address).
    case incompleteConfiguration(field: String, reason: String)
    /// `init phase control-plane X` with an X kubeadm does not have.
    case unknownPhase(String)

    public var description: String {
        switch self {
        case let .notFound(name):
            "no template named '\(name)' (embedded or in --templates)"
        case let .unreadableOverride(path, reason):
            "cannot read template override '\(path)': \(reason)"
        case let .syntax(template, origin, line, column, reason):
            "template \(template) (\(origin)) line \(line), column \(column): \(reason)"
        case let .invalidOutput(template, origin, line, column, reason):
            "template \(template) (\(origin)) rendered invalid YAML" + (line.map { " at output line \($0)" } ?? "")
                + (column.map { ", column \($0)" } ?? "") + ": \(reason)"
        case let .incompleteConfiguration(field, reason):
            "\(field): \(reason)"
        case let .unknownPhase(name):
            "unknown phase '\(name)'; use all, apiserver, controller-manager or scheduler"
        }
    }
}
