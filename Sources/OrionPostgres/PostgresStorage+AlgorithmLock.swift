import Foundation
import OrionCore
import PostgresNIO
import Synchronization

extension PostgresStorage {
    /// Runs `body` while holding the experiment's algorithm lock, a row lock on its `algorithm_states` row
    /// (`SELECT … FOR UPDATE`), then stores its state and trials in the same transaction.
    ///
    /// The lock belongs to the transaction: if the holder's process dies or its connection drops, the server rolls
    /// the transaction back and the lock is free. The snapshot's `changedTrials` are the trials whose revision is
    /// above the revision the stored state observed, read with that revision in one statement (one snapshot of the
    /// database); the trials `body` registers with a new state are stamped with that revision, so the state that
    /// produced them is not told about them again. If `body` throws, nothing is written and its error is rethrown.
    ///
    /// - Parameters:
    ///   - experimentID: the experiment.
    ///   - timeout: how long to wait for another worker holding the lock (PostgreSQL's `lock_timeout`).
    ///   - body: a pure function of the snapshot; its `existingTrials` asks the server, on the lock's connection.
    /// - Returns: `body`'s output.
    /// - Throws: `StorageError` `.lockTimeout` after `timeout`, `.notFound` when the experiment does not exist, and
    ///   whatever `body` throws.
    public func withAlgorithmLock<Output: Sendable>(
        of experimentID: String,
        timeout: Duration,
        _ body: @Sendable (AlgorithmSnapshot) throws -> AlgorithmUpdate<Output>
    ) async throws -> Output {
        let milliseconds = max(1, Int64((timeout.seconds * 1000).rounded(.up)))
        let decoder = Self.makeDecoder()
        let operationTimeout = address.operationTimeout
        do {
            try await migrate()
            // `pooled` runs its closure in a child task that ends before it returns: `body` does not outlive this
            // call.
            return try await withoutActuallyEscaping(body) { body in
                try await retrying("cannot produce trials for experiment \(experimentID)") { [self] _ in
                    try await pooled { [self] connection in
                        // Two watched steps on one connection, in one transaction: take the lock and read the
                        // snapshot, then (after `body`, run between them in this task: it is synchronous) store the
                        // update.
                        do {
                            let read = try await Self.watching(connection, timeout: operationTimeout) { [self] in
                                try await connection.query("BEGIN", logger: logger)
                                return try await readSnapshot(
                                    of: experimentID,
                                    lockTimeout: milliseconds,
                                    connection,
                                    decoder: decoder
                                )
                            }
                            let lookupLogger = logger
                            let snapshot = AlgorithmSnapshot(
                                state: read.state,
                                stateVersion: read.stateVersion,
                                changedTrials: read.changed,
                                counts: read.counts,
                                existingTrials: TrialIndex { ids in
                                    // `body` is synchronous: wait for the server on this thread (the connection's event
                                    // loop runs elsewhere), on the lock's connection, which only this body uses meanwhile.
                                    let result = try Self.waitForAnswer(
                                        connection.query(
                                            """
                                            SELECT id FROM trials WHERE experiment_id = \(experimentID) AND id = ANY(\(ids))
                                            """,
                                            logger: lookupLogger
                                        ),
                                        on: connection
                                    )
                                    return Set(try result.rows.map { try $0.decode(String.self) })
                                }
                            )
                            let update: AlgorithmUpdate<Output>
                            do {
                                update = try body(snapshot)
                            } catch let error as StorageError where error.isTransient {
                                throw error
                            } catch {
                                throw ForeignError(error: error)
                            }
                            let encoder = Self.makeEncoder()
                            let columns = try update.newTrials.map {
                                try PostgresQueries.TrialColumns($0, encoder: encoder)
                            }
                            let revision = read.revision
                            let stamp = update.state == nil ? nil : (experimentID, revision)
                            let newState = update.state
                            try await Self.watching(connection, timeout: operationTimeout) { [self] in
                                _ = try await Self.insert(
                                    columns,
                                    connection,
                                    logger: logger,
                                    stampingWith: stamp,
                                    serverAhead: serverAhead
                                )
                                if let newState {
                                    try await connection.query(
                                        """
                                        UPDATE algorithm_states
                                        SET state = \(newState), state_version = state_version + 1,
                                            observed_revision = \(revision)
                                        WHERE experiment_id = \(experimentID)
                                        """,
                                        logger: logger
                                    )
                                }
                                try await connection.query("COMMIT", logger: logger)
                            }
                            return update.output
                        } catch {
                            // On a closed connection the server has rolled back already, and the query might never
                            // answer.
                            if !connection.isClosed {
                                _ = try? await Self.watching(connection, timeout: operationTimeout) { [self] in
                                    try await connection.query("ROLLBACK", logger: logger)
                                }
                            }
                            throw error
                        }
                    }
                }
            }
        } catch let error as StorageError where error.code == .lockTimeout {
            throw StorageError(
                .lockTimeout,
                "the algorithm lock of experiment \(experimentID) in \(address.description) was held by another "
                    + "worker for more than \(timeout); retry later, or look for a stuck worker",
                underlying: error.underlying
            )
        }
    }

    /// What the algorithm lock's holder reads under the lock: the stored state, the trials changed since the state
    /// last observed them, the revision they were read at, and the counts.
    struct LockedRead: Sendable {
        var state: Data?
        var stateVersion: Int
        var changed: [Trial]
        var revision: Int64
        var counts: [TrialStatus: Int]
    }

