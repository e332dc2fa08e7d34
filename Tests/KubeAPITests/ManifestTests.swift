import Testing
@testable import KubeAPI

/// Splitting a manifest as kubectl does (k8s.io/apimachinery's YAMLReader), keeping each document's text and line.
struct ManifestTests {
    static let text = """
        # a comment before the first separator
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: demo
        --- # a comment after a separator is allowed
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: demo
        data:
          text: |
            --- not a separator: indented
        ---
        ---
        apiVersion: v1
        kind: List
        items:
          - {apiVersion: v1, kind: ServiceAccount, metadata: {name: a}}
          - {apiVersion: v1, kind: ServiceAccount, metadata: {name: b}}
        """

    @Test func documentsKeepTheirTextAndFirstLine() throws {
        let manifest = try Manifest(name: "demo.yaml", text: Self.text)
        #expect(manifest.documents.map(\.object.name) == ["demo", "settings", "a", "b"])
        #expect(manifest.documents.map(\.line) == [3, 8, 18, 18])
        #expect(manifest.documents[1].text.hasPrefix("apiVersion: v1\nkind: ConfigMap"))
        #expect(manifest.documents[1].object["data"]?["text"]?.stringValue == "--- not a separator: indented\n")
        #expect(manifest.documents[2].object.kind == "ServiceAccount", "a List's items are applied one by one")
    }

    @Test func badDocumentsNameTheFileAndLine() {
        let cases: [(String, String)] = [
            ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\nkind: ConfigMap\nmetadata: {name: y}\n",
             "m.yaml, document at line 5: the object has no apiVersion"),
            ("apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: x}\n", "m.yaml, document at line 1: the object has no metadata.name"),
            ("- a\n- b\n", "m.yaml, document at line 1: a Kubernetes object is a mapping, found a list"),
            ("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n---\napiVersion: v1\nkind: a: b\n", "m.yaml, line 6: not valid YAML: mapping values are not allowed"),
        ]
        for (text, message) in cases {
            let error = #expect(throws: Manifest.ParseError.self) { try Manifest(name: "m.yaml", text: text) }
            #expect(error?.description.hasPrefix(message) == true, "\(String(describing: error))")
        }
    }

    @Test func commentsOnlyAndEmptyDocumentsAreSkipped() throws {
        #expect(try Manifest(name: "m", text: "# nothing\n---\n---\n").documents.isEmpty)
    }
}
