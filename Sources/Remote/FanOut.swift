/// Runs one piece of work per host with at most `concurrency` hosts in flight, and returns a result for
/// every host in the order given. One host's failure never stops the others.
public enum FanOut {
    public static let defaultConcurrency = 32

    public static func map<Item: Sendable, Output: Sendable>(
        _ items: [Item],
        concurrency: Int = defaultConcurrency,
        _ work: @escaping @Sendable (Item) async throws -> Output
    ) async -> [Result<Output, any Error>] {
        precondition(concurrency > 0, "concurrency must be positive")
        var results = [Result<Output, any Error>?](repeating: nil, count: items.count)
        await withTaskGroup(of: (Int, Result<Output, any Error>).self) { group in
            var next = 0
            func startNext() {
                guard next < items.count else { return }
                let index = next
                let item = items[index]
                next += 1
                group.addTask {
                    do { return (index, .success(try await work(item))) } catch { return (index, .failure(error)) }
                }
            }
            for _ in 0..<min(concurrency, items.count) { startNext() }
            while let (index, result) = await group.next() {
                results[index] = result
                startNext()
            }
        }
        return results.map { $0! }
    }
}
