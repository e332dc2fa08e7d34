import KubeAPI

/// Applies manifests object by object, in order, with server-side apply (field manager `kubeforge`, conflicts
/// forced: what `kubectl apply --server-side --force-conflicts` does). Each kind's REST path comes from the
/// API server's discovery, so any kind it serves works, including the kinds of a CustomResourceDefinition
/// applied just before (waited for until it is served). Re-applying unchanged manifests changes nothing.
public struct AddonApplier: Sendable {
    public let client: KubeClient
    public var retry: KubeRetry = .kubeadm
    /// How long a kind whose CustomResourceDefinition was applied in this run may take to be served.
    public var establishTimeout: Duration = .seconds(60)
    public var pollInterval: Duration = .milliseconds(500)

    public init(client: KubeClient) {
        self.client = client
    }

    /// Applies every document; returns how many objects of each manifest were applied.
    @discardableResult
    public func apply(_ manifests: [Manifest], report: (String) -> Void = { _ in }) async throws -> [Int] {
        var discovery = Discovery()
        var counts: [Int] = []
        for manifest in manifests {
            var applied: [String: Int] = [:]
            for (index, document) in manifest.documents.enumerated() {
                let kind = try await resolve(document, of: manifest, &discovery)
                let namespace = kind.namespaced ? document.object.namespace ?? "default" : nil
                let reference = "\(kind.plural) \(namespace.map { "\($0)/" } ?? "")\(document.object.name)"
                do {
                    _ = try await retry.run("apply \(reference)") {
                        try await client.apply(configuration: document.text, kind: kind, name: document.object.name, namespace: namespace)
                    }
                } catch {
                    throw AddonError.apply(name: manifest.name, line: document.line, object: reference, applied: index, reason: "\(error)")
                }
                applied[kind.plural, default: 0] += 1
                discovery.defines(document.object)
            }
            let total = manifest.documents.count
            let byKind = applied.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.value) \($0.key)" }
            report("\(manifest.name): applied \(total) object\(total == 1 ? "" : "s")\(byKind.isEmpty ? "" : " (\(byKind.joined(separator: ", ")))")")
            counts.append(total)
        }
        return counts
    }

    /// The served kind of a document; waits for one a CustomResourceDefinition of this run defines.
    private func resolve(_ document: Manifest.Document, of manifest: Manifest, _ discovery: inout Discovery) async throws -> ResourceKind {
        let apiVersion = document.object.apiVersion, kindName = document.object.kind
        let clock = ContinuousClock()
        let deadline = clock.now + establishTimeout
        while true {
            if discovery.served[apiVersion] == nil {
                discovery.served[apiVersion] = try await retry.run("discover \(apiVersion)") { try await client.resources(of: apiVersion) } ?? []
            }
            if let kind = discovery.served[apiVersion]?.first(where: { $0.kind == kindName }) { return kind }
            let defined = discovery.pending.contains(Discovery.key(apiVersion, kindName))
            guard defined, clock.now + pollInterval < deadline else {
                throw AddonError.notServed(name: manifest.name, line: document.line, apiVersion: apiVersion, kind: kindName,
                                           waited: defined ? establishTimeout : nil)
            }
            try await Task.sleep(for: pollInterval)
            discovery.served[apiVersion] = nil
        }
    }

    /// What discovery said per group version, and the kinds this run's CustomResourceDefinitions define.
    private struct Discovery {
        var served: [String: [ResourceKind]] = [:]
        var pending: Set<String> = []

        static func key(_ apiVersion: String, _ kind: String) -> String { "\(apiVersion) \(kind)" }

        /// After a CustomResourceDefinition is applied, its group versions are asked again.
        mutating func defines(_ object: KubeObject) {
            guard object.apiVersion.hasPrefix("apiextensions.k8s.io/"), object.kind == "CustomResourceDefinition",
                  let spec = object["spec"], let group = spec["group"]?.stringValue, let kind = spec["names"]?["kind"]?.stringValue
            else { return }
            for version in spec["versions"]?.arrayValue ?? [] {
                guard let name = version["name"]?.stringValue else { continue }
                let apiVersion = "\(group)/\(name)"
                pending.insert(Self.key(apiVersion, kind))
                served[apiVersion] = nil
            }
        }
    }
}
