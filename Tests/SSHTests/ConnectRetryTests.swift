import Foundation
import Testing
@testable import SSH

struct ConnectRetryTests {
    @Test func retriesOnlyWhatARetryCanFix() {
        let endpoint = "10.0.0.1:22"
        let retryable: [SSHError] = [
            .connectionRefused(host: "h", endpoint: endpoint),
            .connectTimedOut(host: "h", endpoint: endpoint, after: .seconds(5)),
            .connectionLost(host: "h", reason: "reset"),
        ]
        let final: [SSHError] = [
            .authenticationFailed(host: "h", user: "root", tried: ["key a"], hint: ""),
            .hostKeyChanged(host: "h", endpoint: endpoint, keyType: "ssh-ed25519", fingerprint: "SHA256:x",
                            knownHostsFile: "kh", line: 3, revoked: false),
            .hostKeyUnknown(host: "h", endpoint: endpoint, keyType: "ssh-ed25519", fingerprint: "SHA256:x", knownHostsFile: "kh"),
            .hostUnreachable(host: "h", endpoint: endpoint, reason: "No route to host"),
            .nameResolution(host: "h", address: "nowhere", reason: "unknown"),
            .keyFile(host: "h", path: "k", reason: "unreadable"),
            .sudo(host: "h", user: "u", reason: "no"),
        ]
        let policy = ConnectRetry(attempts: 3)
        for error in retryable { #expect(policy.shouldRetry(error, afterAttempt: 1), "\(error)") }
        for error in final { #expect(!policy.shouldRetry(error, afterAttempt: 1), "\(error)") }
        #expect(!policy.shouldRetry(retryable[0], afterAttempt: 3), "no attempts left")
        #expect(!policy.shouldRetry(CancellationError(), afterAttempt: 1))
    }

    @Test func classifiesConnectErrors() {
        func kind(_ code: Int32) -> SSHError {
            ConnectRetry.connectError(errno: code, host: "h", endpoint: "e", timeout: .seconds(1))
        }
        #expect(kind(ECONNREFUSED) == .connectionRefused(host: "h", endpoint: "e"))
        #expect(kind(ETIMEDOUT) == .connectTimedOut(host: "h", endpoint: "e", after: .seconds(1)))
        #expect(kind(ECONNRESET).isRetryable)
        #expect(!kind(EHOSTUNREACH).isRetryable)
        #expect(!kind(ENETUNREACH).isRetryable)
    }

    @Test func backsOffExponentiallyUpToACap() {
        let policy = ConnectRetry(attempts: 10)
        #expect((1...6).map(policy.delay(afterAttempt:))
            == [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(4)])
    }

    @Test func messagesNameTheHostAndSayWhatToDo() {
        let changed = SSHError.hostKeyChanged(host: "k8s-node1", endpoint: "10.0.0.2", keyType: "ssh-ed25519",
                                              fingerprint: "SHA256:abc", knownHostsFile: "/kh", line: 7, revoked: false)
        #expect(changed.description.hasPrefix("k8s-node1: "))
        #expect(changed.description.contains("SHA256:abc") && changed.description.contains("/kh:7")
            && changed.description.contains("ssh-keygen -R"))
        let refused = SSHError.connectionRefused(host: "k8s-master", endpoint: "10.0.0.1:22")
        #expect(refused.description == "k8s-master: connection to 10.0.0.1:22 refused; is sshd running and listening on that port?")
    }
}
