import CLibSSH2
import Foundation

/// Process-wide libssh2 state.
enum LibSSH2 {
    /// `libssh2_init` is not thread-safe; a static let runs it exactly once, on first use.
    private static let initResult: Int32 = libssh2_init(0)

    static func ensureInitialized() {
        precondition(initResult == 0, "libssh2_init failed (\(initResult))")
    }
}

/// A point in monotonic time after which an operation gives up.
struct Deadline: Sendable {
    let uptimeNanoseconds: UInt64

    static func after(_ duration: Duration) -> Deadline {
        let nanos = UInt64(max(0, duration.timeInterval) * 1e9)
        return Deadline(uptimeNanoseconds: DispatchTime.now().uptimeNanoseconds &+ nanos)
    }

    var hasPassed: Bool { DispatchTime.now().uptimeNanoseconds >= uptimeNanoseconds }

    /// Milliseconds left, at least 0.
    var remainingMilliseconds: Int {
        let now = DispatchTime.now().uptimeNanoseconds
        return now >= uptimeNanoseconds ? 0 : Int((uptimeNanoseconds - now + 999_999) / 1_000_000)
    }
}

/// Thrown by the wait loop when an operation's deadline passes; callers turn it into a precise error.
struct DeadlineExceeded: Error {}
