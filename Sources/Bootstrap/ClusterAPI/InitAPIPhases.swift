import Foundation
import KubeAPI
import KubeadmConfig
import PKI

/// kubeadm init's API phases (upload-config, upload-certs, mark-control-plane, bootstrap-token, addon, and
/// v1.29's kubeadm:cluster-admins), run through one admin client. Each sends what kubeadm v1.28.7 sent, in its
/// order (../shared/reference/kubeadm-api/requests.txt), prints kubeadm's `[phase]` lines, and on a running
/// cluster updates objects instead of duplicating them.
public struct InitAPIPhases: Sendable {
    public let client: KubeClient
    public let objects: InitObjects
    public let report: @Sendable (String) -> Void
    public var retry: KubeRetry = .kubeadm
    public var patchRetry: KubeRetry = .patchNode

    public init(client: KubeClient, objects: InitObjects, report: @escaping @Sendable (String) -> Void) {
        self.client = client
        self.objects = objects
        self.report = report
    }

    var registration: NodeRegistration { objects.config.initConfiguration.nodeRegistration }

    // MARK: upload-config

    public enum UploadConfig: String, CaseIterable, Sendable { case all, kubeadm, kubelet }

    public func uploadConfig(_ part: UploadConfig = .all) async throws {
        if part != .kubelet {
            report("[upload-config] Storing the configuration used in ConfigMap \"kubeadm-config\" in the \"kube-system\" Namespace")
            try await createOrUpdate(try objects.uploadConfigKubeadm())
        }
        if part != .kubeadm {
            report("[kubelet] Creating a ConfigMap \"kubelet-config\" in namespace kube-system with the configuration for the kubelets in the cluster")
            try await createOrUpdate(try objects.uploadConfigKubelet())
            try await annotateCRISocket()
        }
    }

    /// kubeadm ≤ v1.31 keeps the node's CRI socket as a Node annotation.
    func annotateCRISocket() async throws {
        let name = registration.name
        let socket = registration.criSocket
        report("[upload-config] Preserving the CRISocket information for the control-plane node")
        report("[patchnode] Uploading the CRI Socket information \"\(socket)\" to the Node API object \"\(name)\" as an annotation")
        try await client.patchNode(name, retry: patchRetry) { node in
            node.annotations[NodeMarks.criSocketAnnotation] == socket ? nil
                : .object(["metadata": .object(["annotations": .object([NodeMarks.criSocketAnnotation: .string(socket)])])])
        }
    }

    // MARK: upload-certs

    /// Encrypts the shared certificates with `key` into kube-system/kubeadm-certs, owned by a 2 h token.
    /// `files` maps each data key (`ca.crt`, `etcd-ca.key`, …) to the file's bytes.
    public func uploadCerts(files: [String: Data], key: CertificateKey, now: Date = Date()) async throws {
        report("[upload-certs] Storing the certificates in Secret \"kubeadm-certs\" in the \"kube-system\" Namespace")
        let owner = try BootstrapTokenSecret(token: .generate(), description: KubeadmCertsSecret.ownerTokenDescription,
                                             expires: now.addingTimeInterval(KubeadmCertsSecret.ownerTokenTTL), usages: [], groups: [])
        try await createTokens([owner], failIfExists: true)
        let stored = try await retry.run("get secrets kube-system/\(owner.token.secretName)") {
            try await client.get(.secrets, owner.token.secretName, namespace: "kube-system")
        }
        let secret = try KubeadmCertsSecret.secret(files: files, key: key, ownerName: owner.token.secretName, ownerUID: stored.uid ?? "")
        try await client.createOrUpdate(secret, retry: retry)
        try await createOrUpdate(try objects.kubeadmCertsRBAC())
    }

    // MARK: mark-control-plane

    public func markControlPlane() async throws {
        let name = registration.name
        let taints = NodeMarks.controlPlaneTaints(registration)
        report("[mark-control-plane] Marking the node \(name) as control-plane by adding the labels: [\(NodeMarks.controlPlaneLabels.joined(separator: " "))]")
        if !taints.isEmpty {
            report("[mark-control-plane] Marking the node \(name) as control-plane by adding the taints [\(taints.map(NodeMarks.describe).joined(separator: " "))]")
        }
        try await client.patchNode(name, retry: patchRetry) { node in NodeMarks.controlPlanePatch(node, taints: taints) }
    }

