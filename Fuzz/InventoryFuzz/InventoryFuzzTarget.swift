// libFuzzer entry point over inventory parsing. Built by scripts/fuzz-inventory together with
// Sources/Inventory (same module) and Yams; not part of Package.swift.

/// Fixed surroundings so every run sees the same environment and file system.
private let fuzzOptions = InventoryLoadOptions(
    environment: ["HOME": "/home/fuzz", "KEYS": "/keys", KUBEFORGE_PASSWORD_VARIABLE: "not-logged"],
    baseDirectory: "/work",
    checkFiles: true,
    fileExists: { $0.hasPrefix("/keys/") || $0.hasPrefix("/home/fuzz/") }
)
private let KUBEFORGE_PASSWORD_VARIABLE = SSHSettings.passwordEnvironmentVariable

@_cdecl("LLVMFuzzerTestOneInput")
public func inventoryFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    let yaml = InventoryLoader.check(text: text, file: "fuzz.yaml", format: .yaml, options: fuzzOptions)
    if let inventory = yaml.inventory {
        checkRoundTrip(inventory)
        for selection in ["all", "role=worker", "role=control-plane", inventory.hosts.first?.name ?? "x"] {
            _ = try? HostSelector(parsing: selection).select(from: inventory.hosts)
        }
    }
    _ = InventoryLoader.check(text: text, file: "fuzz.ini", format: .ansibleINI, options: fuzzOptions)
    let imported = AnsibleImport.convert(text: text, file: "fuzz.ini", options: fuzzOptions)
    // What `import` writes must read back as YAML; if it validated, to the same hosts.
    let reread = InventoryLoader.check(text: imported.yaml, file: "imported.yaml", format: .yaml, options: fuzzOptions)
    if let original = imported.inventory {
        require(reread.inventory.map(summary) == summary(original), "imported YAML does not read back to the same hosts")
    }
    _ = try? HostSelector(parsing: text)
    _ = InventoryLoader.detectFormat(path: "fuzz", text: text)
    return 0
}

/// `inventory show` output must itself be a valid inventory describing the same hosts.
private func checkRoundTrip(_ inventory: Inventory) {
    let shown = InventoryWriter.render(inventory, as: .yaml)
    _ = InventoryWriter.render(inventory, as: .json)
    let reread = InventoryLoader.check(text: shown, file: "shown.yaml", format: .yaml, options: fuzzOptions)
    guard let again = reread.inventory else {
        fatalError("show output does not validate: \(reread.diagnostics.errors.map(\.description))")
    }
    require(summary(again) == summary(inventory), "show output reads back to different hosts")
    require(again.cluster == inventory.cluster, "show output reads back to different cluster settings")
}

/// Like `precondition`, but the message survives `-O` (libFuzzer builds are optimised).
private func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

private func summary(_ inventory: Inventory) -> [String] {
    inventory.hosts.map { host in
        "\(host.name) \(host.address) \(host.internalAddress) \(host.roles.map(\.rawValue)) \(host.ssh.user)@\(host.ssh.port) \(host.ssh.identityFile ?? "-") \(host.ssh.bastion?.address ?? "-") \(host.ssh.sudo)"
    }
}
