import Foundation
import OrionAlgorithms
import OrionCore
import OrionSQLite
import OrionTesting
import OrionWorker
import Synchronization
import XCTest

final class WorkerTests: XCTestCase {
    private func experiment(
        _ storage: any Storage,
        maxTrials: Int? = 20,
        maxBroken: Int = 3,
        priors: [String: String] = ["/x": "uniform(-5, 10)", "/y": "uniform(0, 15)"],
        algorithm: AlgorithmConfig = AlgorithmConfig(name: "random", options: ["seed": 3])
    ) async throws -> Experiment {
        let request = ExperimentRequest(
            name: "w",
            space: try Space(priors: priors),
            algorithm: algorithm,
            maxTrials: maxTrials,
            maxBroken: maxBroken
        )
        return try await ExperimentBuilder.build(request, storage: storage, factory: AlgorithmRegistry.standard)
            .experiment
    }

    private func worker(
        _ experiment: Experiment,
        _ storage: any Storage,
        configuration: WorkerConfiguration = WorkerConfiguration(idleTimeout: .seconds(5)),
        clock: any WallClock = SystemClock(),
        onEvent: @escaping @Sendable (WorkerEvent) -> Void = { _ in },
        objective: @escaping ClosureExecutor.Objective
    ) -> Worker {
        Worker(
            experiment: experiment,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            executor: ClosureExecutor(objective),
            configuration: configuration,
            workingDirectory: FileManager.default.temporaryDirectory.path + "/orion-worker-tests/\(UUID().uuidString)",
            clock: clock,
            onEvent: onEvent
        )
    }

    /// A worker on a new experiment of one integer dimension searched by `algorithm` (a test algorithm).
    private func worker<A: Algorithm>(
        running algorithm: A.Type,
        maxTrials: Int,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void = { _ in },
        configuration: WorkerConfiguration,
        clock: ManualClock,
        objective: @escaping ClosureExecutor.Objective
    ) async throws -> Worker {
        let factory = AlgorithmRegistry(algorithms: [algorithm])
        let storage = InMemoryStorage()
        let request = ExperimentRequest(
            name: A.name,
            space: try Space(priors: ["/x": "uniform(0, 1000, discrete=True)"]),
            algorithm: AlgorithmConfig(name: A.name, options: [:]),
            maxTrials: maxTrials
        )
        let experiment = try await ExperimentBuilder.build(request, storage: storage, factory: factory).experiment
        return Worker(
            experiment: experiment,
            storage: storage,
            factory: factory,
            executor: ClosureExecutor(objective),
            configuration: configuration,
            workingDirectory: FileManager.default.temporaryDirectory.path + "/orion-worker-tests/\(UUID().uuidString)",
            clock: clock,
            onEvent: onEvent
        )
    }

