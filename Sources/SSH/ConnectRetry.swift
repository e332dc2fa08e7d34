import Foundation

/// When to try connecting again: only after errors a retry can fix, with growing pauses.
struct ConnectRetry: Sendable, Equatable {
    var attempts: Int
    var initialDelay: Duration = .milliseconds(250)
    var maximumDelay: Duration = .seconds(4)

    /// The pause after failed attempt `attempt` (1-based): 250 ms, 500 ms, 1 s, … capped.
    func delay(afterAttempt attempt: Int) -> Duration {
        let factor = 1 << min(max(attempt - 1, 0), 16)
        return min(initialDelay * factor, maximumDelay)
    }

    /// Whether to connect again after `error` on attempt `attempt` of `attempts`.
    func shouldRetry(_ error: any Error, afterAttempt attempt: Int) -> Bool {
        guard attempt < attempts else { return false }
        return (error as? SSHError)?.isRetryable ?? false
    }

    /// Classifies a failed TCP connect (`errno`).
    static func connectError(errno code: Int32, host: String, endpoint: String, timeout: Duration) -> SSHError {
        switch code {
        case ECONNREFUSED: .connectionRefused(host: host, endpoint: endpoint)
        case ETIMEDOUT: .connectTimedOut(host: host, endpoint: endpoint, after: timeout)
        case ECONNRESET, EPIPE, ECONNABORTED: .connectionLost(host: host, reason: String(cString: strerror(code)))
        default: .hostUnreachable(host: host, endpoint: endpoint, reason: String(cString: strerror(code)))
        }
    }
}
