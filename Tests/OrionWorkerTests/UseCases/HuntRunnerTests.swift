import Foundation
import OrionAlgorithms
import OrionCore
import OrionSQLite
import Synchronization
import XCTest

@testable import OrionWorker

final class HuntRunnerTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("orion-runner-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func runner(_ storage: any Storage) -> HuntRunner {
        HuntRunner(
            storage: storage,
            factory: AlgorithmRegistry.standard,
            environment: ["TMPDIR": directory, "USER": "tester"],
            currentDirectory: directory
        )
    }

    private func request(maxTrials: Int = 4, maxBroken: Int? = nil, workingDir: String? = nil) throws
        -> ExperimentRequest
    {
        ExperimentRequest(
            name: "runner",
            space: try Space(priors: ["/x": "uniform(-5, 5)"]),
            algorithm: AlgorithmConfig(name: "random", options: ["seed": 3]),
            maxTrials: maxTrials,
            maxBroken: maxBroken,
            workingDir: workingDir,
            metadata: ExperimentMetadata(user: "tester")
        )
    }

    private let square = ClosureExecutor { values, _ in
        let x = values["/x"]?.doubleValue ?? 0
        return [.objective(x * x)]
    }

    func testHuntOnSQLiteRunsUntilDoneAndSummarizes() async throws {
        let storage = try SQLiteStorage(path: directory + "/orion.db")
        let runner = runner(storage)
        let prepared = try await runner.prepare(try request())
        XCTAssertTrue(prepared.created)
        let seen = EventLog()
        let outcome = try await runner.run(
            prepared.experiment,
            executor: square,
            configuration: WorkerConfiguration(concurrency: 2, idleTimeout: .seconds(5)),
            onEvent: { seen.record($0) }
        )
        XCTAssertEqual(outcome.stopReason, .experimentDone)
        XCTAssertFalse(outcome.isFailure)
        XCTAssertEqual(outcome.report.completed, 4)
        XCTAssertEqual(outcome.summary.completed, 4)
        XCTAssertTrue(outcome.summary.reachedMaxTrials)
        XCTAssertEqual(seen.finished.count, 4)
        let trials = try await storage.trials(of: prepared.experiment.id, status: [.completed])
        XCTAssertEqual(outcome.summary.bestTrial?.objective, trials.compactMap(\.objective).min())

        // Resuming with another max trials is a change the caller is told about.
        let resumed = try await runner.prepare(try request(maxTrials: 5))
        XCTAssertFalse(resumed.created)
        XCTAssertEqual(resumed.changes, ["max trials changed from 4 to 5"])
        let more = try await runner.run(resumed.experiment, executor: square)
        XCTAssertEqual(more.report.completed, 1)
        XCTAssertEqual(more.summary.completed, 5)
        try await storage.close()
    }

    /// An experiment whose algorithm used up its space is done for a reader too (`orion info`, the REST API), as
    /// Oríon's `is_done` says, once no trial is pending; without `maxTrials` reached and before, it is not.
    func testAnExhaustedSpaceIsDoneForReaders() async throws {
        let storage = try SQLiteStorage(path: directory + "/orion.db")
        let runner = runner(storage)
        let request = ExperimentRequest(
            name: "grid",
            space: try Space(priors: ["/x": "uniform(-1, 1)", "/k": "randint(0, 2)"]),
            algorithm: AlgorithmConfig(name: "gridsearch", options: ["n_values": 3]),
            maxTrials: 100,
            metadata: ExperimentMetadata(user: "tester")
        )
        let prepared = try await runner.prepare(request)
        let before = try await ExperimentSummary(
            experiment: prepared.experiment,
            storage: storage,
            algorithmState: true
        )
        XCTAssertEqual(before.algorithmIsDone, false, "nothing produced yet")
        XCTAssertFalse(before.isDone)
        let outcome = try await runner.run(prepared.experiment, executor: square)
        XCTAssertEqual(outcome.stopReason, .experimentDone)
        XCTAssertEqual(outcome.summary.completed, 6)
        let after = try await ExperimentSummary(experiment: prepared.experiment, storage: storage, algorithmState: true)
        XCTAssertEqual(after.algorithmIsDone, true)
        XCTAssertFalse(after.reachedMaxTrials)
        XCTAssertTrue(after.isDone)
        // Without the algorithm's state read, only max trials counts.
        let plain = try await ExperimentSummary(experiment: prepared.experiment, storage: storage)
        XCTAssertNil(plain.algorithmIsDone)
        XCTAssertFalse(plain.isDone)

        // A trial still pending (a user's `orion insert`) keeps it not done, as in Oríon.
        var inserted = Trial(
            experimentID: prepared.experiment.id,
            params: prepared.experiment.space.params(from: ["/x": .double(0.5), "/k": .int(1)]),
            submitTime: Date()
        )
        inserted.status = .new
        _ = try await storage.registerTrials([inserted])
        let pending = try await ExperimentSummary(
            experiment: prepared.experiment,
            storage: storage,
            algorithmState: true
        )
        XCTAssertFalse(pending.isDone)
        // The same from the state's own reading (its counts), which a summary skips when its counts already show a
        // pending trial.
        let direct = try await ExperimentSummary.algorithmIsDone(prepared.experiment, storage: storage)
        XCTAssertFalse(direct)
        try await storage.close()
    }

    /// A script whose objective is its `-x` value, as a command with the prior `-x~uniform(-5, 5)`.
    private func objectiveCommand() throws -> UserCommand {
        let script = directory + "/objective.sh"
        try """
        #!/bin/sh
        printf '[{"name":"loss","type":"objective","value":%s}]' "$2" > "$ORION_RESULTS_PATH"
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        return try UserCommand(
            arguments: [script, "-x~uniform(-5, 5)"],
            currentDirectory: directory,
            environmentPath: nil
        )
    }

    func testHuntOfAScriptRunsChildProcessesInTheirDirectories() async throws {
        let command = try objectiveCommand()
        let storage = try SQLiteStorage(path: directory + "/orion.db")
        let runner = runner(storage)
        var request = try request(maxTrials: 2)
        request.space = try Space(priors: command.priors)
        let prepared = try await runner.prepare(request)
        let outcome = try await runner.run(prepared.experiment, command: command, echoOutput: false)
        XCTAssertEqual(outcome.stopReason, .experimentDone)
        XCTAssertEqual(outcome.summary.completed, 2)
        let trials = try await storage.trials(of: prepared.experiment.id, status: [.completed])
        for trial in trials {
            XCTAssertEqual(trial.objective, trial.values["/x"]?.doubleValue, "the script's result")
            XCTAssertTrue(
                FileManager.default.fileExists(
                    atPath: directory + "/orion-tester/runner-v1/\(trial.id)/orion.stdout.log"
                ),
                "each trial runs in <TMPDIR>/orion-<USER>/<name>-v<version>/<trial id>"
            )
        }
        try await storage.close()
    }

    func testBrokenTrialsMakeAFailedOutcome() async throws {
        let storage = InMemoryStorage()
        let runner = runner(storage)
        let prepared = try await runner.prepare(try request(maxBroken: 2))
        struct Boom: Error {}
        let outcome = try await runner.run(
            prepared.experiment,
            executor: ClosureExecutor { _, _ in throw Boom() },
            configuration: WorkerConfiguration(maxBroken: 5)
        )
        XCTAssertEqual(outcome.stopReason, .experimentBroken)
        XCTAssertTrue(outcome.isFailure)
        XCTAssertEqual(outcome.summary.broken, 2)
        XCTAssertNotNil(outcome.report.lastFailure)
    }

    func testAnInterruptBeforeTheRunStopsItAtOnce() async throws {
        let storage = InMemoryStorage()
        let runner = runner(storage)
        let prepared = try await runner.prepare(try request())
        runner.interrupt()
        let outcome = try await runner.run(prepared.experiment, executor: square)
        XCTAssertEqual(outcome.stopReason, .interrupted)
        XCTAssertEqual(outcome.summary.completed, 0)
        let next = try await runner.run(prepared.experiment, executor: square)
        XCTAssertEqual(next.stopReason, .experimentDone, "the interrupt applied to one run only")
        XCTAssertEqual(next.summary.completed, 4)
    }

    func testAnInterruptDuringTheRunReachesTheWorker() async throws {
        let storage = InMemoryStorage()
        let runner = runner(storage)
        let prepared = try await runner.prepare(try request())
        let outcome = try await runner.run(
            prepared.experiment,
            executor: ClosureExecutor { _, _ in
                runner.interrupt()
                return [.objective(1)]
            }
        )
        XCTAssertEqual(outcome.stopReason, .interrupted)
        XCTAssertLessThanOrEqual(outcome.summary.completed, 1)
    }

    /// A hunt interrupted twice does not read its summary (an unreachable server holds each call for a minute);
    /// interrupted once with its storage gone, it cannot read it: either way it says it was interrupted (exit 130 in
    /// `orion hunt`), not that the summary failed.
    func testAnInterruptedHuntIsInterruptedWhetherOrNotItsSummaryIsRead() async throws {
        let flaky = FlakyStorage(InMemoryStorage())
        let runner = runner(flaky)
        let prepared = try await runner.prepare(try request())
        do {
            _ = try await runner.run(
                prepared.experiment,
                executor: ClosureExecutor { _, _ in
                    flaky.summariesFail.withLock { $0 = true }
                    runner.interrupt(force: true)
                    return [.objective(1)]
                }
            )
            XCTFail("interrupted twice: the run throws")
        } catch let interrupted as InterruptedHunt {
            XCTAssertEqual(interrupted.report.stopReason, .interrupted)
            XCTAssertNil(interrupted.summaryError, "interrupted twice: the summary is not read")
        }
        // Interrupted once, with the storage gone: the summary's failure comes with the interrupt.
        let once = try await runner.prepare(try request())
        do {
            _ = try await runner.run(
                once.experiment,
                executor: ClosureExecutor { _, _ in
                    runner.interrupt()
                    return [.objective(1)]
                }
            )
            XCTFail("the summary failed: the run throws")
        } catch let interrupted as InterruptedHunt {
            XCTAssertEqual(interrupted.report.stopReason, .interrupted)
            XCTAssertTrue("\(interrupted.summaryError.map { "\($0)" } ?? "")".contains("injected"))
        }
        // Without an interrupt, a failing summary is the error it is.
        var otherRequest = try request(maxTrials: 1)
        otherRequest.name = "other"
        let other = try await runner.prepare(otherRequest)
        do {
            _ = try await runner.run(other.experiment, executor: square)
            XCTFail("the summary failed: the run throws")
        } catch {
            XCTAssertFalse(error is InterruptedHunt, "\(error)")
        }
    }

    /// Interrupted twice while a reservation waits on a locked database (held up to a minute), the hunt stops
    /// within seconds, saying that it abandoned the call; it used to wait for the call.
    func testASecondInterruptDoesNotWaitForAHeldReservation() async throws {
        let flaky = FlakyStorage(InMemoryStorage())
        let runner = runner(flaky)
        let prepared = try await runner.prepare(try request(maxTrials: 5))
        let run = Task {
            try await runner.run(
                prepared.experiment,
                executor: ClosureExecutor { _, _ in
                    flaky.blockingReservations.withLock { $0 = .seconds(60) }
                    return [.objective(1)]
                }
            )
        }
        try await eventually("the next reservation is held") { flaky.reservationsStarted.withLock { $0 } > 0 }
        let stopped = ContinuousClock.now
        runner.interrupt()
        runner.interrupt(force: true)
        do {
            _ = try await run.value
            XCTFail("interrupted twice: the run throws")
        } catch let interrupted as InterruptedHunt {
            XCTAssertLessThan(ContinuousClock.now - stopped, .seconds(20), "it waited for the held reservation")
            XCTAssertTrue(interrupted.abandonedStorageCall)
            XCTAssertEqual(interrupted.report.stopReason, .interrupted)
            XCTAssertEqual(interrupted.report.completed, 1)
        }
    }

    /// Interrupted once (SIGTERM from Slurm, which sends SIGKILL 30 s later) while a reservation waits on a server
    /// that is down (held up to a minute, then retried): the hunt stops a little after the stop's patience, saying
    /// that it abandoned the call; it used to wait until the server came back.
    func testOneInterruptWaitsForAHeldReservationOnlyForTheStopsPatience() async throws {
        let flaky = FlakyStorage(InMemoryStorage())
        let runner = runner(flaky)
        let prepared = try await runner.prepare(try request(maxTrials: 5))
        var configuration = WorkerConfiguration()
        configuration.stopPatience = .seconds(1)
        let run = Task { [configuration] in
            try await runner.run(
                prepared.experiment,
                executor: ClosureExecutor { _, _ in
                    flaky.blockingReservations.withLock { $0 = .seconds(60) }
                    return [.objective(1)]
                },
                configuration: configuration
            )
        }
        try await eventually("the next reservation is held") { flaky.reservationsStarted.withLock { $0 } > 0 }
        let stopped = ContinuousClock.now
        runner.interrupt()
        do {
            _ = try await run.value
            XCTFail("interrupted while a call is held: the run throws")
        } catch let interrupted as InterruptedHunt {
            XCTAssertLessThan(ContinuousClock.now - stopped, .seconds(20), "it waited for the held reservation")
            XCTAssertTrue(interrupted.abandonedStorageCall)
            XCTAssertEqual(interrupted.report.stopReason, .interrupted)
            XCTAssertEqual(interrupted.report.completed, 1)
        }
    }

    /// A long hunt removes old trial directories as it goes (every `cleanupInterval`), not only when it stops.
    func testOldTrialDirectoriesAreRemovedWhileTheHuntRuns() async throws {
        let command = try objectiveCommand()
        let storage = InMemoryStorage()
        let runner = HuntRunner(
            storage: storage,
            factory: AlgorithmRegistry.standard,
            environment: ["TMPDIR": directory, "USER": "tester"],
            currentDirectory: directory,
            cleanupInterval: .milliseconds(20)
        )
        var request = try request(maxTrials: 40)
        request.space = try Space(priors: command.priors)
        let prepared = try await runner.prepare(request)
        let trialsDirectory = directory + "/orion-tester/runner-v1"
        let seen = Mutex<[Int]>([])
        let outcome = try await runner.run(
            prepared.experiment,
            command: command,
            echoOutput: false,
            retention: TrialDirectoryRetention(keepCompleted: 2),
            onEvent: { event in
                guard case .finished = event else { return }
                let count = (try? FileManager.default.contentsOfDirectory(atPath: trialsDirectory).count) ?? 0
                seen.withLock { $0.append(count) }
            }
        )
        XCTAssertEqual(outcome.summary.completed, 40)
        let counts = seen.withLock { $0 }
        XCTAssertEqual(counts.count, 40)
        // Without the sweeps, the 40th trial finishes beside 40 directories.
        XCTAssertLessThan(counts.suffix(10).min() ?? 40, 30, "\(counts)")
    }

    func testABadWorkingDirectoryLeavesNoExperiment() async throws {
        let file = directory + "/file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let storage = InMemoryStorage()
        do {
            _ = try await runner(storage).prepare(try request(workingDir: "file/trials"))
            XCTFail("a working directory under a file")
        } catch let error as HuntError {
            XCTAssertEqual(error.code, .workingDirectory)
            XCTAssertTrue(error.message.contains("cannot be created: \(file) is a file"), error.message)
        }
        let experiments = try await storage.experiments()
        XCTAssertTrue(experiments.isEmpty)
    }

    func testWorkingDirectories() throws {
        let runner = runner(InMemoryStorage())
        let experiment = Experiment(
            name: "wd",
            version: 2,
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        XCTAssertEqual(runner.workingDirectory(for: experiment), directory + "/orion-tester/wd-v2")
        var relative = experiment
        relative.workingDir = "runs"
        XCTAssertEqual(runner.workingDirectory(for: relative), directory + "/runs")
        relative.workingDir = "/abs/runs"
        XCTAssertEqual(runner.workingDirectory(for: relative), "/abs/runs")
    }

    /// A `TMPDIR` that cannot take the Python client (a file, here) does not stop the hunt: the client goes to
    /// `/tmp`, as Python's `tempfile` would (hBG's probe: a hunt with `--working-dir` stopped before any trial).
    func testThePythonClientFallsBackToTmpWhenTMPDIRCannotTakeIt() throws {
        let file = directory + "/not-a-directory"
        try Data().write(to: URL(fileURLWithPath: file))
        let user = "tester-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: "/tmp/orion-" + user) }
        let runner = HuntRunner(
            storage: InMemoryStorage(),
            factory: AlgorithmRegistry.standard,
            environment: ["TMPDIR": file, "USER": user],
            currentDirectory: directory
        )
        let environment = try runner.trialEnvironment(pythonClient: true)
        let path = try XCTUnwrap(environment["PYTHONPATH"])
        XCTAssertTrue(path.hasPrefix("/tmp/orion-\(user)/python-client-"), path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + "/orion/client/__init__.py"), path)
        XCTAssertNil(try runner.trialEnvironment(pythonClient: false)["PYTHONPATH"])
    }

    /// What stops directories from being made under a path is named: a file in the way, or the system's refusal.
    func testWhyDirectoriesCannotBeMadeUnderAPath() throws {
        let file = directory + "/file"
        try Data().write(to: URL(fileURLWithPath: file))
        XCTAssertEqual(HuntRunner.unwritable(file + "/a/b")?.description, "\(file) is a file, not a directory")
        XCTAssertNil(HuntRunner.unwritable(directory + "/new/deeper"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/new"), "the probe was left behind")
        let proc = try XCTUnwrap(HuntRunner.unwritable("/proc/orion-probe/x")).description
        XCTAssertTrue(proc.hasPrefix("making /proc/orion-probe failed: "), proc)
    }

    /// A worker slot that found nothing to run for its idle timeout while the other slots finished the last trials
    /// (a dead worker's trials recovered by them): the experiment is done, and the outcome says so, not "idle".
    func testAnIdleStopOfADoneExperimentIsDone() async throws {
        let storage = InMemoryStorage()
        let runner = runner(storage)
        let done = try await runner.run(
            try await runner.prepare(try request(maxTrials: 2)).experiment,
            executor: square
        )
        var idle = done.report
        idle.stopReason = .idle
        XCTAssertEqual(HuntOutcome(report: idle, summary: done.summary).stopReason, .experimentDone)
        let open = try await runner.prepare(try request(maxTrials: 5))
        let summary = try await ExperimentSummary(experiment: open.experiment, storage: storage)
        XCTAssertEqual(HuntOutcome(report: idle, summary: summary).stopReason, .idle, "2 of 5 trials: not done")
    }

    /// A server returns the outcome as JSON.
    func testOutcomeJSONRoundTrip() async throws {
        let runner = runner(InMemoryStorage())
        let prepared = try await runner.prepare(try request(maxTrials: 2))
        let outcome = try await runner.run(prepared.experiment, executor: square)
        let data = try JSONEncoder().encode(outcome)
        XCTAssertEqual(try JSONDecoder().decode(HuntOutcome.self, from: data), outcome)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual((object["report"] as? [String: Any])?["stopReason"] as? String, "experimentDone")
    }
}