    func testConcurrentSlotsCompleteExactlyTheBudget() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 30)
        let report = try await worker(experiment, storage, configuration: WorkerConfiguration(concurrency: 4)) {
            values,
            _ in
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...3)))
            return [.objective(values["/x"]?.doubleValue ?? 0)]
        }.run()
        XCTAssertEqual(report.stopReason, .experimentDone)
        XCTAssertEqual(report.completed, 30)
        let trials = try await storage.trials(of: experiment.id, status: nil)
        XCTAssertEqual(trials.count, 30)
        XCTAssertTrue(trials.allSatisfy { $0.status == .completed && $0.endTime != nil && $0.startTime != nil })
    }

    func testWorkerMaxTrialsStopsThisWorkerOnly() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 30)
        let configuration = WorkerConfiguration(concurrency: 2, maxTrials: 7)
        let report = try await worker(experiment, storage, configuration: configuration) { _, _ in [.objective(1)] }
            .run()
        XCTAssertEqual(report.stopReason, .workerMaxTrials)
        XCTAssertEqual(report.completed, 7)
        let counts = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(counts[.completed], 7)
    }

    func testBrokenTrialsStopTheWorkerAndThenTheExperiment() async throws {
        struct Failure: Error {}
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 30, maxBroken: 4)
        let first = try await worker(experiment, storage, configuration: WorkerConfiguration(maxBroken: 2)) { _, _ in
            throw Failure()
        }.run()
        XCTAssertEqual(first.stopReason, .workerMaxBroken)
        XCTAssertEqual(first.broken, 2)
        XCTAssertTrue(first.lastFailure?.contains("Failure") ?? false)
        let second = try await worker(experiment, storage, configuration: WorkerConfiguration(maxBroken: 10)) { _, _ in
            throw Failure()
        }.run()
        XCTAssertEqual(second.stopReason, .experimentBroken)
        XCTAssertEqual(second.broken, 2)
        let broken = try await storage.trials(of: experiment.id, status: [.broken])
        XCTAssertEqual(broken.count, 4)
        XCTAssertTrue(broken.allSatisfy { $0.failure?.hasPrefix("the objective threw") ?? false })
    }

    func testLostTrialIsReleasedAndRunAgain() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 3)
        let producer = TrialProducer(experiment: experiment, storage: storage, factory: AlgorithmRegistry.standard)
        _ = try await producer.produce(count: 3)
        // A worker that vanished an hour ago holds one trial.
        let stale = try await storage.reserveTrial(
            of: experiment.id,
            worker: "gone:1",
            at: Date(timeIntervalSinceNow: -3600)
        )
        let lost = try XCTUnwrap(stale).trial
        let configuration = WorkerConfiguration(heartbeat: .seconds(2))
        let report = try await worker(experiment, storage, configuration: configuration) { _, _ in [.objective(0)] }
            .run()
        XCTAssertEqual(report.completed, 3)
        let trial = try await storage.trial(id: lost.id, of: experiment.id)
        XCTAssertEqual(trial?.status, .completed)
        XCTAssertNotEqual(trial?.worker, "gone:1")
    }

    /// Oríon's `suspended` status (set by hand or by a tool, never by a worker): a suspended trial is resumed by the
    /// next worker like an interrupted one, and an experiment with one is not done until it has run.
    func testASuspendedTrialIsResumedAndCompleted() async throws {
        let storage = try SQLiteStorage(
            path: FileManager.default.temporaryDirectory.path + "/orion-suspended-\(UUID().uuidString).db"
        )
        defer { try? FileManager.default.removeItem(atPath: storage.path) }
        let experiment = try await experiment(storage, maxTrials: 3)
        let producer = TrialProducer(experiment: experiment, storage: storage, factory: AlgorithmRegistry.standard)
        let produced = try await producer.produce(count: 3)
        var suspended = try XCTUnwrap(produced.trials.last)
        suspended.status = .suspended
        let written = try await storage.updateTrial(suspended, expecting: .new)
        XCTAssertTrue(written)
        let counts = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(counts, [.new: 2, .suspended: 1], "stored and counted as suspended")

        let report = try await worker(experiment, storage) { _, _ in [.objective(1)] }.run()
        XCTAssertEqual(report.completed, 3)
        XCTAssertEqual(report.stopReason, .experimentDone)
        let trial = try await storage.trial(id: suspended.id, of: experiment.id)
        XCTAssertEqual(trial?.status, .completed)
        let all = try await storage.trials(of: experiment.id, status: nil)
        XCTAssertEqual(all.count, 3, "the suspended trial ran; no new trial was made in its place")
        try await storage.close()
    }

    func testExhaustedGridStopsTheHunt() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(
            storage,
            maxTrials: nil,
            priors: ["/a": "choices(['p', 'q', 'r'])", "/b": "randint(0, 2)"],
            algorithm: AlgorithmConfig(name: "gridsearch")
        )
        let report = try await worker(experiment, storage) { _, _ in [.objective(0)] }.run()
        XCTAssertEqual(report.stopReason, .experimentDone)
        XCTAssertEqual(report.completed, 6)
    }

    /// Random search remembers the configurations of spaces of at most 1,000 only; on a larger finite space the hunt
    /// still ends as done once every configuration has a trial (broken ones included), rather than after the idle
    /// timeout of draws that all repeat trials (it stopped `idle`, and `orion status` said not done).
    func testAFilledLargeFiniteSpaceStopsTheHuntAsDone() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(
            storage,
            maxTrials: nil,
            priors: ["/x": "randint(0, 1201)", "/c": "choices(['p', 'q'])"],
            algorithm: AlgorithmConfig(name: "random", options: ["seed": 5])
        )
        XCTAssertGreaterThan(experiment.space.cardinality, RandomSearch.trackedCardinality)
        var trials: [Trial] = []
        for x in 0...1200 {
            for c in ["p", "q"] {
                var trial = Trial(
                    experimentID: experiment.id,
                    params: experiment.space.params(from: ["/x": .int(x), "/c": .string(c)]),
                    submitTime: Date()
                )
                trial.status = x == 7 ? .broken : .completed
                if x != 7 { trial.results = [.objective(Double(x))] }
                if trials.count < 2401 { trials.append(trial) }
            }
        }
        try await storage.registerTrials(trials)
        let configuration = WorkerConfiguration(idleTimeout: .seconds(2))
        let first = try await worker(experiment, storage, configuration: configuration) { _, _ in [.objective(0)] }
            .run()
        XCTAssertEqual(first.completed, 1, "the last free configuration ran")
        XCTAssertEqual(first.stopReason, .experimentDone)
        let second = try await worker(experiment, storage, configuration: configuration) { _, _ in [.objective(0)] }
            .run()
        XCTAssertEqual(second.completed, 0)
        XCTAssertEqual(second.stopReason, .experimentDone)
        let summary = try await ExperimentSummary(experiment: experiment, storage: storage, algorithmState: true)
        XCTAssertTrue(summary.isDone, "orion status reads the filled space as done")
    }

    /// Slots that find the algorithm done while the other slots' last suggestions wait to run go on to run them: the
    /// pending trials are counted after the production, not before it (a stale count stopped the hunt with trials
    /// left `new`; with four workers on a five-point space a hunt ended after 1 completed trial with 4 new).
    func testSlotsRunTheLastSuggestionsOfAFiniteSpace() async throws {
        for round in 0..<20 {
            let storage = InMemoryStorage()
            let experiment = try await experiment(
                storage,
                maxTrials: nil,
                priors: ["/x": "choices([1, 2, 3, 4, 5])"],
                algorithm: AlgorithmConfig(name: "random", options: ["seed": .int(round)])
            )
            let report = try await worker(experiment, storage, configuration: WorkerConfiguration(concurrency: 4)) {
                values,
                _ in
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...2)))
                return [.objective(values["/x"]?.doubleValue ?? 0)]
            }.run()
            let counts = try await storage.countTrials(of: experiment.id)
            XCTAssertEqual(report.stopReason, .experimentDone, "round \(round)")
            XCTAssertEqual(counts, [.completed: 5], "round \(round)")
        }
    }

    /// No trial is running or waiting and the algorithm suggests none (it waits for results of trials a command
    /// removed): the worker stops after its idle timeout saying so, not that live workers hold the last trials
    /// (a fault run saw that message with no other worker).
    func testIdleTimeoutWithNothingRunningSaysTheAlgorithmWaits() async throws {
        let clock = ManualClock()
        let worker = try await worker(
            running: Waiting.self,
            maxTrials: 5,
            configuration: WorkerConfiguration(idleTimeout: .seconds(30)),
            clock: clock
        ) { _, _ in [.objective(0)] }
        let report = try await drive(worker, clock)
        XCTAssertEqual(report.stopReason, .stalled)
        XCTAssertTrue(report.stopReason.description.contains("the algorithm suggests none"))
    }

    /// A slot with nothing to run waits while the worker's other slots run trials, whatever the idle timeout: the
    /// algorithm suggests again once they complete (a population's next generation). The slot used to stop the
    /// whole hunt after the idle timeout, with the budget left unrun (Oríon waits).
    func testASlotWaitsWhileTheWorkersOwnTrialsRun() async throws {
        let clock = ManualClock()
        let worker = try await worker(
            running: Serial.self,
            maxTrials: 3,
            configuration: WorkerConfiguration(concurrency: 2, idleTimeout: .seconds(60), heartbeat: .seconds(120)),
            clock: clock
        ) { _, _ in
            try await clock.sleep(for: .seconds(360))  // six times the idle timeout
            return [.objective(0)]
        }
        // The clock moves only while the trial, its heartbeat and the idle slot all wait (not while a slot stores a
        // result or produces, which takes no time on a real clock); fewer sleepers move it after 200 ms of real
        // time (between two trials, and once the other slot has ended), so that a slow machine does not make the
        // idle timeout (60 s: 12 s of real time) pass between two trials.
        let report = try await drive(worker, clock, sleepers: 3, loneAfter: .milliseconds(200), patience: .seconds(60))
        XCTAssertEqual(report.stopReason, .experimentDone)
        XCTAssertEqual(report.completed, 3)
    }

    /// A trial whose run someone else always ends (a script that cancels its own Slurm job) runs again at most
    /// `requeueLimit` times, each said, then breaks with the reason: it used to be resubmitted for ever.
    func testATrialEndedBySomeoneElseRunsAgainALimitedNumberOfTimes() async throws {
        final class Cancelled: TrialExecutor, Sendable {
            let runs = Mutex(0)
            func execute(_ context: TrialContext) async -> TrialOutcome {
                runs.withLock { $0 += 1 }
                return .requeued(reason: "the Slurm job 7 was cancelled by someone else")
            }
            func interruptAll(force: Bool) {}
            var needsWorkingDirectory: Bool { false }
        }
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 1, maxBroken: 1)
        let executor = Cancelled()
        let notes = Mutex<[String]>([])
        let worker = Worker(
            experiment: experiment,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            executor: executor,
            configuration: WorkerConfiguration(idleTimeout: .seconds(5)),
            workingDirectory: FileManager.default.temporaryDirectory.path + "/orion-worker-tests/\(UUID().uuidString)",
            onEvent: { event in
                if case .requeued(_, let reason) = event { notes.withLock { $0.append(reason) } }
            }
        )
        let report = try await worker.run()
        XCTAssertEqual(executor.runs.withLock { $0 }, Worker.requeueLimit)
        XCTAssertEqual(notes.withLock { $0.count }, Worker.requeueLimit - 1)
        let trials = try await storage.trials(of: experiment.id, status: nil)
        XCTAssertEqual(trials.map(\.status), [.broken])
        XCTAssertEqual(
            trials.first?.failure,
            "its run was ended by someone else 5 times (the last: the Slurm job 7 was cancelled by someone else); it"
                + " is not run again"
        )
        XCTAssertEqual(report.broken, 1)
    }

    /// A run ended by someone else whose trial was taken from this worker meanwhile (`orion db release`, then
    /// another hunt reserved it) is not said to run again here: its loss is said instead.
    func testARequeuedRunOfATakenTrialIsSaidLostNotRequeued() async throws {
        final class TakenThenCancelled: TrialExecutor, Sendable {
            let storage: InMemoryStorage
            let taken = Mutex(false)
            init(_ storage: InMemoryStorage) { self.storage = storage }
            func execute(_ context: TrialContext) async -> TrialOutcome {
                if !taken.withLock({ $0 }) {
                    taken.withLock { $0 = true }
                    // `orion db release`: the trial is interrupted; another hunt reserves it.
                    var released = context.trial
                    released.status = .interrupted
                    _ = try? await storage.updateTrial(released, expecting: .reserved)
                    _ = try? await storage.reserveTrial(of: context.trial.experimentID, worker: "other", at: Date())
                    return .requeued(reason: "the Slurm job 8 was cancelled by someone else")
                }
                return .completed([.objective(1)])
            }
            func interruptAll(force: Bool) {}
            var needsWorkingDirectory: Bool { false }
        }
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 2)
        let events = Mutex<[String]>([])
        let worker = Worker(
            experiment: experiment,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            executor: TakenThenCancelled(storage),
            // The other hunt never beats: its trial is lost after 3 s and runs here again.
            configuration: WorkerConfiguration(idleTimeout: .seconds(2), heartbeat: .seconds(3)),
            workingDirectory: FileManager.default.temporaryDirectory.path + "/orion-worker-tests/\(UUID().uuidString)",
            onEvent: { event in
                switch event {
                case .requeued: events.withLock { $0.append("requeued") }
                case .lost: events.withLock { $0.append("lost") }
                default: break
                }
            }
        )
        let report = try await worker.run()
        XCTAssertEqual(events.withLock { $0 }, ["lost"])
        XCTAssertEqual(report.completed, 2)
    }

    func testIdleTimeoutWhenOtherLiveWorkersHoldTheLastTrials() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 1)
        let clock = ManualClock()
        // The other worker is alive: it refreshes its heartbeat every 10 s of the clock's time.
        let (other, beating) = try await heldByAnotherWorker(experiment, storage, clock, beatingEvery: .seconds(10))
        defer { beating.cancel() }
        let configuration = WorkerConfiguration(idleTimeout: .seconds(60), heartbeat: .seconds(120))
        let worker = worker(experiment, storage, configuration: configuration, clock: clock) { _, _ in [.objective(0)] }
        let report = try await drive(worker, clock, sleepers: 2)
        XCTAssertEqual(report.stopReason, .idle)
        XCTAssertEqual(report.completed, 0)
        let stored = try await storage.trial(id: other.trial.id, of: experiment.id)
        XCTAssertEqual(stored?.status, .reserved, "the live worker's trial was left alone")
    }
}

