import ArgumentParser
import Foundation
import Inventory

/// `kubeforge inventory check|show|import`.
struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Check, show and import host inventories.",
        subcommands: [Check.self, Show.self, Import.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every problem in an inventory (YAML, or kubespray/kubeasz INI); exit 2 when it is invalid."
        )

        @Option(name: [.customShort("i"), .customLong("inventory")], help: "Inventory file (YAML or Ansible INI).")
        var inventory: String

        func run() throws {
            // It reads the inventory without connecting: a key missing on this machine is a warning here.
            let result = InventoryLoader.check(path: inventory, options: .readOnly)
            for diagnostic in result.diagnostics { print(diagnostic) }
            let errors = result.diagnostics.errors.count
            let warnings = result.diagnostics.warnings.count
            if let checked = result.inventory {
                print("\(inventory): valid, \(checked.hosts.count) hosts (\(checked.controlPlaneHosts.count) control-plane, \(checked.workerHosts.count) worker, \(checked.etcdHosts.count) etcd), \(warnings) warning\(warnings == 1 ? "" : "s")")
            } else {
                print("\(inventory): invalid, \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
                throw ExitCode(2)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the normalised inventory: defaults applied, ranges expanded, passwords masked."
        )

        @Option(name: [.customShort("i"), .customLong("inventory")], help: "Inventory file (YAML or Ansible INI).")
        var inventory: String

        @Option(name: .shortAndLong, help: "Output format: yaml or json.")
        var output: InventoryOutputFormat = .yaml

        func run() throws {
            let loaded: LoadedInventory
            do {
                loaded = try InventoryLoader.load(path: inventory, options: .readOnly)
            } catch let error as InventoryLoadError {
                printError(error.description)
                throw ExitCode(2)
            }
            for warning in loaded.warnings { printError(warning.description) }
            print(InventoryWriter.render(loaded.inventory, as: output.writerFormat), terminator: "")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a kubespray or kubeasz Ansible INI inventory to kubeforge YAML.",
            discussion: "What cannot be mapped is reported on stderr with its line. Exits 2 when the result is not a valid inventory."
        )

        @Argument(help: "The Ansible INI inventory (kubespray inventory.ini, kubeasz hosts).")
        var file: String

        @Option(name: .shortAndLong, help: "Output format: yaml.")
        var output: ImportOutputFormat = .yaml

        func run() throws {
            let result = AnsibleImport.convert(path: file)
            for diagnostic in result.diagnostics { printError(diagnostic.description) }
            print(result.yaml, terminator: "")
            if result.diagnostics.hasErrors { throw ExitCode(2) }
        }
    }
}

enum InventoryOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case yaml, json

    var writerFormat: InventoryWriter.Format { self == .yaml ? .yaml : .json }
}

enum ImportOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case yaml
}

private func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
