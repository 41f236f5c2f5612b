import Foundation
import Logging
import OrionCore
import OrionTesting
import Synchronization
import XCTest

@testable import OrionPostgres

/// The PostgreSQL server of the tests, from `ORION_TEST_POSTGRES_URL` (set by `scripts/test`, which starts one with
/// `scripts/services/postgres.sh`); each test works in schemas of its own, dropped at the end.
class PostgresTestCase: XCTestCase {
    /// The schemas made by this test, dropped by `tearDown`.
    let schemas = Schemas()

    /// The server's URL, or a skip that says why there is none.
    static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["ORION_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw XCTSkip(
                "no PostgreSQL server: ORION_TEST_POSTGRES_URL is not set (scripts/test sets it after starting one "
                    + "with scripts/services/postgres.sh, which needs Debian's postgresql, or root to install it)"
            )
        }
        return url
    }

    override func tearDown() async throws {
        await schemas.dropAll()
    }
}

/// Fresh schemas on the test server, remembered so that they can all be dropped.
final class Schemas: Sendable {
    private let made = Mutex<[String]>([])

    /// A URL for a new, empty schema on the server (`options` appended, e.g. `pool_size=2`).
    func freshURL(_ options: String = "", prefix: String = "t_") throws -> String {
        let schema = prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let url = try PostgresTestCase.serverURL() + "?schema=\(schema)" + (options.isEmpty ? "" : "&" + options)
        made.withLock { $0.append(url) }
        return url
    }

    /// Drops every schema made so far.
    func dropAll() async {
        let urls = made.withLock { urls in
            defer { urls = [] }
            return urls
        }
        for url in urls {
            guard let storage = try? PostgresStorage(url: url) else { continue }
            try? await storage.dropSchema()
            try? await storage.close()
        }
    }
}

final class PostgresStorageTests: PostgresTestCase {
    // MARK: Conformance

    func testConformance() async throws {
        _ = try Self.serverURL()
        let schemas = schemas
        try await StorageConformance(
            makeStorage: { try PostgresStorage(url: try schemas.freshURL()) },
            reopen: { storage in
                guard let storage = storage as? PostgresStorage else { throw CancellationError() }
                return PostgresStorage(address: storage.address)
            }
        ).runEveryCheck()
    }

