import Foundation
import KubeAPI

/// What upstream kubeadm v1.28.7 sent to a real API server (../shared/reference/kubeadm-api/), the specification
/// kubeforge's requests are compared with.
public enum KubeadmCapture {
    public struct Request: Sendable {
        public var verb: String
        public var requestURI: String
        public var user: String
        public var code: Int
        public var requestObject: KubeObject?
        public var responseObject: KubeObject?

        /// The path without the query (`/api/v1/namespaces/kube-system/configmaps`).
        public var path: String { String(requestURI.prefix { $0 != "?" }) }
    }

    public static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/reference/kubeadm-api")
    }

    /// The requests of one phase file (`upload-config`, `bootstrap-token`, `addon`, `token`, `join`, …), in order.
    public static func requests(_ phase: String) throws -> [Request] {
        let data = try Data(contentsOf: directory.appendingPathComponent("\(phase).json"))
        guard case let .array(entries) = try JSONValue.decode(data) else { return [] }
        return entries.map { entry in
            Request(verb: entry["verb"]?.stringValue ?? "", requestURI: entry["requestURI"]?.stringValue ?? "",
                    user: entry["user"]?.stringValue ?? "", code: Int(entry["code"]?.intValue ?? 0),
                    requestObject: entry["requestObject"].flatMap(KubeObject.init),
                    responseObject: entry["responseObject"].flatMap(KubeObject.init))
        }
    }

    /// The objects the API server held after init (objects-after-init.yaml).
    public static func objectsAfterInit() throws -> [KubeObject] {
        try KubeObject.objects(yaml: String(contentsOf: directory.appendingPathComponent("objects-after-init.yaml"), encoding: .utf8))
    }

    /// The created objects of a phase, in the order they were sent.
    public static func createdObjects(_ phase: String) throws -> [KubeObject] {
        try requests(phase).filter { $0.verb == "create" }.compactMap(\.requestObject)
    }
}
