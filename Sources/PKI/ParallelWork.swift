import Foundation

/// Runs blocking, CPU-bound work (RSA key generation) on one dedicated thread per core.
///
/// Dedicated threads rather than child tasks: a key takes tens to hundreds of milliseconds of pure CPU, and
/// blocking Swift's cooperative pool with it would stall every other task in the process (and let other tasks
/// stall key generation).
final class ParallelWork<Value: Sendable>: @unchecked Sendable {  // invariant: mutable state only under `lock`
    private let lock = NSLock()
    private let count: Int
    private let make: @Sendable () throws -> Value
    private var next = 0
    private var values: [Value?]
    private var failure: (any Error)?

    private init(count: Int, make: @escaping @Sendable () throws -> Value) {
        self.count = count
        self.make = make
        values = Array(repeating: nil, count: count)
    }

    /// `make()` run `count` times on up to `width` threads; results in order, or the first error.
    static func run(count: Int, width: Int = ProcessInfo.processInfo.activeProcessorCount,
                    _ make: @escaping @Sendable () throws -> Value) async throws -> [Value] {
        guard count > 0 else { return [] }
        let work = ParallelWork(count: count, make: make)
        let group = DispatchGroup()
        for _ in 0..<min(count, max(1, width)) {
            group.enter()
            Thread {
                work.drain()
                group.leave()
            }.start()
        }
        return try await withCheckedThrowingContinuation { continuation in
            group.notify(queue: .global()) { continuation.resume(with: Result { try work.results() }) }
        }
    }

    private func drain() {
        while let index = claim() {
            let result = Result { try make() }
            lock.withLock {
                switch result {
                case let .success(value): values[index] = value
                case let .failure(error): failure = failure ?? error
                }
            }
        }
    }

    private func claim() -> Int? {
        lock.withLock {
            guard next < count, failure == nil else { return nil }
            defer { next += 1 }
            return next
        }
    }

    private func results() throws -> [Value] {
        try lock.withLock {
            if let failure { throw failure }
            return values.compactMap { $0 }
        }
    }
}
