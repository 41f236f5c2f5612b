import Foundation
import OrionCore

#if canImport(Glibc)
    import Glibc
#endif

/// The open files `orion hunt` needs, against this process's limit (`ulimit -n`).
///
/// A hunt holds about 35 descriptors of its own (the database and its log, event loops, timers, signals) and about
/// five more per worker while its script runs (pipes, logs, the results file). Below that, the hunt failed in ways
/// that named something else: trials broke with "Too many open files" until the experiment's max broken trials, a
/// Python client "could not be written", or the process died with SIGILL when the runtime could not make a timer.
enum OpenFileLimit {
    /// The descriptors a hunt needs before its first worker.
    static let base = 40
    /// The descriptors each worker needs while its script runs.
    static let perWorker = 6

    /// The descriptors a hunt of `workers` workers needs.
    static func needed(workers: Int) -> Int { base + perWorker * max(1, workers) }

    /// Raises the soft limit to `wanted` when it is lower and the hard limit allows (to the hard limit otherwise),
    /// and returns the soft limit now; `nil` where it cannot be read.
    @discardableResult
    static func raise(to wanted: Int) -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        let wanted = rlim_t(wanted)
        if limit.rlim_cur < wanted, limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = min(wanted, limit.rlim_max)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// Throws when the limit, raised as far as the hard limit allows, is below ``base``: nothing is opened then.
    static func checkFloor() throws {
        try check(floor: base, for: "orion hunt", more: ", and about \(perWorker) more per worker")
    }

    /// The descriptors any command needs (a PostgreSQL connection's event loop, the database and its log):
    /// `orion status` on PostgreSQL died with SIGILL in its event loop at `ulimit -n 14`.
    static let commandBase = 20

    /// Throws when the limit, raised as far as the hard limit allows, is below ``commandBase``; what every command
    /// checks before it opens anything (`orion hunt` then checks ``base``).
    static func checkCommandFloor() throws {
        try check(floor: commandBase, for: "orion", more: "")
    }

    /// Throws when the limit, raised toward `floor` as far as the hard limit allows, is below it, naming `command`
    /// and what it needs (`floor`, then `more`).
    private static func check(floor: Int, for command: String, more: String) throws {
        guard let limit = raise(to: floor), limit < floor else { return }
        throw TooLow(
            message: "the limit on open files (ulimit -n \(limit)) is below what \(command) needs to run (\(floor)"
                + "\(more)): raise it, e.g. `ulimit -n 1024`"
        )
    }

    /// The note for a limit below what `workers` workers need (raised first as far as the hard limit allows); `nil`
    /// when it is enough.
    static func note(workers: Int) -> String? {
        let needed = needed(workers: workers)
        guard let limit = raise(to: needed), limit < needed else { return nil }
        let plural = workers == 1 ? "1 worker" : "\(workers) workers"
        // The soft limit was raised as far as the hard one allows: the hard limit is what to raise (it said
        // `ulimit -n 1024` whatever the numbers, below the limit it had at 3000).
        return "note: the limit on open files (ulimit -n \(limit)) is low for \(plural) (orion needs about \(needed)): "
            + "a worker that runs out stops the hunt, its trial put back; raise it to \(needed) (`ulimit -n \(needed)`;"
            + " the hard limit, `ulimit -Hn`, must allow it, and only root raises that one), or run fewer workers"
    }

    /// A limit too low for `orion hunt` to run.
    struct TooLow: OrionError {
        let message: String
        var kind: ErrorKind { .unavailable }
    }
}
