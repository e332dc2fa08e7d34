import Foundation
import Remote
import SSH
import Testing

/// SSHHost against the lab's real sshd hosts. Enabled with KUBEFORGE_LAB=1; fails if the lab is down.
@Suite(.enabled(if: Lab.enabled, "needs the lab (KUBEFORGE_LAB=1)"))
struct SSHHostLabTests {
    @Test func runsCommandsWithTheLabKeyAndReportsOutputAndStatus() async throws {
        let host = SSHHost(try Lab.configuration("k8s-master"))
        let result = try await host.run("hostname; echo oops >&2; exit 3")
        #expect(result.stdoutText == "k8s-master\n")
        #expect(result.stderrText == "oops\n")
        #expect(result.exitStatus == 3)
        let echoed = try await host.run("cat", stdin: Data("fed through stdin".utf8), timeout: .seconds(10))
        #expect(echoed.stdoutText == "fed through stdin")
        let killed = try await host.run("kill -TERM $$")
        #expect(killed.exitStatus == 128 + 15)
        await host.disconnect()
    }

    @Test func reusesOneConnectionForManyCommands() async throws {
        let host = SSHHost(try Lab.configuration("k8s-node2"))
        var endpoints = Set<String>()
        let start = ContinuousClock.now
        for _ in 0..<30 {
            let result = try await host.run("echo $SSH_CONNECTION")
            endpoints.insert(result.stdoutText)
        }
        let elapsed = ContinuousClock.now - start
        #expect(endpoints.count == 1, "every command must travel over the same TCP connection")
        print("30 commands over one connection: \(elapsed)")
        await host.disconnect()
    }

    @Test func connectsToEveryLabHostConcurrently() async throws {
        let names = ["k8s-master", "k8s-node1", "k8s-node2"]
        let hosts = try names.map { SSHHost(try Lab.configuration($0)) }
        let start = ContinuousClock.now
        let results = await FanOut.map(hosts) { host in try await host.run("hostname").stdoutText }
        print("connect + hostname on \(names.count) hosts: \(ContinuousClock.now - start)")
        #expect(try results.map { try $0.get() } == names.map { $0 + "\n" })
        for host in hosts { await host.disconnect() }
    }

    @Test func authenticatesWithECDSAEncryptedAndRSAKeysInEveryFileFormat() async throws {
        let directory = try LocalCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keys = try TestKeys(directory: directory)
        let marker = "kubeforge-ssh-test-\(UUID().uuidString.prefix(8))"
        let lines = try keys.all.map { try String(contentsOfFile: $0 + ".pub", encoding: .utf8).trimmed + " " + marker }
        let root = SSHHost(try Lab.configuration("k8s-node1"))
        let authorize = "cat >> /root/.ssh/authorized_keys"
        #expect(try await root.run(authorize, stdin: Data((lines.joined(separator: "\n") + "\n").utf8), timeout: nil).succeeded)
        let pidFile = "/run/kubeforge-ssh-test-2222.pid"
        let cleanUp = "sed -i '/\(marker)/d' /root/.ssh/authorized_keys; kill $(cat \(pidFile)) 2>/dev/null"
        do {
            try await checkKeys(keys, root: root, directory: directory, pidFile: pidFile)
        } catch {
            _ = try? await root.run(cleanUp)
            throw error
        }
        _ = try await root.run(cleanUp)
    }

    /// Key files of every kind a user may hold, made by the real ssh-keygen.
    private struct TestKeys {
        let ecdsa, encrypted, rsa, rsaPKCS1, rsaPKCS8, rsaEncrypted: String
        var all: [String] { [ecdsa, encrypted, rsa, rsaPKCS1, rsaPKCS8, rsaEncrypted] }

