import Foundation

/// The container runtime found on a host: which socket, whether it answered, and its cgroup driver.
public struct RuntimeFacts: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case containerd, crio = "cri-o", criDockerd = "cri-dockerd" }

    public static let sockets: [(path: String, kind: Kind)] = [
        ("/run/containerd/containerd.sock", .containerd),
        ("/var/run/crio/crio.sock", .crio),
        ("/var/run/cri-dockerd.sock", .criDockerd),
    ]

    public var kind: Kind
    public var socket: String
    /// nil when no client (crictl, ctr) was there to ask.
    public var answered: Bool?
    /// `RuntimeReady` from `crictl info`; nil when crictl was not used.
    public var ready: Bool?
    public var detail: String
    /// `systemd` or `cgroupfs`; nil when unknown.
    public var cgroupDriver: String?
    public var cgroupDriverSource: String

    public init(kind: Kind, socket: String, answered: Bool?, ready: Bool?, detail: String,
                cgroupDriver: String?, cgroupDriverSource: String) {
        self.kind = kind
        self.socket = socket
        self.answered = answered
        self.ready = ready
        self.detail = detail
        self.cgroupDriver = cgroupDriver
        self.cgroupDriverSource = cgroupDriverSource
    }

    /// `crictl info` JSON: the `RuntimeReady` condition and, for containerd, the runc `SystemdCgroup` option.
    public static func parseCrictlInfo(_ text: String) -> (ready: Bool?, systemdCgroup: Bool?, reason: String)? {
        guard let start = text.firstIndex(of: "{"),
              let object = try? JSONSerialization.jsonObject(with: Data(text[start...].utf8)) as? [String: Any]
        else { return nil }
        var ready: Bool?
        var reason = ""
        let conditions = (object["status"] as? [String: Any])?["conditions"] as? [[String: Any]] ?? []
        for condition in conditions where condition["type"] as? String == "RuntimeReady" {
            ready = condition["status"] as? Bool
            reason = [condition["reason"] as? String, condition["message"] as? String]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        }
        // containerd: config.containerd.runtimes[defaultRuntimeName].options.SystemdCgroup.
        let containerd = (object["config"] as? [String: Any])?["containerd"] as? [String: Any]
        let defaultName = containerd?["defaultRuntimeName"] as? String ?? "runc"
        let runtime = (containerd?["runtimes"] as? [String: Any])?[defaultName] as? [String: Any]
        let systemd = (runtime?["options"] as? [String: Any])?["SystemdCgroup"] as? Bool
        return (ready, systemd ?? findBool("SystemdCgroup", in: object["config"] ?? [:]), reason)
    }

    /// containerd's `config.toml`: the last uncommented `SystemdCgroup = true|false`; nil when not set
    /// (containerd's default is then `false`, the cgroupfs driver).
    public static func parseContainerdSystemdCgroup(_ text: String) -> Bool? {
        var value: Bool?
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("SystemdCgroup"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let setting = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            value = setting.hasPrefix("true")
        }
        return value
    }

    /// CRI-O's `cgroup_manager = "systemd"` lines (CRI-O's default is systemd).
    public static func parseCrioCgroupManager(_ text: String) -> String? {
        var value: String?
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("cgroup_manager"), let equals = trimmed.firstIndex(of: "=") else { continue }
            value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
        }
        return value
    }

    private static func findBool(_ key: String, in value: Any) -> Bool? {
        if let dictionary = value as? [String: Any] {
            if let found = dictionary[key] as? Bool { return found }
            // Prefer the default runtime (runc) when several runtimes are configured.
            for (_, nested) in dictionary.sorted(by: { $0.key < $1.key }) {
                if let found = findBool(key, in: nested) { return found }
            }
        } else if let array = value as? [Any] {
            for nested in array { if let found = findBool(key, in: nested) { return found } }
        }
        return nil
    }
}
