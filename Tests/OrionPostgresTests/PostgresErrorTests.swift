import Logging
import OrionCore
import OrionTesting
import PostgresNIO
import Synchronization
import XCTest
import _ConnectionPoolModule

@testable import OrionPostgres

/// What a user reads when the server cannot be used: a sentence that says what to check, not a library's type.
final class PostgresErrorTests: XCTestCase {
    func testAServerThatNeverAnswersIsNamedAsSuch() throws {
        let wrapped = PostgresStorage.wrap(
            ConnectionPoolError.connectionCreationCircuitBreakerTripped,
            "cannot list the experiments in postgresql://postgres@127.0.0.1:1/orion"
        )
        let error = try XCTUnwrap(wrapped as? StorageError)
        XCTAssertEqual(error.code, .backend)
        XCTAssertTrue(error.isTransient)
        XCTAssertEqual(
            error.message,
            "cannot list the experiments in postgresql://postgres@127.0.0.1:1/orion: no connection to the PostgreSQL "
                + "server could be made for a minute (refused, unreachable or not answering); check that it runs and "
                + "the address is right"
        )
    }

    /// A pool replaced once the server answers again says so, instead of asking to check a server that runs (hAW's
    /// probe: "lost the PostgreSQL server (the connection pool waited after the server was back; replaced); check
    /// that it runs").
    func testAPoolReplacedAfterAnOutageSaysTheServerIsBack() throws {
        let wrapped = PostgresStorage.wrap(
            ConnectionLost(reason: "its connection pool, stuck on the outage, was replaced", serverIsBack: true),
            "cannot count the trials"
        )
        let error = try XCTUnwrap(wrapped as? StorageError)
        XCTAssertTrue(error.isTransient)
        XCTAssertEqual(
            error.message,
            "cannot count the trials: the PostgreSQL server was unreachable and answers again (its connection pool,"
                + " stuck on the outage, was replaced); trying again"
        )
    }
}

/// What the storage says when the server refuses every new connection, checked on the test server.
final class PostgresConnectionLimitTests: PostgresTestCase {
    /// Scenario: every connection the server allows is taken (max_connections exhausted by many processes). The
    /// pool gives up after a minute without saying why, and the hunt said "no connection could be made (refused,
    /// unreachable or not answering)": wrong, since the server answers. One direct attempt now gives the server's
    /// answer. A role's CONNECTION LIMIT gives the same refusal (SQLSTATE 53300) without taking all 300 connections
    /// of the shared test server.
    func testARefusalForTooManyConnectionsSaysWhichLimitToLookAt() async throws {
        let admin = try PostgresAddress(url: try Self.serverURL())
        let role = "orion_limited_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()
        let adminConnection = try await connect(admin)
        try await adminConnection.query(
            PostgresQuery(unsafeSQL: "CREATE ROLE \(role) LOGIN CONNECTION LIMIT 1"),
            logger: Logger(label: "test")
        )
        var limited = admin
        limited.user = role
        limited.password = nil
        do {
            let storage = PostgresStorage(address: limited)
            let free = await storage.connectionFailureCause()
            XCTAssertNil(free, "a connection can be made: no cause")

            let held = try await connect(limited)
            let refused = await storage.connectionFailureCause()
            let cause = try XCTUnwrap(refused)
            XCTAssertTrue(cause.hasPrefix("the server refuses new connections (too many connections for role"), cause)
            XCTAssertTrue(cause.contains("every connection it allows is in use"), cause)
            // A storage opened now is tried for its retry_for, then says the same.
            var brief = limited
            brief.retryFor = .seconds(1)
            let full = PostgresStorage(address: brief)
            do {
                _ = try await full.experiments()
                XCTFail("no connection can be made")
            } catch let error as StorageError {
                XCTAssertEqual(error.code, .backend)
                XCTAssertTrue(error.message.contains("every connection it allows is in use"), error.message)
            }
            try await full.close()
            // The note said while it waits gives the server's refusal in words (it gave postgres-nio's raw error).
            var waiting = limited
            waiting.retryFor = .seconds(5)
            let notes = Mutex<[String]>([])
            let patient = PostgresStorage(address: waiting) { note in notes.withLock { $0.append(note) } }
            _ = try? await patient.experiments()
            try await patient.close()
            let note = try XCTUnwrap(notes.withLock { $0.first })
            XCTAssertTrue(note.contains("(the server refuses new connections (too many connections for role"), note)
            XCTAssertTrue(note.contains("every connection it allows is in use"), note)
            XCTAssertFalse(note.contains("PSQLError"), note)
            try await held.close()
            try await storage.close()
        } catch {
            XCTFail("\(error)")
        }
        try await adminConnection.query(PostgresQuery(unsafeSQL: "DROP ROLE \(role)"), logger: Logger(label: "test"))
        try await adminConnection.close()
    }