        init(directory: String) throws {
            ecdsa = try LocalCommand.generateKey(type: "ecdsa", in: directory, name: "id_ecdsa")
            encrypted = try LocalCommand.generateKey(type: "ed25519", in: directory, name: "id_enc", passphrase: "open sesame")
            rsa = try LocalCommand.generateKey(type: "rsa", in: directory, name: "id_rsa", extra: ["-b", "2048"])
            rsaPKCS1 = try LocalCommand.generateKey(type: "rsa", in: directory, name: "id_rsa_pem", extra: ["-b", "3072", "-m", "PEM"])
            rsaPKCS8 = try LocalCommand.generateKey(type: "rsa", in: directory, name: "id_rsa_p8", extra: ["-b", "2048", "-m", "PKCS8"])
            rsaEncrypted = try LocalCommand.generateKey(type: "rsa", in: directory, name: "id_rsa_enc", passphrase: "open sesame",
                                                        extra: ["-b", "2048"])
        }
    }

    private func checkKeys(_ keys: TestKeys, root: SSHHost, directory: String, pidFile: String) async throws {
        let viaECDSA = SSHHost(try Lab.configuration("k8s-node1", identityFiles: [keys.ecdsa]))
        #expect(try await viaECDSA.run("id -u").stdoutText == "0\n")

        let viaEncrypted = SSHHost(try Lab.configuration("k8s-node1", identityFiles: [keys.encrypted],
                                                         secrets: SSHSecrets(passphrase: "open sesame")))
        #expect(try await viaEncrypted.run("true").succeeded)

        let wrongPassphrase = SSHHost(try Lab.configuration("k8s-node1", identityFiles: [keys.encrypted],
                                                            secrets: SSHSecrets(passphrase: "wrong")))
        await expectAuthenticationFailure(wrongPassphrase, mentioning: "passphrase")

        // OpenSSH 9.2 refuses ssh-rsa (SHA-1) signatures by default, the only ones libssh2 1.10 makes: these
        // logins succeed only because kubeforge signs rsa-sha2-256 itself, from each file format.
        for file in [keys.rsa, keys.rsaPKCS1, keys.rsaPKCS8] {
            let viaRSA = SSHHost(try Lab.configuration("k8s-node1", identityFiles: [file]))
            #expect(try await viaRSA.run("id -un").stdoutText == "root\n", "\(file)")
        }
        // An encrypted RSA key goes to libssh2 (SHA-1 only): refused, with the way out.
        let viaEncryptedRSA = SSHHost(try Lab.configuration("k8s-node1", identityFiles: [keys.rsaEncrypted],
                                                            secrets: SSHSecrets(passphrase: "open sesame")))
        await expectAuthenticationFailure(viaEncryptedRSA, mentioning: "PubkeyAcceptedAlgorithms")

        // A second sshd that accepts only ssh-rsa, like OpenSSH before 7.2: the rsa-sha2-256 attempt is
        // refused and libssh2's SHA-1 signature logs in, for the plain and the encrypted RSA key.
        let started = try await root.run(
            "/usr/sbin/sshd -p 2222 -o PidFile=\(pidFile) -o PubkeyAcceptedAlgorithms=ssh-rsa -o PermitRootLogin=prohibit-password")
        #expect(started.succeeded, "\(started.stderrText)")
        let knownHosts = directory + "/known_hosts"
        let address = try Lab.address(of: "k8s-node1")
        try "[\(address)]:2222 ssh-ed25519 \(try Lab.recordedKey(address: address, type: "ssh-ed25519"))\n"
            .write(toFile: knownHosts, atomically: true, encoding: .utf8)
        for (file, passphrase) in [(keys.rsa, nil), (keys.rsaEncrypted, "open sesame")] {
            var configuration = try Lab.configuration("k8s-node1", identityFiles: [file],
                                                      secrets: SSHSecrets(passphrase: passphrase))
            configuration.port = 2222
            configuration.knownHostsFile = knownHosts
            #expect(try await SSHHost(configuration).run("id -un").stdoutText == "root\n", "\(file)")
        }
    }

