/// The write patterns kubeadm uses (cmd/kubeadm/app/util/apiclient/idempotency.go), so that re-running a
/// phase on a running cluster updates objects instead of failing or duplicating them.
extension KubeClient {
    /// Creates the object; when it already exists, replaces it with the resourceVersion just read (so a
    /// concurrent change makes the update conflict and retry instead of being overwritten blindly).
    /// A Service with a fixed ClusterIP that exists already is refused with 422 (the IP is allocated before the
    /// name is checked), which kubeadm also takes to mean "exists".
    @discardableResult
    public func createOrUpdate(_ object: KubeObject, retry: KubeRetry = .kubeadm) async throws -> KubeObject {
        guard let kind = object.resourceKind else { return try await create(object) }
        let exists: @Sendable (KubeAPIError) -> Bool = { error in
            error.isAlreadyExists || (kind == .services && error.code == 422 && error.description.contains("already allocated"))
        }
        return try await retry.run("create or update \(object.reference)", also: \.isConflict) {
            do {
                return try await create(object)
            } catch let error as KubeAPIError where exists(error) {
                var replacement = object
                replacement.resourceVersion = try await get(kind, object.name, namespace: object.namespace).resourceVersion
                return try await update(replacement)
            }
        }
    }

    /// Creates the object only when it does not exist; an existing one is left as it is and returned.
    @discardableResult
    public func createOrRetain(_ object: KubeObject, retry: KubeRetry = .kubeadm) async throws -> KubeObject {
        guard let kind = object.resourceKind else { return try await create(object) }
        return try await retry.run("create \(object.reference) unless it exists") {
            do {
                return try await get(kind, object.name, namespace: object.namespace)
            } catch let error as KubeAPIError where error.isNotFound {
                do {
                    return try await create(object)
                } catch let error as KubeAPIError where error.isAlreadyExists {
                    return try await get(kind, object.name, namespace: object.namespace)
                }
            }
        }
    }

    /// kubeadm's PatchNode: waits for the Node to be registered (with its `kubernetes.io/hostname` label),
    /// then sends the strategic-merge patch `change` computes from it; nil means nothing to change.
    @discardableResult
    public func patchNode(_ name: String, retry: KubeRetry = .patchNode,
                          _ change: @Sendable (KubeObject) -> JSONValue?) async throws -> KubeObject {
        try await retry.run("patch nodes \(name)", also: { $0.isNotFound || $0.isConflict }) {
            let node = try await get(.nodes, name)
            guard node.labels["kubernetes.io/hostname"] != nil else {
                // Not fully registered yet: as good as not found, so the wait goes on.
                throw KubeAPIError.status(KubeStatus(status: "Failure", message: "the Node has no kubernetes.io/hostname label yet",
                                                     reason: "NotFound", code: 404), request: "get nodes \(name)")
            }
            guard let patch = change(node) else { return node }
            return try await self.patch(.nodes, name, patch, type: .strategicMerge)
        }
    }
}
