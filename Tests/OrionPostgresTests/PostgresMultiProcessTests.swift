import Foundation
import OrionCore
import OrionPostgres
import OrionTesting
import XCTest

/// Real `orion hunt` processes sharing one PostgreSQL database: many workers, a server restart in the middle, hunts
/// killed with SIGKILL every second, and a lock holder killed with SIGKILL.
final class PostgresMultiProcessTests: PostgresTestCase {
    /// A scratch directory for the processes' working files and output.
    private var directory = ""

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("orion-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        try? FileManager.default.removeItem(atPath: directory)
        try await super.tearDown()
    }

    /// The built `orion`, or a skip.
    private func orion() throws -> String {
        guard let orion = ProcessRunner.executable("orion") else {
            throw XCTSkip(
                "the orion executable is not built: run `swift build --build-tests` first (scripts/test does)"
            )
        }
        return orion
    }

    /// The no-op script of Tests/Fixtures (reports its `-x` as the objective).
    private func noop(file: StaticString = #filePath) throws -> String {
        var url = URL(fileURLWithPath: "\(file)")
        for _ in 0..<2 { url.deleteLastPathComponent() }
        let path = url.appendingPathComponent("Fixtures/noop.sh").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(path) not found") }
        return path
    }

    /// Starts `count` hunts of experiment `name` on `url`, each with `workers` workers.
    private func startHunts(_ count: Int, workers: Int, trials: Int, name: String, url: String) throws -> [Process] {
        let orion = try orion()
        var environment = ProcessInfo.processInfo.environment
        environment["ORION_DB_ADDRESS"] = url
        environment["TMPDIR"] = directory + "/tmp"
        environment.removeValue(forKey: "ORION_WORKING_DIR")
        let arguments = [
            orion, "hunt", "-n", name, "--exp-max-trials", "\(trials)", "--n-workers", "\(workers)", "--heartbeat",
            "5", try noop(), "-x~uniform(0, 1)",
        ]
        return try (0..<count).map { index in
            try ProcessRunner.start(
                arguments,
                environment: environment,
                currentDirectory: directory,
                outputPrefix: directory + "/hunt\(index)"
            )
        }
    }

    /// Waits for every hunt (killing any still running after `timeout`) and checks that each succeeded.
    private func finish(_ hunts: [Process], timeout: TimeInterval) {
        for (index, process) in hunts.enumerated() {
            let output = ProcessRunner.wait(process, outputPrefix: directory + "/hunt\(index)", timeout: timeout)
            XCTAssertEqual(output.status, 0, "hunt \(index): \(output.stderr.suffix(2000))")
        }
        XCTAssertFalse(hunts.contains(where: \.isRunning), "no hunt left behind")
    }

