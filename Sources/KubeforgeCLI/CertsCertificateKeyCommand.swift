import ArgumentParser
import PKI

/// `kubeforge certs certificate-key`: a new key for `init --upload-certs` / `join --certificate-key`.
struct CertsCertificateKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate-key",
        abstract: "Generate a certificate key (32 random bytes, hex) to encrypt the shared control-plane certificates."
    )

    func run() {
        print(CertificateKey.generate().hex)
    }
}
