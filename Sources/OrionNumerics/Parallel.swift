import Foundation

/// Independent pieces of one computation spread over the machine's cores, their results in order.
///
/// Each piece is computed by the same code as in a sequential loop and written to its own slot, so a result depends
/// only on its index, never on how the pieces were scheduled: a parallel map equals the sequential map to the bit.
/// The pieces must be coarse (tens of microseconds or more each), or handing them to another thread costs more than
/// it saves (docs/algorithms/gp.md, "The machine's cores").
///
/// The pieces run on a few threads of this process's own (``WorkerPool``) and on the calling thread, not on
/// `DispatchQueue.concurrentPerform`: on Linux, libdispatch ran every piece on the calling thread (measured: two
/// pieces of 0.2 ms, 500 times, took as long as 1,000 pieces one after the other, from a task and from the main
/// thread alike).
public enum Parallel {
    /// The most threads a map uses (the calling thread included): the processors this process may run on, at most 8
    /// (the maps here have at most a few pieces per core).
    public static let threads = min(8, max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// `(0..<count).map(body)`, the calls spread over up to ``threads`` threads.
    ///
    /// With one processor, one piece, or while another map is running (a map inside a map's piece, or maps from
    /// several threads at once), the calls run in order on the calling thread.
    ///
    /// - Parameters:
    ///   - count: the number of pieces.
    ///   - body: the piece at an index; it must not depend on the other pieces or on their order.
    /// - Returns: `body(0), …, body(count - 1)`.
    public static func map<T>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        guard count > 1, let pool = WorkerPool.shared else { return (0..<count).map { body($0) } }
        let slots = Slots<T>(count: count)
        defer { slots.release() }
        guard pool.run(count, { index in slots.base[index] = body(index) }) else {
            return (0..<count).map { body($0) }
        }
        // Every slot is written once `run` returns.
        return (0..<count).compactMap { slots.base[$0] }
    }

    /// `body()` with every map inside it run on the calling thread, as with one processor: to compare a result with
    /// the one computed without threads.
    public static func sequentially<T>(_ body: () throws -> T) rethrows -> T {
        guard let pool = WorkerPool.shared, pool.hold() else { return try body() }
        defer { pool.release() }
        return try body()
    }

    /// How many contiguous parts to cut `count` items into: one per thread, but none smaller than `minimumPart`
    /// items (at least one part).
    ///
    /// - Parameters:
    ///   - count: the number of items.
    ///   - minimumPart: the fewest items worth a thread.
    /// - Returns: the number of parts, from 1 to ``threads``.
    public static func parts(_ count: Int, minimumPart: Int) -> Int {
        max(1, min(threads, count / max(minimumPart, 1)))
    }

    /// Contiguous ranges of `0..<count`, one per thread at most, of nearly equal total weight.
    ///
    /// For the rows of a triangular loop, whose row `i` costs about `weight(i)`: one range when the whole is below
    /// `minimumWeight` per thread.
    ///
    /// - Parameters:
    ///   - count: the number of rows.
    ///   - minimumWeight: the least total weight worth a thread.
    ///   - weight: the cost of each row (non-negative).
    /// - Returns: the ranges, in order, covering `0..<count` once (empty ranges left out, at least one range).
    public static func weightedParts(
        _ count: Int,
        minimumWeight: Double,
        weight: (Int) -> Double
    ) -> [Range<Int>] {
        let weights = (0..<count).map(weight)
        let total = weights.reduce(0, +)
        let parts = max(1, min(threads, Int(total / max(minimumWeight, 1))))
        guard parts > 1 else { return [0..<count] }
        var ranges: [Range<Int>] = []
        var start = 0
        var sum = 0.0
        for index in 0..<count {
            sum += weights[index]
            // Close the part once its share of the total is reached (the last part takes the rest).
            if ranges.count < parts - 1, sum >= total * Double(ranges.count + 1) / Double(parts) {
                ranges.append(start..<(index + 1))
                start = index + 1
            }
        }
        if start < count || ranges.isEmpty { ranges.append(start..<count) }
        return ranges
    }

    /// Runs `body` on each of `ranges`, on up to ``threads`` threads (on the calling thread alone for one range).
    public static func forEach(_ ranges: [Range<Int>], _ body: @escaping @Sendable (Range<Int>) -> Void) {
        if ranges.count == 1 {
            body(ranges[0])
        } else {
            _ = map(ranges.count) { body(ranges[$0]) }
        }
    }