    /// A role that may read and write Oríon's tables but not create anything (PostgreSQL 15 no longer lets every
    /// role create in schema public) uses a database whose tables another role created; it was refused ("the
    /// database is not as this version of orion expects (permission denied for database …)"), since the schema and
    /// the migrations table were created IF NOT EXISTS, which PostgreSQL checks the right for first. Without the
    /// right to read them, or to create them in a new database, the error says which privilege and how to grant it.
    func testARoleThatMayOnlyReadAndWriteUsesTablesAnotherRoleCreated() async throws {
        try await withRole("LOGIN") { address, owner, grant in
            let schema = address.schema
            let role = address.user
            var brief = address
            brief.retryFor = .seconds(1)
            func refusal(_ address: PostgresAddress) async -> StorageError? {
                let storage = PostgresStorage(address: address)
                defer { Task { try? await storage.close() } }
                do {
                    _ = try await storage.experiments()
                    return nil
                } catch {
                    return error as? StorageError
                }
            }
            // No right on the schema yet: said, with how to grant it.
            let deniedError = await refusal(brief)
            let denied = try XCTUnwrap(deniedError, "the role may not read the schema")
            XCTAssertEqual(denied.code, .invalidAddress)
            XCTAssertTrue(denied.message.contains("may not use it (no USAGE privilege)"), denied.message)
            XCTAssertTrue(denied.message.contains("GRANT USAGE ON SCHEMA \(schema) TO \(role)"), denied.message)
            // A new schema it may not create: the same.
            var fresh = brief
            fresh.schema = "t_new_" + role
            let cannotCreateError = await refusal(fresh)
            let cannotCreate = try XCTUnwrap(cannotCreateError, "the role may not create a schema")
            XCTAssertEqual(cannotCreate.code, .invalidAddress)
            XCTAssertTrue(cannotCreate.message.contains("lacks a privilege"), cannotCreate.message)
            XCTAssertTrue(cannotCreate.message.contains("GRANT CREATE ON SCHEMA public"), cannotCreate.message)

            try await grant()
            let storage = PostgresStorage(address: address)
            let experiment = Experiment(
                name: "dml",
                space: try Space(priors: ["/x": "randint(0, 100)"]),
                algorithm: AlgorithmConfig(name: "random")
            )
            try await storage.createExperiment(experiment)
            try await storage.registerTrials(
                (0..<2).map {
                    Trial(
                        experimentID: experiment.id,
                        params: [Trial.Param(name: "/x", type: .integer, value: .int($0))]
                    )
                }
            )
            let reservation = try await storage.reserveTrial(of: experiment.id, worker: "h:1", at: Date())
            var trial = try XCTUnwrap(reservation).trial
            trial.status = .completed
            trial.results = [TrialResult(name: "o", type: .objective, value: .double(1))]
            let written = try await storage.updateTrial(trial, holding: try XCTUnwrap(reservation).token)
            XCTAssertTrue(written)
            let stored = try await owner.trials(of: experiment.id, status: [.completed])
            XCTAssertEqual(stored.map(\.id), [trial.id])
            try await storage.close()
        }
    }

