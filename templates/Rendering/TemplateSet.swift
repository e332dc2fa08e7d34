import Foundation
import Mustache
import Yams

/// The templates in use: the embedded ones, each replaced by a file of the same name in an override directory
/// (`--templates DIR`) when one exists. Every template is parsed up front, so a broken override fails early and
/// names itself.
public struct TemplateSet: Sendable {
    public let overrideDirectory: String?
    private let sources: [String: Source]
    private let library: MustacheLibrary

    struct Source: Sendable {
        let text: String
        let origin: String
    }

    /// Mustache escapes for HTML by default; every kubeforge template is plain text.
    private static let textContentType = "{{% CONTENT_TYPE: TEXT }}"

    public init(overrideDirectory: String? = nil) throws(TemplateError) {
        self.overrideDirectory = overrideDirectory
        var sources: [String: Source] = [:]
        for (name, bytes) in EmbeddedTemplates.all {
            sources[name] = Source(text: String(decoding: bytes, as: UTF8.self), origin: "embedded")
        }
        if let directory = overrideDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .unreadableOverride(path: directory, reason: "not a directory")
            }
            for name in sources.keys {
                let path = (directory as NSString).appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: path) else { continue }
                do {
                    sources[name] = Source(text: try String(contentsOfFile: path, encoding: .utf8), origin: path)
                } catch {
                    throw .unreadableOverride(path: path, reason: error.localizedDescription)
                }
            }
        }
        var library = MustacheLibrary()
        for (name, source) in sources {
            do {
                let template = try MustacheTemplate(string: Self.textContentType + source.text)
                library.register(template, named: name)
                // Partials are referred to without their extension: {{> probe}}.
                if name.hasSuffix(".mustache") { library.register(template, named: String(name.dropLast(".mustache".count))) }
            } catch let error as MustacheTemplate.ParserError {
                let column = error.context.lineNumber == 1 ? error.context.columnNumber - Self.textContentType.count : error.context.columnNumber
                throw .syntax(template: name, origin: source.origin, line: error.context.lineNumber, column: max(column, 1), reason: "\(error.error)")
            } catch {
                throw .syntax(template: name, origin: source.origin, line: 0, column: 0, reason: "\(error)")
            }
        }
        self.sources = sources
        self.library = library
    }

    /// Names of every template.
    public var names: [String] { sources.keys.sorted() }

    /// Where `name` comes from: "embedded" or the override file's path.
    public func origin(of name: String) -> String? { sources[name]?.origin }

    /// Renders `name` with `context`; YAML output is parsed back with Yams before it is returned.
    public func render(_ name: String, _ context: [String: Any]) throws(TemplateError) -> String {
        guard let source = sources[name], let output = library.render(context, withTemplate: name) else {
            throw .notFound(name: name)
        }
        if name.hasSuffix(".yaml") {
            try Self.checkYAML(output, template: name, origin: source.origin)
        }
        return output
    }

    static func checkYAML(_ text: String, template: String, origin: String) throws(TemplateError) {
        do {
            var documents = try Yams.compose_all(yaml: text)
            while documents.next() != nil {}
            if let error = documents.error { throw error }
        } catch let YamlError.scanner(_, problem, mark, _) {
            throw .invalidOutput(template: template, origin: origin, line: mark.line, column: mark.column, reason: problem)
        } catch let YamlError.parser(_, problem, mark, _) {
            throw .invalidOutput(template: template, origin: origin, line: mark.line, column: mark.column, reason: problem)
        } catch {
            throw .invalidOutput(template: template, origin: origin, line: nil, column: nil, reason: "\(error)")
        }
    }
}