    /// The bounds of part `part` of `parts` contiguous, nearly equal parts of `0..<count`.
    public static func range(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        (count * part / parts)..<(count * (part + 1) / parts)
    }

    /// The result slots of one map: each written by one piece, read after all have finished.
    private struct Slots<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T?>
        let count: Int

        init(count: Int) {
            self.count = count
            base = UnsafeMutablePointer<T?>.allocate(capacity: count)
            base.initialize(repeating: nil, count: count)
        }

        func release() {
            base.deinitialize(count: count)
            base.deallocate()
        }
    }
}

/// `threads - 1` threads that wait for the pieces of one map at a time and take them, with the calling thread, one
/// index after the other.
///
/// Everything it shares is read and written under one lock (`condition`); the pieces themselves run outside it. A
/// map that finds the pool busy is refused (``run(_:_:)`` returns `false`) and runs on its caller: no map waits for
/// another, so nested or concurrent maps cannot deadlock.
final class WorkerPool: @unchecked Sendable {
    /// The process's pool, started on first use; `nil` with one processor.
    static let shared: WorkerPool? = Parallel.threads > 1 ? WorkerPool(workers: Parallel.threads - 1) : nil

    private let condition = NSCondition()
    private let workers: Int
    /// The current map: its pieces, how many there are, the next one to take and how many have finished.
    private var body: (@Sendable (Int) -> Void)?
    private var count = 0
    private var next = 0
    private var finished = 0
    /// Incremented by each map, so that a worker takes part in each map once it wakes.
    private var generation = 0
    private var busy = false

    private init(workers: Int) {
        self.workers = workers
        for _ in 0..<workers {
            let thread = Thread { self.serve() }
            thread.name = "orion-parallel"
            thread.start()
        }
    }

    /// Runs `body(0..<count)` on the workers and the calling thread and returns once every piece has finished;
    /// `false` (nothing run) when another map holds the pool.
    func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) -> Bool {
        condition.lock()
        guard !busy else {
            condition.unlock()
            return false
        }
        busy = true
        self.body = body
        self.count = count
        next = 0
        finished = 0
        generation &+= 1
        for _ in 0..<min(workers, count - 1) { condition.signal() }
        takePieces(body)
        while finished < count { condition.wait() }
        self.body = nil
        busy = false
        condition.unlock()
        return true
    }

    /// Holds the pool without a map, so that every map meanwhile runs on its caller; `false` when it is held.
    func hold() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !busy else { return false }
        busy = true
        return true
    }

    /// Ends a ``hold()``.
    func release() {
        condition.lock()
        busy = false
        condition.unlock()
    }

    /// Takes and runs the current map's pieces until none is left (called and returning with the lock held).
    private func takePieces(_ body: @Sendable (Int) -> Void) {
        while next < count {
            let index = next
            next += 1
            condition.unlock()
            body(index)
            condition.lock()
            finished += 1
            if finished == count { condition.broadcast() }
        }
    }

    /// A worker: waits for a map it has not taken part in, takes pieces of it, and waits again.
    ///
    /// It blocks every signal first, so that a signal sent to the process (`orion hunt`'s SIGINT, forwarded to the
    /// trial) is never taken by a worker, whatever thread started the pool.
    private func serve() {
        var signals = sigset_t()
        sigfillset(&signals)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        var seen = 0
        condition.lock()
        while true {
            while generation == seen { condition.wait() }
            seen = generation
            if let body { takePieces(body) }
        }
    }
}

/// A pointer handed to the pieces of a parallel map, each of which reads it or writes its own disjoint part.
public struct SharedPointer: @unchecked Sendable {
    /// The address.
    public let base: UnsafePointer<Double>

    /// Shares `base`, to read.
    public init(_ base: UnsafePointer<Double>) { self.base = base }

    /// Shares `base`, to write disjoint parts.
    public init(_ base: UnsafeMutablePointer<Double>) { self.base = UnsafePointer(base) }

    /// The address, to write.
    public var mutable: UnsafeMutablePointer<Double> { UnsafeMutablePointer(mutating: base) }
}