    /// A schema named with capitals (`?schema=Team_A`) is created and used under that exact name: the connection's
    /// search path quotes it as `CREATE SCHEMA` does, where it used to fold it to lower case and find no schema.
    /// A request that waits for a pool whose every connection is busy (here the one connection of `pool_size=1`,
    /// holding the algorithm lock for a long suggestion) is not taken for one waiting on a pool stuck after an
    /// outage: the server has the pool's connection, so the pool is kept and the lock's holder is not cut off.
    func testABusyPoolIsNotReplaced() async throws {
        let storage = try PostgresStorage(url: try schemas.freshURL("pool_size=1"))
        defer { Task { try? await storage.close() } }
        let experiment = Experiment(
            name: "busy",
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        try await storage.createExperiment(experiment)
        let pool = storage.client
        let bodies = Mutex(0)
        let holder = Task {
            try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(30)) { _ in
                bodies.withLock { $0 += 1 }
                // Longer than the pool's patience and several probes.
                Thread.sleep(forTimeInterval: 4)
                return AlgorithmUpdate(state: nil, newTrials: [], output: ())
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        let counts = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(counts.values.reduce(0, +), 0)
        try await holder.value
        XCTAssertEqual(bodies.withLock { $0 }, 1, "the lock's holder ran once, not cut off and retried")
        XCTAssertTrue(storage.client === pool, "the busy pool was kept")
    }

    /// A table locked by another session holds a request: after 10 s the storage says what it waits for (hAW's
    /// probe: `orion status` and the hunts waited a minute's lock in silence), and the request then completes.
    func testARequestHeldByALockedTableSaysSo() async throws {
        let url = try schemas.freshURL()
        let notes = Mutex<[String]>([])
        let storage = try PostgresStorage(url: url) { note in notes.withLock { $0.append(note) } }
        let locker = try PostgresStorage(url: url)
        defer {
            Task {
                try? await storage.close()
                try? await locker.close()
            }
        }
        let experiment = Experiment(
            name: "locked",
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        try await storage.createExperiment(experiment)
        let holder = Task {
            try await locker.withConnection("lock") { connection, _ in
                let logger = Logger(label: "test")
                try await connection.query("BEGIN", logger: logger)
                try await connection.query("LOCK TABLE trials IN ACCESS EXCLUSIVE MODE", logger: logger)
                try await connection.query("SELECT pg_sleep(11)", logger: logger)
                try await connection.query("COMMIT", logger: logger)
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        let trials = try await storage.trials(of: experiment.id, status: nil)
        XCTAssertEqual(trials, [])
        try await holder.value
        let said = notes.withLock { $0 }
        XCTAssertEqual(said.count, 1, "\(said)")
        XCTAssertTrue(said.first?.contains("to answer (10 s so far): a table may be locked") == true, "\(said)")
    }

    func testASchemaWithCapitalsIsUsedUnderItsOwnName() async throws {
        let url = try schemas.freshURL(prefix: "T_Mixed_")
        let storage = try PostgresStorage(url: url)
        let experiment = Experiment(
            name: "capitals",
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        try await storage.createExperiment(experiment)
        try await storage.close()
        let reopened = try PostgresStorage(url: url)
        let names = try await reopened.experiments().map(\.name)
        try await reopened.close()
        XCTAssertEqual(names, ["capitals"])
    }

    /// A storage that only reads (`create: false`, what `orion status`, `list`, `info` and `plot` open) finds a
    /// mistyped schema missing instead of creating it and reporting it empty; the schema is still not there after.
    func testAStorageThatOnlyReadsDoesNotCreateAMissingSchema() async throws {
        let url = try schemas.freshURL(prefix: "T_Absent_")
        for _ in 0..<2 {
            let reader = try PostgresStorage(url: url, create: false)
            do {
                _ = try await reader.experiments()
                XCTFail("a missing schema must be an error")
            } catch let error as StorageError {
                XCTAssertEqual(error.code, .notFound)
                XCTAssertTrue(error.message.contains("no schema 'T_Absent_"), error.message)
                XCTAssertTrue(error.message.contains("case-sensitive"), error.message)
            }
            try await reader.close()
        }
        let writer = try PostgresStorage(url: url)
        try await writer.createExperiment(
            Experiment(name: "now", space: try Space(priors: ["/x": "uniform(0, 1)"]), algorithm: .init(name: "random"))
        )
        try await writer.close()
        let reader = try PostgresStorage(url: url, create: false)
        let names = try await reader.experiments().map(\.name)
        try await reader.close()
        XCTAssertEqual(names, ["now"])
    }

    // MARK: Clocks

    /// Workers on machines whose clocks are off by 10 minutes, either way, judge each other's liveness on the
    /// server's clock: neither releases the other's running trial as lost, and each reads heartbeats in its own time.
    func testWorkersWhoseClocksDisagreeDoNotReleaseEachOthersRunningTrials() async throws {
        let address = try PostgresAddress(url: try schemas.freshURL())
        let behind = PostgresStorage(address: address, localClock: { Date().addingTimeInterval(-600) })
        let ahead = PostgresStorage(address: address, localClock: { Date().addingTimeInterval(600) })
        let onTime = PostgresStorage(address: address)
        defer {
            Task {
                try? await behind.close(); try? await ahead.close(); try? await onTime.close()
            }
        }
        let experiment = Experiment(
            id: Experiment.makeID(),
            name: "clocks",
            version: 1,
            space: try Space(priors: ["/x": "randint(0, 100)"]),
            algorithm: AlgorithmConfig(name: "random", options: ["seed": .int(1)]),
            maxTrials: 10,
            metadata: ExperimentMetadata(user: "test", datetime: Date(), userArgs: ["x"])
        )
        try await onTime.createExperiment(experiment)
        try await onTime.registerTrials(
            (0..<2).map {
                Trial(experimentID: experiment.id, params: [Trial.Param(name: "/x", type: .integer, value: .int($0))])
            }
        )

        let slowReservation = try await behind.reserveTrial(
            of: experiment.id,
            worker: "slow:1",
            at: behind.localClock()
        )
        let fastReservation = try await ahead.reserveTrial(of: experiment.id, worker: "fast:1", at: ahead.localClock())
        let slow = try XCTUnwrap(slowReservation)
        let fast = try XCTUnwrap(fastReservation)
        XCTAssertEqual(behind.serverAhead, 600, accuracy: 1)
        XCTAssertEqual(ahead.serverAhead, -600, accuracy: 1)
        let beat = try await behind.heartbeat(
            trialID: slow.trial.id,
            of: experiment.id,
            holding: slow.token,
            at: behind.localClock()
        )
        XCTAssertTrue(beat)

        // Each worker's idle check releases what has not beaten for the heartbeat (120 s) by its own clock.
        for storage in [onTime, behind, ahead] {
            let released = try await storage.releaseLostTrials(
                of: experiment.id,
                heartbeatBefore: storage.localClock().addingTimeInterval(-120)
            )
            XCTAssertEqual(released, 0, "a worker released running trials of workers whose clocks differ from its own")
        }
        for storage in [onTime, behind, ahead] {
            let reservations = try await storage.reservations(of: experiment.id)
            XCTAssertEqual(Set(reservations.map(\.trial.id)), [slow.trial.id, fast.trial.id])
            for reservation in reservations {
                let age = storage.localClock().timeIntervalSince(try XCTUnwrap(reservation.trial.heartbeat))
                XCTAssertEqual(age, 0, accuracy: 30, "a heartbeat is read in the reader's own time")
            }
        }
        // A trial that stops beating is still released, by any of them, once the heartbeat has passed.
        let released = try await ahead.releaseLostTrials(
            of: experiment.id,
            heartbeatBefore: ahead.localClock().addingTimeInterval(150)
        )
        XCTAssertEqual(released, 2)
    }
}