    /// The stored state and the trials changed since it was saved, in one read-only transaction: the lock is not
    /// taken, nothing is written.
    public func storedAlgorithmState(of experimentID: String) async throws -> StoredAlgorithmState? {
        let decoder = Self.makeDecoder()
        return try await withConnection("cannot read the algorithm state of experiment \(experimentID)") {
            [self] connection, _ in
            // REPEATABLE READ: the state and the changed trials from one snapshot of the database.
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let read = try await readSnapshot(
                    of: experimentID,
                    lockTimeout: nil,
                    connection,
                    decoder: decoder,
                    changedWithoutState: false
                )
                try await connection.query("COMMIT", logger: logger)
                return StoredAlgorithmState(state: read.state, changedTrials: read.changed, counts: read.counts)
            } catch let error as StorageError where error.code == .notFound {
                try await connection.query("ROLLBACK", logger: logger)
                return nil
            } catch {
                if !connection.isClosed { _ = try? await connection.query("ROLLBACK", logger: logger) }
                throw error
            }
        }
    }

    /// In the caller's transaction on `connection`: takes the experiment's algorithm lock (waiting at most
    /// `lockTimeout` milliseconds; with `nil`, reads without taking it) and reads the snapshot.
    func readSnapshot(
        of experimentID: String,
        lockTimeout milliseconds: Int64?,
        _ connection: PostgresConnection,
        decoder: JSONDecoder,
        changedWithoutState: Bool = true
    ) async throws -> LockedRead {
        if let milliseconds {
            try await connection.query(
                PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = \(milliseconds)"),
                logger: logger
            )
        }
        let lock = milliseconds == nil ? "" : " FOR UPDATE"
        let states = try await connection.query(
            """
            SELECT state, state_version, observed_revision FROM algorithm_states
            WHERE experiment_id = \(experimentID)\(unescaped: lock)
            """,
            logger: logger
        ).collect()
        guard let stateRow = states.first else {
            throw StorageError(.notFound, "no experiment with id \(experimentID)")
        }
        let (state, stateVersion, observedRevision) = try stateRow.decode((Data?, Int64, Int64).self)
        // Without a state, every trial is changed: those registered at revision 0 by a first state too. A reader
        // (`changedWithoutState` off) has no state to observe them with: none is read.
        let observed: Int64 = state == nil ? (changedWithoutState ? -1 : .max) : observedRevision
        // The revision and the trials changed since `observed`, in one statement: one snapshot.
        var revision: Int64 = 0
        var changed: [Trial] = []
        for row in try await connection.collectedRows(
            """
            SELECT r.revision, \(unescaped: Self.qualifiedTrialColumns) FROM trial_revisions r
            LEFT JOIN trials ON trials.experiment_id = r.experiment_id AND trials.revision > \(observed)
            WHERE r.experiment_id = \(experimentID) ORDER BY trials.revision, trials.seq
            """,
            logger: logger
        ) {
            let columns = row.makeRandomAccess()
            revision = try columns[0].decode(Int64.self)
            guard try columns[1].decode(Int64?.self) != nil else { continue }
            let trialRow = try PostgresQueries.TrialRow(
                sequence: columns[1].decode(Int64.self),
                status: columns[2].decode(String.self),
                startTime: columns[3].decode(Double?.self),
                heartbeat: columns[4].decode(Double?.self),
                worker: columns[5].decode(String?.self),
                token: columns[6].decode(String?.self),
                document: columns[7].decode(String.self)
            )
            changed.append(try trialRow.trial(decoder, serverAhead: serverAhead))
        }
        let counts = try await Self.counters(connection, experimentID: experimentID, logger: logger)
            .mapValues(\.count)
        return LockedRead(
            state: state,
            stateVersion: Int(stateVersion),
            changed: changed,
            revision: revision,
            counts: counts
        )
    }

    /// Blocks this thread until `answer` comes, like `EventLoopFuture.wait()`, but throws as soon as `connection`
    /// closes: a query written to a connection the server just closed may never be answered.
    ///
    /// - Throws: `StorageError`: what the query throws, wrapped (``wrap(_:_:)``); `.backend` (transient) when the
    ///   connection closed first.
    static func waitForAnswer<Value: Sendable>(
        _ answer: EventLoopFuture<Value>,
        on connection: PostgresConnection
    ) throws -> Value {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Value, any Error>?>(nil)
        answer.whenComplete { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        while true {
            let answered = done.wait(timeout: .now() + .milliseconds(100)) == .success
            if let result = outcome.withLock({ $0 }) {
                do {
                    return try result.get()
                } catch {
                    // The caller sees it through the algorithm's code: make it a storage error, transient when the
                    // connection was lost.
                    throw wrap(error, "cannot look up existing trials")
                }
            }
            if !answered, connection.isClosed {
                throw StorageError(
                    .backend,
                    "lost the PostgreSQL server while looking up existing trials (the server closed the connection)",
                    underlying: ConnectionLost(reason: "the server closed the connection")
                )
            }
        }
    }

    /// Forgets the stored algorithm state, so the next holder of the lock observes every trial; the state version
    /// is kept (and keeps increasing).
    public func resetAlgorithm(of experimentID: String) async throws {
        try await withConnection("cannot reset the algorithm of experiment \(experimentID)") { [self] connection, _ in
            _ = try await connection.query(
                "UPDATE algorithm_states SET state = NULL, observed_revision = 0 WHERE experiment_id = \(experimentID)",
                logger: logger
            )
        }
    }
}

extension PostgresQueries.TrialRow {
    /// A row from its columns.
    init(
        sequence: Int64,
        status: String,
        startTime: Double?,
        heartbeat: Double?,
        worker: String?,
        token: String?,
        document: String
    ) {
        self.sequence = sequence
        self.status = status
        self.startTime = startTime
        self.heartbeat = heartbeat
        self.worker = worker
        self.token = token
        self.document = document
    }
}
