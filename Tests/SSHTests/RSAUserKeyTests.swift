import Foundation
import Testing
@testable import SSH

/// RSAUserKey against ssh-keygen's files and public keys, and openssl as the verifier of its signatures.
struct RSAUserKeyTests {
    @Test(arguments: [("openssh", [String]()), ("pkcs1", ["-m", "PEM"]), ("pkcs8", ["-m", "PKCS8"])])
    func readsEveryFileFormatAndSignsWhatOpenSSLVerifies(format: String, extra: [String]) throws {
        let directory = try LocalCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try LocalCommand.generateKey(type: "rsa", in: directory, name: format, extra: ["-b", "2048"] + extra)
        let key = try #require(RSAUserKey(fileText: try String(contentsOfFile: path, encoding: .utf8)))

        // The blob is the .pub file's, under the signature algorithm's name instead of "ssh-rsa".
        let publicLine = try String(contentsOfFile: path + ".pub", encoding: .utf8).split(separator: " ")
        var expected = SSHWireWriter()
        expected.write(string: Array("rsa-sha2-256".utf8))
        var fromPub = SSHWireReader(Array(try #require(Data(base64Encoded: String(publicLine[1])))))
        #expect(fromPub.readString() == Array("ssh-rsa".utf8))
        let e = fromPub.readString(), n = fromPub.readString()
        expected.write(string: try #require(e))
        expected.write(string: try #require(n))
        #expect(key.publicKeyBlob == expected.bytes)

        try expectOpenSSLVerifies(key.sign, publicKeyFile: path + ".pub", in: directory)
    }

    /// A real ssh-agent holding the key signs with SHA-256 when kubeforge asks (libssh2 1.10 never does).
    @Test func asksARealAgentForAnRSASHA256Signature() async throws {
        let directory = try LocalCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try LocalCommand.generateKey(type: "rsa", in: directory, name: "id_rsa", extra: ["-b", "2048"])
        let socket = directory + "/agent.sock"
        let agent = try await LocalCommand.startAgent(at: socket)
        defer { LocalCommand.stopAgent(agent) }
        #expect(try LocalCommand.run(["ssh-add", path], environment: ["SSH_AUTH_SOCK": socket]).status == 0)

        let publicLine = try String(contentsOfFile: path + ".pub", encoding: .utf8).split(separator: " ")
        let signer = AgentRSASigner(socketPath: socket, agentBlob: Array(try #require(Data(base64Encoded: String(publicLine[1])))))
        let key = try #require(RSAUserKey(fileText: try String(contentsOfFile: path, encoding: .utf8)))
        #expect(signer.rsaSHA256Blob == key.publicKeyBlob)
        try expectOpenSSLVerifies(signer.sign, publicKeyFile: path + ".pub", in: directory)

        let stranger = AgentRSASigner(socketPath: socket, agentBlob: Array(key.publicKeyBlob.reversed()))
        #expect(throws: AgentRSASigner.Failure.self) { try Data("x".utf8).withUnsafeBytes { try stranger.sign($0) } }
    }

    private func expectOpenSSLVerifies(_ sign: (UnsafeRawBufferPointer) throws -> Data, publicKeyFile: String,
                                       in directory: String) throws {
        let message = Data("session id and userauth request".utf8)
        let signature = try message.withUnsafeBytes { try sign($0) }
        #expect(signature.count == 256)
        try message.write(to: URL(fileURLWithPath: directory + "/message"))
        try signature.write(to: URL(fileURLWithPath: directory + "/signature"))
        let pem = try LocalCommand.run(["ssh-keygen", "-e", "-m", "PKCS8", "-f", publicKeyFile])
        try pem.stdout.write(toFile: directory + "/public.pem", atomically: true, encoding: .utf8)
        let verify = try LocalCommand.run(["openssl", "dgst", "-sha256", "-verify", directory + "/public.pem",
                                           "-signature", directory + "/signature", directory + "/message"])
        #expect(verify.status == 0 && verify.stdout.contains("Verified OK"), "\(verify.stdout)\(verify.stderr)")
    }

    @Test func leavesOtherKeysToLibSSH2() throws {
        let directory = try LocalCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let others = [
            try LocalCommand.generateKey(type: "ed25519", in: directory, name: "ed25519"),
            try LocalCommand.generateKey(type: "rsa", in: directory, name: "locked", passphrase: "pw", extra: ["-b", "2048"]),
            try LocalCommand.generateKey(type: "rsa", in: directory, name: "locked-pem", passphrase: "pass-phrase", extra: ["-b", "2048", "-m", "PEM"]),
            try LocalCommand.generateKey(type: "rsa", in: directory, name: "short", extra: ["-b", "1024"]),
        ]
        for path in others {
            #expect(RSAUserKey(fileText: try String(contentsOfFile: path, encoding: .utf8)) == nil, "\(path)")
        }
    }
}
