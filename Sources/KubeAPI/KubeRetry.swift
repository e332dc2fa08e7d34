/// kubeadm's way of waiting for the API server: try again every `interval` (500 ms,
/// `KubernetesAPICallRetryInterval`) until `timeout` (1 min, `timeouts.kubernetesAPICall`) — but only for
/// failures that can pass (connection errors, 429, 5xx; see `KubeAPIError.isRetryable`), honouring the
/// server's Retry-After. Anything else fails at once, so a 403 is reported in milliseconds, not a minute.
public struct KubeRetry: Sendable {
    public var timeout: Duration
    public var interval: Duration

    public init(timeout: Duration, interval: Duration = .milliseconds(500)) {
        self.timeout = timeout
        self.interval = interval
    }

    public static let kubeadm = KubeRetry(timeout: .seconds(60))
    /// kubeadm's PatchNodeTimeout: a Node may take a while to register.
    public static let patchNode = KubeRetry(timeout: .seconds(120))
    public static let once = KubeRetry(timeout: .zero)

    /// Runs `attempt` until it succeeds, fails for good, or time runs out (then the last failure is reported).
    /// `also` names further failures worth retrying in this context (a Conflict while updating, a Node not yet there).
    public func run<T: Sendable>(_ what: String, also: (KubeAPIError) -> Bool = { _ in false },
                                 _ attempt: () async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            do {
                return try await attempt()
            } catch let error as KubeAPIError where error.isRetryable || also(error) {
                let wait = max(interval, min(error.retryAfter ?? interval, .seconds(10)))
                guard clock.now + wait < deadline else {
                    throw timeout == .zero ? error : KubeAPIError.timedOut(request: what, after: timeout, last: "\(error)")
                }
                try await Task.sleep(for: wait)
            }
        }
    }
}
