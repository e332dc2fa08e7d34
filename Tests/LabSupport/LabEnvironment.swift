import Foundation

/// The shared lab (scripts/lab) as every test target sees it: enabled with KUBEFORGE_LAB=1, state in
/// KUBEFORGE_LAB_DIR (default `<repo>/.lab`). Each target's own `Lab` adds what only it needs.
public enum LabEnvironment {
    public static var enabled: Bool { ProcessInfo.processInfo.environment["KUBEFORGE_LAB"] == "1" }

    public static var directory: String {
        if let dir = ProcessInfo.processInfo.environment["KUBEFORGE_LAB_DIR"], !dir.isEmpty { return dir }
        // <repo>/.lab, found from this file's location: <repo>/Tests/LabSupport/LabEnvironment.swift
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path + "/.lab"
    }

    /// The lab's SSH key and the known_hosts file holding every lab host's keys.
    public static var key: String { directory + "/id_ed25519" }
    public static var knownHosts: String { directory + "/known_hosts" }
}

/// How the lab's hosts were booted (scripts/lab writes .lab/mode): kubelet mode shares one MAC across hosts.
public enum LabMode {
    public static var kubelet: Bool {
        (try? String(contentsOfFile: LabEnvironment.directory + "/mode", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) == "kubelet"
    }
}