    @Test func authenticatesWithAPasswordWhenTheServerAllowsIt() async throws {
        let host = SSHHost(try Lab.configuration("k8s-node2", user: "kube", identityFiles: [],
                                                 secrets: SSHSecrets(password: "kube-lab-pass")))
        #expect(try await host.run("id -un").stdoutText == "kube\n")

        let wrong = SSHHost(try Lab.configuration("k8s-node2", user: "kube", identityFiles: [],
                                                  secrets: SSHSecrets(password: "not-the-password")))
        let error = await expectAuthenticationFailure(wrong, mentioning: "KUBEFORGE_SSH_PASSWORD")
        #expect(error.map { !$0.description.contains("not-the-password") } ?? false, "an error must never show the password")
    }

    /// A second sshd that offers keyboard-interactive (PAM asks "Password:") and not plain password auth.
    @Test func answersKeyboardInteractiveWhenTheServerAsks() async throws {
        let directory = try LocalCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = SSHHost(try Lab.configuration("k8s-node2"))
        let pidFile = "/run/kubeforge-ssh-test-2223.pid"
        let started = try await root.run("/usr/sbin/sshd -p 2223 -o PidFile=\(pidFile) -o UsePAM=yes "
            + "-o KbdInteractiveAuthentication=yes -o PasswordAuthentication=no -o AuthenticationMethods=keyboard-interactive")
        #expect(started.succeeded, "\(started.stderrText)")
        do {
            try await logInWithKeyboardInteractive(port: 2223, directory: directory)
        } catch {
            _ = try? await root.run("kill $(cat \(pidFile))")
            throw error
        }
        _ = try await root.run("kill $(cat \(pidFile))")
    }

    private func logInWithKeyboardInteractive(port: Int, directory: String) async throws {
        let address = try Lab.address(of: "k8s-node2")
        let knownHosts = directory + "/known_hosts"
        try "[\(address)]:\(port) ssh-ed25519 \(try Lab.recordedKey(address: address, type: "ssh-ed25519"))\n"
            .write(toFile: knownHosts, atomically: true, encoding: .utf8)
        func configuration(_ password: String) throws -> SSHHost.Configuration {
            var configuration = try Lab.configuration("k8s-node2", user: "kube", identityFiles: [],
                                                      secrets: SSHSecrets(password: password))
            configuration.port = port
            configuration.knownHostsFile = knownHosts
            return configuration
        }
        #expect(try await SSHHost(try configuration("kube-lab-pass")).run("id -un").stdoutText == "kube\n")
        await expectAuthenticationFailure(SSHHost(try configuration("not-the-password")), mentioning: "keyboard-interactive")
    }

    @Test func authenticatesThroughARealSSHAgent() async throws {
        let directory = try LocalCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/agent.sock"
        let agent = try await LocalCommand.startAgent(at: socket)
        defer { LocalCommand.stopAgent(agent) }
        let added = try LocalCommand.run(["ssh-add", Lab.key], environment: ["SSH_AUTH_SOCK": socket])
        #expect(added.status == 0, "\(added.stderr)")

        var configuration = try Lab.configuration("k8s-node1", identityFiles: [])
        configuration.useAgent = true
        configuration.agentSocket = socket
        #expect(try await SSHHost(configuration).run("id -un").stdoutText == "root\n")

        // An RSA key alone in the agent: OpenSSH 9.2 takes only the rsa-sha2-256 signature kubeforge asks for.
        let rsa = try LocalCommand.generateKey(type: "rsa", in: directory, name: "id_rsa", extra: ["-b", "2048"])
        let marker = "kubeforge-agent-test-\(UUID().uuidString.prefix(8))"
        let line = try String(contentsOfFile: rsa + ".pub", encoding: .utf8).trimmed + " " + marker + "\n"
        let root = SSHHost(try Lab.configuration("k8s-node1"))
        #expect(try await root.run("cat >> /root/.ssh/authorized_keys", stdin: Data(line.utf8), timeout: nil).succeeded)
        #expect(try LocalCommand.run(["ssh-add", "-D"], environment: ["SSH_AUTH_SOCK": socket]).status == 0)
        #expect(try LocalCommand.run(["ssh-add", rsa], environment: ["SSH_AUTH_SOCK": socket]).status == 0)
        #expect(try await SSHHost(configuration).run("id -un").stdoutText == "root\n")
        _ = try await root.run("sed -i '/\(marker)/d' /root/.ssh/authorized_keys")
    }

