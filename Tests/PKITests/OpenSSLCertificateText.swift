/// The fields these tests compare, read from `openssl x509 -noout -text` output (a pure parser over real output).
struct OpenSSLCertificateText {
    var subject = ""
    var subjectAltNames: [String] = []
    var keyUsage: String?
    var keyUsageCritical = false
    var extendedKeyUsage: String?
    var basicConstraints: String?
    var publicKey = ""
    var hasSubjectKeyIdentifier = false
    var hasAuthorityKeyIdentifier = false

    init(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        for (index, line) in lines.enumerated() {
            let next = index + 1 < lines.count ? lines[index + 1] : ""
            if line.hasPrefix("Subject: ") { subject = String(line.dropFirst("Subject: ".count)) }
            if line.hasPrefix("X509v3 Subject Alternative Name:") {
                subjectAltNames = next.components(separatedBy: ", ")
            }
            if line.hasPrefix("X509v3 Key Usage:") {
                keyUsage = next
                keyUsageCritical = line.hasSuffix("critical")
            }
            if line.hasPrefix("X509v3 Extended Key Usage:") { extendedKeyUsage = next }
            if line.hasPrefix("X509v3 Basic Constraints:") { basicConstraints = next }
            if line.hasSuffix("Public-Key: (2048 bit)") || line.contains("Public-Key: (") { publicKey = line }
            if line.hasPrefix("X509v3 Subject Key Identifier:") { hasSubjectKeyIdentifier = true }
            if line.hasPrefix("X509v3 Authority Key Identifier:") { hasAuthorityKeyIdentifier = true }
        }
    }
}
