import Foundation
import OrionAlgorithms
import OrionCore
import OrionSQLite
import OrionWorker
import Synchronization
import XCTest

final class ExperimentClientTests: XCTestCase {
    /// A client of random search (seed 1) over `/x` in [0, 1].
    private func randomClient(_ name: String, maxTrials: Int, storage: any Storage = InMemoryStorage()) async throws
        -> ExperimentClient
    {
        try await ExperimentClient.build(
            name: name,
            space: ["/x": "uniform(0, 1)"],
            algorithm: AlgorithmConfig(name: "random", options: ["seed": 1]),
            maxTrials: maxTrials,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
    }

    func testSuggestObserveUntilDone() async throws {
        let storage = InMemoryStorage()
        let client = try await ExperimentClient.build(
            name: "lib",
            space: ["/x": "uniform(-5, 10)"],
            algorithm: AlgorithmConfig(name: "random", options: ["seed": 1]),
            maxTrials: 5,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        var seen: Set<String> = []
        while let trial = try await client.suggest() {
            XCTAssertEqual(trial.status, .reserved)
            XCTAssertTrue(seen.insert(trial.id).inserted)
            let x = try XCTUnwrap(trial.values["/x"]?.doubleValue)
            try await client.observe(trial, objective: (x - 1) * (x - 1))
        }
        XCTAssertEqual(seen.count, 5)
        let stats = try await client.stats()
        XCTAssertEqual(stats.completed, 5)
        XCTAssertNotNil(stats.bestTrial)
    }

    /// A done experiment suggests nothing, inserted trials waiting beyond its budget included (as Oríon's `suggest`
    /// raises `CompletedExperiment`): they were handed out, and the experiment ended with 7 completed of 3.
    func testADoneExperimentSuggestsNoTrialInsertedBeyondItsBudget() async throws {
        let client = try await randomClient("lib", maxTrials: 3)
        let first = try XCTUnwrapAsync(try await client.suggest())
        try await client.observe(first, objective: 1)
        for value in [0.1, 0.2, 0.3, 0.4] { _ = try await client.insert(["/x": .double(value)]) }
        var run = 1
        while let trial = try await client.suggest() {
            run += 1
            try await client.observe(trial, objective: 1)
        }
        XCTAssertEqual(run, 3, "the budget: one suggested, then two of the inserted")
        let done = try await client.isDone
        XCTAssertTrue(done)
        let waiting = try await client.fetchTrials(status: [.new])
        XCTAssertEqual(waiting.count, 2, "the inserted trials beyond the budget are left, not run")
    }

    /// What `observe` and `release` write is the outcome alone: a caller's copy whose parameters were changed wrote
    /// them (`/x` 99 in `uniform(0, 1)`, the id no longer matching them).
    func testObserveAndReleaseWriteTheOutcomeOntoTheTrialAsReserved() async throws {
        let storage = InMemoryStorage()
        let client = try await randomClient("lib", maxTrials: 5, storage: storage)
        for release in [false, true] {
            let trial = try XCTUnwrapAsync(try await client.suggest())
            var changed = trial
            changed.params = trial.params.replacing("/x", with: .double(99))
            if release {
                try await client.release(changed, status: .broken, failure: "diverged")
            } else {
                try await client.observe(changed, objective: 0.5)
            }
            let stored = try XCTUnwrapAsync(try await client.trial(id: trial.id))
            XCTAssertEqual(stored.params, trial.params, "release: \(release)")
            XCTAssertEqual(stored.status, release ? .broken : .completed)
            XCTAssertEqual(release ? stored.failure : nil, release ? "diverged" : nil)
            XCTAssertEqual(stored.objective, release ? nil : 0.5)
        }
    }

    /// Results given through the library are checked as a results file is: two objectives, a constraint that is
    /// not a number, a gradient that is not a list, 2 MB of statistics, and inserted objectives that are text were
    /// stored.
    func testLibraryResultsAreCheckedAsAResultsFileIs() async throws {
        let client = try await randomClient("lib", maxTrials: 5)
        let trial = try XCTUnwrapAsync(try await client.suggest())
        let bad: [[TrialResult]] = [
            [.objective(1), .objective(2, name: "other")],
            [.objective(1), TrialResult(name: "c", type: .constraint, value: .string("no"))],
            [.objective(1), TrialResult(name: "g", type: .gradient, value: .double(1))],
            [
                .objective(1),
                TrialResult(name: "s", type: .statistic, value: .string(String(repeating: "x", count: 2 << 20))),
            ],
        ]
        for results in bad {
            do {
                try await client.observe(trial, results: results)
                XCTFail("accepted \(results.map(\.name))")
            } catch let error as ExperimentError {
                XCTAssertEqual(error.code, .invalidResult)
                XCTAssertTrue(error.message.hasPrefix("results of trial \(trial.id)"), error.message)
            }
        }
        let stored = try XCTUnwrapAsync(try await client.trial(id: trial.id))
        XCTAssertEqual(stored.status, .reserved, "nothing was written")
        try await client.observe(
            trial,
            results: [.objective(1), TrialResult(name: "s", type: .statistic, value: "ok")]
        )
        for value: JSONValue in ["text", true, .null] {
            do {
                _ = try await client.insert(
                    ["/x": 0.25],
                    results: [TrialResult(name: "o", type: .objective, value: value)]
                )
                XCTFail("inserted an objective \(value)")
            } catch let error as ExperimentError {
                XCTAssertEqual(error.code, .invalidResult, error.message)
            }
        }
        let completed = try await client.fetchTrials(status: [.completed])
        XCTAssertEqual(completed.count, 1)
    }

    /// Settings the command line refuses are refused by the library too: a heartbeat of zero made its refreshing
    /// loop spin, and a max broken of 0 failed with a confusing error at the first suggestion.
    func testBuildRefusesSettingsOutOfRange() async throws {
        func refusal(maxTrials: Int? = nil, maxBroken: Int? = nil, heartbeat: Duration = .seconds(120)) async -> String?
        {
            do {
                _ = try await ExperimentClient.build(
                    name: "lib",
                    space: ["/x": "uniform(0, 1)"],
                    maxTrials: maxTrials,
                    maxBroken: maxBroken,
                    storage: InMemoryStorage(),
                    factory: AlgorithmRegistry.standard,
                    heartbeat: heartbeat
                )
                return nil
            } catch let error as ExperimentError {
                XCTAssertEqual(error.code, .invalidSetting)
                return error.message
            } catch {
                return "\(error)"
            }
        }
        let negative = await refusal(maxTrials: -1)
        XCTAssertEqual(negative, "max trials must be at least 0, not -1")
        let none = await refusal(maxBroken: 0)
        XCTAssertEqual(none, "max broken must be at least 1, not 0")
        let spinning = await refusal(heartbeat: .zero)
        XCTAssertEqual(spinning, "the heartbeat must be a positive duration, not 0.0 seconds")
        let fine = await refusal(maxTrials: 0, maxBroken: 1)
        XCTAssertNil(fine)
        // Library words, not the command line's.
        do {
            _ = try await ExperimentClient.build(
                name: "empty",
                space: [:],
                storage: InMemoryStorage(),
                factory: AlgorithmRegistry.standard
            )
            XCTFail("an empty space")
        } catch let error as ExperimentError {
            XCTAssertTrue(error.message.contains("space: [\"/lr\""), error.message)
        }
        do {
            _ = try await ExperimentClient.build(
                name: "none",
                version: 9,
                storage: InMemoryStorage(),
                factory: AlgorithmRegistry.standard
            )
            XCTFail("no version 9")
        } catch let error as ExperimentError {
            XCTAssertFalse(error.message.contains("orion list"), error.message)
        }
    }

    /// Issue 13, part 2: with `branching`, a changed space makes a child version that skips the parent's points.
    func testBranchingMakesAChildThatKnowsTheParentsTrials() async throws {
        let storage = InMemoryStorage()
        let grid = AlgorithmConfig(name: "gridsearch", options: ["n_values": 3])
        let parent = try await ExperimentClient.build(
            name: "lib",
            space: ["/x": "uniform(0, 1)"],
            algorithm: grid,
            maxTrials: 3,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        while let trial = try await parent.suggest() { try await parent.observe(trial, objective: 1) }
        let child = try await ExperimentClient.build(
            name: "lib",
            space: ["/x": "uniform(0, 1)", "/y": "choices(['a', 'b'], default_value='a')"],
            algorithm: grid,
            maxTrials: 6,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            branching: BranchingRequest()
        )
        XCTAssertEqual(child.experiment.version, 2)
        var points: [String] = []
        while let trial = try await child.suggest() {
            points.append(trial.params.representation)
            try await child.observe(trial, objective: 1)
        }
        XCTAssertEqual(points, ["/x:0.0,/y:b", "/x:0.5,/y:b", "/x:1.0,/y:b"], "the points with y = 'a' are inherited")
    }

    /// A library caller's errors name the client's parameters, not `orion`'s flags (`-x~…`, `--enable-evc`,
    /// `--branch-to`), which a Swift program cannot give.
    func testErrorsNameTheClientsParametersNotTheCommandLinesFlags() async throws {
        let storage = InMemoryStorage()
        func message(_ build: () async throws -> ExperimentClient) async -> String {
            do {
                _ = try await build()
                return "built"
            } catch {
                return "\(error)"
            }
        }
        let missing = await message {
            try await ExperimentClient.build(name: "lib", storage: storage, factory: AlgorithmRegistry.standard)
        }
        XCTAssertTrue(missing.contains("space: [\"/x\": \"uniform(0, 1)\"]"), missing)
        _ = try await ExperimentClient.build(
            name: "lib",
            space: ["/x": "uniform(0, 1)"],
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        let changed = await message {
            try await ExperimentClient.build(
                name: "lib",
                space: ["/x": "uniform(0, 2)"],
                storage: storage,
                factory: AlgorithmRegistry.standard
            )
        }
        XCTAssertTrue(changed.contains("or branching: BranchingRequest() to make it a new version"), changed)
        _ = try await ExperimentClient.build(
            name: "other",
            space: ["/x": "uniform(0, 1)"],
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        let taken = await message {
            try await ExperimentClient.build(
                name: "lib",
                space: ["/x": "uniform(0, 3)"],
                storage: storage,
                factory: AlgorithmRegistry.standard,
                branching: BranchingRequest(branchTo: "other")
            )
        }
        XCTAssertTrue(taken.contains("give branchTo another name, or resume it with name: \"other\""), taken)
        for text in [missing, changed, taken] {
            XCTAssertFalse(text.contains("--") || text.contains("-x~") || text.contains("-n "), text)
        }
    }

    func testObserveOfATrialNoLongerReservedFails() async throws {
        let storage = InMemoryStorage()
        let client = try await ExperimentClient.build(
            name: "lib",
            space: ["/x": "uniform(0, 1)"],
            maxTrials: 2,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        let suggested = try await client.suggest()
        let trial = try XCTUnwrap(suggested)
        try await client.observe(trial, objective: 1)
        do {
            try await client.observe(trial, objective: 2)
            XCTFail("observing twice must fail")
        } catch let error as StorageError {
            XCTAssertEqual(error.code, .notFound)
            XCTAssertTrue(error.message.contains("is not reserved by this client"), error.message)
        }
        let stored = try await storage.trial(id: trial.id, of: client.experiment.id)
        XCTAssertEqual(stored?.objective, 1)
    }

    /// `suggest()`, or an error if it has not returned within `seconds`: a wait that never ends fails the test.
    private func suggest(_ client: ExperimentClient, within seconds: Double) async throws -> Trial? {
        try await withThrowingTaskGroup(of: Trial?.self) { group in
            group.addTask { try await client.suggest() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw StorageError(.lockTimeout, "suggest() still waits after \(seconds) s")
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// A client (lost trials after `heartbeat`) whose budget is spent but for one trial, held by another client
    /// named `worker` that never refreshes its heartbeat.
    private func clientWithTheLastTrialHeld(by worker: String, heartbeat: Duration) async throws -> ExperimentClient {
        let storage = InMemoryStorage()
        let client = try await ExperimentClient.build(
            name: "held",
            space: ["/x": "uniform(0, 1)"],
            algorithm: AlgorithmConfig(name: "random", options: ["seed": 3]),
            maxTrials: 2,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            heartbeat: heartbeat
        )
        let first = try XCTUnwrapAsync(try await client.suggest())
        let other = ExperimentClient(
            experiment: client.experiment,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            workerName: worker,
            heartbeat: .seconds(3_600)
        )
        let held = try await other.suggest()
        XCTAssertEqual(held?.worker, worker)
        try await client.observe(first, objective: 1)
        return client
    }

    /// Scenario (found by a library user): a client process died holding a trial; the other clients waited in
    /// `suggest()` for ever, since the producer never registers beyond the budget. A client now releases the trial
    /// of a dead worker of its host at once, and one whose heartbeat is older than its `heartbeat`, and runs it.
    func testSuggestTakesOverTheTrialsOfGoneHolders() async throws {
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let host = try XCTUnwrap(WorkerConfiguration.hostAndPID(of: WorkerConfiguration.defaultWorkerName())).host
        let dead = try await clientWithTheLastTrialHeld(
            by: "\(host):\(finished.processIdentifier)",
            heartbeat: .seconds(60)
        )
        let fromTheDead = try await suggest(dead, within: 20)
        XCTAssertNotNil(fromTheDead, "the dead process's trial is suggested again")
        try await dead.observe(try XCTUnwrap(fromTheDead), objective: 2)
        let deadNext = try await suggest(dead, within: 20)
        XCTAssertNil(deadNext, "the budget is spent")

        // A worker of another host, silent for longer than the heartbeat.
        let silent = try await clientWithTheLastTrialHeld(by: "elsewhere:12", heartbeat: .milliseconds(500))
        let fromTheSilent = try await suggest(silent, within: 20)
        XCTAssertEqual(fromTheSilent?.worker, WorkerConfiguration.defaultWorkerName())

        // A worker of another host whose heartbeat is recent is waited for.
        let busy = try await clientWithTheLastTrialHeld(by: "elsewhere:13", heartbeat: .seconds(60))
        do {
            _ = try await suggest(busy, within: 0.5)
            XCTFail("a live holder's trial is not taken")
        } catch let error as StorageError {
            XCTAssertEqual(error.code, .lockTimeout, "the test's own timeout")
        }
    }

    /// Two clients of one process share its pid: one with a short `heartbeat` took the other's live trial as lost,
    /// and the holder's result was refused. A trial that a client of this process holds is never taken by another.
    func testAClientDoesNotTakeTheTrialOfAnotherClientOfThisProcess() async throws {
        let storage = InMemoryStorage()
        let holder = try await ExperimentClient.build(
            name: "two",
            space: ["/x": "uniform(0, 1)"],
            algorithm: AlgorithmConfig(name: "random", options: ["seed": 3]),
            maxTrials: 1,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            heartbeat: .seconds(3_600)
        )
        let held = try XCTUnwrapAsync(try await holder.suggest())
        let eager = ExperimentClient(
            experiment: holder.experiment,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            heartbeat: .milliseconds(300)
        )
        do {
            let taken = try await suggest(eager, within: 2)
            XCTFail("the other client's trial was taken: \(String(describing: taken?.id))")
        } catch let error as StorageError {
            XCTAssertEqual(error.code, .lockTimeout, "the test's own timeout")
        }
        try await holder.observe(held, objective: 1)
        let next = try await suggest(eager, within: 20)
        XCTAssertNil(next, "the budget is spent")
    }

    /// The client refreshes the heartbeat of the trial it holds until it reports it: a trial that runs for longer
    /// than a worker's `--heartbeat` is not taken from it (a library user's result was refused after 120 s).
    func testAHeldTrialsHeartbeatIsRefreshedUntilItIsReported() async throws {
        let storage = InMemoryStorage()
        let client = try await ExperimentClient.build(
            name: "beat",
            space: ["/x": "uniform(0, 1)"],
            maxTrials: 3,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            heartbeat: .milliseconds(200)
        )
        let trial = try XCTUnwrapAsync(try await client.suggest())
        let reserved = try XCTUnwrap(trial.heartbeat)
        try await Task.sleep(for: .milliseconds(600))
        let refreshed = try await storage.trial(id: trial.id, of: client.experiment.id)?.heartbeat
        XCTAssertGreaterThan(try XCTUnwrap(refreshed), reserved.addingTimeInterval(0.2))
        // Another worker looking for lost trials with the same threshold finds none.
        let released = try await storage.releaseLostTrials(
            of: client.experiment.id,
            heartbeatBefore: Date().addingTimeInterval(-0.2)
        )
        XCTAssertEqual(released, 0)
        try await client.observe(trial, objective: 1)
        let stored = try await storage.trial(id: trial.id, of: client.experiment.id)
        XCTAssertEqual(stored?.status, .completed)
    }

    /// Oríon's batch pattern (suggest several trials, then observe them) past the budget: the last `suggest()`
    /// waited for ever for trials the caller itself held; it now returns `nil`.
    func testSuggestDoesNotWaitForTrialsTheClientHoldsItself() async throws {
        let client = try await ExperimentClient.build(
            name: "batch",
            space: ["/x": "uniform(0, 1)"],
            maxTrials: 3,
            storage: InMemoryStorage(),
            factory: AlgorithmRegistry.standard
        )
        var held: [Trial] = []
        for _ in 0..<3 { held.append(try XCTUnwrapAsync(try await suggest(client, within: 20))) }
        let fourth = try await suggest(client, within: 20)
        XCTAssertNil(fourth)
        for trial in held { try await client.observe(trial, objective: 1) }
        let stats = try await client.stats()
        XCTAssertEqual(stats.completed, 3)
    }

    /// A trial taken from the client by another worker (lost, then reserved there) is not the client's any more:
    /// its `suggest()` waits for it like for any other worker's, instead of returning `nil` at once as if only it
    /// held the pending trials (found by a second probe of the library: the loop ended before the experiment was done).
    func testATrialTakenByAnotherWorkerIsWaitedFor() async throws {
        let storage = InMemoryStorage()
        let client = try await ExperimentClient.build(
            name: "taken",
            space: ["/x": "uniform(0, 1)"],
            maxTrials: 1,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            heartbeat: .seconds(3_600)
        )
        let mine = try XCTUnwrapAsync(try await client.suggest())
        let lost = try await storage.releaseLostTrials(
            of: client.experiment.id,
            heartbeatBefore: Date().addingTimeInterval(60)
        )
        XCTAssertEqual(lost, 1)
        let other = ExperimentClient(
            experiment: client.experiment,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            workerName: "elsewhere:7",
            heartbeat: .seconds(3_600)
        )
        let taken = try XCTUnwrapAsync(try await other.suggest())
        XCTAssertEqual(taken.id, mine.id)
        let observed = Mutex(false)
        let waiting = Task { () -> (Trial?, Bool) in
            let next = try await client.suggest()
            return (next, observed.withLock { $0 })
        }
        try await Task.sleep(for: .milliseconds(300))
        observed.withLock { $0 = true }
        try await other.observe(taken, objective: 1)
        let (next, afterTheObservation) = try await waiting.value
        XCTAssertNil(next, "the budget is spent")
        XCTAssertTrue(afterTheObservation, "suggest() waited for the other worker's trial")
        let done = try await client.isDone
        XCTAssertTrue(done)
    }

    /// `observe` refuses an objective that is not a number and `release` a trial this client does not hold or a
    /// status a trial is not released with, writing nothing (`release` did nothing silently).
    func testObserveAndReleaseRefuseWhatTheyCannotRecord() async throws {
        let storage = InMemoryStorage()
        let client = try await ExperimentClient.build(
            name: "refuse",
            space: ["/x": "uniform(0, 1)"],
            maxTrials: 3,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        let trial = try XCTUnwrapAsync(try await client.suggest())
        do {
            try await client.observe(trial, results: [TrialResult(name: "loss", type: .objective, value: .string("a"))])
            XCTFail("a string objective is refused")
        } catch let error as ExperimentError {
            XCTAssertEqual(error.code, .invalidResult)
            XCTAssertTrue(error.message.contains("\"a\", not a number"), error.message)
        }
        do {
            try await client.release(trial, status: .completed)
            XCTFail("a trial is not released as completed")
        } catch let error as ExperimentError {
            XCTAssertEqual(error.code, .invalidResult)
        }
        func status() async throws -> TrialStatus? {
            try await storage.trial(id: trial.id, of: client.experiment.id)?.status
        }
        let kept = try await status()
        XCTAssertEqual(kept, .reserved)
        try await client.release(trial)
        let released = try await status()
        XCTAssertEqual(released, .interrupted)
        do {
            try await client.release(trial)
            XCTFail("releasing twice is refused")
        } catch let error as StorageError {
            XCTAssertEqual(error.code, .notFound)
            XCTAssertTrue(error.message.contains("not reserved by this client"), error.message)
        }
        let again = try XCTUnwrapAsync(try await client.suggest())
        XCTAssertEqual(again.id, trial.id, "the interrupted trial runs again")
        try await client.observe(again, objective: .nan)
        let completed = try await status()
        XCTAssertEqual(completed, .completed)
    }

    /// Oríon's `is_done`, `is_broken`, `fetch_trials(_by_status)` and `get_trial` on the client: a grid search
    /// exhausted before `maxTrials` is done; broken trials up to `maxBroken` make it broken.
    func testDoneBrokenAndTheTrials() async throws {
        let storage = InMemoryStorage()
        let grid = try await ExperimentClient.build(
            name: "grid",
            space: ["/x": "choices([1, 2, 3])"],
            algorithm: AlgorithmConfig(name: "gridsearch"),
            maxTrials: 10,
            maxBroken: 2,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        let notYet = try await grid.isDone
        XCTAssertFalse(notYet)
        var suggested: [Trial] = []
        while let trial = try await grid.suggest() {
            suggested.append(trial)
            try await grid.observe(trial, objective: trial.params["/x"]?.doubleValue ?? 0)
        }
        XCTAssertEqual(suggested.count, 3)
        let done = try await grid.isDone
        XCTAssertTrue(done, "every configuration was tried")
        let completed = try await grid.fetchTrials(status: [.completed])
        XCTAssertEqual(completed.map(\.id), suggested.map(\.id))
        let none = try await grid.fetchTrials(status: [.broken])
        XCTAssertEqual(none, [])
        let one = try await grid.trial(id: suggested[1].id)
        XCTAssertEqual(one?.objective, 2)
        let missing = try await grid.trial(id: "nope")
        XCTAssertNil(missing)

        let failing = try await ExperimentClient.build(
            name: "failing",
            space: ["/x": "uniform(0, 1)"],
            maxTrials: 10,
            maxBroken: 2,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        for _ in 0..<2 {
            let brokenYet = try await failing.isBroken
            XCTAssertFalse(brokenYet)
            try await failing.release(try XCTUnwrapAsync(try await failing.suggest()), status: .broken)
        }
        let broken = try await failing.isBroken
        XCTAssertTrue(broken)
        // A version by number, as Oríon's `build_experiment(version=)`.
        let first = try await ExperimentClient.build(
            name: "failing",
            version: 1,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        XCTAssertEqual(first.experiment.id, failing.experiment.id)
        let brokenDone = try await failing.isDone
        XCTAssertFalse(brokenDone, "a broken experiment is not done, as in Oríon")
    }

    /// Cancelling the task running `workon` stops it as an interrupt does, on SQLite with two trials at a time: an
    /// objective that never looks at cancellation finishes and is recorded (it ran every remaining trial); one that
    /// looks is interrupted, to run again. Nothing is left reserved.
    func testCancellingWorkonStopsItAfterTheRunningTrials() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("orion-cancel-\(UUID().uuidString).db")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        for looks in [false, true] {
            let client = try await ExperimentClient.build(
                name: "cancel-\(looks)",
                space: ["/x": "uniform(0, 1)"],
                algorithm: AlgorithmConfig(name: "random", options: ["seed": 1]),
                maxTrials: 1000,
                storage: try SQLiteStorage(path: path),
                factory: AlgorithmRegistry.standard
            )
            let started = Mutex(0)
            let task = Task {
                try await client.workon(configuration: WorkerConfiguration(concurrency: 2, idleTimeout: .seconds(10))) {
                    params in
                    started.withLock { $0 += 1 }
                    if looks {
                        try await Task.sleep(for: .milliseconds(20))
                    } else {
                        let end = Date().addingTimeInterval(0.02)
                        while Date() < end {}
                    }
                    return params["/x"]?.doubleValue ?? 0
                }
            }
            while started.withLock({ $0 }) < 4 { try await Task.sleep(for: .milliseconds(5)) }
            task.cancel()
            let report = try await task.value
            XCTAssertEqual(report.stopReason, .interrupted, "looks: \(looks)")
            let ran = started.withLock { $0 }
            XCTAssertLessThan(ran, 12, "looks: \(looks): stopped after the running trials, not after the budget")
            let completed = try await client.fetchTrials(status: [.completed])
            let interrupted = try await client.fetchTrials(status: [.interrupted])
            XCTAssertEqual(
                completed.count + interrupted.count,
                ran,
                "looks: \(looks): every trial that ran is recorded"
            )
            if looks {
                XCTAssertGreaterThan(interrupted.count, 0, "the running objectives were cancelled")
            } else {
                XCTAssertEqual(interrupted.count, 0, "an objective that does not look finishes")
            }
            let reserved = try await client.fetchTrials(status: [.reserved])
            XCTAssertEqual(reserved, [], "looks: \(looks): nothing is left reserved")
        }
    }

    func testWorkonOnSQLite() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("orion-client-\(UUID().uuidString).db")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let client = try await ExperimentClient.build(
            name: "workon",
            space: ["/x": "uniform(-5, 10)", "/y": "uniform(0, 15)"],
            algorithm: AlgorithmConfig(name: "random", options: ["seed": 2]),
            maxTrials: 40,
            storage: try SQLiteStorage(path: path),
            factory: AlgorithmRegistry.standard
        )
        let report = try await client.workon { params in
            let x = params["/x"]?.doubleValue ?? 0
            let y = params["/y"]?.doubleValue ?? 0
            return (x - 1) * (x - 1) + (y - 2) * (y - 2)
        }
        XCTAssertEqual(report.completed, 40)
        // Reopen: the same experiment, resumed, is already done.
        let reopened = try await ExperimentClient.build(
            name: "workon",
            storage: try SQLiteStorage(path: path),
            factory: AlgorithmRegistry.standard
        )
        let next = try await reopened.suggest()
        XCTAssertNil(next)
        let stats = try await reopened.stats()
        XCTAssertEqual(stats.completed, 40)
    }
}

/// `XCTUnwrap` of a value computed before the call (an `async` expression cannot be XCTUnwrap's autoclosure).
private func XCTUnwrapAsync<T>(_ value: T?, file: StaticString = #filePath, line: UInt = #line) throws -> T {
    try XCTUnwrap(value, file: file, line: line)
}