    /// A request that waits for a connection the server refuses (every connection it allows is in use, here the
    /// role's CONNECTION LIMIT 1 while the process's one connection is busy) says so once, then goes on when the
    /// busy connection is free: a hunt of two workers on a nearly full server stood still 30 s per operation in
    /// silence.
    func testARequestWaitingForAConnectionTheServerRefusesSaysSo() async throws {
        try await withRole("LOGIN CONNECTION LIMIT 1") { address, _, grant in
            try await grant()
            let notes = Mutex<[String]>([])
            let storage = PostgresStorage(address: address) { note in notes.withLock { $0.append(note) } }
            _ = try await storage.experiments()
            let busy = Task {
                try await storage.withConnection("hold") { connection, _ in
                    try await connection.query("SELECT pg_sleep(4)", logger: Logger(label: "test"))
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            let experiments = try await storage.experiments()
            XCTAssertEqual(experiments.count, 0)
            _ = try await busy.value
            // postgres-nio's pool, while a new connection keeps failing, queues every request without looking at the
            // connections it has: one made now waited until the idle connection was closed (a minute). The process
            // goes on with one connection instead.
            for _ in 0..<3 {
                let started = ContinuousClock.now
                _ = try await storage.experiments()
                XCTAssertLessThan(ContinuousClock.now - started, .seconds(3), "a request on an idle connection")
            }
            let said = notes.withLock { $0 }
            XCTAssertEqual(said.count, 1, "\(said)")
            let note = said.first ?? ""
            XCTAssertTrue(note.hasPrefix("waiting for a free connection to the PostgreSQL server at"), note)
            XCTAssertTrue(note.contains("every connection it allows is in use"), note)
            XCTAssertTrue(note.contains("goes on with one connection"), note)
            try await storage.close()
        }
    }

    /// Scenario: a burst of other clients filled the server once, and the hunt went on with one connection
    /// (``testARequestWaitingForAConnectionTheServerRefusesSaysSo``). It kept one connection for the rest of its run,
    /// its workers taking turns, long after the server had room again. The pool now gets its full size back once the
    /// server takes a direct connection, tried after a while (60 s, here 1 s); while the server is still full it
    /// keeps its one connection, and no request waits for the attempt.
    func testAPoolCutToOneConnectionGetsItsSizeBackWhenTheServerHasRoom() async throws {
        try await withRole("LOGIN CONNECTION LIMIT 1") { address, owner, grant in
            try await grant()
            let storage = PostgresStorage(
                address: address,
                localClock: { Date() },
                poolRestoreAfter: .seconds(1),
                onWaiting: { _ in }
            )
            _ = try await storage.experiments()
            let busy = Task {
                try await storage.withConnection("hold") { connection, _ in
                    try await connection.query("SELECT pg_sleep(3)", logger: Logger(label: "test"))
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            _ = try await storage.experiments()
            _ = try await busy.value
            XCTAssertTrue(storage.isNarrowed)

            // Still full (the role's one connection is the pool's): the attempt is refused, the pool stays as it is.
            try await Task.sleep(for: .milliseconds(1200))
            let started = ContinuousClock.now
            _ = try await storage.experiments()
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(1), "a request waited for the attempt")
            try await Task.sleep(for: .milliseconds(500))
            XCTAssertTrue(storage.isNarrowed, "a full-size pool on a full server")

            try await owner.withConnection("raise") { connection, _ in
                try await connection.query(
                    PostgresQuery(unsafeSQL: "ALTER ROLE \(address.user) CONNECTION LIMIT 4"),
                    logger: Logger(label: "test")
                )
            }
            try await Task.sleep(for: .milliseconds(1200))
            _ = try await storage.experiments()
            let deadline = ContinuousClock.now + .seconds(5)
            while storage.isNarrowed, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            XCTAssertFalse(storage.isNarrowed, "the server has room again")

            // Two requests at once run side by side again (on one connection they took turns: 2 s).
            let both = ContinuousClock.now
            async let first: Void = storage.withConnection("first") { connection, _ in
                try await connection.query("SELECT pg_sleep(1)", logger: Logger(label: "test"))
            }
            async let second: Void = storage.withConnection("second") { connection, _ in
                try await connection.query("SELECT pg_sleep(1)", logger: Logger(label: "test"))
            }
            _ = try await (first, second)
            XCTAssertLessThan(ContinuousClock.now - both, .milliseconds(1800), "requests took turns")
            try await storage.close()
        }
    }

    /// A statement cancelled by a `statement_timeout` of the role or the database (SQLSTATE 57014) said "a lock was
    /// held by another worker for too long", with no other worker there; it names the setting now.
    func testAStatementTimeoutIsNamedAsSuch() async throws {
        let connection = try await connect(try PostgresAddress(url: try Self.serverURL()))
        try await connection.query("SET statement_timeout = 50", logger: Logger(label: "test"))
        do {
            for try await _ in try await connection.query("SELECT pg_sleep(1)", logger: Logger(label: "test")) {}
            XCTFail("the statement was not cancelled")
        } catch {
            let wrapped = try XCTUnwrap(PostgresStorage.wrap(error, "cannot list the experiments") as? StorageError)
            XCTAssertTrue(wrapped.message.contains("the PostgreSQL server cancelled the statement"), wrapped.message)
            XCTAssertTrue(wrapped.message.contains("statement_timeout set for this role or database"), wrapped.message)
            XCTAssertFalse(wrapped.message.contains("another worker"), wrapped.message)
        }
        try await connection.close()
    }

    /// Runs `body` with the address of a new role (`CREATE ROLE name options`) on a fresh schema whose tables the
    /// server's own role created (`owner`), and a call that grants the role what reading and writing them needs;
    /// drops the schema and the role afterwards.
    private func withRole(
        _ options: String,
        _ body: (PostgresAddress, PostgresStorage, () async throws -> Void) async throws -> Void
    ) async throws {
        let ownerURL = try schemas.freshURL()
        let owner = try PostgresStorage(url: ownerURL)
        _ = try await owner.experiments()  // creates the schema and its tables
        let schema = try PostgresAddress(url: ownerURL).schema
        let role = "orion_r_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()
        let adminConnection = try await connect(try PostgresAddress(url: try Self.serverURL()))
        func run(_ sql: String) async throws {
            try await adminConnection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test"))
        }
        try await run("CREATE ROLE \(role) \(options)")
        do {
            var address = try PostgresAddress(url: ownerURL)
            address.user = role
            try await body(address, owner) {
                try await run("GRANT USAGE ON SCHEMA \(schema) TO \(role)")
                try await run("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \(schema) TO \(role)")
                try await run("GRANT USAGE ON ALL SEQUENCES IN SCHEMA \(schema) TO \(role)")
            }
        } catch {
            XCTFail("\(error)")
        }
        try await owner.dropSchema()
        try await owner.close()
        try await run("DROP OWNED BY \(role)")
        try await run("DROP ROLE \(role)")
        try await adminConnection.close()
    }

    /// A login the server refuses (a database or a user that does not exist) fails at the first operation as an
    /// invalid address naming the server's reason; the pool used to retry for a minute, then blame the connection.
    func testALoginTheServerRefusesIsAnInvalidAddressAtOnce() async throws {
        let admin = try PostgresAddress(url: try Self.serverURL())
        var missingDatabase = admin
        missingDatabase.database = "orion_missing_database"
        var missingUser = admin
        missingUser.user = "orion_missing_user"
        missingUser.password = nil
        for (address, reason) in [
            (missingDatabase, "database \"orion_missing_database\" does not exist"),
            (missingUser, "role \"orion_missing_user\" does not exist"),
        ] {
            let storage = PostgresStorage(address: address)
            do {
                _ = try await storage.experiments()
                XCTFail("\(address.description) cannot be used")
            } catch let error as StorageError {
                XCTAssertEqual(error.code, .invalidAddress, error.message)
                XCTAssertEqual(
                    error.message,
                    "cannot connect to \(address.description): \(reason); check the user, password and database of "
                        + "the storage address"
                )
            }
            try await storage.close()
        }
    }

    /// A server that cannot be reached is tried for the address's `retry_for`, then named as such, with the cause.
    func testAServerThatCannotBeReachedIsTriedForRetryFor() async throws {
        let port = try LoopbackPort.free()
        let address = try PostgresAddress(url: "postgresql://postgres@127.0.0.1:\(port)/orion?retry_for=1")
        let storage = PostgresStorage(address: address)
        do {
            _ = try await storage.experiments()
            XCTFail("nothing listens on \(port)")
        } catch let error as StorageError {
            XCTAssertEqual(error.code, .backend)
            XCTAssertEqual(
                error.message,
                "cannot connect to \(address.description): no connection to the PostgreSQL server could be made in 1 s "
                    + "(retry_for): connection refused; check that it runs and the address is right"
            )
        }
        try await storage.close()
    }

    /// A first connection that keeps failing is said once, after a few seconds, with the cause and how long it is
    /// tried: `orion list` on a wrong address waited a minute in silence.
    func testWaitingForAServerIsSaidOnce() async throws {
        let port = try LoopbackPort.free()
        let address = try PostgresAddress(url: "postgresql://postgres@127.0.0.1:\(port)/orion?retry_for=4")
        let notes = Mutex<[String]>([])
        let storage = PostgresStorage(address: address) { note in notes.withLock { $0.append(note) } }
        _ = try? await storage.experiments()
        try await storage.close()
        XCTAssertEqual(
            notes.withLock { $0 },
            [
                "waiting for the PostgreSQL server at \(address.description) (connection refused); trying again for up"
                    + " to 4 s (retry_for in the address)"
            ]
        )
        // Within the notice's delay, nothing is said.
        let quick = try PostgresAddress(url: "postgresql://postgres@127.0.0.1:\(port)/orion?retry_for=1")
        let quiet = PostgresStorage(address: quick) { note in notes.withLock { $0.append(note) } }
        _ = try? await quiet.experiments()
        try await quiet.close()
        XCTAssertEqual(notes.withLock { $0.count }, 1)
    }

    private func connect(_ address: PostgresAddress) async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: address.host,
                port: address.port,
                username: address.user,
                password: address.password,
                database: address.database,
                tls: .disable
            ),
            id: 1,
            logger: Logger(label: "test")
        )
    }
}
