import ArgumentParser
import Foundation
import Inventory
import Remote
import SSH

/// `-i INV [--hosts SEL]`, shared by every command that acts on inventory hosts.
struct InventoryOptions: ParsableArguments {
    @Option(name: [.customShort("i"), .long], help: "Inventory file: kubeforge YAML, or a kubespray/kubeasz INI.")
    var inventory: String

    @Option(help: "Hosts to act on: names (k8s-master,k8s-node1), a role (role=worker) or all.")
    var hosts: String = "all"

    /// Loads and validates the inventory and applies `--hosts`; exits 2 with every problem on bad input.
    func load() throws -> (inventory: Inventory, hosts: [InventoryHost]) {
        let loaded: LoadedInventory
        do {
            loaded = try InventoryLoader.load(path: inventory)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        for warning in loaded.warnings { FileHandle.standardError.write(Data("\(warning)\n".utf8)) }
        do {
            let selector = try HostSelector(parsing: hosts)
            return (loaded.inventory, try loaded.inventory.hosts(matching: selector))
        } catch {
            FileHandle.standardError.write(Data("--hosts \(hosts): \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// `--concurrency N --connect-timeout S`, shared by every command that works on many hosts over SSH.
struct FanOutOptions: ParsableArguments {
    @Option(help: "Hosts worked on at once.")
    var concurrency: Int = FanOut.defaultConcurrency

    @Option(help: "Seconds allowed to connect to each host.")
    var connectTimeout: Int = 10

    func validate() throws {
        guard concurrency > 0 else { throw ValidationError("--concurrency must be at least 1") }
        guard connectTimeout > 0 else { throw ValidationError("--connect-timeout must be at least 1") }
    }

    /// One SSH transport per host, with this connect timeout.
    func sshHosts(_ hosts: [InventoryHost]) -> [SSHHost] {
        HostConnections.sshHosts(hosts, connectTimeout: .seconds(connectTimeout))
    }
}
