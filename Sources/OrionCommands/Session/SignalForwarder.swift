import Dispatch
import Foundation
import OrionWorker
import Synchronization

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

    /// What a signal calls; changed only on ``queue``, where the signals are handled.
    private final class Handler: @unchecked Sendable {
        var call: @Sendable (_ force: Bool, _ signal: Int32) -> Void

        init(_ call: @escaping @Sendable (_ force: Bool, _ signal: Int32) -> Void) {
            self.call = call
        }
    }

    private let sources: [any DispatchSourceSignal]
    private let queue = DispatchQueue(label: "orion.signals")
    private let handler: Handler

    /// Calls `handler` on each signal, with `force` set from the second interrupt on and the signal's number.
    ///
    /// Returns once libdispatch has registered every source (at most 2 s). On Linux libdispatch installs its own
    /// `sigaction` handler for a signal when it registers the first source of it, on its manager thread, once per
    /// process; until then the signal keeps its default action (it ends `orion`). Setting `SIG_IGN` first, as
    /// Darwin needs, threw away a signal that came before the registration: the hunt ran on as if none had come
    /// (probe hC4, 10 of 13 SIGINTs sent into that gap).
    init(_ handler: @escaping @Sendable (_ force: Bool, _ signal: Int32) -> Void) {
        var interrupted = false
        let queue = queue
        let current = Handler(handler)
        self.handler = current
        let registered = DispatchGroup()
        sources = Self.signals.map { number in
            #if !os(Linux)
                signal(number, SIG_IGN)
            #endif
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            registered.enter()
            source.setRegistrationHandler { registered.leave() }
            source.setEventHandler {
                // A hangup often comes twice (from the kernel and from the login shell), a scheduler's warning may be
                // repeated: they never force.
                if [SIGHUP, SIGUSR1, SIGUSR2].contains(number) && interrupted { return }
                current.call(interrupted, number)
                interrupted = true
            }
            source.resume()
            return source
        }
        _ = registered.wait(timeout: .now() + .seconds(2))
        Self.reinstateDispatchHandlers()
    }

    /// Calls `handler` instead from the next signal on.
    ///
    /// One forwarder serves a whole command: libdispatch on Linux does not deliver a signal to a source made after
    /// another source of the same signal was cancelled (the hunt then ignored Ctrl-C).
    ///
    /// - Parameter handler: called as the one given to ``init(_:)``.
    func replaceHandler(_ handler: @escaping @Sendable (_ force: Bool, _ signal: Int32) -> Void) {
        queue.sync { self.handler.call = handler }
    }

    /// Stops handling the signals: their default actions apply again.
    ///
    /// Calling it twice does nothing more. libdispatch's handler of each signal is kept aside for the next forwarder
    /// of this process: libdispatch installs it only once.
    func cancel() {
        for source in sources where !source.isCancelled { source.cancel() }
        #if os(Linux)
            Self.removedHandlers.withLock { removed in
                for number in Self.signals {
                    var standard = sigaction()
                    standard.__sigaction_handler.sa_handler = SIG_DFL
                    var previous = sigaction()
                    sigaction(number, &standard, &previous)
                    // Only a handler (not SIG_DFL or SIG_IGN) is libdispatch's.
                    if let handler = previous.__sigaction_handler.sa_handler,
                        unsafeBitCast(handler, to: Int.self) > 1
                    {
                        removed[number] = previous
                    }
                }
            }
        #else
            for number in Self.signals { signal(number, SIG_DFL) }
        #endif
    }

    #if os(Linux)
        /// libdispatch's `sigaction` of each signal that ``cancel()`` replaced by the default action.
        private static let removedHandlers = Mutex<[Int32: sigaction]>([:])
    #endif

    /// Puts back libdispatch's handler of the signals an earlier forwarder's ``cancel()`` removed: libdispatch
    /// installs it when it registers the first source of a signal only, so a later source got nothing.
    private static func reinstateDispatchHandlers() {
        #if os(Linux)
            removedHandlers.withLock { removed in
                for number in signals {
                    guard var action = removed.removeValue(forKey: number) else { continue }
                    sigaction(number, &action, nil)
                }
            }
        #endif
    }

    /// A forwarder for `orion hunt` until it can interrupt its trials: each of ``signals`` ends `orion` with Oríon's
    /// `Orion is interrupted.` and exit code 130, as Oríon answers a KeyboardInterrupt at any point of `hunt`.
    ///
    /// Before, Ctrl-C while the hunt waited for the database (a write lock held elsewhere, a server not answering)
    /// or built its experiment killed `orion` without a word. Nothing is reserved yet, and a transaction cut short is
    /// rolled back by the database. The hunt then hands the signals to its workers (``replaceHandler(_:)``).
    ///
    /// - Returns: the forwarder.
    static func exitingUntilTheHunt() -> SignalForwarder {
        SignalForwarder { _, _ in exitInterrupted() }
    }

    /// Ends `orion` at once with Oríon's `Orion is interrupted.` and exit code 130, from a signal's handler.
    static func exitInterrupted() -> Never {
        print("Orion is interrupted.")
        fflush(nil)
        exit(130)
    }
}
