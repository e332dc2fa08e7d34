import Foundation
import Remote
import Testing
@testable import SSH

struct SudoCommandTests {
    @Test func wrapsCommandsForEachMode() {
        #expect(SudoCommand(mode: .none).wrap("id -u") == "id -u")
        #expect(SudoCommand(mode: .passwordless).wrap("echo 'a b'") == #"sudo -n -- /bin/sh -c 'echo '\''a b'\'''"#)
        #expect(SudoCommand(mode: .password).wrap("id -u") == "sudo -k -S -p '' -- /bin/sh -c 'id -u'")
    }

    @Test func putsThePasswordOnStdinNeverOnTheCommandLine() {
        let sudo = SudoCommand(mode: .password)
        #expect(!sudo.wrap("true").contains("s3cret"))
        #expect(sudo.stdin(Data("input".utf8), password: "s3cret") == Data("s3cret\ninput".utf8))
        #expect(sudo.stdin(nil, password: "s3cret") == Data("s3cret\n".utf8))
        #expect(SudoCommand(mode: .passwordless).stdin(Data("x".utf8), password: "s3cret") == Data("x".utf8))
    }

    @Test func recognisesSudoRefusals() {
        func result(_ stderr: String, _ status: Int32 = 1) -> CommandResult {
            CommandResult(stdout: Data(), stderr: Data(stderr.utf8), exitStatus: status)
        }
        // Messages as printed by sudo 1.9.13 (Debian 12).
        #expect(SudoCommand.refusal(in: result("sudo: a password is required\n"))?.contains("password is required") == true)
        #expect(SudoCommand.refusal(in: result("Sorry, try again.\nsudo: no password was provided\nsudo: 1 incorrect password attempt\n")) != nil)
        #expect(SudoCommand.refusal(in: result("kube is not in the sudoers file.\n")) != nil)
        #expect(SudoCommand.refusal(in: result("grep: x: No such file\n")) == nil)
        #expect(SudoCommand.refusal(in: result("sudo: a password is required\n", 0)) == nil)
    }
}

struct RemoteScriptsTests {
    @Test func parsesStatOutput() {
        #expect(RemoteScripts.parseStat("81a0 4\n") == FileStat(kind: .file, mode: 0o640, size: 4))
        #expect(RemoteScripts.parseStat("41ed 4096") == FileStat(kind: .directory, mode: 0o755, size: 4096))
        #expect(RemoteScripts.parseStat("a1ff 7") == FileStat(kind: .symlink, mode: 0o777, size: 7))
        #expect(RemoteScripts.parseStat("missing\n") == nil)
    }

    @Test func atomicWriteScriptWorksWithARealShell() throws {
        let directory = try LocalCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/sub dir/file.conf"
        let script = RemoteScripts.atomicWrite(path: path, temporary: directory + "/sub dir/.file.conf.tmp", size: 6, mode: 0o640)
        let wrote = try LocalCommand.run(["sh", "-c", script], stdin: Data("hello\n".utf8))
        #expect(wrote.status == 0, "\(wrote.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
        // A short stdin (a dropped connection) is rejected and leaves nothing behind.
        let truncated = RemoteScripts.atomicWrite(path: directory + "/sub dir/other", temporary: directory + "/sub dir/.other.tmp",
                                                  size: 100, mode: 0o644)
        #expect(try LocalCommand.run(["sh", "-c", truncated], stdin: Data("part".utf8)).status != 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/sub dir") == ["file.conf"])
    }
}

struct PrivateKeyFileTests {
    @Test(arguments: [("ed25519", "ssh-ed25519"), ("ecdsa", "ecdsa-sha2-nistp256"), ("rsa", "ssh-rsa")])
    func detectsTypeAndEncryption(type: String, expected: String) throws {
        let directory = try LocalCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plain = try LocalCommand.generateKey(type: type, in: directory, name: "plain")
        let locked = try LocalCommand.generateKey(type: type, in: directory, name: "locked", passphrase: "pw")
        #expect(PrivateKeyFile.inspect(try String(contentsOfFile: plain, encoding: .utf8))
            == PrivateKeyFile(isEncrypted: false, keyType: expected))
        #expect(PrivateKeyFile.inspect(try String(contentsOfFile: locked, encoding: .utf8))
            == PrivateKeyFile(isEncrypted: true, keyType: expected))
    }

    @Test func detectsEncryptedPEMKeys() throws {
        let directory = try LocalCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let locked = try LocalCommand.generateKey(type: "rsa", in: directory, name: "pem", passphrase: "pass-phrase", extra: ["-m", "PEM", "-b", "2048"])
        let plain = try LocalCommand.generateKey(type: "rsa", in: directory, name: "pem2", extra: ["-m", "PEM", "-b", "2048"])
        #expect(PrivateKeyFile.inspect(try String(contentsOfFile: locked, encoding: .utf8)).isEncrypted)
        #expect(!PrivateKeyFile.inspect(try String(contentsOfFile: plain, encoding: .utf8)).isEncrypted)
    }

    @Test func secretsNeverPrint() {
        let secrets = SSHSecrets(password: "pw-123", passphrase: "pp-456", sudoPassword: "sp-789")
        for text in ["\(secrets)", String(reflecting: secrets), "\(SSHHost.Configuration(address: "h", secrets: secrets))"] {
            #expect(!text.contains("pw-123") && !text.contains("pp-456") && !text.contains("sp-789"), "\(text)")
        }
    }
}
