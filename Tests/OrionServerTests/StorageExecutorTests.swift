import Foundation
import OrionCore
import OrionServer
import XCTest

/// A storage whose experiment list blocks its thread until opened, as GRDB blocks on a locked or large database.
final class BlockingStorage: Storage, @unchecked Sendable {
    let base = InMemoryStorage()
    let gate = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var enteredCalls = 0

    /// Blocks the calling thread (synchronously, like GRDB) until ``open(_:)``.
    func experiments() async throws -> [Experiment] {
        holdThread()
        return try await base.experiments()
    }

    private func holdThread() {
        lock.lock()
        enteredCalls += 1
        lock.unlock()
        gate.wait()
    }

    /// How many calls have reached the storage.
    var entered: Int {
        lock.lock()
        defer { lock.unlock() }
        return enteredCalls
    }

    /// Lets `count` blocked calls go on.
    func open(_ count: Int) { for _ in 0..<count { gate.signal() } }

    func createExperiment(_ experiment: Experiment) async throws { try await base.createExperiment(experiment) }
    func experiment(named name: String, version: Int?) async throws -> Experiment? {
        try await base.experiment(named: name, version: version)
    }
    func experiment(id: String) async throws -> Experiment? { try await base.experiment(id: id) }
    func updateExperiment(_ experiment: Experiment) async throws { try await base.updateExperiment(experiment) }
    func deleteExperiment(id: String) async throws { try await base.deleteExperiment(id: id) }
    func registerTrials(_ trials: [Trial]) async throws -> [Trial] { try await base.registerTrials(trials) }
    func reserveTrial(of experimentID: String, worker: String, at now: Date) async throws -> Reservation? {
        try await base.reserveTrial(of: experimentID, worker: worker, at: now)
    }
    func updateTrial(_ trial: Trial, expecting expected: TrialStatus) async throws -> Bool {
        try await base.updateTrial(trial, expecting: expected)
    }
    func updateTrial(_ trial: Trial, holding token: String) async throws -> Bool {
        try await base.updateTrial(trial, holding: token)
    }
    func heartbeat(trialID: String, of experimentID: String, holding token: String, at now: Date) async throws -> Bool {
        try await base.heartbeat(trialID: trialID, of: experimentID, holding: token, at: now)
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
        try await base.withAlgorithmLock(of: experimentID, timeout: timeout, body)
    }
    func resetAlgorithm(of experimentID: String) async throws { try await base.resetAlgorithm(of: experimentID) }
}

/// Storage calls that hold their thread do not stall the server: they run on the ``StorageExecutor``'s threads,
/// not on the event loops or Swift's cooperative pool.
final class StorageExecutorTests: XCTestCase {
    func testRequestsWaitingOnTheStorageDoNotStallOtherRequests() async throws {
        let storage = BlockingStorage()
        try await ServerFixture.seed(storage.base, name: "demo", count: 5)
        // More blocked calls than the cooperative pool has threads: if storage calls ran there (or on the event
        // loop), nothing else could run until they return, and the request below would never be answered.
        let blocked = ProcessInfo.processInfo.activeProcessorCount + 2
        let server = try await RunningServer(storage: storage, storageThreads: blocked + 2)
        // A watchdog on a thread of its own opens the gate after 60 s, so that a server that stalls fails this test
        // instead of hanging it (the slow requests then finish, and so does the one below, late).
        let watchdog = Watchdog(seconds: 60) { storage.open(blocked) }
        var slow: [Task<HTTPAnswer, any Error>] = []
        for _ in 0..<blocked {
            slow.append(Task { try await server.get("/experiments", timeout: 120) })
        }
        let deadline = Date().addingTimeInterval(60)
        while storage.entered < blocked, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertEqual(storage.entered, blocked, "the slow requests did not all reach the storage")
        // Every slow request holds a thread inside the storage now; another request is answered.
        let other = try await server.get("/experiments/status/demo", timeout: 120)
        XCTAssertFalse(watchdog.finish(), "the request waited for the blocked storage calls: the server stalled")
        XCTAssertEqual(other.status, 200)
        XCTAssertEqual(try other.object()["nb_trials"] as? Int, 5)
        for task in slow { XCTAssertFalse(task.isCancelled) }
        if !watchdog.fired { storage.open(blocked) }
        for task in slow {
            let answer = try await task.value
            XCTAssertEqual(answer.status, 200)
            XCTAssertEqual(try answer.array().count, 1)
        }
        await server.stop()
    }
}

/// Runs an action on a thread of its own after a delay unless finished first (not on Swift's cooperative pool, which
/// the code under test may have stalled).
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    private var didFire = false

    init(seconds: TimeInterval, action: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            Thread.sleep(forTimeInterval: seconds)
            lock.lock()
            let fire = !done
            if fire { didFire = true }
            lock.unlock()
            if fire { action() }
        }
        thread.start()
    }

    /// Whether the action ran.
    var fired: Bool {
        lock.lock()
        defer { lock.unlock() }
        return didFire
    }

    /// Stops the watchdog; returns whether its action had already run.
    func finish() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        done = true
        return didFire
    }
}
