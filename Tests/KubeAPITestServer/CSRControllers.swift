// Part of the test stand-in for kube-apiserver (tests only): kube-controller-manager's csrapproving and csrsigning
// controllers for kubelet client certificates (signer kubernetes.io/kube-apiserver-client-kubelet), as they
// approved and signed the joining kubelet's CSR in the capture.
import Foundation
import X509

extension APIServerCore {
    static let kubeletClientSigner = "kubernetes.io/kube-apiserver-client-kubelet"

    /// Signs approved CSRs that have no certificate yet, then approves the pending ones whose requester RBAC
    /// allows (a later pass signs those).
    func approveAndSignCSRs(_ signing: TestAPIServer.CSRSigning) {
        for csr in store.list(.certificatesigningrequests, namespace: nil) {
            guard csr[path: ["status", "certificate"]] == nil,
                  csr[path: ["spec", "signerName"]]?.stringValue == Self.kubeletClientSigner,
                  let request = KubeletClientRequest(csr)
            else { continue }
            let conditions = csr[path: ["status", "conditions"]]?.arrayValue ?? []
            let isTrue = { (type: String) in
                conditions.contains { $0["type"]?.stringValue == type && $0["status"]?.stringValue == "True" }
            }
            if isTrue("Failed") || isTrue("Denied") { continue }
            if isTrue("Approved") {
                sign(csr, request, signing)
            } else if let message = approval(csr, request) {
                update(csr, addingCondition: ["type": "Approved", "status": "True", "reason": "AutoApproved",
                                              "message": .string(message)])
            }
        }
    }

    /// pkg/controller/certificates/approver (sarapprove): a kubelet client CSR is approved when a
    /// SubjectAccessReview for its requester allows `create certificatesigningrequests/selfnodeclient` (the
    /// requester's own node name) or `.../nodeclient`.
    private func approval(_ csr: ServerJSON, _ request: KubeletClientRequest) -> String? {
        guard request.validationError == nil else { return nil }
        let user = UserInfo(name: csr[path: ["spec", "username"]]?.stringValue ?? "",
                            groups: (csr[path: ["spec", "groups"]]?.arrayValue ?? []).compactMap(\.stringValue))
        let candidates = [
            (user.name == request.commonName, "selfnodeclient",
             "Auto approving self kubelet client certificate after SubjectAccessReview."),
            (true, "nodeclient", "Auto approving kubelet client certificate after SubjectAccessReview."),
        ]
        let authorizer = RBACAuthorizer(store: store)
        for (recognized, subresource, message) in candidates where recognized {
            let attributes = RequestAttributes(user: user, verb: "create", resourceName: "certificatesigningrequests",
                                               apiGroup: "certificates.k8s.io", subresource: subresource)
            if authorizer.authorize(attributes).allowed { return message }
        }
        return nil
    }

    /// pkg/controller/certificates/signer: the CA signs the request's subject and key for the signing duration
    /// (backdated 5 minutes, never past the CA), with the requested key usages; a request that is not a valid
    /// kubelet client request gets a Failed condition instead.
    private func sign(_ csr: ServerJSON, _ request: KubeletClientRequest, _ signing: TestAPIServer.CSRSigning) {
        if let problem = request.validationError {
            update(csr, addingCondition: ["type": "Failed", "status": "True", "reason": "SignerValidationFailure",
                                          "message": .string(problem)], status: true)
            return
        }
        do {
            let pem = try signing.sign(request, now: now)
            var signed = csr
            signed[path: ["status", "certificate"]] = .string(Data(pem.utf8).base64EncodedString())
            write(signed)
        } catch {
            update(csr, addingCondition: ["type": "Failed", "status": "True", "reason": "SigningFailure",
                                          "message": .string("error auto signing csr: \(error)")], status: true)
        }
    }

