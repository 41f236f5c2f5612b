import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting
import Synchronization
import XCTest

@testable import OrionWorker

#if canImport(Glibc)
    import Glibc
#endif

/// Owner tokens, heartbeats through errors, results retried until stored, dead workers, idle timeout: on a manual
/// clock, so that no test sleeps real seconds.
final class WorkerOwnershipTests: XCTestCase {
    private func experiment(_ storage: any Storage, maxTrials: Int) async throws -> Experiment {
        let request = ExperimentRequest(
            name: "ownership",
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random", options: ["seed": 5]),
            maxTrials: maxTrials
        )
        return try await ExperimentBuilder.build(request, storage: storage, factory: AlgorithmRegistry.standard)
            .experiment
    }

    private func worker(
        _ experiment: Experiment,
        _ storage: any Storage,
        clock: ManualClock,
        configuration: WorkerConfiguration = WorkerConfiguration(idleTimeout: .seconds(60), heartbeat: .seconds(120)),
        events: EventLog = EventLog(),
        objective: @escaping ClosureExecutor.Objective
    ) -> Worker {
        Worker(
            experiment: experiment,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            executor: ClosureExecutor(objective),
            configuration: configuration,
            workingDirectory: FileManager.default.temporaryDirectory.path + "/orion-ownership-tests",
            clock: clock,
            onEvent: { events.record($0) }
        )
    }

    /// A worker that runs the shell script `body` as a real process (written to `directory/script.sh`), its trials'
    /// directories under `directory/trials`.
    private func processWorker(
        _ experiment: Experiment,
        _ storage: any Storage,
        in directory: String,
        script body: String,
        clock: ManualClock
    ) throws -> Worker {
        let script = directory + "/script.sh"
        try ("#!/bin/sh\n" + body).write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let command = try UserCommand(
            arguments: [script, "-x~uniform(0, 1)"],
            currentDirectory: directory,
            environmentPath: nil
        )
        return Worker(
            experiment: experiment,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            executor: ProcessExecutor(command: command, interruptCode: 130, echoOutput: false),
            configuration: WorkerConfiguration(idleTimeout: .seconds(60), heartbeat: .seconds(120)),
            workingDirectory: directory + "/trials",
            clock: clock
        )
    }

    /// The report of a worker's `run` once it stops, having seen the experiment done.
    ///
    /// The clock moves while it waits out a backoff on it (a second run through `drive` could return first and leave
    /// this one asleep on the manual clock forever).
    private func stopped(_ run: Task<WorkerReport, any Error>, _ clock: ManualClock) async throws -> WorkerReport {
        let stopped = Mutex<WorkerReport?>(nil)
        let waiter = Task {
            let report = try await run.value
            stopped.withLock { $0 = report }
        }
        try await eventually("the worker stops") {
            if clock.sleeperCount > 0 { clock.advance(by: .seconds(1)) }
            return stopped.withLock { $0 } != nil
        }
        try await waiter.value
        return try XCTUnwrap(stopped.withLock { $0 })
    }

    /// The pid of a process that has exited and been reaped: a dead worker's.
    private static func reapedPID() throws -> Int32 {
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        return gone.processIdentifier
    }

    /// A script body that reports `value` (shell words, expanded) as its objective.
    private static func reporting(_ value: String) -> String {
        "printf '[{\"name\":\"o\",\"type\":\"objective\",\"value\":%s}]' \"\(value)\" > \"$ORION_RESULTS_PATH\"\n"
    }

