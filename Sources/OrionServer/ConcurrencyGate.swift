/// Lets at most a number of bodies run at once; the others wait their turn, in order, holding no thread.
///
/// What keeps heavy requests (a plot reads every trial of its experiment) from taking every thread of the
/// ``StorageExecutor``: nine plots of a 100,000-trial experiment at once held its eight threads, and a 5 ms status
/// request waited 30 s.
actor ConcurrencyGate {
    /// The most bodies running at once.
    let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// A gate for `limit` bodies at once (at least 1).
    init(limit: Int) { self.limit = max(1, limit) }

    /// Runs `body` once fewer than ``limit`` bodies run.
    ///
    /// - Parameter body: the work.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws.
    nonisolated func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await enter()
        do {
            let value = try await body()
            await leave()
            return value
        } catch {
            await leave()
            throw error
        }
    }

    private func enter() async {
        if running < limit {
            running += 1
            return
        }
        // The slot is handed over by ``leave()``: `running` stays as it is.
        await withCheckedContinuation { waiting.append($0) }
    }

    private func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
