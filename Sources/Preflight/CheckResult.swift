/// The outcome of one check on one host: what was found and how to fix it.
public struct CheckResult: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable, CaseIterable {
        case pass, warn, fail, ignored, skip
    }

    /// kubeadm's name where kubeadm has the check (`Swap`, `Port-6443`), CamelCase otherwise.
    public var name: String
    public var status: Status
    /// What was found.
    public var message: String
    /// How to fix it; empty when there is nothing to fix.
    public var fix: String

    public init(_ name: String, _ status: Status, _ message: String, fix: String = "") {
        self.name = name
        self.status = status
        self.message = message
        self.fix = fix
    }

    public static func pass(_ name: String, _ message: String) -> Self { Self(name, .pass, message) }
    public static func warn(_ name: String, _ message: String, fix: String) -> Self { Self(name, .warn, message, fix: fix) }
    public static func fail(_ name: String, _ message: String, fix: String) -> Self { Self(name, .fail, message, fix: fix) }
    public static func skip(_ name: String, _ message: String) -> Self { Self(name, .skip, message) }
}
