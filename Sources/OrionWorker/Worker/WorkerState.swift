import Foundation
import OrionCore
import Synchronization

/// The mutable bookkeeping of one worker, shared by its slots.
final class WorkerState: Sendable {
    let interruptFlag = Mutex(false)
    /// Set by a second interrupt: stop retrying to store results.
    let forceFlag = Mutex(false)
    private let inner: InnerState

    init(configuration: WorkerConfiguration) {
        inner = InnerState(configuration: configuration)
    }

    var report: WorkerReport { get async { await inner.report } }
    var stopReason: StopReason? { get async { await inner.stopReason } }
    func stop(_ reason: StopReason) async { await inner.stop(reason) }
    func reachedOwnLimits() async -> Bool { await inner.reachedOwnLimits() }
    func beginReservation() async -> Bool { await inner.beginReservation() }
    func endReservation(reserved: Bool) async { await inner.endReservation(reserved: reserved) }
    func finish(
        _ status: TrialStatus?,
        failure: String?,
        unsaved: UnsavedResult? = nil,
        stopsWorker: Bool = true,
        cannotStart: String? = nil
    ) async {
        await inner.finish(
            status,
            failure: failure,
            unsaved: unsaved,
            stopsWorker: stopsWorker,
            cannotStart: cannotStart
        )
    }
    func shouldReleaseLostTrials(at now: Date) async -> Bool { await inner.shouldReleaseLostTrials(at: now) }
    func shouldLookForDeadWorkers(at now: Date) async -> Bool { await inner.shouldLookForDeadWorkers(at: now) }
    func countReclaimed() async { await inner.countReclaimed() }
    /// Counts one more run of trial `id` ended by someone else; returns how many there were.
    func countRequeue(of id: String) async -> Int { await inner.countRequeue(of: id) }
    /// When this worker last ran a trial: `now` while one runs (or is being reserved), else when the last one
    /// ended; `nil` before the first.
    func lastBusy(now: Date) async -> Date? { await inner.lastBusy(now: now) }
    /// Notes that one of this worker's trials ended at `date`.
    func noteTrialEnded(at date: Date) async { await inner.noteTrialEnded(at: date) }

    actor InnerState {
        let configuration: WorkerConfiguration
        var report = WorkerReport()
        var stopReason: StopReason?
        var running = 0
        var lastLostCheck: Date?
        var lastDeadWorkersCheck: Date?
        var requeues: [String: Int] = [:]
        var lastTrialEnd: Date?

        func noteTrialEnded(at date: Date) {
            lastTrialEnd = max(lastTrialEnd ?? date, date)
        }

        func lastBusy(now: Date) -> Date? { running > 0 ? now : lastTrialEnd }

        func countRequeue(of id: String) -> Int {
            requeues[id, default: 0] += 1
            return requeues[id, default: 0]
        }

        init(configuration: WorkerConfiguration) {
            self.configuration = configuration
        }

        func stop(_ reason: StopReason) {
            if stopReason == nil { stopReason = reason }
            report.stopReason = stopReason ?? reason
        }

        func reachedOwnLimits() -> Bool {
            if report.broken >= configuration.maxBroken {
                stop(.workerMaxBroken)
                return true
            }
            if let maxTrials = configuration.maxTrials, report.completed + running >= maxTrials {
                if report.completed >= maxTrials { stop(.workerMaxTrials) }
                return true
            }
            return false
        }

        /// Counts a reservation in flight so that concurrent slots do not overshoot `maxTrials`.
        func beginReservation() -> Bool {
            if let maxTrials = configuration.maxTrials, report.completed + running >= maxTrials { return false }
            running += 1
            return true
        }

        func endReservation(reserved: Bool) {
            if !reserved { running -= 1 }
        }

        /// Counts a finished trial; an interrupted one stops the worker unless `stopsWorker` is false (ended by someone
        /// else), and `cannotStart` (the executor could not start any trial) stops it with that reason.
        func finish(
            _ status: TrialStatus?,
            failure: String?,
            unsaved: UnsavedResult?,
            stopsWorker: Bool,
            cannotStart: String?
        ) {
            running -= 1
            if let unsaved { report.unsavedResults.append(unsaved) }
            if let cannotStart {
                report.lastFailure = cannotStart
                stop(.cannotStart)
                return
            }
            switch status {
            case .completed: report.completed += 1
            case .broken:
                report.broken += 1
                report.lastFailure = failure
            case .interrupted:
                report.interrupted += 1
                if stopsWorker { stop(.interrupted) }
            default: break
            }
        }

        /// Whether to look for lost trials and dead workers now: at most once per heartbeat interval.
        func shouldReleaseLostTrials(at now: Date) -> Bool {
            if let last = lastLostCheck, now.timeIntervalSince(last) < configuration.heartbeatInterval.seconds {
                return false
            }
            lastLostCheck = now
            return true
        }

        /// Whether to look for the trials of dead workers of this host now: at most once a second, so that an idle
        /// worker takes a crashed neighbour's trial within a second rather than a heartbeat interval.
        func shouldLookForDeadWorkers(at now: Date) -> Bool {
            if let last = lastDeadWorkersCheck, now.timeIntervalSince(last) < 1 { return false }
            lastDeadWorkersCheck = now
            return true
        }

        func countReclaimed() {
            report.reclaimed += 1
        }
    }
}
