import Foundation
import OrionAlgorithms
import OrionCore
import OrionSQLite
import OrionTesting
import OrionWorker
import Synchronization
import XCTest

/// Issue 12, part 2: another process holding SQLite's write lock for long does not freeze this worker's other
/// trials (the writes that wait for it no longer block the Swift concurrency pool).
final class WorkerWriteLockTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("orion-writelock-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testTrialsKeepRunningWhileAnotherProcessHoldsTheWriteLock() async throws {
        guard let tool = ProcessRunner.executable("orion-storage-stress") else {
            throw XCTSkip("orion-storage-stress is not built; run `swift build --build-tests` first")
        }
        // More slots than the concurrency pool has threads, each heartbeating once a second (so that all of them
        // are waiting for the lock one second into it).
        let slots = ProcessInfo.processInfo.activeProcessorCount + 2
        let path = directory + "/orion.db"
        let storage = try SQLiteStorage(path: path)
        let request = ExperimentRequest(
            name: "locked",
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random", options: ["seed": 3]),
            maxTrials: slots
        )
        let experiment = try await ExperimentBuilder.build(
            request,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        .experiment
        let started = Mutex(0)
        let progress = Mutex<[Date]>([])
        let lockReleased = Mutex<Date?>(nil)
        // In-process objectives: they run on the concurrency pool, so they stop if it is blocked. Each runs until
        // half a second after the other process let the lock go (however long that process took to start), at most
        // 30 s.
        let executor = ClosureExecutor { parameters, _ in
            started.withLock { $0 += 1 }
            let giveUp = Date().addingTimeInterval(30)
            while Date() < giveUp {
                try await Task.sleep(for: .milliseconds(50))
                let now = Date()
                progress.withLock { $0.append(now) }
                if let released = lockReleased.withLock({ $0 }), now.timeIntervalSince(released) > 0.5 { break }
            }
            return [.objective(parameters["/x"]?.doubleValue ?? 0)]
        }
        let worker = Worker(
            experiment: experiment,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            executor: executor,
            configuration: WorkerConfiguration(concurrency: slots, idleTimeout: .seconds(10), heartbeat: .seconds(4)),
            workingDirectory: directory + "/trials"
        )
        let run = Task { try await worker.run() }
        defer { run.cancel() }
        let deadline = Date().addingTimeInterval(25)
        while started.withLock({ $0 }) < slots || progress.withLock({ $0.count }) < slots, Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        XCTAssertEqual(started.withLock { $0 }, slots, "every slot runs a trial")

        // Another process holds the write lock for 2 s: every heartbeat meanwhile (one a second per trial) waits for it.
        let prefix = directory + "/locker"
        let lockerStarted = Date()
        let locker = try ProcessRunner.start(
            [tool, "lock", "--db", path, "--experiment", experiment.id, "--seconds", "2"],
            outputPrefix: prefix
        )
        defer { if locker.isRunning { kill(locker.processIdentifier, SIGKILL) } }
        while locker.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let lockerEnded = Date()
        lockReleased.withLock { $0 = lockerEnded }
        let lockerOutput = ProcessRunner.wait(locker, outputPrefix: prefix, timeout: 30)
        XCTAssertEqual(lockerOutput.status, 0, lockerOutput.stderr)
        XCTAssertTrue(lockerOutput.stdout.contains("locked\nunlocked"), lockerOutput.stdout)

        let report = try await run.value
        XCTAssertEqual(report.completed, slots, "every trial completed once the lock was free")
        let counts = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(counts, [.completed: slots])
        // The objectives (50 ms steps) went on through the lock: no pause longer than a few steps.
        let times = progress.withLock { $0 }.sorted()
        let first = try XCTUnwrap(times.first)
        let last = try XCTUnwrap(times.last)
        XCTAssertLessThan(first, lockerStarted, "the trials were running before the lock")
        XCTAssertGreaterThan(last, lockerEnded, "and still after it")
        let longestPause = zip(times, times.dropFirst()).map { $1.timeIntervalSince($0) }.max() ?? 0
        XCTAssertLessThan(longestPause, 0.6, "the trials made progress while the other process held the lock")
        try await storage.close()
    }
}
