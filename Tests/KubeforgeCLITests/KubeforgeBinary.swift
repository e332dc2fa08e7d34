import Foundation

/// The built `kubeforge` executable, run as an operator would run it.
enum KubeforgeBinary {
    /// `swift build --build-tests` puts the executable beside the test bundle.
    static var path: String {
        let products = Bundle.main.bundleURL.deletingLastPathComponent().path
        let candidates = [products + "/kubeforge", FileManager.default.currentDirectoryPath + "/.build/debug/kubeforge"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], in directory: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment["KUBEFORGE_SSH_PASSWORD"] = nil
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes concurrently so neither can fill up and stall the child.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// The running lab (scripts/lab), when `KUBEFORGE_LAB=1`.
enum Lab {
    static var enabled: Bool { ProcessInfo.processInfo.environment["KUBEFORGE_LAB"] == "1" }

    static var directory: String {
        if let dir = ProcessInfo.processInfo.environment["KUBEFORGE_LAB_DIR"] { return dir }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.path + "/.lab"
    }

    static let hosts = [("k8s-master", "10.213.0.11", "control-plane"), ("k8s-node1", "10.213.0.12", "worker"),
                        ("k8s-node2", "10.213.0.13", "worker")]

    /// Writes an inventory of the lab hosts (plus `extra` host lines) into a temporary file.
    static func inventory(extra: [String] = []) throws -> String {
        let lines = hosts.map { "  - {name: \($0.0), address: \($0.1), roles: [\($0.2)]}" } + extra
        let text = """
            apiVersion: kubeforge/v1alpha1
            kind: Inventory
            ssh: {user: root, identityFile: \(directory)/id_ed25519, knownHostsFile: \(directory)/known_hosts, hostKeyPolicy: strict}
            hosts:
            \(lines.joined(separator: "\n"))

            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kf-lab-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