extension WorkerTests {
    /// A storage that does not answer for longer than the idle timeout (a table locked by another session) is not
    /// idle time: the worker stops only after its idle timeout of looks that were answered (hAW's probe: a worker
    /// stopped during a minute's lock, saying that live workers held the remaining trials).
    func testTimeTheStorageDoesNotAnswerIsNotIdleTime() async throws {
        let base = InMemoryStorage()
        let experiment = try await experiment(base, maxTrials: 1)
        let clock = ManualClock()
        let started = clock.now
        let (_, beating) = try await heldByAnotherWorker(experiment, base, clock, beatingEvery: .seconds(10))
        defer { beating.cancel() }
        let storage = FlakyStorage(base)
        storage.lockWait.withLock { $0 = (clock, .seconds(70)) }
        storage.stalledLocks.withLock { $0 = 1 }
        let configuration = WorkerConfiguration(idleTimeout: .seconds(60), heartbeat: .seconds(120))
        let worker = worker(experiment, storage, configuration: configuration, clock: clock) { _, _ in [.objective(0)] }
        let report = try await drive(worker, clock, sleepers: 2)
        XCTAssertEqual(report.stopReason, .idle)
        XCTAssertGreaterThanOrEqual(clock.now.timeIntervalSince(started), 125, "70 s of lock, then 60 s of idleness")
    }

