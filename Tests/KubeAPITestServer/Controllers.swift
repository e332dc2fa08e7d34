// Part of the test stand-in for kube-apiserver (tests only): the optional stand-ins for kube-controller-manager's
// controllers. They write to the store directly (their requests are not recorded, as the capture dropped
// kube-controller-manager's traffic), one reconcile pass after each committed change.
import Crypto
import Foundation

extension APIServerCore {
    var hasControllers: Bool { options.bootstrapSigner || options.csrSigning != nil }

    func scheduleReconcile() {
        guard hasControllers, pendingReconcile == nil else { return }
        let delay = options.controllerDelay
        pendingReconcile = Task {
            if delay > .zero { try? await Task.sleep(for: delay) }
            self.reconcile()
        }
    }

    /// One pass of every enabled controller. Each writes what it changed, which schedules the next pass, so the
    /// CSR controllers approve in one pass and sign in the next, as two separate updates.
    func reconcile() {
        pendingReconcile = nil
        guard !Task.isCancelled else { return }
        if options.bootstrapSigner { signClusterInfo() }
        if let signing = options.csrSigning { approveAndSignCSRs(signing) }
    }

    /// Waits until the controllers have nothing left to do.
    func settle() async {
        while let pending = pendingReconcile { await pending.value }
    }

    // MARK: bootstrapsigner

    /// pkg/controller/bootstrap/bootstrapsigner: `kube-public/cluster-info` carries `jws-kubeconfig-<id>` for every
    /// bootstrap-token Secret that may sign (usage-bootstrap-signing "true", not expired), and no other signature.
    func signClusterInfo() {
        guard let configMap = store.get(.configmaps, namespace: "kube-public", name: "cluster-info"),
              let content = configMap[path: ["data", "kubeconfig"]]?.stringValue
        else { return }
        var data = (configMap["data"]?.objectValue ?? [:]).filter { !$0.key.hasPrefix(BootstrapSigner.keyPrefix) }
        for (id, secret) in signingTokens() {
            let signature = BootstrapSigner.detachedJWS(content, tokenID: id, tokenSecret: secret)
            data[BootstrapSigner.keyPrefix + id] = .string(signature)
        }
        guard ServerJSON.object(data) != configMap["data"] else { return }
        var signed = configMap
        signed["data"] = .object(data)
        committed(store.write(signed, at: ObjectKey(resource: .configmaps, namespace: "kube-public", name: "cluster-info")))
    }

    private func signingTokens() -> [(String, String)] {
        store.list(.secrets, namespace: "kube-system").compactMap { secret in
            let name = secret[path: ["metadata", "name"]]?.stringValue ?? ""
            let data = BootstrapTokenData(secret)
            guard secret["type"]?.stringValue == Authenticator.bootstrapTokenType,
                  let id = data["token-id"], !id.isEmpty, name == "bootstrap-token-\(id)",
                  let tokenSecret = data["token-secret"], !tokenSecret.isEmpty,
                  !data.hasExpired(at: now), data["usage-bootstrap-signing"] == "true"
            else { return nil }
            return (id, tokenSecret)
        }
    }
}

/// k8s.io/cluster-bootstrap/token/jws: the detached HS256 JWS over cluster-info's kubeconfig.
enum BootstrapSigner {
    static let keyPrefix = "jws-kubeconfig-"

    /// `<b64url(header)>..<b64url(HMAC-SHA256)>` with the header exactly `{"alg":"HS256","kid":"<id>"}`.
    static func detachedJWS(_ content: String, tokenID: String, tokenSecret: String) -> String {
        let header = Base64URL.encode(Data("{\"alg\":\"HS256\",\"kid\":\"\(tokenID)\"}".utf8))
        let payload = Base64URL.encode(Data(content.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(header).\(payload)".utf8),
                                                  using: SymmetricKey(data: Data(tokenSecret.utf8)))
        return "\(header)..\(Base64URL.encode(Data(mac)))"
    }

}

/// Unpadded base64url (RFC 4648 §5), as JWS and kube-apiserver's continue tokens use it.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> Data? {
        let base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return Data(base64Encoded: base64 + String(repeating: "=", count: (4 - base64.count % 4) % 4))
    }
}
