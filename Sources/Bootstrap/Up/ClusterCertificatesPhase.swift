import Foundation
import PKI
import Remote

/// The cluster's certificate tree, generated once on the operator's machine (a private 0700 directory) and
/// pushed: the shared CAs, sa.key and the front-proxy pair once, then per host the leaves that must carry its
/// own name and address (apiserver, etcd server/peer, …) issued from those CAs, as `join --control-plane`
/// does after download-certs. Control planes get the whole tree and their kubeconfigs; etcd-only members get
/// the etcd CA certificate and their etcd leaves. CAs already on the first host are reused, so a re-run keeps
/// the cluster's identity.
public struct ClusterCertificatesPhase: Phase {
    public let plan: UpPlan
    public let session: UpSession
    public let operatorHost: any Remote.Host
    public let report: @Sendable (String) -> Void
    public var title: String { "Certificates and kubeconfigs for \(plan.certificateHosts.map(\.name).joined(separator: ", "))" }

    static let pkiDir = "/etc/kubernetes/pki"
    static let kubeconfigDir = "/etc/kubernetes"
    /// The shared authorities, relative to the pki directory (kubeadm's upload-certs set, minus external etcd).
    static let sharedFiles = ["ca.crt", "ca.key", "front-proxy-ca.crt", "front-proxy-ca.key", "etcd/ca.crt", "etcd/ca.key", "sa.key", "sa.pub"]
    static let etcdLeaves = ["etcd-server", "etcd-peer", "etcd-healthcheck-client"]

    public init(plan: UpPlan, session: UpSession, operatorHost: any Remote.Host = LocalHost(), report: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        self.session = session
        self.operatorHost = operatorHost
        self.report = report
    }

    public func run() async throws {
        guard let first = plan.certificateHosts.first else { return }
        let work = try makePrivateDirectory()
        await session.setWorkDirectory(work)
        let shared = "\(work)/shared"
        try await fetchExistingAuthorities(from: first, into: "\(shared)/pki")
        let sharedOptions = plan.certificateOptions(for: first.inventory, certificatesDir: "\(shared)/pki", kubeconfigDir: shared)
        let authorities = try await PKIGenerator(resolved: try sharedOptions.resolve(), host: operatorHost)
            .run(PKIGenerator.Request(certificates: ["ca", "front-proxy-ca", "etcd-ca", "sa"]))
        report("    cluster CAs: " + authorities.entries.map { "\($0.name) \($0.outcome)" }.joined(separator: ", "))
        guard let ca = try await PKIFiles(host: operatorHost, directory: "\(shared)/pki").readCertificate("ca.crt") else {
            throw UpError.certificates("\(shared)/pki/ca.crt was not generated")
        }
        await session.setDiscoveryHash(try DiscoveryHash.of(ca))

        // Hosts already in the cluster keep the certificates they run with.
        for host in await session.newHosts(plan.certificateHosts) {
            let local = "\(work)/hosts/\(host.name)"
            try copyShared(from: "\(shared)/pki", to: "\(local)/pki", controlPlane: host.inventory.isControlPlane)
            let options = plan.certificateOptions(for: host.inventory, certificatesDir: "\(local)/pki", kubeconfigDir: local)
            let resolved = try options.resolve()
            let generated = try await PKIGenerator(resolved: resolved, host: operatorHost).run(request(for: host, resolved: resolved))
            guard generated.problems.isEmpty else { throw UpError.certificates(generated.problems.joined(separator: "; ")) }
            let pushed = try await push(local, to: host)
            report("    \(host.name): \(pushed) files written under \(Self.kubeconfigDir) (keys and kubeconfigs 0600)")
        }
    }

