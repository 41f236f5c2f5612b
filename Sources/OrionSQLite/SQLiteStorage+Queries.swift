import Foundation
import GRDB
import OrionCore

// Every SQL statement of the SQLite backend.
extension SQLiteStorage {
    static let reservable = "('new', 'interrupted', 'suspended')"

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity",
            negativeInfinity: "-Infinity",
            nan: "NaN"
        )
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity",
            negativeInfinity: "-Infinity",
            nan: "NaN"
        )
        return decoder
    }

    // MARK: Experiments

    /// Stores a new experiment.
    public func createExperiment(_ experiment: Experiment) async throws {
        let document = try Self.encoder().encode(experiment)
        do {
            _ = try await write("cannot store experiment '\(experiment.name)'") { db in
                try db.execute(
                    sql: "INSERT INTO experiments (id, name, version, document) VALUES (?, ?, ?, ?)",
                    arguments: [experiment.id, experiment.name, experiment.version, document]
                )
                try db.execute(sql: "INSERT INTO algorithms (experiment_id) VALUES (?)", arguments: [experiment.id])
                return true
            }
        } catch let error as StorageError {
            if let underlying = error.underlying as? DatabaseError, underlying.resultCode == .SQLITE_CONSTRAINT {
                throw StorageError(
                    .duplicate,
                    "experiment '\(experiment.name)' version \(experiment.version) exists already",
                    underlying: underlying
                )
            }
            throw error
        }
    }

    /// The experiment with this name and version, or its latest version.
    public func experiment(named name: String, version: Int?) async throws -> Experiment? {
        let data = try await read("cannot read experiment '\(name)'") { db -> Data? in
            if let version {
                return try Data.fetchOne(
                    db,
                    sql: "SELECT document FROM experiments WHERE name = ? AND version = ?",
                    arguments: [name, version]
                )
            }
            return try Data.fetchOne(
                db,
                sql: "SELECT document FROM experiments WHERE name = ? ORDER BY version DESC LIMIT 1",
                arguments: [name]
            )
        }
        return try data.map { try Self.decoder().decode(Experiment.self, from: $0) }
    }

    /// The experiment with this id.
    public func experiment(id: String) async throws -> Experiment? {
        let data = try await read("cannot read experiment \(id)") { db in
            try Data.fetchOne(db, sql: "SELECT document FROM experiments WHERE id = ?", arguments: [id])
        }
        return try data.map { try Self.decoder().decode(Experiment.self, from: $0) }
    }

    /// Every experiment, by name then version.
    public func experiments() async throws -> [Experiment] {
        let rows = try await read("cannot list experiments") { db in
            try Data.fetchAll(db, sql: "SELECT document FROM experiments ORDER BY name, version")
        }
        let decoder = Self.decoder()
        return try rows.map { try decoder.decode(Experiment.self, from: $0) }
    }

    /// Replaces a stored experiment's document.
    public func updateExperiment(_ experiment: Experiment) async throws {
        let document = try Self.encoder().encode(experiment)
        let changed = try await write("cannot update experiment '\(experiment.name)'") { db in
            try db.execute(
                sql: "UPDATE experiments SET name = ?, version = ?, document = ? WHERE id = ?",
                arguments: [experiment.name, experiment.version, document, experiment.id]
            )
            return db.changesCount
        }
        guard changed > 0 else { throw StorageError(.notFound, "no experiment with id \(experiment.id) in \(path)") }
    }

    /// Deletes an experiment with its trials and algorithm state.
    public func deleteExperiment(id: String) async throws {
        _ = try await write("cannot delete experiment \(id)") { db in
            try db.execute(sql: "DELETE FROM trials WHERE experiment_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM algorithms WHERE experiment_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM experiments WHERE id = ?", arguments: [id])
            return true
        }
    }

    // MARK: Trials

    /// Bumps and returns the experiment's revision counter (inside a write transaction).
    static func nextRevision(_ db: Database, _ experimentID: String) throws -> Int {
        try db.execute(sql: "UPDATE experiments SET revision = revision + 1 WHERE id = ?", arguments: [experimentID])
        guard db.changesCount > 0 else { throw StorageError(.notFound, "no experiment with id \(experimentID)") }
        return try Int.fetchOne(db, sql: "SELECT revision FROM experiments WHERE id = ?", arguments: [experimentID])
            ?? 0
    }

    static func insert(_ trials: [Trial], _ db: Database, encoder: JSONEncoder) throws -> [Trial] {
        var inserted: [Trial] = []
        for trial in trials {
            let revision = try nextRevision(db, trial.experimentID)
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO trials
                        (experiment_id, id, status, revision, submit_time, heartbeat, document)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    trial.experimentID, trial.id, trial.status.rawValue, revision,
                    trial.submitTime.timeIntervalSince1970, trial.heartbeat?.timeIntervalSince1970,
                    try encoder.encode(trial),
                ]
            )
            if db.changesCount > 0 { inserted.append(trial) }
        }
        return inserted
    }

    /// Stores new trials, skipping ids the experiment has already.
    @discardableResult
    public func registerTrials(_ trials: [Trial]) async throws -> [Trial] {
        guard !trials.isEmpty else { return [] }
        return try await write("cannot register trials") { db in try Self.insert(trials, db, encoder: Self.encoder()) }
    }

    /// Decodes a trial row; the `status` and `heartbeat` columns are authoritative.
    static func trial(from row: Row, decoder: JSONDecoder) throws -> Trial {
        var trial = try decoder.decode(Trial.self, from: row["document"] as Data)
        if let status = TrialStatus(rawValue: row["status"]) { trial.status = status }
        let heartbeat: Double? = row["heartbeat"]
        trial.heartbeat = heartbeat.map(Date.init(timeIntervalSince1970:))
        return trial
    }

    /// Atomically reserves the oldest reservable trial.
    public func reserveTrial(of experimentID: String, worker: String, at now: Date) async throws -> Trial? {
        try await write("cannot reserve a trial") { db -> Trial? in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT rowid, status, heartbeat, document FROM trials
                        WHERE experiment_id = ? AND status IN \(Self.reservable)
                        ORDER BY submit_time, rowid LIMIT 1
                        """,
                    arguments: [experimentID]
                )
            else { return nil }
            var trial = try Self.trial(from: row, decoder: Self.decoder())
            trial.status = .reserved
            trial.startTime = now
            trial.heartbeat = now
            trial.worker = worker
            let revision = try Self.nextRevision(db, experimentID)
            try db.execute(
                sql: "UPDATE trials SET status = 'reserved', revision = ?, heartbeat = ?, document = ? WHERE rowid = ?",
                arguments: [revision, now.timeIntervalSince1970, try Self.encoder().encode(trial), row["rowid"] as Int64]
            )
            return trial
        }
    }

    /// Writes `trial` if its stored status is still `expected`.
    public func updateTrial(_ trial: Trial, expecting expected: TrialStatus) async throws -> Bool {
        let document = try Self.encoder().encode(trial)
        return try await write("cannot update trial \(trial.id)") { db in
            let status = try String.fetchOne(
                db,
                sql: "SELECT status FROM trials WHERE experiment_id = ? AND id = ?",
                arguments: [trial.experimentID, trial.id]
            )
            guard status == expected.rawValue else { return false }
            let revision = try Self.nextRevision(db, trial.experimentID)
            try db.execute(
                sql: """
                    UPDATE trials SET status = ?, revision = ?, heartbeat = ?, document = ?
                    WHERE experiment_id = ? AND id = ?
                    """,
                arguments: [
                    trial.status.rawValue, revision, trial.heartbeat?.timeIntervalSince1970, document,
                    trial.experimentID, trial.id,
                ]
            )
            return true
        }
    }

    /// Refreshes the heartbeat of a reserved trial.
    public func heartbeat(trialID: String, of experimentID: String, at now: Date) async throws -> Bool {
        try await write("cannot refresh the heartbeat of trial \(trialID)") { db in
            try db.execute(
                sql: "UPDATE trials SET heartbeat = ? WHERE experiment_id = ? AND id = ? AND status = 'reserved'",
                arguments: [now.timeIntervalSince1970, experimentID, trialID]
            )
            return db.changesCount > 0
        }
    }

    /// One trial by id.
    public func trial(id: String, of experimentID: String) async throws -> Trial? {
        try await read("cannot read trial \(id)") { db in
            try Row.fetchOne(
                db,
                sql: "SELECT status, heartbeat, document FROM trials WHERE experiment_id = ? AND id = ?",
                arguments: [experimentID, id]
            ).map { try Self.trial(from: $0, decoder: Self.decoder()) }
        }
    }

    /// Trials with one of `statuses`, in submission order.
    public func trials(of experimentID: String, status statuses: [TrialStatus]?) async throws -> [Trial] {
        try await read("cannot read trials") { db in
            var sql = "SELECT status, heartbeat, document FROM trials WHERE experiment_id = ?"
            var arguments: StatementArguments = [experimentID]
            if let statuses {
                guard !statuses.isEmpty else { return [Trial]() }
                sql += " AND status IN (" + statuses.map { _ in "?" }.joined(separator: ", ") + ")"
                for status in statuses { arguments += [status.rawValue] }
            }
            let decoder = Self.decoder()
            return try Row.fetchAll(db, sql: sql + " ORDER BY submit_time, rowid", arguments: arguments)
                .map { try Self.trial(from: $0, decoder: decoder) }
        }
    }

    static func counts(_ db: Database, _ experimentID: String) throws -> [TrialStatus: Int] {
        var counts: [TrialStatus: Int] = [:]
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT status, COUNT(*) AS n FROM trials WHERE experiment_id = ? GROUP BY status",
            arguments: [experimentID]
        )
        for row in rows {
            if let status = TrialStatus(rawValue: row["status"]) { counts[status] = row["n"] }
        }
        return counts
    }

    /// Trials by status.
    public func countTrials(of experimentID: String) async throws -> [TrialStatus: Int] {
        try await read("cannot count trials") { db in try Self.counts(db, experimentID) }
    }

    /// Turns reserved trials whose heartbeat is older than `heartbeatBefore` into interrupted ones.
    @discardableResult
    public func releaseLostTrials(of experimentID: String, heartbeatBefore: Date) async throws -> Int {
        try await write("cannot release lost trials") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT rowid, status, heartbeat, document FROM trials
                    WHERE experiment_id = ? AND status = 'reserved' AND (heartbeat IS NULL OR heartbeat < ?)
                    """,
                arguments: [experimentID, heartbeatBefore.timeIntervalSince1970]
            )
            let decoder = Self.decoder()
            let encoder = Self.encoder()
            for row in rows {
                var trial = try Self.trial(from: row, decoder: decoder)
                trial.status = .interrupted
                let revision = try Self.nextRevision(db, experimentID)
                try db.execute(
                    sql: "UPDATE trials SET status = 'interrupted', revision = ?, document = ? WHERE rowid = ?",
                    arguments: [revision, try encoder.encode(trial), row["rowid"] as Int64]
                )
            }
            return rows.count
        }
    }

    // MARK: Algorithm lock

    /// Runs `body` holding the database's write lock, then stores its state and trials in the same transaction.
    public func withAlgorithmLock<Output: Sendable>(
        of experimentID: String,
        timeout: Duration,
        _ body: @Sendable (AlgorithmSnapshot) throws -> AlgorithmUpdate<Output>
    ) async throws -> Output {
        try await withoutActuallyEscaping(body) { body in
            let box = UncheckedBody(body: body)
            return try await write("cannot produce trials") { db -> Output in
                guard
                    let lock = try Row.fetchOne(
                        db,
                        sql: "SELECT state, state_version, observed_revision FROM algorithms WHERE experiment_id = ?",
                        arguments: [experimentID]
                    )
                else { throw StorageError(.notFound, "no algorithm state for experiment \(experimentID)") }
                let state: Data? = lock["state"]
                let observed: Int = state == nil ? 0 : lock["observed_revision"]
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT status, heartbeat, document FROM trials
                        WHERE experiment_id = ? AND revision > ? ORDER BY revision
                        """,
                    arguments: [experimentID, observed]
                )
                let decoder = Self.decoder()
                let snapshot = AlgorithmSnapshot(
                    state: state,
                    stateVersion: lock["state_version"],
                    changedTrials: try rows.map { try Self.trial(from: $0, decoder: decoder) },
                    counts: try Self.counts(db, experimentID)
                )
                let update = try box.body(snapshot)
                _ = try Self.insert(update.newTrials, db, encoder: Self.encoder())
                let revision =
                    try Int.fetchOne(db, sql: "SELECT revision FROM experiments WHERE id = ?", arguments: [experimentID])
                    ?? 0
                if let newState = update.state {
                    try db.execute(
                        sql: """
                            UPDATE algorithms SET state = ?, state_version = state_version + 1, observed_revision = ?
                            WHERE experiment_id = ?
                            """,
                        arguments: [newState, revision, experimentID]
                    )
                } else {
                    try db.execute(
                        sql: "UPDATE algorithms SET observed_revision = ? WHERE experiment_id = ?",
                        arguments: [revision, experimentID]
                    )
                }
                return update.output
            }
        }
    }

    /// Forgets the algorithm's state so the next holder observes every trial.
    public func resetAlgorithm(of experimentID: String) async throws {
        _ = try await write("cannot reset the algorithm") { db in
            try db.execute(
                sql: "UPDATE algorithms SET state = NULL, observed_revision = 0 WHERE experiment_id = ?",
                arguments: [experimentID]
            )
            return true
        }
    }
}

/// Carries the non-escaping body into GRDB's escaping write closure; `withoutActuallyEscaping` guarantees it does
/// not outlive the call.
private struct UncheckedBody<Output: Sendable>: @unchecked Sendable {
    let body: (AlgorithmSnapshot) throws -> AlgorithmUpdate<Output>
}
