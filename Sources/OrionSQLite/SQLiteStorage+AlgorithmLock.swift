import Foundation
import GRDB
import OrionCore

extension SQLiteStorage {
    /// Runs `body` inside one `BEGIN IMMEDIATE` transaction (SQLite's write lock is the algorithm lock), then stores
    /// its state and trials in the same transaction.
    ///
    /// The snapshot's `changedTrials` are the trials whose revision is above the revision the stored state
    /// observed; the trials `body` registers are stamped with the current revision, so the state that produced
    /// them is not told about them again. If `body` throws, the transaction is rolled back. If the process dies,
    /// SQLite releases the lock.
    ///
    /// - Parameters:
    ///   - experimentID: the experiment.
    ///   - timeout: how long to wait for other processes holding the write lock. Callers in this process queue
    ///     on the storage's single writer connection, first come, first served.
    ///   - body: a pure function of the snapshot.
    /// - Returns: `body`'s output.
    /// - Throws: `StorageError` `.lockTimeout` after `timeout`, `.notFound` when the experiment does not exist, and
    ///   whatever `body` throws (then nothing is written).
    public func withAlgorithmLock<Output: Sendable>(
        of experimentID: String,
        timeout: Duration,
        _ body: @Sendable (AlgorithmSnapshot) throws -> AlgorithmUpdate<Output>
    ) async throws -> Output {
        do {
            return try await write("cannot produce trials for experiment \(experimentID)", busyTimeout: timeout) {
                db in
                guard let stored = try Queries.algorithmState(db, experimentID: experimentID),
                    let revision = try Queries.revision(db, experimentID: experimentID)
                else { throw StorageError(.notFound, "no experiment with id \(experimentID)") }
                // Without a state, every trial is changed: those registered at revision 0 by a first state too.
                let observed = stored.state == nil ? -1 : stored.observedRevision
                let decoder = Self.makeDecoder()
                let changed = try Queries.trialsChanged(db, experimentID: experimentID, after: observed)
                    .map { try Self.decodeTrial($0, decoder: decoder) }
                // The index reads through this transaction's connection: `body` runs synchronously inside it, on
                // this thread, and the index is not used once `body` has returned.
                nonisolated(unsafe) let connection = db
                let snapshot = AlgorithmSnapshot(
                    state: stored.state,
                    stateVersion: stored.stateVersion,
                    changedTrials: changed,
                    counts: try Queries.countTrials(db, experimentID: experimentID),
                    existingTrials: TrialIndex { ids in
                        try Queries.existingTrialIDs(connection, experimentID: experimentID, among: ids)
                    }
                )
                let update: AlgorithmUpdate<Output>
                do {
                    update = try body(snapshot)
                } catch {
                    throw ForeignError(error: error)
                }
                let encoder = Self.makeEncoder()
                let columns = try update.newTrials.map { try Queries.TrialColumns($0, encoder: encoder) }
                let stamp = update.state == nil ? nil : (experimentID, revision)
                _ = try Self.insert(columns, db, stampingWith: stamp)
                if let state = update.state {
                    try Queries.saveAlgorithmState(
                        db,
                        experimentID: experimentID,
                        state: state,
                        observedRevision: revision
                    )
                }
                return update.output
            }
        } catch let error as ForeignError {
            throw error.error
        } catch let error as StorageError where error.code == .lockTimeout {
            throw StorageError(
                .lockTimeout,
                "the algorithm lock of experiment \(experimentID) in \(path) was held by another process for more "
                    + "than \(timeout); retry later, or look for a stuck worker",
                underlying: error.underlying
            )
        }
    }

    /// The stored state and the trials changed since it was saved, in one read transaction (no lock, no write).
    public func storedAlgorithmState(of experimentID: String) async throws -> StoredAlgorithmState? {
        try await read("cannot read the algorithm state of experiment \(experimentID)") { db in
            guard let stored = try Queries.algorithmState(db, experimentID: experimentID) else { return nil }
            // Without a state there is nothing to observe the trials with: none is read (a loaded experiment of 60,000
            // trials took 3–4 s per `orion info`, 11 s on PostgreSQL, to read them all and throw them away).
            let decoder = Self.makeDecoder()
            let changed =
                stored.state == nil
                ? []
                : try Queries.trialsChanged(db, experimentID: experimentID, after: stored.observedRevision)
                    .map { try Self.decodeTrial($0, decoder: decoder) }
            return StoredAlgorithmState(
                state: stored.state,
                changedTrials: changed,
                counts: try Queries.countTrials(db, experimentID: experimentID)
            )
        }
    }

    /// Forgets the stored algorithm state, so the next holder of the lock observes every trial.
    ///
    /// The state version is kept (and keeps increasing), so that a worker's cached state never matches a state
    /// saved after the reset.
    public func resetAlgorithm(of experimentID: String) async throws {
        try await write("cannot reset the algorithm of experiment \(experimentID)") { db in
            try Queries.resetAlgorithmState(db, experimentID: experimentID)
        }
    }
}