    private func update(_ csr: ServerJSON, addingCondition condition: ServerJSON, status: Bool = false) {
        var updated = csr
        var stamped = condition
        stamped["lastUpdateTime"] = .string(RFC3339.format(now))
        stamped["lastTransitionTime"] = .string(RFC3339.format(now))
        updated[path: ["status", "conditions"]] = .array((csr[path: ["status", "conditions"]]?.arrayValue ?? []) + [stamped])
        write(updated)
    }

    private func write(_ csr: ServerJSON) {
        let name = csr[path: ["metadata", "name"]]?.stringValue ?? ""
        committed(store.write(csr, at: ObjectKey(resource: .certificatesigningrequests, namespace: "", name: name)))
    }
}

/// A CSR object's PEM request, read as the approver and signer read it.
struct KubeletClientRequest {
    let request: CertificateSigningRequest
    let commonName: String
    let organizations: [String]
    let usages: Set<String>

    init?(_ csr: ServerJSON) {
        guard let encoded = csr[path: ["spec", "request"]]?.stringValue, let pemData = Data(base64Encoded: encoded),
              let request = try? CertificateSigningRequest(pemEncoded: String(decoding: pemData, as: UTF8.self))
        else { return nil }
        self.request = request
        (commonName, organizations) = request.subject.commonNameAndOrganizations
        usages = Set((csr[path: ["spec", "usages"]]?.arrayValue ?? []).compactMap(\.stringValue))
    }

    /// capihelper.ValidateKubeletClientCSR's messages (and an invalid signature, which the signer rejects).
    var validationError: String? {
        guard request.publicKey.isValidSignature(request.signature, for: request) else {
            return "unable to verify certificate request signature"
        }
        guard organizations == ["system:nodes"] else { return "subject organization is not system:nodes" }
        let names = (try? request.attributes.extensionRequest?.extensions.subjectAlternativeNames) ?? nil
        for name in names ?? SubjectAlternativeNames() {
            switch name {
            case .dnsName: return "DNS subjectAltNames are not allowed"
            case .rfc822Name: return "Email subjectAltNames are not allowed"
            case .ipAddress: return "IP subjectAltNames are not allowed"
            case .uniformResourceIdentifier: return "URI subjectAltNames are not allowed"
            default: continue
            }
        }
        guard commonName.hasPrefix("system:node:") else { return "subject common name does not begin with system:node:" }
        let required: [Set<String>] = [["digital signature", "key encipherment", "client auth"],
                                       ["digital signature", "client auth"]]
        guard required.contains(usages) else {
            return "usages did not match [client auth digital signature key encipherment]"
        }
        return nil
    }
}

extension TestAPIServer.CSRSigning {
    /// The certificate as PEM: the request's subject and public key, client auth, signed by the CA.
    func sign(_ request: KubeletClientRequest, now: Date) throws -> String {
        let ca = try Certificate(pemEncoded: caCertificatePEM)
        let key = try Certificate.PrivateKey(pemEncoded: caKeyPEM)
        let notBefore = now.addingTimeInterval(-5 * 60)
        let notAfter = min(notBefore.addingTimeInterval(duration), ca.notValidAfter)
        let authorityKeyID = try ca.extensions.subjectKeyIdentifier?.keyIdentifier
        let extensions = try Certificate.Extensions {
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: request.usages.contains("key encipherment")))
            try ExtendedKeyUsage([.clientAuth])
            Critical(BasicConstraints.notCertificateAuthority)
            if let authorityKeyID { AuthorityKeyIdentifier(keyIdentifier: authorityKeyID) }
        }
        let certificate = try Certificate(version: .v3, serialNumber: Certificate.SerialNumber(),
                                          publicKey: request.request.publicKey, notValidBefore: notBefore,
                                          notValidAfter: notAfter, issuer: ca.subject, subject: request.request.subject,
                                          extensions: extensions, issuerPrivateKey: key)
        return try certificate.serializeAsPEM().pemString + "\n"
    }
}