    // MARK: bootstrap-token

    /// The tokens (created or updated, as init does), the RBAC rules of node bootstrap, and cluster-info.
    public func bootstrapToken(_ tokens: [BootstrapTokenSecret], certificateAuthorityPEM: String, printTokens: Bool = true) async throws {
        if printTokens {
            for token in tokens { report("[bootstrap-token] Using token: \(token.token.value)") }
        }
        report("[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles")
        try await createTokens(tokens, failIfExists: false)
        let rbac = try objects.bootstrapTokenRBAC()
        try await createOrUpdate(rbac)
        report("[bootstrap-token] Configured RBAC rules to allow Node Bootstrap tokens to get nodes")
        report("[bootstrap-token] Configured RBAC rules to allow Node Bootstrap tokens to post CSRs in order for nodes to get long term certificate credentials")
        report("[bootstrap-token] Configured RBAC rules to allow the csrapprover controller automatically approve CSRs from a Node Bootstrap Token")
        report("[bootstrap-token] Configured RBAC rules to allow certificate rotation for all node client certificates in the cluster")
        report("[bootstrap-token] Creating the \"cluster-info\" ConfigMap in the \"kube-public\" namespace")
        try await createOrUpdate(try objects.clusterInfo(certificateAuthorityPEM: certificateAuthorityPEM))
    }

    func createTokens(_ tokens: [BootstrapTokenSecret], failIfExists: Bool) async throws {
        var operations = TokenOperations(client: client)
        operations.retry = retry
        try await operations.createOrUpdate(tokens, failIfExists: failIfExists)
    }

    // MARK: addon

    public enum Addon: String, CaseIterable, Sendable { case all, coredns, kubeProxy = "kube-proxy" }

    public func addons(_ which: Addon = .all) async throws {
        let cluster = objects.config.clusterConfiguration
        if which != .kubeProxy, !cluster.dns.disabled {
            try await coreDNS()
            report("[addons] Applied essential addon: CoreDNS")
        }
        if which != .coredns, !cluster.proxy.disabled {
            try await createOrUpdate(try objects.kubeProxy())
            report("[addons] Applied essential addon: kube-proxy")
        }
    }

    /// CoreDNS as kubeadm applies it: an existing Deployment keeps its replica count and an existing Corefile
    /// is kept (the operator may have edited it).
    func coreDNS() async throws {
        let existing = try await retry.run("list deployments kube-system (k8s-app=kube-dns)") {
            try await client.list(.deployments, namespace: "kube-system", labelSelector: "k8s-app=kube-dns")
        }
        let replicas = existing.items.first?["spec"]?["replicas"]
        for var object in try objects.coreDNS() {
            if object.kind == "ConfigMap" {
                try await client.createOrRetain(object, retry: retry)
                continue
            }
            if object.kind == "Deployment", let replicas, var spec = object["spec"]?.objectValue {
                spec["replicas"] = replicas
                object["spec"] = .object(spec)
            }
            try await client.createOrUpdate(object, retry: retry)
        }
    }

    // MARK: kubeadm:cluster-admins (v1.29+)

    /// kubeadm's EnsureAdminClusterRoleBinding: admin.conf's group gets cluster-admin through a binding that
    /// admin.conf itself may not yet create; then super-admin.conf (system:masters) creates it.
    public static func ensureClusterAdmins(objects: InitObjects, admin: KubeClient, superAdmin: @Sendable () async throws -> KubeClient?,
                                           retry: KubeRetry = .kubeadm) async throws {
        guard let binding = try objects.clusterAdmins().first else { return }
        do {
            try await admin.createOrRetain(binding, retry: retry)
        } catch let error as KubeAPIError where error.isForbidden {
            guard let superClient = try await superAdmin() else { throw error }
            do {
                try await superClient.createOrRetain(binding, retry: retry)
                await superClient.shutdown()
            } catch {
                await superClient.shutdown()
                throw error
            }
        }
    }

