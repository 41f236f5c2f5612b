import Dispatch
import Foundation
import OrionWorker

#if canImport(Glibc)
    import Glibc
#endif

/// Turns SIGINT, SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 into a call: the first asks running trials to stop (they
/// become `interrupted` and run again on the next `hunt`), a second SIGINT or SIGTERM kills them.
///
/// SIGHUP (the terminal went away: an ssh disconnect) is an interrupt like the others: the trials are stored as
/// interrupted and their scripts stopped, instead of `orion` dying with its trials reserved and its scripts orphaned.
/// So are SIGUSR1 and SIGUSR2, which schedulers send as a warning before they end a job (Slurm's
/// `--signal=B:USR1@60`): by default they would kill `orion` silently, its trials left reserved until their heartbeat
/// is late. None of these three forces: they may come again.
///
/// A signal this process was started with ignored (`nohup orion hunt`: SIGHUP; a background job of a script: SIGINT)
/// stays ignored, as Oríon leaves it: a hangup stopped a `nohup`ed hunt at the ssh logout.
final class SignalForwarder: @unchecked Sendable {
    /// The signals handled as an interrupt, less those this process was started with ignored.
    static var signals: [Int32] {
        [SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2].filter { !InheritedSignals.wereIgnored($0) }
    }

    private let sources: [any DispatchSourceSignal]
    private let queue = DispatchQueue(label: "orion.signals")

    /// Calls `handler` on each signal, with `force` set from the second interrupt on and the signal's number.
    init(_ handler: @escaping @Sendable (_ force: Bool, _ signal: Int32) -> Void) {
        var interrupted = false
        let queue = queue
        sources = Self.signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                // A hangup often comes twice (from the kernel and from the login shell), a scheduler's warning may be
                // repeated: they never force.
                if [SIGHUP, SIGUSR1, SIGUSR2].contains(number) && interrupted { return }
                handler(interrupted, number)
                interrupted = true
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}
