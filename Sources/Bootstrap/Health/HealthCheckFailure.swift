/// A component that did not become healthy before its deadline, with what the probe last saw, the unit's
/// state, the last lines of its journal and the likely cause.
public struct HealthCheckFailure: Error, CustomStringConvertible {
    public var host: String
    public var component: String
    public var unit: String
    public var endpoint: String
    public var waited: Duration
    public var lastProbe: String
    public var unitState: String
    public var journal: [String]
    public var likelyCause: String?

    public var description: String {
        var text = "\(host): \(component) is not healthy after \(waited) (\(endpoint)): \(lastProbe)"
        text += "\n  unit \(unit): \(unitState)"
        if let likelyCause { text += "\n  likely cause: \(likelyCause)" }
        if !journal.isEmpty {
            text += "\n  last journal lines (journalctl -u \(unit)):\n" + journal.map { "    " + $0 }.joined(separator: "\n")
        }
        return text
    }
}
