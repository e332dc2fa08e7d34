import Crypto
import Foundation

/// cluster-bootstrap's detached JWS over cluster-info's kubeconfig (kubeadm.md §5.2): HS256 keyed with the
/// token's secret, protected header exactly `{"alg":"HS256","kid":"<token-id>"}`, stored as
/// `<header>..<signature>` (the payload part removed), compared as strings.
public enum DetachedJWS {
    public static func sign(_ payload: String, tokenID: String, secret: String) -> String {
        let header = base64URL(Data(#"{"alg":"HS256","kid":"\#(tokenID)"}"#.utf8))
        let signingInput = header + "." + base64URL(Data(payload.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return header + ".." + base64URL(Data(mac))
    }

    /// Constant-time comparison with the signature kubeforge computes itself.
    public static func isValid(_ detached: String, payload: String, tokenID: String, secret: String) -> Bool {
        let expected = Array(sign(payload, tokenID: tokenID, secret: secret).utf8)
        let given = Array(detached.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
