import Foundation
import OrionCore
import PostgresNIO

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
        do {
            return try await transaction("cannot produce trials for experiment \(experimentID)") { connection, _ in
                try await connection.query(
                    PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = \(milliseconds)"),
                    logger: logger
                )
                let states = try await connection.query(
                    """
                    SELECT state, state_version, observed_revision FROM algorithm_states
                    WHERE experiment_id = \(experimentID) FOR UPDATE
                    """,
                    logger: logger
                ).collect()
                guard let stateRow = states.first else {
                    throw StorageError(.notFound, "no experiment with id \(experimentID)")
                }
                let (state, stateVersion, observedRevision) = try stateRow.decode((Data?, Int64, Int64).self)
                let observed = state == nil ? 0 : observedRevision
                // The revision and the trials changed since `observed`, in one statement: one snapshot.
                var revision: Int64 = 0
                var changed: [Trial] = []
                for try await row in try await connection.query(
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
                    changed.append(try trialRow.trial(decoder))
                }
                let counts = try await Self.counters(connection, experimentID: experimentID, logger: logger)
                    .mapValues(\.count)
                let lookupLogger = logger
                let snapshot = AlgorithmSnapshot(
                    state: state,
                    stateVersion: Int(stateVersion),
                    changedTrials: changed,
                    counts: counts,
                    existingTrials: TrialIndex { ids in
                        // `body` is synchronous: wait for the server on this thread (the connection's event loop
                        // runs elsewhere), on the lock's connection, which only this body uses meanwhile.
                        let result = try connection.query(
                            "SELECT id FROM trials WHERE experiment_id = \(experimentID) AND id = ANY(\(ids))",
                            logger: lookupLogger
                        ).wait()
                        return Set(try result.rows.map { try $0.decode(String.self) })
                    }
                )
                let update: AlgorithmUpdate<Output>
                do {
                    update = try body(snapshot)
                } catch {
                    throw ForeignError(error: error)
                }
                let encoder = Self.makeEncoder()
                let columns = try update.newTrials.map { try PostgresQueries.TrialColumns($0, encoder: encoder) }
                let stamp = update.state == nil ? nil : (experimentID, revision)
                _ = try await Self.insert(columns, connection, logger: logger, stampingWith: stamp)
                if let newState = update.state {
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
                return update.output
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

    /// Forgets the stored algorithm state, so the next holder of the lock observes every trial; the state version
    /// is kept (and keeps increasing).
    public func resetAlgorithm(of experimentID: String) async throws {
        try await withConnection("cannot reset the algorithm of experiment \(experimentID)") { connection, _ in
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