    /// What each host gets issued: control planes every leaf and their kubeconfigs (super-admin.conf on the
    /// first only, as kubeadm init writes it there alone); etcd-only members their etcd leaves.
    func request(for host: UpHost, resolved: CertificateTreeOptions.Resolved) -> PKIGenerator.Request {
        guard host.inventory.isControlPlane else { return PKIGenerator.Request(certificates: Self.etcdLeaves) }
        var request = PKIGenerator.Request.joiningControlPlane(for: resolved)
        request.kubeconfigs.append(.kubelet)
        if host.name == plan.controlPlanes.first?.name, KubeconfigKind.kinds(for: resolved.release).contains(.superAdmin) {
            request.kubeconfigs.append(.superAdmin)
        }
        return request
    }

    /// The file list per host, for the dry run (nothing generated).
    public func dryRun() async throws -> [String] {
        var lines = ["would generate the cluster CAs (ca, front-proxy-ca, etcd/ca, sa) on this machine in a private temporary directory, or reuse those on \(plan.certificateHosts.first?.name ?? "-")"]
        for host in plan.certificateHosts {
            let resolved = try plan.certificateOptions(for: host.inventory, certificatesDir: Self.pkiDir, kubeconfigDir: Self.kubeconfigDir).resolve()
            let request = request(for: host, resolved: resolved)
            let what = request.certificates.joined(separator: ", ") + (request.kubeconfigs.isEmpty ? "" : "; kubeconfigs " + request.kubeconfigs.map(\.fileName).joined(separator: ", "))
            lines.append("would write to \(host.name):\(Self.kubeconfigDir): \(what)"
                + (host.inventory.isControlPlane ? " and the shared CAs (apiserver SANs: \(resolved.apiServerAltNames.summary))"
                    : " and etcd/ca.crt (etcd SANs: \(resolved.etcdServerAltNames.summary))"))
        }
        return lines
    }

    /// Nothing is removed once etcd runs on these certificates; before that, files this run created go.
    public func cleanUp() async {
        await session.finish()
    }

    private func makePrivateDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kubeforge-up-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    /// The first host's CAs, if it has them (a re-run), so the cluster keeps its identity.
    private func fetchExistingAuthorities(from first: UpHost, into directory: String) async throws {
        for file in Self.sharedFiles {
            guard try await first.host.stat("\(Self.pkiDir)/\(file)") != nil else { continue }
            let data = try await first.host.readFile("\(Self.pkiDir)/\(file)")
            try makeDirectory(for: "\(directory)/\(file)")
            try AtomicFile.write(data, to: "\(directory)/\(file)", mode: file.hasSuffix(".crt") ? 0o644 : 0o600)
        }
    }

    private func copyShared(from shared: String, to pki: String, controlPlane: Bool) throws {
        let files = controlPlane ? Self.sharedFiles : ["etcd/ca.crt", "etcd/ca.key"]
        for file in files {
            let source = "\(shared)/\(file)"
            guard FileManager.default.fileExists(atPath: source) else { continue }
            try makeDirectory(for: "\(pki)/\(file)")
            try AtomicFile.write(try Data(contentsOf: URL(fileURLWithPath: source)), to: "\(pki)/\(file)", mode: file.hasSuffix(".crt") ? 0o644 : 0o600)
        }
    }

    private func makeDirectory(for file: String) throws {
        let directory = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Writes every generated file to the host with its mode (private keys, sa.pub and kubeconfigs 0600,
    /// certificates 0644); an etcd-only member never receives the etcd CA's key. Unchanged files are not rewritten.
    private func push(_ local: String, to host: UpHost) async throws -> Int {
        var count = 0
        guard let walker = FileManager.default.enumerator(atPath: local) else { return 0 }
        for case let relative as String in walker {
            let source = "\(local)/\(relative)"
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            if !host.inventory.isControlPlane && relative == "pki/etcd/ca.key" { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: source))
            let mode: UInt16 = relative.hasSuffix(".crt") ? 0o644 : 0o600
            let target = "\(Self.kubeconfigDir)/\(relative)"
            if try await host.host.stat(target) != nil, try await host.host.readFile(target) == data { continue }
            try await host.host.writeFile(target, contents: data, mode: mode)
            count += 1
        }
        return count
    }
}
