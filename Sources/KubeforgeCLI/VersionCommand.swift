import ArgumentParser
import Foundation
import KubeTypes

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print kubeforge's version.")

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: OutputFormat = .text

    func run() throws {
        switch output {
        case .text:
            print("kubeforge \(KubeforgeVersion.current)")
        case .json:
            let info = ["version": KubeforgeVersion.current, "swift": swiftVersion, "platform": platform]
            let data = try JSONSerialization.data(withJSONObject: info, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    private var platform: String {
        #if os(Linux)
        "linux"
        #else
        "darwin"
        #endif
    }

    private var swiftVersion: String {
        #if swift(>=6.3)
        "6.3"
        #else
        "6"
        #endif
    }
}

/// `-o text|json`, shared by commands that print machine-readable output.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
