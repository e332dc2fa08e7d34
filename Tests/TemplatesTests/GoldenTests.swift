import Foundation
import Testing
import Templates

/// Every rendered file compared byte for byte with its golden copy under Golden/<scenario>/<path>.
/// `KUBEFORGE_UPDATE_GOLDEN=1` (scripts/update-golden) rewrites the goldens instead of comparing.
struct GoldenTests {
    static let goldenRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let updating = ProcessInfo.processInfo.environment["KUBEFORGE_UPDATE_GOLDEN"] == "1"

    @Test(arguments: Scenario.allCases)
    func renderedFilesMatchGoldens(_ scenario: Scenario) throws {
        let files = try scenario.renderer().renderAll()
        let root = Self.goldenRoot.appendingPathComponent(scenario.rawValue)
        if Self.updating {
            try? FileManager.default.removeItem(at: root)
            for (path, contents) in files {
                let url = root.appendingPathComponent(String(path.drop { $0 == "/" }))
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try contents.write(to: url, atomically: true, encoding: .utf8)
            }
            return
        }
        let goldenPaths = Set(try Self.files(under: root))
        let renderedPaths = Set(files.keys.map { String($0.drop { $0 == "/" }) })
        #expect(goldenPaths == renderedPaths, "rendered files differ from the goldens; run scripts/update-golden and review the diff")
        for (path, contents) in files {
            let url = root.appendingPathComponent(String(path.drop { $0 == "/" }))
            let golden = try? String(contentsOf: url, encoding: .utf8)
            #expect(golden == contents, "\(scenario.rawValue)\(path) differs from \(url.path); run scripts/update-golden and review the diff")
        }
    }

    static func files(under root: URL) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var paths: [String] = []
        for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            paths.append(String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1)))
        }
        return paths
    }
}
