import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Gives the memory freed after a heavy request back to the system, a moment after the request.
///
/// glibc's allocator keeps the memory a request freed in its arenas (one per thread that allocated, up to eight per
/// core) for later allocations: `orion serve` held 310 MB after four plots of a 50,000-trial experiment, and 380 MB
/// after twelve, though it needs 47 MB between requests. `malloc_trim(0)` returns the free pages of every arena.
/// It runs two seconds after the last heavy request (several requests share one trim), off the request's path.
enum MemoryTrim {
    /// Whether a trim is scheduled.
    private static let scheduled = Mutex(false)

    /// How large a response is heavy on its own (a page of trials is far smaller; a plot of many trials is larger).
    static let heavyResponseBytes = 1 << 20

    /// Schedules a trim two seconds from now, unless one is scheduled already.
    static func soon() {
        let schedule = scheduled.withLock { scheduled -> Bool in
            defer { scheduled = true }
            return !scheduled
        }
        guard schedule else { return }
        Task.detached {
            try? await Task.sleep(for: .seconds(2))
            scheduled.withLock { $0 = false }
            trim()
        }
    }

    /// Returns the C library's free memory to the system now (glibc's `malloc_trim(0)`, looked up at run time:
    /// Swift's Glibc module does not declare it); does nothing elsewhere.
    static func trim() {
        #if canImport(Glibc)
            typealias Trim = @convention(c) (Int) -> Int32
            guard let symbol = dlsym(nil, "malloc_trim") else { return }
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