    /// Checks that experiment `name` has exactly `count` trials, all completed once, at distinct points.
    private func checkExactly(_ count: Int, completedIn name: String, url: String) async throws {
        let storage = try PostgresStorage(url: url)
        defer { Task { try? await storage.close() } }
        let experiment = try await XCTUnwrapAsync(try await storage.experiment(named: name, version: nil))
        let trials = try await storage.trials(of: experiment.id, status: nil)
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, count, "exactly the budget completed")
        XCTAssertEqual(trials.count, count, "no trial beyond the budget, none lost")
        XCTAssertEqual(Set(trials.map { Trial.parametersRepresentation($0.params) }).count, count, "no duplicate")
        for trial in trials where trial.status == .completed {
            XCTAssertEqual(trial.objective, trial.values["/x"]?.doubleValue, "the result is the trial's own")
        }
        let counts = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(counts, [.completed: count], "the counters agree with the trials")
    }

    func testSixtyFourWorkersInEightProcessesCompleteTwoThousandTrialsExactlyOnce() async throws {
        let url = try schemas.freshURL("pool_size=10")
        let started = Date()
        let hunts = try startHunts(8, workers: 8, trials: 2000, name: "crowd", url: url)
        finish(hunts, timeout: 240)
        try await checkExactly(2000, completedIn: "crowd", url: url)
        print("64 workers, 2000 trials on PostgreSQL: \(Date().timeIntervalSince(started)) s")
    }

    /// How many trials the hunts' progress lines (on stderr) say were completed so far.
    private func completedSoFar(_ hunts: Int) -> Int {
        (0..<hunts).reduce(0) { total, index in
            let output = (try? String(contentsOfFile: directory + "/hunt\(index).err", encoding: .utf8)) ?? ""
            return total + output.components(separatedBy: " completed: ").count - 1
        }
    }

    func testAHuntSurvivesAServerRestartAndLosesNothing() async throws {
        // A server of this test's own: stopping the shared one would break the tests running beside this one.
        let server = try PrivatePostgresServer()
        let url = server.url + "?retry_for=60"
        let started = Date()
        let hunts = try startHunts(2, workers: 4, trials: 400, name: "restarted", url: url)
        defer { for hunt in hunts where hunt.isRunning { kill(hunt.processIdentifier, SIGKILL) } }
        // Restart the server once a quarter of the trials are done (as the hunts' progress says): every connection
        // is cut in the middle of its work.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, completedSoFar(2) < 100, hunts.allSatisfy(\.isRunning) {
            try await Task.sleep(for: .milliseconds(50))
        }
        let before = completedSoFar(2)
        XCTAssertGreaterThanOrEqual(before, 100, "the hunt got going before the restart")
        XCTAssertTrue(hunts.allSatisfy(\.isRunning), "both hunts still run when the server stops")
        trace("restart: \(before) completed, stopping the server")
        try server.stop()
        try await Task.sleep(for: .seconds(2))
        try server.start()
        trace("restart: the server is back")
        finish(hunts, timeout: 180)
        trace("restart: the hunts ended")
        try await checkExactly(400, completedIn: "restarted", url: url)
        print("400 trials with a PostgreSQL restart at \(before): \(Date().timeIntervalSince(started)) s")
    }

    /// After a long outage postgres-nio's pool connects again only when its backoff has passed (it grows to a
    /// minute), keeping every request waiting meanwhile: a hunt stood still for 8 s after a 60 s outage, and this
    /// request was answered 2.6 s after the server was back. A request that waits while the server takes a direct
    /// connection now gets a new pool: answered as soon as the server is back.
    func testARequestWaitingOnThePoolAfterAnOutageGoesOnOnceTheServerIsBack() async throws {
        let server = try PrivatePostgresServer()
        let storage = try PostgresStorage(url: server.url + "?retry_for=120")
        defer { Task { try? await storage.close() } }
        let experiment = try await Self.createExperiment("outage", in: storage)
        try server.stop()
        // Asked while the server is away: the requests wait in the pool, which keeps failing to connect. When one of
        // them replaces the pool, the others, shut out of the old one, are made again on the new one (they failed,
        // and `orion serve` answered 503).
        let waiting = (0..<3).map { _ in
            Task { () -> Date in
                _ = try await storage.countTrials(of: experiment.id)
                return Date()
            }
        }
        try await Task.sleep(for: .seconds(40))
        try server.start()
        let back = Date()
        var answered = back
        for request in waiting { answered = max(answered, try await request.value) }
        let delay = answered.timeIntervalSince(back)
        trace("pool: answered \(delay) s after the server was back")
        XCTAssertLessThan(delay, 1.5, "the request went on within a second or so of the server's return")
    }

    /// A request asked while the server is away waited in postgres-nio's pool until its circuit breaker tripped
    /// (about a minute), whatever `retry_for` said: `orion serve` (which sets 5 s) answered its first request after
    /// the database went down in 67 s. It now gives up once the server has been out of reach, at its direct looks,
    /// for `retry_for`; and the next request after the server is back is answered.
    func testARequestGivesUpOnceTheServerHasBeenAwayForRetryFor() async throws {
        let server = try PrivatePostgresServer()
        let storage = try PostgresStorage(url: server.url + "?retry_for=3")
        defer { Task { try? await storage.close() } }
        let experiment = try await Self.createExperiment("away", in: storage)
        try server.stop()
        let asked = Date()
        do {
            _ = try await storage.countTrials(of: experiment.id)
            XCTFail("answered with the server stopped")
        } catch let error as StorageError {
            XCTAssertEqual(error.code, .backend)
            XCTAssertTrue(error.message.contains("no connection to it could be made for 3 seconds"), error.message)
        }
        let waited = Date().timeIntervalSince(asked)
        trace("away: gave up after \(waited) s")
        XCTAssertLessThan(waited, 30, "gave up well before the pool's minute")
        try server.start()
        let counts = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(counts.values.reduce(0, +), 0)
    }

    /// A random-search experiment named `name` over one real, created in `storage`.
    private static func createExperiment(_ name: String, in storage: PostgresStorage) async throws -> Experiment {
        let experiment = Experiment(
            name: name,
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        try await storage.createExperiment(experiment)
        return experiment
    }

    func testHuntsKilledWithSIGKILLEverySecondLoseNothing() async throws {
        let url = try schemas.freshURL()
        let started = Date()
        var hunts = try startHunts(8, workers: 4, trials: 1000, name: "storm", url: url)
        defer { for hunt in hunts where hunt.isRunning { kill(hunt.processIdentifier, SIGKILL) } }
        // Every second, one of the running hunts (chosen by a seeded generator) dies without warning, in the
        // middle of whatever storage call it was making.
        var generator = SeededGenerator(seed: 12)
        var killed = 0
        while killed < 6 {
            try await Task.sleep(for: .seconds(1))
            let running = hunts.indices.filter { hunts[$0].isRunning }
            guard let victim = running.randomElement(using: &generator) else { break }
            kill(hunts[victim].processIdentifier, SIGKILL)
            killed += 1
        }
        let progress = completedSoFar(hunts.count)
        for (index, process) in hunts.enumerated() {
            let output = ProcessRunner.wait(process, outputPrefix: directory + "/hunt\(index)", timeout: 120)
            if output.status != 128 + SIGKILL {
                XCTAssertEqual(output.status, 0, "hunt \(index): \(output.stderr.suffix(2000))")
            }
        }
        XCTAssertEqual(killed, 6, "six hunts were killed during the run")
        XCTAssertLessThan(progress, 1000, "the hunts were killed before the budget was done")
        // One more hunt finishes what the killed ones held: their trials are released at once (same host, dead pid).
        let last = try startHunts(1, workers: 4, trials: 1000, name: "storm", url: url)
        finish(last, timeout: 120)
        try await checkExactly(1000, completedIn: "storm", url: url)
        print("8 hunts on PostgreSQL, \(killed) killed, 1000 trials: \(Date().timeIntervalSince(started)) s")
        hunts.removeAll()
    }

    func testTheAlgorithmLockOfAKilledHolderIsReleased() async throws {
        guard let tool = ProcessRunner.executable("orion-storage-stress") else {
            throw XCTSkip("orion-storage-stress is not built; run `swift build --build-tests` first")
        }
        let url = try schemas.freshURL()
        let storage = try PostgresStorage(url: url)
        defer { Task { try? await storage.close() } }
        let experiment = Experiment(
            name: "locked",
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        try await storage.createExperiment(experiment)
        let holder = try ProcessRunner.start(
            [tool, "lock", "--db", url, "--experiment", experiment.id, "--seconds", "600"],
            outputPrefix: directory + "/holder"
        )
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, holder.isRunning,
            (try? String(contentsOfFile: directory + "/holder.out", encoding: .utf8))?.contains("locked") != true
        {
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTAssertTrue(
            holder.isRunning,
            "the holder runs: \(String(describing: try? String(contentsOfFile: directory + "/holder.err", encoding: .utf8)))"
        )
        do {
            _ = try await storage.withAlgorithmLock(of: experiment.id, timeout: .milliseconds(300)) { _ in
                AlgorithmUpdate(state: nil, newTrials: [], output: ())
            }
            XCTFail("the lock was free while another process held it")
        } catch let error as StorageError {
            XCTAssertEqual(error.code, .lockTimeout, "\(error)")
        }
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let before = Date()
        let got = try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { snapshot in
            AlgorithmUpdate(state: Data("after".utf8), newTrials: [], output: snapshot.stateVersion)
        }
        XCTAssertEqual(got, 0)
        XCTAssertLessThan(Date().timeIntervalSince(before), 5, "the server let go of the dead holder's lock at once")
    }
}

/// Writes a line to stderr at once (the test's stdout is buffered).
func trace(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// `XCTUnwrap` for an optional computed asynchronously.
func XCTUnwrapAsync<T>(_ value: T?, file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    try XCTUnwrap(value, file: file, line: line)
}
