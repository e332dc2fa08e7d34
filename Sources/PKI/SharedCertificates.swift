import Foundation
import Remote

/// The `kube-system/kubeadm-certs` Secret payload of `init --upload-certs` / `join --control-plane`: the shared
/// CA and service-account files, each AES-GCM-encrypted with the certificate key, under keys named after the
/// file with `/` turned into `-`.
public enum SharedCertificates {
    /// One entry of the Secret: its data key and the file below the certificate directory.
    public struct Entry: Sendable, Equatable {
        public let secretKey: String
        public let file: String
        /// Private keys are written back 0600, the rest 0644.
        public var isPrivate: Bool { file.hasSuffix(".key") }
    }

    /// Upstream's list: the cluster and front-proxy CAs, sa, and the etcd CA (or, with external etcd, its client
    /// files, given as paths relative to the certificate directory or absolute).
    public static func entries(externalEtcd: (ca: String, cert: String, key: String)? = nil) -> [Entry] {
        var files = ["ca.crt", "ca.key", "front-proxy-ca.crt", "front-proxy-ca.key", "sa.pub", "sa.key"]
        var result = files.map { Entry(secretKey: $0.replacingOccurrences(of: "/", with: "-"), file: $0) }
        if let externalEtcd {
            result += [Entry(secretKey: "external-etcd-ca.crt", file: externalEtcd.ca),
                       Entry(secretKey: "external-etcd.crt", file: externalEtcd.cert),
                       Entry(secretKey: "external-etcd.key", file: externalEtcd.key)]
        } else {
            files = ["etcd/ca.crt", "etcd/ca.key"]
            result += files.map { Entry(secretKey: $0.replacingOccurrences(of: "/", with: "-"), file: $0) }
        }
        return result
    }

    /// Reads and encrypts every entry. External etcd files that are absent are stored empty, as upstream does.
    public static func encrypt(from files: PKIFiles, key: CertificateKey,
                               externalEtcd: (ca: String, cert: String, key: String)? = nil) async throws -> [String: Data] {
        var data: [String: Data] = [:]
        for entry in entries(externalEtcd: externalEtcd) {
            let path = entry.file.hasPrefix("/") ? entry.file : files.path(entry.file)
            if try await files.host.stat(path) == nil {
                guard entry.secretKey.hasPrefix("external-etcd") else {
                    throw PKIError(.missingFile, "\(path) does not exist; upload-certs needs every shared certificate")
                }
                data[entry.secretKey] = Data()
                continue
            }
            data[entry.secretKey] = try key.seal(try await files.host.readFile(path))
        }
        return data
    }

    /// Decrypts every entry (all or nothing) and writes the files back with kubeadm's modes.
    public static func decryptAndWrite(_ data: [String: Data], to files: PKIFiles, key: CertificateKey,
                                       externalEtcd: (ca: String, cert: String, key: String)? = nil) async throws {
        var plain: [(Entry, Data)] = []
        for entry in entries(externalEtcd: externalEtcd) {
            guard let sealed = data[entry.secretKey] else {
                throw PKIError(.missingFile, "the kubeadm-certs Secret has no '\(entry.secretKey)'; re-run `kubeforge init phase upload-certs --upload-certs` on a control-plane node")
            }
            if sealed.isEmpty { continue }
            do { plain.append((entry, try key.open(sealed))) } catch {
                throw PKIError(.cryptoFailure, "cannot decrypt '\(entry.secretKey)' from the kubeadm-certs Secret: wrong --certificate-key or the Secret expired and was recreated")
            }
        }
        for (entry, contents) in plain {
            let mode = entry.isPrivate ? PKIFiles.privateMode : PKIFiles.certificateMode
            if entry.file.hasPrefix("/") {
                try await files.host.writeFile(entry.file, contents: contents, mode: mode)
            } else {
                try await files.write(contents, to: entry.file, mode: mode)
            }
        }
    }
}
