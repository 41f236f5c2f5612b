import Foundation
import OrionCore
import OrionSQLite
import OrionTesting
import Synchronization
import XCTest

/// Several real OS processes (the `orion-storage-stress` executable) sharing one SQLite file.
final class MultiProcessTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("orion-multiprocess-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The built stress tool, or a skip explaining how to build it.
    private func stressTool() throws -> String {
        if let path = ProcessRunner.executable("orion-storage-stress") { return path }
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var url = sibling
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("orion-storage-stress").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw XCTSkip("orion-storage-stress is not built; run `swift build --product orion-storage-stress` first")
    }

    private func makeExperiment(_ storage: SQLiteStorage) async throws -> Experiment {
        let experiment = Experiment(
            name: "multiprocess",
            space: try Space(priors: ["/x": "randint(0, 100000)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        try await storage.createExperiment(experiment)
        return experiment
    }

    /// Starts `count` workers with `arguments` and waits for all of them; returns their outputs.
    private func runWorkers(_ count: Int, _ arguments: (Int) -> [String]) throws -> [ProcessRunner.Output] {
        let processes = try (0..<count).map { index -> (Process, String) in
            let prefix = directory + "/worker-\(index)"
            return (try ProcessRunner.start(arguments(index), outputPrefix: prefix), prefix)
        }
        return processes.map { ProcessRunner.wait($0.0, outputPrefix: $0.1, timeout: 60) }
    }

    func testProcessesRacingToReserveCompleteEveryTrialExactlyOnce() async throws {
        let tool = try stressTool()
        let path = directory + "/orion.db"
        let storage = try SQLiteStorage(path: path)
        let experiment = try await makeExperiment(storage)
        let trials = (0..<400).map { index in
            Trial(
                experimentID: experiment.id,
                params: [Trial.Param(name: "/x", type: .integer, value: .int(index))],
                submitTime: Date(timeIntervalSince1970: 1_700_000_000 + Double(index))
            )
        }
        try await storage.registerTrials(trials)

        let outputs = try runWorkers(5) { index in
            [tool, "reserve", "--db", path, "--experiment", experiment.id, "--worker", "process-\(index)"]
        }
        var completed: [String] = []
        for (index, output) in outputs.enumerated() {
            XCTAssertEqual(output.status, 0, "worker \(index) failed: \(output.stderr)")
            completed += output.stdout.split(separator: "\n").compactMap { line in
                line.hasPrefix("completed ") ? String(line.dropFirst("completed ".count)) : nil
            }
        }
        XCTAssertEqual(completed.count, 400, "completions reported by the workers")
        XCTAssertEqual(Set(completed), Set(trials.map(\.id)), "every trial completed exactly once")
        let counts = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(counts, [.completed: 400])
    }

    func testProcessesProducingUnderTheAlgorithmLockLoseNoUpdate() async throws {
        let tool = try stressTool()
        let path = directory + "/orion.db"
        let storage = try SQLiteStorage(path: path)
        let experiment = try await makeExperiment(storage)
        let workers = 4
        let cycles = 150

        let outputs = try runWorkers(workers) { index in
            [
                tool, "produce", "--db", path, "--experiment", experiment.id, "--worker", "process-\(index)",
                "--cycles", "\(cycles)",
            ]
        }
        var produced: [Int] = []
        for (index, output) in outputs.enumerated() {
            XCTAssertEqual(output.status, 0, "worker \(index) failed: \(output.stderr)")
            produced += output.stdout.split(separator: "\n").compactMap { line in
                line.hasPrefix("produced ") ? Int(line.dropFirst("produced ".count)) : nil
            }
        }
        let total = workers * cycles
        XCTAssertEqual(produced.sorted(), Array(1...total), "each round saw the previous round's counter")
        let snapshot = try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { snapshot in
            AlgorithmUpdate(state: nil, newTrials: [], output: snapshot)
        }
        let state = try XCTUnwrap(snapshot.state)
        XCTAssertEqual(String(decoding: state, as: UTF8.self), "{\"counter\":\(total)}")
        XCTAssertEqual(snapshot.stateVersion, total)
        XCTAssertEqual(snapshot.changedTrials, [], "each process's trials were observed by its own state")
        let count = try await storage.trials(of: experiment.id, status: nil).count
        XCTAssertEqual(count, total)
    }

    /// Starts `orion-storage-stress lock` on `path` for `seconds` and returns once it holds the write lock.
    private func holdWriteLock(_ tool: String, path: String, experimentID: String, seconds: Double) async throws
        -> Process
    {
        let prefix = directory + "/locker"
        let locker = try ProcessRunner.start(
            [tool, "lock", "--db", path, "--experiment", experimentID, "--seconds", "\(seconds)"],
            outputPrefix: prefix
        )
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let output = (try? String(contentsOfFile: prefix + ".out", encoding: .utf8)) ?? ""
            if output.contains("locked") { return locker }
            guard locker.isRunning else { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        kill(locker.processIdentifier, SIGKILL)
        XCTFail("the locker did not take the write lock")
        throw CancellationError()
    }

    /// A command that only reads (as `orion status`, another process) opens the file, reads and closes it while a
    /// running hunt holds the write lock, also after a command that wrote (as `orion insert`) closed beside the hunt.
    func testACommandThatOnlyReadsDoesNotWaitForTheWriteLock() async throws {
        let tool = try stressTool()
        let path = directory + "/orion.db"
        let hunt = try SQLiteStorage(path: path)  // open throughout, as a running hunt's connection
        let experiment = try await makeExperiment(hunt)
        let inserter = try SQLiteStorage(path: path)
        try await inserter.registerTrials([
            Trial(experimentID: experiment.id, params: [Trial.Param(name: "/x", type: .integer, value: .int(7))])
        ])
        try await inserter.close()

        let inside = Flag()
        let readerDone = Flag()
        let holder = Task.detached {
            try await hunt.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { _ in
                inside.raise()
                let deadline = Date().addingTimeInterval(15)
                while !readerDone.isRaised, Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
                return AlgorithmUpdate(state: nil, newTrials: [], output: readerDone.isRaised)
            }
        }
        try await inside.wait()
        let prefix = directory + "/reader"
        let reader = try ProcessRunner.start(
            [tool, "read", "--db", path, "--experiment", experiment.id],
            outputPrefix: prefix
        )
        while reader.isRunning { try await Task.sleep(for: .milliseconds(5)) }
        readerDone.raise()
        let output = ProcessRunner.wait(reader, outputPrefix: prefix, timeout: 30)
        let heldThroughout = try await holder.value
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, "read 1 trials\n")
        XCTAssertTrue(heldThroughout, "the reader opened, read and closed the file while the lock was held")
        try await hunt.close()
    }

    func testWritesWaitingForAnotherProcessesLockLeaveTheConcurrencyPoolFree() async throws {
        let tool = try stressTool()
        let path = directory + "/orion.db"
        let storage = try SQLiteStorage(path: path)
        let experiment = try await makeExperiment(storage)
        // More waiting writes than the concurrency pool has threads (one per core).
        let writers = ProcessInfo.processInfo.activeProcessorCount + 2
        let trials = (0..<writers).map { index in
            Trial(
                experimentID: experiment.id,
                params: [Trial.Param(name: "/x", type: .integer, value: .int(index))],
                submitTime: Date(timeIntervalSince1970: 1_700_000_000 + Double(index))
            )
        }
        try await storage.registerTrials(trials)
        var reservations: [Reservation] = []
        for _ in 0..<writers {
            let reservation = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Date())
            reservations.append(try XCTUnwrap(reservation))
        }

        let locker = try await holdWriteLock(tool, path: path, experimentID: experiment.id, seconds: 2)
        defer { if locker.isRunning { kill(locker.processIdentifier, SIGKILL) } }
        let lockedAt = Date()
        let heartbeats = reservations.map { reservation in
            Task {
                try await storage.heartbeat(
                    trialID: reservation.trial.id,
                    of: experiment.id,
                    holding: reservation.token,
                    at: Date()
                )
            }
        }
        // Work on the concurrency pool goes on while every heartbeat waits for the other process.
        let ticks = Task {
            var times: [Date] = []
            for _ in 0..<10 {
                try await Task.sleep(for: .milliseconds(50))
                times.append(Date())
            }
            return times
        }
        let tickTimes = try await ticks.value
        var written: [Bool] = []
        for heartbeat in heartbeats { written.append(try await heartbeat.value) }
        let doneAt = Date()
        let output = ProcessRunner.wait(locker, outputPrefix: directory + "/locker", timeout: 30)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(written, Array(repeating: true, count: writers), "every heartbeat is written once the lock goes")
        XCTAssertGreaterThan(doneAt.timeIntervalSince(lockedAt), 1.5, "the heartbeats waited for the lock")
        let lastTick = try XCTUnwrap(tickTimes.last)
        XCTAssertLessThan(
            lastTick.timeIntervalSince(lockedAt),
            1.5,
            "the ticks ran while the other process held the lock, not after it"
        )
    }

    /// Starts `count` `produce` workers named `name` followed by their index, without waiting: each process with the
    /// prefix of its output files.
    private func startProducers(
        _ tool: String,
        _ count: Int,
        named name: String,
        cycles: Int,
        path: String,
        _ experiment: Experiment
    ) throws -> [(Process, String)] {
        try (0..<count).map { index in
            let prefix = directory + "/\(name)-\(index)"
            let arguments = [
                tool, "produce", "--db", path, "--experiment", experiment.id, "--worker", "\(name)\(index)",
                "--cycles", "\(cycles)",
            ]
            return (try ProcessRunner.start(arguments, outputPrefix: prefix), prefix)
        }
    }

    /// The counters the `produce` workers reported in `outputs`.
    private func produced(_ outputs: [ProcessRunner.Output]) -> [Int] {
        outputs.flatMap { output in
            output.stdout.split(separator: "\n").compactMap { line in
                line.hasPrefix("produced ") ? Int(line.dropFirst("produced ".count)) : nil
            }
        }
    }

    /// Commands opening the file beside running writers (as `orion status` beside hunts, each a process) read the
    /// live log to judge it (the log stamp) while the writers restart it: none may take it for another file's. The
    /// writers restart the log several times (SQLite's checkpoints), and their counter is exact at the end.
    func testOpenersBesideRunningWritersNeverTakeTheirLogForAnotherFiles() async throws {
        let tool = try stressTool()
        let path = directory + "/orion.db"
        let storage = try SQLiteStorage(path: path)
        let experiment = try await makeExperiment(storage)
        try await storage.close()
        let workers = 3, cycles = 600
        let producers = try startProducers(tool, workers, named: "p", cycles: cycles, path: path, experiment)
        var reads = 0
        while producers.contains(where: { $0.0.isRunning }) {
            let prefix = directory + "/reader-\(reads)"
            let reader = try ProcessRunner.start(
                [tool, "read", "--db", path, "--experiment", experiment.id],
                outputPrefix: prefix
            )
            let output = ProcessRunner.wait(reader, outputPrefix: prefix, timeout: 60)
            XCTAssertEqual(output.status, 0, output.stderr)
            reads += 1
        }
        let outputs = producers.map { ProcessRunner.wait($0.0, outputPrefix: $0.1, timeout: 60) }
        for output in outputs { XCTAssertEqual(output.status, 0, output.stderr) }
        let counters = produced(outputs).sorted()
        XCTAssertTrue(
            counters == Array(1...workers * cycles),
            "\(counters.count) counters, up to \(counters.last ?? 0)"
        )
        XCTAssertGreaterThan(reads, 3)
        let aside = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".stale-") }
        XCTAssertEqual(aside, [], "a live log was moved aside")
        let reopened = try SQLiteStorage(path: path)
        let count = try await reopened.trials(of: experiment.id, status: nil).count
        try await reopened.close()
        XCTAssertEqual(count, workers * cycles)
    }

    /// hBQ's probe with real processes: writers killed with SIGKILL leave their log; `mv backup.db orion.db` (a
    /// copy older than that log) then opens as it was copied, the log moved aside, where SQLite replayed the log
    /// into it ("database disk image is malformed"); the file the log was written for opens with every change.
    func testACopyPutInPlaceAfterWritersWereKilledOpensAsItWasCopied() async throws {
        let tool = try stressTool()
        let path = directory + "/orion.db"
        let storage = try SQLiteStorage(path: path)
        let experiment = try await makeExperiment(storage)
        try await storage.close()
        XCTAssertNoThrow(try FileManager.default.copyItem(atPath: path, toPath: directory + "/backup.db"))
        let first = try runWorkers(2) { index in
            [tool, "produce", "--db", path, "--experiment", experiment.id, "--worker", "a\(index)", "--cycles", "20"]
        }
        XCTAssertEqual(first.map(\.status), [0, 0])

        let producers = try startProducers(tool, 3, named: "k", cycles: 100_000, path: path, experiment)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let lines = producers.map { (try? String(contentsOfFile: $0.1 + ".out", encoding: .utf8)) ?? "" }
            if lines.joined().split(separator: "\n").count >= 30 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        for producer in producers { kill(producer.0.processIdentifier, SIGKILL) }
        let outputs = producers.map { ProcessRunner.wait($0.0, outputPrefix: $0.1, timeout: 30) }
        let reported = produced(outputs).max() ?? 0
        XCTAssertGreaterThanOrEqual(reported, 40 + 30)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + "-wal"), "SIGKILL leaves the log")
        let image = directory + "/image"
        try FileManager.default.createDirectory(atPath: image, withIntermediateDirectories: true)
        for suffix in ["", "-wal"] {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: image + "/orion.db" + suffix)
        }

        XCTAssertEqual(rename(directory + "/backup.db", path), 0)
        let notes = Mutex<[String]>([])
        let restored = try SQLiteStorage(path: path) { note in notes.withLock { $0.append(note) } }
        let trials = try await restored.trials(of: experiment.id, status: nil).count
        let state = try await restored.storedAlgorithmState(of: experiment.id)
        try await restored.close()
        XCTAssertEqual(trials, 0, "the copy is as it was copied")
        XCTAssertNil(state?.state)
        XCTAssertEqual(notes.withLock { $0.count }, 1, "\(notes.withLock { $0 })")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + "-wal.stale-\(getpid())"))

        let own = try SQLiteStorage(path: image + "/orion.db") { note in notes.withLock { $0.append(note) } }
        let all = try await own.trials(of: experiment.id, status: nil).count
        try await own.close()
        XCTAssertGreaterThanOrEqual(all, reported, "every reported production is in the file the log was written for")
        XCTAssertEqual(notes.withLock { $0.count }, 1, "the file's own log is replayed without a note")
    }
}