    /// The experiment's one trial, produced and reserved by the worker `other:1` of another host, which refreshes
    /// its heartbeat every `period` of `clock`'s time until the returned task is cancelled.
    fileprivate func heldByAnotherWorker(
        _ experiment: Experiment,
        _ storage: InMemoryStorage,
        _ clock: ManualClock,
        beatingEvery period: Duration
    ) async throws -> (Reservation, Task<Void, any Error>) {
        let producer = TrialProducer(experiment: experiment, storage: storage, factory: AlgorithmRegistry.standard)
        _ = try await producer.produce(count: 1)
        let taken = try await storage.reserveTrial(of: experiment.id, worker: "other:1", at: clock.now)
        let other = try XCTUnwrap(taken)
        let beating = Task {
            while !Task.isCancelled {
                try await clock.sleep(for: period)
                _ = try await storage.heartbeat(
                    trialID: other.trial.id,
                    of: experiment.id,
                    holding: other.token,
                    at: clock.now
                )
            }
        }
        return (other, beating)
    }

    /// Past its idle timeout, a worker whose only trial left is held by another worker that has not refreshed it
    /// since this one became idle waits (the holder may be dead), and says so once; it stops once the holder shows
    /// it is alive.
    func testAnIdleWorkerSaysOnceThatItWaitsOnASilentTrial() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 1)
        let clock = ManualClock()
        // The holder refreshes its heartbeat every 100 s: within the 120 s heartbeat, but not within the 60 s idle
        // timeout after this worker becomes idle.
        let (other, beating) = try await heldByAnotherWorker(experiment, storage, clock, beatingEvery: .seconds(100))
        defer { beating.cancel() }
        let events = Mutex<[[String]]>([])
        let worker = Worker(
            experiment: experiment,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            executor: ClosureExecutor { _, _ in [.objective(0)] },
            configuration: WorkerConfiguration(idleTimeout: .seconds(60), heartbeat: .seconds(120)),
            workingDirectory: FileManager.default.temporaryDirectory.path + "/orion-worker-tests/\(UUID().uuidString)",
            clock: clock,
            onEvent: { event in
                if case .waitingForOthers(let trials) = event { events.withLock { $0.append(trials.map(\.id)) } }
            }
        )
        // Time moves only while both this worker and the holder wait on it.
        let report = try await drive(worker, clock, sleepers: 2)
        XCTAssertEqual(report.stopReason, .idle)
        XCTAssertEqual(events.withLock { $0 }, [[other.trial.id]], "said once, naming the silent trial")
    }
}

/// Suggests nothing and is never done: an algorithm waiting for results that will not come.
/// Suggests one point at a time: the next only once the last one completed (as a population waits for its
/// generation).
private struct Serial: Algorithm {
    struct Options: AlgorithmOptions {
        var seed: Int?
        enum CodingKeys: String, CodingKey { case seed }
    }

    static let name = "serial"
    var next = 0
    var waiting = false

    init(options: Options, context: AlgorithmContext) {}

    mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        guard !waiting else { return [] }
        waiting = true
        defer { next += 1 }
        return [Suggestion([Trial.Param(name: "/x", type: .integer, value: .int(next))])]
    }

    mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        if trials.contains(where: { $0.status == .completed }) { waiting = false }
    }

    func isDone(context: AlgorithmContext) -> Bool { false }
}

private struct Waiting: Algorithm {
    struct Options: AlgorithmOptions {
        var seed: Int?
        enum CodingKeys: String, CodingKey { case seed }
    }

    static let name = "waiting"

    init(options: Options, context: AlgorithmContext) {}

    mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] { [] }

    mutating func observe(_ trials: [Trial], context: AlgorithmContext) {}

    func isDone(context: AlgorithmContext) -> Bool { false }
}
