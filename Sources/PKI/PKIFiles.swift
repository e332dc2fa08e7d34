import Foundation
import Remote
import SwiftASN1
import X509

/// Reads and writes certificates, keys and kubeconfigs on a `Host`, with kubeadm's formats and modes:
/// certificates 0644, private keys (and sa.pub, like `keyutil.WriteKey`) 0600, kubeconfigs 0600. Every write
/// is atomic; a key is written before its certificate.
public struct PKIFiles: Sendable {
    public let host: any Remote.Host
    public let directory: String

    public static let certificateMode: UInt16 = 0o644
    public static let privateMode: UInt16 = 0o600

    public init(host: any Remote.Host, directory: String) {
        self.host = host
        self.directory = directory
    }

    public func path(_ relative: String) -> String {
        directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
    }

    public func exists(_ relative: String) async throws -> Bool {
        try await host.stat(path(relative)) != nil
    }

    /// The text of a file, or nil when it does not exist.
    public func readText(_ relative: String) async throws -> String? {
        guard try await exists(relative) else { return nil }
        return String(decoding: try await host.readFile(path(relative)), as: UTF8.self)
    }

    /// The first certificate of a PEM file (the leaf comes first in a bundle), or nil when it does not exist.
    public func readCertificate(_ relative: String) async throws -> Certificate? {
        guard let text = try await readText(relative) else { return nil }
        guard let first = try? PEMDocument.parseMultiple(pemString: text).first(where: { $0.discriminator == "CERTIFICATE" }),
              let certificate = try? Certificate(pemDocument: first)
        else {
            throw PKIError(.invalidFile, "\(path(relative)) is not a PEM certificate; remove it or restore a valid one")
        }
        return certificate
    }

    public func readKey(_ relative: String) async throws -> SigningKey? {
        guard let text = try await readText(relative) else { return nil }
        return try SigningKey(pemEncoded: text, path: path(relative))
    }

    public func writeCertificateAndKey(_ certificate: Certificate, key: SigningKey, baseName: String) async throws {
        try await write(Data(key.pemEncoded.utf8), to: baseName + ".key", mode: Self.privateMode)
        try await write(Data(certificate.pemText().utf8), to: baseName + ".crt", mode: Self.certificateMode)
    }

    public func write(_ data: Data, to relative: String, mode: UInt16) async throws {
        try await host.writeFile(path(relative), contents: data, mode: mode)
    }
}
