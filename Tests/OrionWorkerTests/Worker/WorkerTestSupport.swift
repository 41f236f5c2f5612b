import Foundation
import OrionCore
import OrionTesting
import OrionWorker
import Synchronization
import XCTest

/// Runs `worker` while moving `clock` forward by `step` whenever `sleepers` tasks wait on it, until the worker
/// stops; fails after `patience` of real time (a hung worker).
///
/// With another task that always waits on the clock (a holder's heartbeat), `sleepers: 2` moves time only while the
/// worker waits too: with 1, time ran ahead of a worker busy with the storage, by chance (a flaky test under load).
func drive(
    _ worker: Worker,
    _ clock: ManualClock,
    step: Duration = .seconds(1),
    sleepers: Int = 1,
    loneAfter: Duration? = nil,
    patience: Duration = .seconds(20)
) async throws -> WorkerReport {
    let outcome = Mutex<Result<WorkerReport, any Error>?>(nil)
    let run = Task {
        let result: Result<WorkerReport, any Error>
        do { result = .success(try await worker.run()) } catch { result = .failure(error) }
        outcome.withLock { $0 = result }
    }
    let deadline = ContinuousClock.now + patience
    // With `loneAfter`, fewer sleepers than `sleepers` also move the clock once they have waited that long in real
    // time (the last slot, once the others have ended).
    var fewerSince: ContinuousClock.Instant?
    while ContinuousClock.now < deadline {
        if let result = outcome.withLock({ $0 }) { return try result.get() }
        let count = clock.sleeperCount
        if count < sleepers, count > 0, let loneAfter {
            let since = fewerSince ?? .now
            fewerSince = since
            if ContinuousClock.now - since < loneAfter {
                try await Task.sleep(for: .milliseconds(1))
                continue
            }
        }
        if count >= sleepers || (count > 0 && loneAfter != nil) {
            fewerSince = nil
            clock.advance(by: step)
            await Task.yield()
        } else {
            try await Task.sleep(for: .milliseconds(1))
        }
    }
    run.cancel()
    throw WorkerHung(patience: patience)
}

/// The worker under test did not stop in time.
struct WorkerHung: Error, CustomStringConvertible {
    var patience: Duration
    var description: String { "the worker did not stop within \(patience) of real time" }
}

/// Events a worker reported, for assertions.
final class EventLog: Sendable {
    private let events = Mutex<[WorkerEvent]>([])

    func record(_ event: WorkerEvent) { events.withLock { $0.append(event) } }

    var lost: [Trial] {
        events.withLock { $0.compactMap { if case .lost(let trial) = $0 { trial } else { nil } } }
    }

    var finished: [Trial] {
        events.withLock { $0.compactMap { if case .finished(let trial) = $0 { trial } else { nil } } }
    }

    /// The storage warnings: the trial whose result was not stored yet (`nil` for another operation), the reason.
    var storageFailures: [(trialID: String?, reason: String)] {
        events.withLock {
            $0.compactMap {
                if case .storageFailing(let trial, let reason) = $0 { (trial?.id, reason) } else { nil }
            }
        }
    }
}

/// A storage that forwards to another and fails chosen calls with a transient error (a database locked by another
/// process), as a fault injector for the worker's retries.
final class FlakyStorage: Storage {
    let base: any Storage
    /// How many of the next heartbeats fail.
    let failingHeartbeats = Mutex(0)
    /// How many of the next owner updates (results) fail.
    let failingUpdates = Mutex(0)
    /// How many status changes (`updateTrial(_:expecting:)`) succeed before every later one fails; `nil`: all do.
    let statusChangesBeforeFailing = Mutex<Int?>(nil)
    /// How many of the next reservations fail.
    let failingReservations = Mutex(0)
    /// How many of the next algorithm locks fail after a wait of `lockWait` on `clock` (a lock held by a stopped
    /// process, then the lock timeout).
    let failingLocks = Mutex(0)
    let lockWait = Mutex<(clock: ManualClock?, wait: Duration)>((nil, .seconds(60)))
    /// How many of the next algorithm locks wait `lockWait` on `clock`, then go through (a table locked by another
    /// session for that long).
    let stalledLocks = Mutex(0)
    /// How long each owner update (a result) is held before it goes through, in real time; `nil`: not held.
    let blockingUpdates = Mutex<Duration?>(nil)
    /// How many held owner updates started.
    let updatesStarted = Mutex(0)
    /// How long each reservation is held before it goes on (`nil`: not held).
    let blockingReservations = Mutex<Duration?>(nil)
    /// How many held reservations started.
    let reservationsStarted = Mutex(0)
    /// Whether summaries fail (the server went away after the worker stopped).
    let summariesFail = Mutex(false)
    /// How many trial registrations succeed before one fails with a storage error (`nil`: none fails).
    let registrationsBeforeFailure = Mutex<Int?>(nil)

    init(_ base: any Storage) { self.base = base }

    private static func take(_ count: inout Int) -> Bool {
        guard count > 0 else { return false }
        count -= 1
        return true
    }

    private static let locked = StorageError(.lockTimeout, "database is locked (injected)")

    /// An experiment another worker creates just before the next creation (a race lost).
    let rivalCreation = Mutex<Experiment?>(nil)