    // MARK: helpers

    func createOrUpdate(_ list: [KubeObject]) async throws {
        for object in list { try await client.createOrUpdate(object, retry: retry) }
    }

    /// What each phase would create or change, for --dry-run.
    public static func plan(objects: InitObjects, phases: [String], tokens: [BootstrapTokenSecret], uploadCerts: Bool) throws -> [String] {
        var lines: [String] = []
        func add(_ list: [KubeObject]) { lines += list.map { "would create or update \($0.reference)" } }
        let name = objects.config.initConfiguration.nodeRegistration.name
        for phase in phases {
            switch phase {
            case "upload-config":
                add(try objects.uploadConfigKubeadm() + objects.uploadConfigKubelet())
                lines.append("would annotate node \(name) with \(NodeMarks.criSocketAnnotation)")
            case "upload-certs" where uploadCerts:
                lines.append("would create secrets kube-system/bootstrap-token-… (2 h owner of kubeadm-certs)")
                lines.append("would create or update secrets kube-system/kubeadm-certs (encrypted with the certificate key)")
                add(try objects.kubeadmCertsRBAC())
            case "mark-control-plane":
                lines.append("would label node \(name) \(NodeMarks.controlPlaneLabels.joined(separator: ", ")) and taint it "
                    + NodeMarks.controlPlaneTaints(objects.config.initConfiguration.nodeRegistration).map(NodeMarks.describe).joined(separator: ", "))
            case "bootstrap-token":
                lines += tokens.map { "would create or update secrets kube-system/\($0.token.secretName)" }
                add(try objects.bootstrapTokenRBAC() + objects.clusterInfo(certificateAuthorityPEM: ""))
            case "addon":
                add(try objects.coreDNS() + objects.kubeProxy())
            default:
                break
            }
        }
        return lines
    }
}

/// The labels, taints and annotation kubeadm puts on control-plane Nodes, and the patches that add them.
public enum NodeMarks {
    public static let controlPlaneLabels = ["node-role.kubernetes.io/control-plane", "node.kubernetes.io/exclude-from-external-load-balancers"]
    public static let controlPlaneTaint = Taint(key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule")
    public static let criSocketAnnotation = "kubeadm.alpha.kubernetes.io/cri-socket"

    /// nodeRegistration.taints: unset means kubeadm's control-plane taint, `[]` means none.
    public static func controlPlaneTaints(_ registration: NodeRegistration) -> [Taint] {
        registration.taints ?? [controlPlaneTaint]
    }

    static func describe(_ taint: Taint) -> String {
        taint.value.isEmpty ? "\(taint.key):\(taint.effect)" : "\(taint.key)=\(taint.value):\(taint.effect)"
    }

    static func json(_ taint: Taint) -> JSONValue {
        var members: [String: JSONValue] = ["key": .string(taint.key), "effect": .string(taint.effect)]
        if !taint.value.isEmpty { members["value"] = .string(taint.value) }
        return .object(members)
    }

    /// kubeadm's markControlPlaneNode as a two-way strategic merge patch: the labels that are missing, and the
    /// taint list (kubeadm's taints first, then the node's others) when it changes; nil when nothing would.
    static func controlPlanePatch(_ node: KubeObject, taints: [Taint]) -> JSONValue? {
        let labels = node.labels
        let missing = controlPlaneLabels.filter { labels[$0] != "" }
        let current = node["spec"]?["taints"]?.arrayValue ?? []
        func same(_ value: JSONValue, _ taint: Taint) -> Bool {
            value["key"]?.stringValue == taint.key && value["effect"]?.stringValue == taint.effect
        }
        let others = current.filter { existing in !taints.contains { same(existing, $0) } }
        let wanted = taints.map(json) + others
        var patch: [String: JSONValue] = [:]
        if !missing.isEmpty {
            patch["metadata"] = .object(["labels": .object(Dictionary(uniqueKeysWithValues: missing.map { ($0, JSONValue.string("")) }))])
        }
        if wanted != current { patch["spec"] = .object(["taints": .array(wanted)]) }
        return patch.isEmpty ? nil : .object(patch)
    }
}
