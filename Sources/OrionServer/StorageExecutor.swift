import NIOPosix
import OrionCore

/// Runs the server's storage calls on threads of their own, off the HTTP event loops and off Swift's cooperative
/// pool.
///
/// The SQLite backend calls GRDB synchronously inside its `async` methods, so a call that waits (a large
/// experiment, a database locked by a writer) holds the thread it runs on. On the cooperative pool, whose width is
/// the number of cores, a few such calls would stall every other request. Each storage call therefore runs with
/// this executor as its task executor preference: its synchronous work happens on a `NIOThreadPool` of
/// ``threadCount`` threads, and a slow request holds one of those threads, never the server's.
public final class StorageExecutor: TaskExecutor, Sendable {
    /// The threads the storage calls run on.
    private let pool: NIOThreadPool
    /// How many threads the pool has.
    public let threadCount: Int

    /// Starts a pool of `threads` threads.
    ///
    /// - Parameter threads: the number of threads (at least 1): how many storage calls may wait at once before
    ///   the next one queues.
    public init(threads: Int) {
        threadCount = max(1, threads)
        pool = NIOThreadPool(numberOfThreads: threadCount)
        pool.start()
    }

    /// Runs `job` on one of the pool's threads.
    ///
    /// - Parameter job: a partial task.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        pool.submit { _ in job.runSynchronously(on: executor) }
    }

    /// Runs `body` with this executor as its task executor preference, so that the synchronous work of the storage
    /// calls inside happens on the pool.
    ///
    /// - Parameter body: the storage calls.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(self) { try await body() }
    }

    /// Stops the threads once the queued calls have run.
    ///
    /// - Throws: `NIOThreadPool`'s error when it was stopped already.
    public func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}