    func createExperiment(_ experiment: Experiment) async throws {
        if let rival = rivalCreation.withLock({ rival in
            defer { rival = nil }; return rival
        }) {
            try await base.createExperiment(rival)
        }
        try await base.createExperiment(experiment)
    }
    func experiment(named name: String, version: Int?) async throws -> Experiment? {
        try await base.experiment(named: name, version: version)
    }
    func experiment(id: String) async throws -> Experiment? { try await base.experiment(id: id) }
    func experiments() async throws -> [Experiment] { try await base.experiments() }
    func updateExperiment(_ experiment: Experiment) async throws { try await base.updateExperiment(experiment) }
    /// An experiment another worker creates just before the next deletion (a hunt branching during `db rm`).
    let creationBeforeDeletion = Mutex<Experiment?>(nil)

    func deleteExperiment(id: String) async throws {
        if let created = creationBeforeDeletion.withLock({ created in
            defer { created = nil }; return created
        }) {
            try await base.createExperiment(created)
        }
        try await base.deleteExperiment(id: id)
    }
    func deleteTrials(of experimentID: String, status statuses: [TrialStatus]) async throws -> Int {
        try await base.deleteTrials(of: experimentID, status: statuses)
    }
    func registerTrials(_ trials: [Trial]) async throws -> [Trial] {
        let fails = registrationsBeforeFailure.withLock { left -> Bool in
            guard let remaining = left else { return false }
            left = remaining - 1
            return remaining == 0
        }
        if fails { throw StorageError(.backend, "disk I/O error (injected)") }
        return try await base.registerTrials(trials)
    }
    func summary(of experimentID: String) async throws -> TrialSummary {
        if summariesFail.withLock({ $0 }) {
            throw StorageError(.backend, "no connection to the server could be made (injected)")
        }
        return try await base.summary(of: experimentID)
    }
    func reserveTrial(of experimentID: String, worker: String, at now: Date) async throws -> Reservation? {
        if let hold = blockingReservations.withLock({ $0 }) {
            reservationsStarted.withLock { $0 += 1 }
            try? await Task.sleep(for: hold)  // a reservation a locked file holds (in real time)
        }
        if failingReservations.withLock({ Self.take(&$0) }) { throw Self.locked }
        let reservation = try await base.reserveTrial(of: experimentID, worker: worker, at: now)
        if let reservation,
            let hook = afterReservation.withLock({ hook in
                defer { hook = nil }; return hook
            })
        {
            try await hook(reservation)
        }
        return reservation
    }
    /// Runs once after the next reservation, before the worker gets it (a worker paused there).
    let afterReservation = Mutex<(@Sendable (Reservation) async throws -> Void)?>(nil)
    func updateTrial(_ trial: Trial, expecting expected: TrialStatus) async throws -> Bool {
        let fails = statusChangesBeforeFailing.withLock { left -> Bool in
            guard let remaining = left else { return false }
            left = remaining - 1
            return remaining <= 0
        }
        if fails { throw Self.locked }
        return try await base.updateTrial(trial, expecting: expected)
    }
    func updateTrial(_ trial: Trial, holding token: String) async throws -> Bool {
        if let hold = blockingUpdates.withLock({ $0 }) {
            updatesStarted.withLock { $0 += 1 }
            try? await Task.sleep(for: hold)  // a call held by an unreachable server (in real time)
        }
        if failingUpdates.withLock({ Self.take(&$0) }) { throw Self.locked }
        return try await base.updateTrial(trial, holding: token)
    }
    func heartbeat(trialID: String, of experimentID: String, holding token: String, at now: Date) async throws -> Bool {
        if failingHeartbeats.withLock({ Self.take(&$0) }) { throw Self.locked }
        return try await base.heartbeat(trialID: trialID, of: experimentID, holding: token, at: now)
    }
    func reservations(of experimentID: String) async throws -> [Reservation] {
        try await base.reservations(of: experimentID)
    }
    func trial(id: String, of experimentID: String) async throws -> Trial? {
        try await base.trial(id: id, of: experimentID)
    }
    func trials(of experimentID: String, status statuses: [TrialStatus]?) async throws -> [Trial] {
        try await base.trials(of: experimentID, status: statuses)
    }
    func countTrials(of experimentID: String) async throws -> [TrialStatus: Int] {
        try await base.countTrials(of: experimentID)
    }
    func releaseLostTrials(of experimentID: String, heartbeatBefore: Date) async throws -> Int {
        try await base.releaseLostTrials(of: experimentID, heartbeatBefore: heartbeatBefore)
    }
    func withAlgorithmLock<Output: Sendable>(
        of experimentID: String,
        timeout: Duration,
        _ body: @Sendable (AlgorithmSnapshot) throws -> AlgorithmUpdate<Output>
    ) async throws -> Output {
        if failingLocks.withLock({ Self.take(&$0) }) {
            let (clock, wait) = lockWait.withLock { $0 }
            clock?.advance(by: wait)
            throw Self.locked
        }
        if stalledLocks.withLock({ Self.take(&$0) }) {
            let (clock, wait) = lockWait.withLock { $0 }
            clock?.advance(by: wait)
        }
        return try await base.withAlgorithmLock(of: experimentID, timeout: timeout, body)
    }
    func resetAlgorithm(of experimentID: String) async throws { try await base.resetAlgorithm(of: experimentID) }
}

extension XCTestCase {
    /// Waits (real time) until `condition` holds.
    func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw WorkerHung(patience: .seconds(10)) }
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}