    @Test func raisesANonRootUserWithPasswordlessSudo() async throws {
        var configuration = try Lab.configuration("k8s-node1", user: "kube")
        configuration.sudo = .passwordless
        let host = SSHHost(configuration)
        #expect(try await host.run("id -u; echo $SUDO_USER").stdoutText == "0\nkube\n")
        let directory = "/etc/kubeforge-ssh-test-\(UUID().uuidString.prefix(8))"
        try await host.writeFile(directory + "/secret.conf", contents: Data("x=1\n".utf8), mode: 0o600)
        let info = try await host.stat(directory + "/secret.conf")
        #expect(info == FileStat(kind: .file, mode: 0o600, size: 4))
        #expect(try await host.readFile(directory + "/secret.conf") == Data("x=1\n".utf8))
        #expect(try await host.run("stat -c %U:%a \(directory)/secret.conf").stdoutText == "root:600\n")
        #expect(try await host.stat(directory + "/absent") == nil)
        await #expect(throws: HostError.fileNotFound(host: "k8s-node1", path: directory + "/absent")) {
            try await host.readFile(directory + "/absent")
        }
        _ = try await host.run("rm -rf \(directory)")
    }

    @Test func raisesAUserWhoseSudoNeedsAPassword() async throws {
        var configuration = try Lab.configuration("k8s-master", user: "kubepw",
                                                  secrets: SSHSecrets(sudoPassword: "kubepw-lab-pass"))
        configuration.sudo = .password
        let host = SSHHost(configuration)
        #expect(try await host.run("id -u").stdoutText == "0\n")
        // The password line is consumed by sudo; the command sees only its own input.
        #expect(try await host.run("cat", stdin: Data("payload".utf8), timeout: nil).stdoutText == "payload")
        #expect(try await host.run("id -u").stdoutText == "0\n", "works again with cached sudo credentials")

        configuration.secrets = SSHSecrets(sudoPassword: "wrong-password")
        await #expect { try await SSHHost(configuration).run("true") } throws: { error in
            guard case .sudo = error as? SSHError else { return false }
            return !"\(error)".contains("wrong-password")
        }
        configuration.sudo = .passwordless
        await #expect { try await SSHHost(configuration).run("true") } throws: { error in
            guard case let .sudo(_, _, reason) = error as? SSHError else { return false }
            return reason.contains("password is required")
        }
    }

    @Test func reachesAHostThroughABastion() async throws {
        var configuration = try Lab.configuration("k8s-node1")
        configuration.bastion = try Lab.configuration("k8s-master")
        let host = SSHHost(configuration)
        #expect(try await host.run("hostname").stdoutText == "k8s-node1\n")
        let master = try Lab.address(of: "k8s-master")
        let client = try await host.run("echo $SSH_CLIENT").stdoutText
        #expect(client.hasPrefix(master + " "), "the connection must come from the bastion, got \(client)")
        let payload = Data((0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) })
        let path = "/tmp/kubeforge-ssh-test-bastion-\(UUID().uuidString.prefix(8))"
        try await host.writeFile(path, contents: payload, mode: 0o644)
        #expect(try await host.readFile(path) == payload)
        _ = try await host.run("rm -f \(path)")
    }

    @Test func strictPolicyRefusesAnUnknownHostKey() async throws {
        let directory = try LocalCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = try Lab.configuration("k8s-node2")
        configuration.knownHostsFile = directory + "/known_hosts"
        _ = FileManager.default.createFile(atPath: configuration.knownHostsFile, contents: Data())
        let address = configuration.address
        let expected = try fingerprint(ofKey: "ssh-ed25519 " + (try Lab.recordedKey(address: address, type: "ssh-ed25519")))
        await #expect { try await SSHHost(configuration).run("true") } throws: { error in
            guard let error = error as? SSHError, case let .hostKeyUnknown(host, _, type, print, _) = error else { return false }
            return host == "k8s-node2" && type == "ssh-ed25519" && print == expected && !error.isRetryable
                && error.description.contains(expected)
        }
    }

    @Test func acceptNewRecordsAKeyAndRefusesAChangedOne() async throws {
        let directory = try LocalCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = try Lab.configuration("k8s-node2")
        configuration.knownHostsFile = directory + "/known_hosts"
        configuration.hostKeyPolicy = .acceptNew
        let address = configuration.address
        #expect(try await SSHHost(configuration).run("true").succeeded)
        let recorded = try String(contentsOfFile: configuration.knownHostsFile, encoding: .utf8)
        #expect(recorded == "\(address) ssh-ed25519 \(try Lab.recordedKey(address: address, type: "ssh-ed25519"))\n")
        // The recorded file is valid for OpenSSH itself, and our strict mode now trusts it.
        #expect(try LocalCommand.run(["ssh-keygen", "-F", address, "-f", configuration.knownHostsFile]).status == 0)
        configuration.hostKeyPolicy = .strict
        #expect(try await SSHHost(configuration).run("true").succeeded)

        // The host "changes" its key: known_hosts holds another ed25519 key for the address on line 2.
        let other = try LocalCommand.generateKey(type: "ed25519", in: directory, name: "other")
        let otherKey = try String(contentsOfFile: other + ".pub", encoding: .utf8).split(separator: " ")[1]
        try "# replaced\n\(address) ssh-ed25519 \(otherKey)\n".write(toFile: configuration.knownHostsFile, atomically: true, encoding: .utf8)
        configuration.hostKeyPolicy = .acceptNew
        let presented = try fingerprint(ofKey: "ssh-ed25519 " + (try Lab.recordedKey(address: address, type: "ssh-ed25519")))
        await #expect { try await SSHHost(configuration).run("true") } throws: { error in
            guard let error = error as? SSHError, case let .hostKeyChanged(_, _, type, print, file, line, _) = error else { return false }
            return type == "ssh-ed25519" && print == presented && file == configuration.knownHostsFile && line == 2
                && !error.isRetryable && error.description.contains("\(configuration.knownHostsFile):2")
        }
        // Hashed entries (ssh-keygen -H) are matched too.
        try "\(address) ssh-ed25519 \(try Lab.recordedKey(address: address, type: "ssh-ed25519"))\n"
            .write(toFile: configuration.knownHostsFile, atomically: true, encoding: .utf8)
        #expect(try LocalCommand.run(["ssh-keygen", "-H", "-f", configuration.knownHostsFile]).status == 0)
        #expect(try String(contentsOfFile: configuration.knownHostsFile, encoding: .utf8).hasPrefix("|1|"))
        configuration.hostKeyPolicy = .strict
        #expect(try await SSHHost(configuration).run("true").succeeded)
    }

    @Test func failsQuicklyAndClearlyForAnUnreachableHost() async throws {
        _ = try Lab.address(of: "k8s-master")  // the lab must be up for this test to mean anything
        let configuration = SSHHost.Configuration(name: "ghost", address: "10.213.0.99", identityFiles: [Lab.key],
                                                  useAgent: false, knownHostsFile: Lab.knownHosts,
                                                  connectTimeout: .seconds(2), connectAttempts: 1)
        let start = ContinuousClock.now
        await #expect { try await SSHHost(configuration).run("true") } throws: { error in
            guard let error = error as? SSHError else { return false }
            switch error {
            case .connectTimedOut, .hostUnreachable: return error.description.hasPrefix("ghost: ") && error.description.contains("10.213.0.99:22")
            default: return false
            }
        }
        #expect(ContinuousClock.now - start < .seconds(4))
    }

    @Test func stopsACommandThatExceedsItsTimeoutAndStaysUsable() async throws {
        let host = SSHHost(try Lab.configuration("k8s-master"))
        let start = ContinuousClock.now
        await #expect(throws: HostError.timedOut(host: "k8s-master", command: "sleep 30", after: .seconds(1))) {
            try await host.run("sleep 30", timeout: .seconds(1))
        }
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(try await host.run("echo still here").stdoutText == "still here\n")
    }

    @Test func uploads50MegabytesAtomicallyWithItsMode() async throws {
        let host = SSHHost(try Lab.configuration("k8s-node2"))
        let payload = pseudoRandomData(count: 50 << 20, seed: 7)
        let directory = "/tmp/kubeforge-ssh-test-\(UUID().uuidString.prefix(8))/nested"
        let path = directory + "/payload.bin"
        let start = ContinuousClock.now
        try await host.writeFile(path, contents: payload, mode: 0o640)
        print("50 MB upload: \(ContinuousClock.now - start)")
        let expected = try LocalCommand.run(["sha256sum"], stdin: payload).stdout.split(separator: " ")[0]
        let remote = try await host.run("sha256sum \(path) | cut -d' ' -f1; stat -c %a \(path); ls -A \(directory)")
        #expect(remote.stdoutText == "\(expected)\n640\npayload.bin\n")
        #expect(try await host.stat(path) == FileStat(kind: .file, mode: 0o640, size: UInt64(payload.count)))
        // Replacing an existing file works too.
        try await host.writeFile(path, contents: Data("small\n".utf8), mode: 0o600)
        #expect(try await host.readFile(path) == Data("small\n".utf8))
        _ = try await host.run("rm -rf \(ShellQuoteForTests.parent(of: directory))")
    }

    @Test func anInterruptedUploadLeavesNoPartialFile() async throws {
        // kubepw on k8s-node1 is used by no other test: killing its processes drops only our connection.
        let uploader = SSHHost(try Lab.configuration("k8s-node1", user: "kubepw"))
        let root = SSHHost(try Lab.configuration("k8s-node1"))
        let directory = "/home/kubepw/kubeforge-interrupt-\(UUID().uuidString.prefix(8))"
        #expect(try await uploader.run("mkdir -p \(directory)").succeeded)
        let payload = pseudoRandomData(count: 256 << 20, seed: 11)
        let upload = Task { try await uploader.writeFile(directory + "/big.bin", contents: payload, mode: 0o644) }
        // Wait until the temporary file is being written, then kill the user's sshd processes.
        var sawTemporary = false
        let giveUp = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < giveUp {
            let listing = try await root.run("find \(directory) -name '.big.bin.kubeforge-*' -size +1k").stdoutText
            if !listing.isEmpty { sawTemporary = true; break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(sawTemporary, "the upload should have started")
        _ = try await root.run("pkill -KILL -u kubepw")
        await #expect(throws: (any Error).self) { try await upload.value }
        let left = try await root.run("ls -A \(directory)").stdoutText
        #expect(left == "", "neither the destination nor a temporary file may remain, found: \(left)")
        _ = try await root.run("rm -rf \(directory)")
    }

    // MARK: helpers

    @discardableResult
    private func expectAuthenticationFailure(_ host: SSHHost, mentioning text: String) async -> SSHError? {
        do {
            _ = try await host.run("true")
            Issue.record("authentication should have failed")
            return nil
        } catch let error as SSHError {
            guard case .authenticationFailed = error else {
                Issue.record("expected authenticationFailed, got \(error)")
                return error
            }
            #expect(!error.isRetryable)
            #expect(error.description.contains(text), "\(error)")
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    /// `ssh-keygen -l`'s SHA256 fingerprint of a public key line.
    private func fingerprint(ofKey line: String) throws -> String {
        let output = try LocalCommand.run(["ssh-keygen", "-l", "-E", "sha256", "-f", "-"], stdin: Data((line + "\n").utf8))
        return String(output.stdout.split(separator: " ")[1])
    }
}

/// Incompressible test data, fast to make.
func pseudoRandomData(count: Int, seed: UInt64) -> Data {
    var state = seed | 1
    var data = Data(count: count)
    data.withUnsafeMutableBytes { raw in
        let words = raw.bindMemory(to: UInt64.self)
        for index in words.indices {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            words[index] = state
        }
    }
    return data
}

enum ShellQuoteForTests {
    static func parent(of path: String) -> String { (path as NSString).deletingLastPathComponent }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
