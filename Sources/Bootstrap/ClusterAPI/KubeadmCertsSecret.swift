import Foundation
import KubeAPI
import PKI

/// upload-certs (kubeadm.md §6): the shared control-plane certificates and keys in kube-system/kubeadm-certs,
/// each file encrypted with the certificate key (AES-256-GCM), owned by a short-lived bootstrap token so that
/// garbage collection removes the Secret when the token expires (2 h).
public enum KubeadmCertsSecret {
    public static let name = "kubeadm-certs"
    public static let ownerTokenDescription = "Proxy for managing TTL for the kubeadm-certs secret"
    public static let ownerTokenTTL: TimeInterval = 2 * 3600

    /// The files kubeadm uploads, relative to the certificate directory, and their data keys (`/` → `-`).
    public static func files(externalEtcd: Bool) -> [(path: String, key: String)] {
        var paths = ["ca.crt", "ca.key", "front-proxy-ca.crt", "front-proxy-ca.key", "sa.pub", "sa.key"]
        paths += externalEtcd ? ["external-etcd-ca.crt", "external-etcd.crt", "external-etcd.key"] : ["etcd/ca.crt", "etcd/ca.key"]
        return paths.map { ($0, $0.replacingOccurrences(of: "/", with: "-")) }
    }

    /// The Secret: every file's bytes sealed with `key`, owned by the token Secret `owner` (its name and uid).
    public static func secret(files contents: [String: Data], key: CertificateKey, ownerName: String, ownerUID: String) throws -> KubeObject {
        var data: [String: JSONValue] = [:]
        for (dataKey, plaintext) in contents {
            data[dataKey] = .string(try key.seal(plaintext).base64EncodedString())
        }
        var object = KubeObject(apiVersion: "v1", kind: "Secret", name: name, namespace: "kube-system",
                                extra: ["type": .string("Opaque"), "data": .object(data)])
        var metadata = object.metadata
        metadata["ownerReferences"] = .array([.object([
            "apiVersion": .string("v1"), "kind": .string("Secret"), "name": .string(ownerName), "uid": .string(ownerUID),
            "controller": .bool(true), "blockOwnerDeletion": .bool(true),
        ])])
        object.metadata = metadata
        return object
    }

    /// join's download-certs: every entry decrypted (all or nothing), by data key.
    public static func decrypt(_ secret: KubeObject, key: CertificateKey) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for (dataKey, sealed) in secret.secretData {
            // kubeadm stores an empty value for an absent external-etcd file.
            if sealed.isEmpty { files[dataKey] = Data(); continue }
            do {
                files[dataKey] = try key.open(sealed)
            } catch {
                throw TokenError.invalid("cannot decrypt \(dataKey) of the kubeadm-certs Secret: wrong certificate key, or the Secret was re-uploaded with another one (run `kubeforge init phase upload-certs --upload-certs` on a control plane and use the key it prints)")
            }
        }
        return files
    }
}
