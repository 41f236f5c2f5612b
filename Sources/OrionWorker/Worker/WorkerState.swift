import Foundation
import OrionCore
import Synchronization

/// The mutable bookkeeping of one worker, shared by its slots.
final class WorkerState: Sendable {
    /// When the first interrupt came: stop taking trials; stop waiting for the storage
    /// ``WorkerConfiguration/stopPatience`` later.
    let interruptedAt = Mutex<ContinuousClock.Instant?>(nil)
    /// Set by a second interrupt: stop retrying to store results.
    let forceFlag = Mutex(false)
    private let inner: InnerState

    init(configuration: WorkerConfiguration) {
        inner = InnerState(configuration: configuration)
    }

    var report: WorkerReport { get async { await inner.report } }
    var stopReason: StopReason? { get async { await inner.stopReason } }
    /// Stops the worker for `reason` (the first reason given stays); returns the reason and the number of trials
    /// the other slots still run when this is the first stop for broken trials while some run (to be told once),
    /// else `nil`.
    @discardableResult
    func stop(_ reason: StopReason) async -> WaitAnnouncement? { await inner.stopAnnouncing(reason) }
    /// Whether this worker reached its own limits (then it is stopped), with what ``stop(_:)`` returns.
    func reachedOwnLimits() async -> (reached: Bool, waitingFor: WaitAnnouncement?) { await inner.checkOwnLimits() }

    /// Why the worker stopped taking trials, and how many its other slots still run.
    typealias WaitAnnouncement = (reason: StopReason, running: Int)
    func beginReservation() async -> Bool { await inner.beginReservation() }
    /// Ends a reservation begun by ``beginReservation()``; the reservation made, if any, is held by this worker until
    /// ``letGo(_:)``.
    func endReservation(_ reservation: Reservation?) async { await inner.endReservation(reservation) }
    /// Notes that this worker no longer holds the reservation with `token` (its trial's outcome is stored, lost or
    /// given up).
    func letGo(_ token: String) async { await inner.letGo(token) }
    /// The owner tokens of the reservations this worker's slots hold now.
    var heldTokens: Set<String> { get async { await inner.heldTokens } }
    /// Notes that a storage call failed at `date` (a transient error: a lock, a server gone away).
    func noteStorageFailure(at date: Date) async { await inner.noteStorageFailure(at: date) }
    func finish(
        _ status: TrialStatus?,
        failure: String?,
        failureLog: String? = nil,
        unsaved: UnsavedResult? = nil,
        stopsWorker: Bool = true,
        cannotStart: String? = nil
    ) async {
        await inner.finish(
            status,
            failure: failure,
            failureLog: failureLog,
            unsaved: unsaved,
            stopsWorker: stopsWorker,
            cannotStart: cannotStart
        )
    }
    func shouldReleaseLostTrials(at now: Date) async -> Bool { await inner.shouldReleaseLostTrials(at: now) }
    func shouldLookForDeadWorkers(at now: Date) async -> Bool { await inner.shouldLookForDeadWorkers(at: now) }
    func countReclaimed() async { await inner.countReclaimed() }
    /// Marks the trials whose dead worker's scripts are being stopped as said; returns whether one was not yet.
    func markStoppingSaid(_ ids: [String]) async -> Bool { await inner.markStoppingSaid(ids) }
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
        var heldTokens: Set<String> = []
        var lastStorageFailure: Date?

        func letGo(_ token: String) { heldTokens.remove(token) }

        func noteStorageFailure(at date: Date) {
            lastStorageFailure = max(lastStorageFailure ?? date, date)
        }

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

        /// Whether the wait for running trials after a stop for broken trials was told.
        var waitAnnounced = false

        /// ``stop(_:)``, then the trials still running when this is the first stop for broken trials while some
        /// run (once), else `nil`.
        func stopAnnouncing(_ reason: StopReason) -> WaitAnnouncement? {
            stop(reason)
            return announcement()
        }

        /// ``reachedOwnLimits()`` with ``stopAnnouncing(_:)``'s announcement.
        func checkOwnLimits() -> (reached: Bool, waitingFor: WaitAnnouncement?) {
            let reached = reachedOwnLimits()
            return (reached, reached ? announcement() : nil)
        }

        private func announcement() -> WaitAnnouncement? {
            guard !waitAnnounced, running > 0, let reason = stopReason,
                reason == .experimentBroken || reason == .workerMaxBroken
            else { return nil }
            waitAnnounced = true
            return (reason, running)
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

        func endReservation(_ reservation: Reservation?) {
            if let reservation {
                heldTokens.insert(reservation.token)
            } else {
                running -= 1
            }
        }

        /// Counts a finished trial; an interrupted one stops the worker unless `stopsWorker` is false (ended by someone
        /// else), and `cannotStart` (the executor could not start any trial) stops it with that reason.
        func finish(
            _ status: TrialStatus?,
            failure: String?,
            failureLog: String?,
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
                report.lastFailureLog = failureLog
            case .interrupted:
                report.interrupted += 1
                if stopsWorker { stop(.interrupted) }
            default: break
            }
        }

        /// Whether to look for lost trials and dead workers now: at most once per heartbeat interval, and not until a
        /// whole `heartbeat` has passed since this worker last met a storage failure.
        ///
        /// A storage that was out for this worker was most likely out for the others too: their heartbeats could not
        /// be written, and their trials are not lost until they have had a heartbeat's time to write one again. The
        /// first look after an outage released every running trial, this process's own included, and threw away
        /// the results that were being retried (a PostgreSQL restart of a minute, in a probe).
        func shouldReleaseLostTrials(at now: Date) -> Bool {
            if let last = lastLostCheck, now.timeIntervalSince(last) < configuration.heartbeatInterval.seconds {
                return false
            }
            if let failure = lastStorageFailure, now.timeIntervalSince(failure) < configuration.heartbeat.seconds {
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

        /// The trials the note about a dead worker's scripts being stopped has named.
        private var stoppingSaid: Set<String> = []

        func markStoppingSaid(_ ids: [String]) -> Bool {
            let new = ids.filter { !stoppingSaid.contains($0) }
            stoppingSaid.formUnion(new)
            return !new.isEmpty
        }

        func countReclaimed() {
            report.reclaimed += 1
        }
    }
}