    func testAWorkerThatLostItsTrialCancelsTheRunAndNeverOverwritesTheNewHolder() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 1)
        let clock = ManualClock()
        let events = EventLog()
        let cancelled = Mutex(false)
        let paused = worker(experiment, storage, clock: clock, events: events) { _, _ in
            do {
                try await Task.sleep(for: .seconds(30))  // a long run, cancelled when the trial is lost
            } catch {
                cancelled.withLock { $0 = true }
                throw error
            }
            return [.objective(-1)]
        }
        let run = Task { try await paused.run() }
        try await eventually("the trial is reserved") {
            try await storage.countTrials(of: experiment.id)[.reserved] == 1
        }
        // The worker was presumed dead: its trial is released and another worker takes it.
        let later = clock.now.addingTimeInterval(1)
        try await storage.releaseLostTrials(of: experiment.id, heartbeatBefore: later)
        let taken = try await storage.reserveTrial(of: experiment.id, worker: "other:2", at: later)
        let other = try XCTUnwrap(taken)
        // Its next heartbeat is refused: the run is cancelled and its result discarded.
        try await eventually("the run is cancelled") {
            if clock.sleeperCount > 0 { clock.advance(by: .seconds(30)) }
            return cancelled.withLock { $0 } && !events.lost.isEmpty
        }
        let stored = try await storage.trial(id: other.trial.id, of: experiment.id)
        XCTAssertEqual(stored?.status, .reserved)
        XCTAssertEqual(stored?.worker, "other:2", "the new holder keeps the trial")
        // The new holder completes it; the first worker then sees the experiment done.
        var done = other.trial
        done.status = .completed
        done.results = [.objective(42)]
        let written = try await storage.updateTrial(done, holding: other.token)
        XCTAssertTrue(written, "the new holder's token still holds the trial")
        let report = try await stopped(run, clock)
        XCTAssertEqual(report.completed, 0)
        XCTAssertEqual(events.lost.map(\.id), [other.trial.id])
        XCTAssertEqual(events.finished, [])
        let final = try await storage.trial(id: other.trial.id, of: experiment.id)
        XCTAssertEqual(final?.objective, 42, "the new holder's result stands")
    }

    /// A worker paused (SIGSTOP, a suspended machine) between reserving a trial and starting it, long enough for
    /// another worker to take the trial as lost, does not start its script nor touch its directory when it goes on:
    /// it asks the storage first, since a heartbeat interval has gone by. It started the script, which wrote into the
    /// directory of a trial another worker had run (probe p42e); the next beat cancelled it only later.
    func testAWorkerPausedAfterReservingDoesNotStartATrialItLost() async throws {
        let base = InMemoryStorage()
        let storage = FlakyStorage(base)
        let experiment = try await experiment(storage, maxTrials: 1)
        let clock = ManualClock()
        let events = EventLog()
        let started = Mutex(0)
        let taken = Mutex<Reservation?>(nil)
        storage.afterReservation.withLock {
            $0 = { reservation in
                // The pause: time passes, the trial is released as lost and another worker reserves it.
                clock.advance(by: .seconds(600))
                let later = clock.now
                try await base.releaseLostTrials(of: reservation.trial.experimentID, heartbeatBefore: later)
                let other = try await base.reserveTrial(
                    of: reservation.trial.experimentID,
                    worker: "other:2",
                    at: later
                )
                taken.withLock { $0 = other }
            }
        }
        let paused = worker(experiment, storage, clock: clock, events: events) { _, _ in
            started.withLock { $0 += 1 }
            return [.objective(-1)]
        }
        let run = Task { try await paused.run() }
        try await eventually("the trial is lost") { !events.lost.isEmpty }
        XCTAssertEqual(started.withLock { $0 }, 0, "the lost trial's objective never started")
        let other = try XCTUnwrap(taken.withLock { $0 })
        XCTAssertEqual(events.lost.map(\.id), [other.trial.id])
        let stored = try await base.trial(id: other.trial.id, of: experiment.id)
        XCTAssertEqual(stored?.worker, "other:2", "the new holder keeps the trial")
        var done = other.trial
        done.status = .completed
        done.results = [.objective(42)]
        let written = try await base.updateTrial(done, holding: other.token)
        XCTAssertTrue(written)
        let report = try await stopped(run, clock)
        XCTAssertEqual(report.completed, 0)
        XCTAssertEqual(started.withLock { $0 }, 0)
        let final = try await base.trial(id: other.trial.id, of: experiment.id)
        XCTAssertEqual(final?.objective, 42, "the new holder's result stands")
    }

    func testTheHeartbeatGoesOnThroughStorageErrors() async throws {
        let storage = FlakyStorage(InMemoryStorage())
        let experiment = try await experiment(storage, maxTrials: 1)
        let clock = ManualClock()
        let release = Mutex(false)
        let worker = worker(experiment, storage, clock: clock) { _, _ in
            while !release.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(2)) }
            return [.objective(1)]
        }
        let start = clock.now
        storage.failingHeartbeats.withLock { $0 = 3 }  // the database is locked for three beats
        let run = Task { try await drive(worker, clock, step: .seconds(30)) }
        try await eventually("a heartbeat after the failures is stored") {
            let trial = try await storage.trials(of: experiment.id, status: [.reserved]).first
            return (trial?.heartbeat ?? .distantPast) >= start.addingTimeInterval(4 * 30)
        }
        release.withLock { $0 = true }
        let report = try await run.value
        XCTAssertEqual(report.completed, 1)
        XCTAssertEqual(storage.failingHeartbeats.withLock { $0 }, 0)
    }

    /// Scenario (PostgreSQL restarted under a hunt of 4 slots): the heartbeats of a running trial fail for longer than
    /// `--heartbeat`, while another slot of the same worker goes on. That slot released the trial as lost, ran it
    /// again, and the first run's result was thrown away ("taken from this worker while it ran here"). A worker's own
    /// running trial is never lost to it.
    func testAWorkersOwnRunningTrialIsNotReleasedWhenItsHeartbeatsFail() async throws {
        let storage = FlakyStorage(InMemoryStorage())
        let experiment = try await experiment(storage, maxTrials: 4)
        let clock = ManualClock()
        let events = EventLog()
        let calls = Mutex(0)
        let release = Mutex(false)
        let worker = worker(
            experiment,
            storage,
            clock: clock,
            configuration: WorkerConfiguration(concurrency: 2, idleTimeout: .seconds(60), heartbeat: .seconds(2)),
            events: events
        ) { _, _ in
            let first = calls.withLock { calls in
                calls += 1
                return calls == 1
            }
            while first, !release.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(2)) }
            return [.objective(1)]
        }
        storage.failingHeartbeats.withLock { $0 = 24 }  // 12 s of failed beats, six times --heartbeat
        let run = Task { try await drive(worker, clock, step: .milliseconds(500)) }
        try await eventually("the heartbeats have failed and come back") {
            storage.failingHeartbeats.withLock { $0 } == 0
        }
        release.withLock { $0 = true }
        let report = try await run.value
        XCTAssertEqual(report.completed, 4)
        XCTAssertEqual(events.lost.map(\.id), [], "no run of this worker was thrown away")
        XCTAssertEqual(calls.withLock { $0 }, 4, "no trial ran twice")
    }

    /// After this worker met a storage failure, it does not release other workers' trials as lost until a whole
    /// `--heartbeat` has passed: they could not write their heartbeats during the outage either.
    func testLostTrialsWaitAHeartbeatAfterAStorageFailure() async throws {
        let state = WorkerState(configuration: WorkerConfiguration(heartbeat: .seconds(120)))
        let start = Date(timeIntervalSince1970: 1_000_000)
        let looked = await state.shouldReleaseLostTrials(at: start)
        XCTAssertTrue(looked)
        await state.noteStorageFailure(at: start.addingTimeInterval(40))
        for seconds in [100.0, 150] {
            let early = await state.shouldReleaseLostTrials(at: start.addingTimeInterval(seconds))
            XCTAssertFalse(early, "\(seconds) s: within a heartbeat of the failure")
        }
        let after = await state.shouldReleaseLostTrials(at: start.addingTimeInterval(161))
        XCTAssertTrue(after)
        let again = await state.shouldReleaseLostTrials(at: start.addingTimeInterval(170))
        XCTAssertFalse(again, "at most once per heartbeat interval (30 s)")
    }

    func testAResultIsRetriedUntilStored() async throws {
        let storage = FlakyStorage(InMemoryStorage())
        let experiment = try await experiment(storage, maxTrials: 2)
        let clock = ManualClock()
        storage.failingUpdates.withLock { $0 = 6 }  // the database stays locked past several busy timeouts
        let events = EventLog()
        let worker = worker(experiment, storage, clock: clock, events: events) { values, _ in
            [.objective(values["/x"]?.doubleValue ?? 0)]
        }
        let report = try await drive(worker, clock, step: .milliseconds(100))
        XCTAssertEqual(report.completed, 2)
        XCTAssertEqual(report.unsavedResults, [])
        let counts = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(counts, [.completed: 2])
        XCTAssertEqual(storage.failingUpdates.withLock { $0 }, 0)
        XCTAssertEqual(events.storageFailures.count, 0, "3 s of a locked database is not worth a warning")
    }

    func testAResultThatCannotBeStoredForLongIsToldOnceAndStoredWhenTheStorageIsBack() async throws {
        let storage = FlakyStorage(InMemoryStorage())
        let experiment = try await experiment(storage, maxTrials: 1)
        let clock = ManualClock()
        storage.failingUpdates.withLock { $0 = 14 }  // about 19 s of backoff: a full disk, a server gone away
        let events = EventLog()
        let worker = worker(experiment, storage, clock: clock, events: events) { _, _ in [.objective(3)] }
        let report = try await drive(worker, clock, step: .milliseconds(100))
        XCTAssertEqual(report.completed, 1)
        let trial = try XCTUnwrap(events.finished.first)
        XCTAssertEqual(events.storageFailures.map(\.trialID), [trial.id], "told once, naming the trial")
        XCTAssertEqual(events.storageFailures.first?.reason, "database is locked (injected)")
        let stored = try await storage.trial(id: trial.id, of: experiment.id)
        XCTAssertEqual(stored?.objective, 3)
    }

    /// Scenario (PostgreSQL): the algorithm lock is held by a worker stopped with SIGSTOP; each attempt waits for
    /// `lock_timeout` (60 s) before it fails. The hunt said nothing for two minutes (the spell of failures began at
    /// the first failure, after the first wait); now the first failed wait is told at once.
    func testALockWaitThatFailsAfterLongIsToldAtOnce() async throws {
        let storage = FlakyStorage(InMemoryStorage())
        let experiment = try await experiment(storage, maxTrials: 1)
        let clock = ManualClock()
        storage.failingLocks.withLock { $0 = 1 }
        storage.lockWait.withLock { $0 = (clock, .seconds(60)) }
        let events = EventLog()
        let worker = worker(experiment, storage, clock: clock, events: events) { _, _ in [.objective(3)] }
        let report = try await drive(worker, clock, step: .milliseconds(100))
        XCTAssertEqual(report.completed, 1)
        XCTAssertEqual(events.storageFailures.map(\.trialID), [nil], "told once, after the first failed wait")
        XCTAssertEqual(events.storageFailures.first?.reason, "database is locked (injected)")
    }

    func testAReservationFailingForLongIsToldOnce() async throws {
        let storage = FlakyStorage(InMemoryStorage())
        let experiment = try await experiment(storage, maxTrials: 1)
        let clock = ManualClock()
        storage.failingReservations.withLock { $0 = 14 }
        let events = EventLog()
        let worker = worker(experiment, storage, clock: clock, events: events) { _, _ in [.objective(3)] }
        let report = try await drive(worker, clock, step: .milliseconds(100))
        XCTAssertEqual(report.completed, 1)
        XCTAssertEqual(events.storageFailures.map(\.trialID), [nil])
    }

    func testASecondInterruptStopsTheRetriesAndReportsTheUnsavedResult() async throws {
        let storage = FlakyStorage(InMemoryStorage())
        let experiment = try await experiment(storage, maxTrials: 1)
        let clock = ManualClock()
        storage.failingUpdates.withLock { $0 = 1_000_000 }  // the database never comes back
        let worker = worker(experiment, storage, clock: clock) { _, _ in [.objective(7)] }
        let run = Task { try await drive(worker, clock, step: .milliseconds(500)) }
        try await eventually("the result is being retried") {
            storage.failingUpdates.withLock { $0 } < 1_000_000 - 3
        }
        worker.interrupt()
        try await Task.sleep(for: .milliseconds(20))
        XCTAssertLessThan(storage.failingUpdates.withLock { $0 }, 1_000_000 - 3)
        worker.interrupt(force: true)
        let report = try await run.value
        XCTAssertEqual(report.stopReason, .interrupted)
        XCTAssertEqual(report.completed, 0)
        let stored = try await storage.trials(of: experiment.id, status: nil)
        let trial = try XCTUnwrap(stored.first)
        XCTAssertEqual(report.unsavedResults.map(\.trialID), [trial.id])
        XCTAssertTrue(report.unsavedResults.first?.description.contains(trial.id) ?? false)
    }

    /// A second interrupt does not wait for a storage call that is held (an unreachable server holds a connection
    /// attempt for a minute): after ``Worker/forcedPatience`` the result is reported unsaved and the worker stops.
    func testASecondInterruptDoesNotWaitForAHeldStorageCall() async throws {
        let storage = FlakyStorage(InMemoryStorage())
        let experiment = try await experiment(storage, maxTrials: 1)
        storage.blockingUpdates.withLock { $0 = .seconds(60) }
        let clock = ManualClock()
        let worker = worker(experiment, storage, clock: clock) { _, _ in [.objective(7)] }
        let run = Task { try await drive(worker, clock, step: .milliseconds(100)) }
        try await eventually("the result is being stored") { storage.updatesStarted.withLock { $0 } > 0 }
        let stopped = ContinuousClock.now
        worker.interrupt(force: true)
        let report = try await run.value
        XCTAssertLessThan(ContinuousClock.now - stopped, .seconds(20), "it waited for the held call")
        XCTAssertEqual(report.stopReason, .interrupted)
        XCTAssertEqual(report.unsavedResults.count, 1)
        XCTAssertTrue(report.unsavedResults.first?.reason.contains("interrupted twice") ?? false)
    }

    /// One interrupt (SIGTERM from Slurm, a first Ctrl-C) while the storage is held (a PostgreSQL server down holds
    /// each call for its retry_for): the result is tried for the stop's patience, then reported unsaved and the
    /// worker stops. It waited until the server came back (minutes, past Slurm's SIGKILL).
    func testOneInterruptWaitsForAHeldStorageCallOnlyForTheStopsPatience() async throws {
        let storage = FlakyStorage(InMemoryStorage())
        storage.blockingUpdates.withLock { $0 = .seconds(60) }
        let stopped = ContinuousClock.now
        let report = try await interruptedOnce(storage, once: "the result is being stored") {
            storage.updatesStarted.withLock { $0 } > 0
        }
        XCTAssertLessThan(ContinuousClock.now - stopped, .seconds(10), "it waited for the held call")
        let reason = report.unsavedResults.first?.reason ?? ""
        XCTAssertTrue(reason.contains("not stored within 1 s of the interrupt"), reason)
    }

    /// The same with a storage that fails at once (each attempt refused): retried for the stop's patience, not until
    /// a second interrupt.
    func testOneInterruptRetriesAFailingStorageOnlyForTheStopsPatience() async throws {
        let storage = FlakyStorage(InMemoryStorage())
        storage.failingUpdates.withLock { $0 = 1_000_000 }
        _ = try await interruptedOnce(storage, once: "the result is being retried") {
            storage.failingUpdates.withLock { $0 } < 1_000_000 - 3
        }
    }

    /// The report of a worker (stop patience 1 s) of a one-trial experiment on `storage`, interrupted once as soon as
    /// `condition` holds; checks that it stopped as interrupted with its result unsaved.
    private func interruptedOnce(
        _ storage: FlakyStorage,
        once what: String,
        _ condition: () async throws -> Bool
    ) async throws -> WorkerReport {
        let experiment = try await experiment(storage, maxTrials: 1)
        let clock = ManualClock()
        var configuration = WorkerConfiguration(idleTimeout: .seconds(60), heartbeat: .seconds(120))
        configuration.stopPatience = .seconds(1)
        let worker = worker(experiment, storage, clock: clock, configuration: configuration) { _, _ in
            [.objective(7)]
        }
        let run = Task { try await drive(worker, clock, step: .milliseconds(100)) }
        try await eventually(what, condition)
        worker.interrupt()
        let report = try await run.value
        XCTAssertEqual(report.stopReason, .interrupted)
        XCTAssertEqual(report.unsavedResults.count, 1)
        return report
    }

    /// A result whose first attempt to be stored is held (PostgreSQL retries a call inside itself while the server is
    /// down, for its retry_for) is already kept beside the trial: a worker killed meanwhile (kill -9, a lost node)
    /// leaves it for the trial's next run. It was kept only once an attempt had failed, so such a kill ran the script
    /// again.
    func testAResultIsKeptBesideTheTrialWhileItsFirstAttemptIsHeld() async throws {
        let storage = FlakyStorage(InMemoryStorage())
        let experiment = try await experiment(storage, maxTrials: 1)
        let directory = FileManager.default.temporaryDirectory.path + "/orion-held-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        storage.blockingUpdates.withLock { $0 = .seconds(60) }
        let clock = ManualClock()
        let worker = try processWorker(experiment, storage, in: directory, script: Self.reporting("3"), clock: clock)
        let run = Task { try await drive(worker, clock, step: .milliseconds(100)) }
        try await eventually("the result is being stored") { storage.updatesStarted.withLock { $0 } > 0 }
        let kept = FileManager.default.enumerator(atPath: directory)?.allObjects
            .compactMap { $0 as? String }.filter { $0.hasSuffix("/.orion-unsaved-results.json") }
        XCTAssertEqual(kept?.count, 1, "\(String(describing: kept))")
        worker.interrupt(force: true)
        _ = try await run.value
    }

    /// A trial held by a live process of this host is never taken as lost, whatever the program: one using
    /// `ExperimentClient` (not `orion`) was judged dead by its program's name, and a hunt of the same host with a
    /// shorter `--heartbeat` took its trial while it ran. A pid that a process started after the reservation has
    /// taken is not the holder: that trial is released at once.
    func testTheHolderOfATrialIsTheProcessThatStartedBeforeTheReservationWhateverItsProgram() async throws {
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        let pid = sleeper.processIdentifier
        defer {
            kill(pid, SIGKILL)
            sleeper.waitUntilExit()
        }
        try await eventually("the child runs sleep") {
            (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) == "sleep\n"
        }
        let started = try XCTUnwrap(Worker.startTime(of: pid))
        XCTAssertLessThan(abs(started.timeIntervalSinceNow), 5, "its start time, from /proc")

        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 2)
        let producer = TrialProducer(experiment: experiment, storage: storage, factory: AlgorithmRegistry.standard)
        _ = try await producer.produce(count: 2)
        let host = try XCTUnwrap(WorkerConfiguration.hostAndPID(of: WorkerConfiguration.defaultWorkerName())).host
        let now = Date()
        let held = try await storage.reserveTrial(of: experiment.id, worker: "\(host):\(pid)", at: now)
        let reused = try await storage.reserveTrial(
            of: experiment.id,
            worker: "\(host):\(pid)",
            at: now.addingTimeInterval(-3600)
        )
        let holder = try XCTUnwrap(held), stale = try XCTUnwrap(reused)
        let later = now.addingTimeInterval(600)
        let cutoff = Worker.lostCutoff(
            of: [holder],
            heldHere: [],
            workerName: WorkerConfiguration.defaultWorkerName(),
            heartbeat: .seconds(10),
            now: later
        )
        XCTAssertLessThan(cutoff, holder.trial.heartbeat ?? .distantPast, "the live holder's trial is not lost")
        // Reserved an hour before the process started: its pid was reused, or the clock stepped forward since. Not
        // protected (its heartbeat decides), and not released at once either.
        XCTAssertFalse(Worker.isLiveWorker(pid, reservedAt: stale.trial.startTime))
        let dead = Worker.deadWorkersReservations([holder, stale], workerName: WorkerConfiguration.defaultWorkerName())
        XCTAssertEqual(dead.gone, [])
        XCTAssertEqual(dead.stopping, [])
        XCTAssertTrue(Worker.isLiveWorker(pid, reservedAt: now))
        XCTAssertFalse(Worker.isLiveWorker(pid, reservedAt: nil), "without a reservation time: another program")
        kill(pid, SIGSTOP)
        try await eventually("a stopped holder's heartbeat lapses: not live") {
            !Worker.isLiveWorker(pid, reservedAt: now)
        }
    }

    /// A holder that has exited but waits for its parent (a zombie) is dead: its trial is released at once, not
    /// after the heartbeat.
    func testAZombieHoldersTrialIsReleasedAtOnce() async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/orion-zombie-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The shell's child exits at once; the shell then becomes `sleep`, which never reaps it.
        let parent = Process()
        parent.executableURL = URL(fileURLWithPath: "/bin/sh")
        parent.arguments = ["-c", "true & echo $! > '\(directory)/pid'; exec sleep 30"]
        try parent.run()
        let parentPID = parent.processIdentifier
        defer {
            kill(parentPID, SIGKILL)
            parent.waitUntilExit()
        }
        var zombie: Int32 = 0
        try await eventually("the child is a zombie") {
            let text = (try? String(contentsOfFile: directory + "/pid", encoding: .utf8)) ?? ""
            zombie = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            return zombie > 0 && ProcessTable.statFields(of: zombie)?.first == "Z"
        }
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 1)
        let producer = TrialProducer(experiment: experiment, storage: storage, factory: AlgorithmRegistry.standard)
        _ = try await producer.produce(count: 1)
        let host = try XCTUnwrap(WorkerConfiguration.hostAndPID(of: WorkerConfiguration.defaultWorkerName())).host
        let taken = try await storage.reserveTrial(of: experiment.id, worker: "\(host):\(zombie)", at: Date())
        let reservation = try XCTUnwrap(taken)
        let dead = Worker.deadWorkersReservations([reservation], workerName: WorkerConfiguration.defaultWorkerName())
        XCTAssertEqual(dead.gone.map(\.trial.id), [reservation.trial.id])
        XCTAssertEqual(dead.stopping, [])
    }

    /// A dead holder's trial whose scripts its guardian is still stopping (a script that handles SIGTERM runs until
    /// the guardian's SIGKILL) is not released at once: it would run twice side by side (hBE's probe). The guardian
    /// names its worker in its command line (`trial-guardian <pid>`), readable whatever the scripts' environment
    /// (hBJ's re-check). Once it is gone, the trial is released.
    func testADeadHoldersTrialWaitsUntilItsGuardianHasStoppedItsScripts() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 1)
        let producer = TrialProducer(experiment: experiment, storage: storage, factory: AlgorithmRegistry.standard)
        _ = try await producer.produce(count: 1)
        // A holder that has exited and been reaped.
        let holder = try Self.reapedPID()
        let host = try XCTUnwrap(WorkerConfiguration.hostAndPID(of: WorkerConfiguration.defaultWorkerName())).host
        let taken = try await storage.reserveTrial(of: experiment.id, worker: "\(host):\(holder)", at: Date())
        let reservation = try XCTUnwrap(taken)
        // Its guardian, still stopping the scripts (a stand-in with the guardian's command line).
        let guardian = Process()
        guardian.executableURL = URL(fileURLWithPath: "/bin/bash")
        guardian.arguments = ["-c", "exec -a 'trial-guardian \(holder)' sleep 30"]
        try guardian.run()
        defer {
            if guardian.isRunning { kill(guardian.processIdentifier, SIGKILL) }
            guardian.waitUntilExit()
        }
        let workerName = WorkerConfiguration.defaultWorkerName()
        try await eventually("the guardian's command line is set") { Worker.guardedWorkers().contains(holder) }
        XCTAssertFalse(Worker.guardedWorkers().contains(holder + 100_000), "another worker's guardian")
        let stopping = Worker.deadWorkersReservations([reservation], workerName: workerName)
        XCTAssertEqual(stopping.gone, [])
        XCTAssertEqual(stopping.stopping.map(\.trial.id), [reservation.trial.id])
        // The release leaves it reserved, and lists it as waiting for the guardian (the worker's note).
        let waiting = try await Worker.releaseTrialsOfDeadHolders(
            [reservation],
            workerName: workerName,
            storage: storage
        )
        XCTAssertEqual(waiting.released, 0)
        XCTAssertEqual(waiting.stopping.map(\.id), [reservation.trial.id])
        kill(guardian.processIdentifier, SIGKILL)
        guardian.waitUntilExit()
        let gone = Worker.deadWorkersReservations([reservation], workerName: workerName)
        XCTAssertEqual(gone.gone.map(\.trial.id), [reservation.trial.id])
        XCTAssertEqual(gone.stopping, [])
        let released = try await Worker.releaseTrialsOfDeadHolders(
            [reservation],
            workerName: workerName,
            storage: storage
        )
        XCTAssertEqual(released.released, 1)
        XCTAssertEqual(released.stopping, [])
    }

    /// A working directory this user can no longer make directories in (its permissions changed under the hunt;
    /// here a file took its place) puts the trial back and stops the hunt, as a full file system does: every trial
    /// broke on it up to the experiment's `max_broken` (hBE's probe). One trial's own problem breaks that trial.
    func testAWorkingDirectoryThatCannotTakeTrialsStopsTheHunt() throws {
        let directory = FileManager.default.temporaryDirectory.path + "/orion-unwritable-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "in the way".write(toFile: directory + "/trials", atomically: true, encoding: .utf8)
        let failure = POSIXError(.ENOTDIR)
        let outcome = Worker.outcome(
            ofDirectoryFailure: failure,
            directory: directory + "/trials/abc",
            workingDirectory: directory + "/trials"
        )
        guard case .notStarted(let reason) = outcome else { return XCTFail("expected not started, got \(outcome)") }
        XCTAssertEqual(
            reason,
            "cannot create the trial's directory \(directory)/trials/abc: \(directory)/trials is a file, not a"
                + " directory; make the working directory writable again, then resume"
        )
        try FileManager.default.removeItem(atPath: directory + "/trials")
        try FileManager.default.createDirectory(atPath: directory + "/trials", withIntermediateDirectories: true)
        let own = Worker.outcome(
            ofDirectoryFailure: POSIXError(.EACCES),
            directory: directory + "/trials/abc",
            workingDirectory: directory + "/trials"
        )
        guard case .broken = own else { return XCTFail("expected broken, got \(own)") }
    }

    /// A parent's directory that cannot be copied (a file in it this user cannot read) puts the child back and stops
    /// the hunt, naming the file: every child of that parent broke on it up to `max_broken` (hBJ's re-check).
    func testAParentDirectoryThatCannotBeCopiedStopsTheHunt() {
        let unreadable = NSError(
            domain: NSCocoaErrorDomain,
            code: NSFileReadNoPermissionError,
            userInfo: [
                NSFilePathErrorKey: "/runs/parent/optimizer.lock",
                NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES)),
            ]
        )
        let outcome = Worker.outcome(
            ofDirectoryFailure: ParentCopyError(parent: "/runs/parent", underlying: unreadable),
            directory: "/runs/child",
            workingDirectory: "/runs"
        )
        guard case .notStarted(let reason) = outcome else { return XCTFail("expected not started, got \(outcome)") }
        XCTAssertEqual(
            reason,
            "cannot copy the parent trial's directory /runs/parent into /runs/child (/runs/parent/optimizer.lock):"
                + " Permission denied; make it readable by this user, then resume"
        )
    }

    /// A kept results file beside a trial the storage holds results for is stale (stored after all, and the trial
    /// set back to run again): the script runs, and the file is removed.
    func testAKeptResultOfATrialThatHasResultsIsNotStored() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 1)
        let directory = FileManager.default.temporaryDirectory.path + "/orion-stale-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var trial = Trial(
            experimentID: experiment.id,
            params: [Trial.Param(name: "/x", type: .real, value: .double(0.5))]
        )
        trial.results = [.objective(9)]
        trial.status = .new
        _ = try await storage.registerTrials([trial])
        let kept = directory + "/trials/" + trial.id + "/.orion-unsaved-results.json"
        try FileManager.default.createDirectory(
            atPath: directory + "/trials/" + trial.id,
            withIntermediateDirectories: true
        )
        try #"[{"name":"o","type":"objective","value":9}]"#.write(toFile: kept, atomically: true, encoding: .utf8)
        let clock = ManualClock()
        let worker = try processWorker(experiment, storage, in: directory, script: Self.reporting("2"), clock: clock)
        let report = try await drive(worker, clock, step: .milliseconds(100))
        XCTAssertEqual(report.completed, 1)
        let stored = try await storage.trial(id: trial.id, of: experiment.id)
        XCTAssertEqual(stored?.objective, 2, "the script ran")
        XCTAssertFalse(FileManager.default.fileExists(atPath: kept))
    }

    func testTheTrialOfADeadWorkerOnThisHostIsReleasedAtOnce() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 2)
        let producer = TrialProducer(experiment: experiment, storage: storage, factory: AlgorithmRegistry.standard)
        _ = try await producer.produce(count: 2)
        // A worker of this host that died (its process was reaped): its pid no longer exists.
        let dead = try Self.reapedPID()
        let host = try XCTUnwrap(WorkerConfiguration.hostAndPID(of: WorkerConfiguration.defaultWorkerName())).host
        let clock = ManualClock()
        let taken = try await storage.reserveTrial(
            of: experiment.id,
            worker: "\(host):\(dead)",
            at: clock.now
        )
        let held = try XCTUnwrap(taken)
        let start = clock.now
        let report = try await drive(worker(experiment, storage, clock: clock) { _, _ in [.objective(0)] }, clock)
        XCTAssertEqual(report.stopReason, .experimentDone)
        XCTAssertEqual(report.completed, 2)
        XCTAssertEqual(report.reclaimed, 1)
        let trial = try await storage.trial(id: held.trial.id, of: experiment.id)
        XCTAssertEqual(trial?.status, .completed)
        XCTAssertLessThan(clock.now.timeIntervalSince(start), 60, "reclaimed at once, not after the heartbeat")
    }

    func testTheIdleTimeoutWaitsForATrialThatMayComeBackAsLost() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 1)
        let producer = TrialProducer(experiment: experiment, storage: storage, factory: AlgorithmRegistry.standard)
        _ = try await producer.produce(count: 1)
        let clock = ManualClock()
        // Another machine's worker took the trial and went silent: no heartbeat will come.
        let taken = try await storage.reserveTrial(of: experiment.id, worker: "elsewhere:1", at: clock.now)
        let held = try XCTUnwrap(taken)
        let start = clock.now
        let report = try await drive(worker(experiment, storage, clock: clock) { _, _ in [.objective(3)] }, clock)
        XCTAssertEqual(report.stopReason, .experimentDone, "the idle timeout (60 s) did not stop it before 120 s")
        XCTAssertEqual(report.completed, 1)
        let trial = try await storage.trial(id: held.trial.id, of: experiment.id)
        XCTAssertEqual(trial?.status, .completed)
        XCTAssertGreaterThanOrEqual(clock.now.timeIntervalSince(start), 120, "released after its heartbeat deadline")
    }

    func testEveryStopReasonSaysWhyInOneLine() {
        let reasons: [StopReason] = [
            .experimentDone, .experimentBroken, .workerMaxTrials, .workerMaxBroken, .idle, .stalled, .interrupted,
        ]
        let texts = reasons.map(\.description)
        XCTAssertEqual(Set(texts).count, reasons.count)
        for text in texts { XCTAssertFalse(text.isEmpty || text.contains("\n"), text) }
    }

    /// A holder with this host's name on another machine or in another PID namespace (a container with the same
    /// host name) is judged by its heartbeat, not by the pids of this namespace: a live process here with its pid
    /// made its trial live for ever, and a pid missing here would have had a live holder's trial taken at once
    /// (hBM's probe). So is a holder named by an earlier version (no machine).
    func testAHolderWithThisHostsNameElsewhereIsJudgedByItsHeartbeat() async throws {
        let name = WorkerConfiguration.defaultWorkerName()
        let machine = try XCTUnwrap(WorkerConfiguration.machine, "/proc gives the boot id and the PID namespace")
        XCTAssertTrue(name.hasPrefix(ProcessInfo.processInfo.hostName + "@" + machine + ":"), name)
        let storage = InMemoryStorage()
        let experiment = try await experiment(storage, maxTrials: 4)
        let producer = TrialProducer(experiment: experiment, storage: storage, factory: AlgorithmRegistry.standard)
        _ = try await producer.produce(count: 4)
        let hostName = ProcessInfo.processInfo.hostName
        let other = machine == "00000000" ? "00000001" : "00000000"
        let now = Date()
        // pid 1 exists here and started before the reservation; the reaped pid does not exist here.
        let gone = try Self.reapedPID()
        var reservations: [Reservation] = []
        for worker in ["\(hostName)@\(other):1", "\(hostName)@\(other):\(gone)", "\(hostName):1"] {
            let reservation = try await storage.reserveTrial(of: experiment.id, worker: worker, at: now)
            reservations.append(try XCTUnwrap(reservation))
        }
        let later = now.addingTimeInterval(600)
        let cutoff = Worker.lostCutoff(
            of: reservations,
            heldHere: [],
            workerName: name,
            heartbeat: .seconds(10),
            now: later
        )
        XCTAssertEqual(cutoff, later.addingTimeInterval(-10), "no holder elsewhere is protected by a pid here")
        let dead = Worker.deadWorkersReservations(reservations, workerName: name)
        XCTAssertEqual(dead.gone, [], "no holder elsewhere is dead by a pid missing here")
        XCTAssertEqual(dead.stopping, [])
        // The same holders on this machine: pid 1 is live, the reaped one dead.
        let reserved = try await storage.reserveTrial(
            of: experiment.id,
            worker: "\(hostName)@\(machine):\(gone)",
            at: now
        )
        let here = try XCTUnwrap(reserved)
        XCTAssertEqual(Worker.deadWorkersReservations([here], workerName: name).gone, [here])
    }

    func testWorkerNamesParseAsHostAndPID() {
        XCTAssertEqual(WorkerConfiguration.hostAndPID(of: "node-3.cluster:4242")?.host, "node-3.cluster")
        XCTAssertEqual(WorkerConfiguration.hostAndPID(of: "node-3.cluster:4242")?.pid, 4242)
        XCTAssertNil(WorkerConfiguration.hostAndPID(of: "bench"))
        XCTAssertNil(WorkerConfiguration.hostAndPID(of: "w:0"))
        XCTAssertEqual(WorkerConfiguration.hostAndPID(of: "node-3@0badcafe:4242")?.host, "node-3@0badcafe")
    }
}
