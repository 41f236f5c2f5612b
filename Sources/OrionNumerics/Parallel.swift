import Dispatch
import Foundation

/// Independent pieces of one computation spread over the machine's cores, their results in order.
///
/// Each piece is computed by the same code as in a sequential loop and written to its own slot, so a result depends
/// only on its index, never on how the pieces were scheduled: a parallel map equals the sequential map to the bit.
/// The pieces must be coarse (tens of microseconds or more each), or the threads' hand-off costs more than it
/// saves (docs/algorithms/gp.md, "Cost").
public enum Parallel {
    /// The most threads a map uses: the processors this process may run on.
    public static let threads = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// `(0..<count).map(body)`, the calls spread over up to ``threads`` threads.
    ///
    /// With one processor, or one piece, the calls run in order on the calling thread.
    ///
    /// - Parameters:
    ///   - count: the number of pieces.
    ///   - body: the piece at an index; it must not depend on the other pieces or on their order.
    /// - Returns: `body(0), …, body(count - 1)`.
    public static func map<T>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 1, threads > 1 else { return (0..<count).map { body($0) } }
        let slots = Slots<T>(count: count)
        defer { slots.release() }
        DispatchQueue.concurrentPerform(iterations: count) { index in slots.base[index] = body(index) }
        // Every slot is written once `concurrentPerform` returns.
        return (0..<count).compactMap { slots.base[$0] }
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
