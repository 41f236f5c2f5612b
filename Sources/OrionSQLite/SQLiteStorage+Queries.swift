import Foundation
import GRDB
import GRDBSQLite
import OrionCore

/// Every SQL statement of the SQLite backend, schema included.
///
/// Each function runs inside the transaction (or read) its caller opened. Times in columns are Unix seconds
/// (`REAL`), used for ordering and filtering; the JSON documents hold the exact values.
enum Queries {
    // MARK: Schema

    /// Migration `v1-experiments-trials`: experiments, trials and the per-experiment revision counter.
    static let createExperimentsAndTrials = """
        CREATE TABLE experiments (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            document TEXT NOT NULL,
            UNIQUE (name, version)
        );
        CREATE TABLE trials (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            experiment_id TEXT NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            status TEXT NOT NULL,
            submit_time REAL NOT NULL,
            start_time REAL,
            end_time REAL,
            heartbeat REAL,
            worker TEXT,
            revision INTEGER NOT NULL,
            document TEXT NOT NULL,
            UNIQUE (experiment_id, id)
        );
        CREATE INDEX trials_by_status ON trials (experiment_id, status);
        CREATE INDEX trials_by_revision ON trials (experiment_id, revision);
        CREATE INDEX trials_reservable ON trials (experiment_id, submit_time, seq)
            WHERE status IN ('new', 'interrupted', 'suspended');
        CREATE TABLE trial_revisions (
            experiment_id TEXT PRIMARY KEY NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
            revision INTEGER NOT NULL DEFAULT 0
        );
        """

    /// Migration `v1-algorithm-states`: one algorithm state per experiment.
    static let createAlgorithmStates = """
        CREATE TABLE algorithm_states (
            experiment_id TEXT PRIMARY KEY NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
            state BLOB,
            state_version INTEGER NOT NULL DEFAULT 0,
            observed_revision INTEGER NOT NULL DEFAULT 0
        );
        """

    /// Migration `v2-reservation-tokens`: the owner token of each reservation; trials reserved before the
    /// migration get one, so that whoever reclaims them can present it.
    static let addReservationTokens = """
        ALTER TABLE trials ADD COLUMN owner_token TEXT;
        UPDATE trials SET owner_token = lower(hex(randomblob(16))) WHERE status = 'reserved';
        """

    /// The names of the file's tables (SQLite's own excepted).
    static func tableNames(_ db: Database) throws -> Set<String> {
        Set(
            try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        )
    }

    /// Sets the pragmas of every new connection (WAL is set by GRDB's `DatabasePool`).
    static func preparePragmas(_ db: Database) throws {
        try db.execute(sql: "PRAGMA synchronous = NORMAL")
    }

    /// Makes the connection `db` leave the write-ahead log and its index where they are when it closes (SQLite
    /// removes them by name when the last connection to the file closes), for ``SQLiteStorage`` whose file was
    /// replaced.
    static func keepLogWhenClosing(_ db: Database) {
        var persist: Int32 = 1
        _ = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
    }

    /// The stamp in the database header that ties the write-ahead log to this file (``LogStamp``).
    static func logStamp(_ db: Database) throws -> UInt32 {
        UInt32(truncatingIfNeeded: try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA user_version")) ?? 0)
    }

    /// Writes the stamp of ``logStamp(_:)`` (SQLite keeps it as a signed 32-bit number).
    static func setLogStamp(_ db: Database, _ stamp: UInt32) throws {
        try db.execute(sql: "PRAGMA user_version = \(Int32(bitPattern: stamp))")
    }

    /// Writes the stamp a log started from (``LogStamp/startLog(_:)``) in the header's `application_id`.
    static func setLogStart(_ db: Database, _ stamp: UInt32) throws {
        try db.execute(sql: "PRAGMA application_id = \(Int32(bitPattern: stamp))")
    }

    /// Sets how long this connection waits for other processes' locks.
    static func setBusyTimeout(_ db: Database, _ timeout: Duration) throws {
        let milliseconds = max(0, Int((timeout.seconds * 1000).rounded(.up)))
        try db.execute(sql: "PRAGMA busy_timeout = \(milliseconds)")
    }

    // MARK: Experiments

    /// Whether an experiment has this id.
    static func experimentExists(_ db: Database, id: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM experiments WHERE id = ?)"),
            arguments: [id]
        ) ?? false
    }

    /// The id of another experiment than `excluding` with this name and version.
    static func experimentID(_ db: Database, name: String, version: Int, excluding: String) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM experiments WHERE name = ? AND version = ? AND id != ?"),
            arguments: [name, version, excluding]
        )
    }

    /// Inserts an experiment with its revision counter and its (empty) algorithm state.
    static func insertExperiment(_ db: Database, id: String, name: String, version: Int, document: String) throws {
        try db.cachedStatement(sql: "INSERT INTO experiments (id, name, version, document) VALUES (?, ?, ?, ?)")
            .execute(
                arguments: [id, name, version, document]
            )
        try db.cachedStatement(sql: "INSERT INTO trial_revisions (experiment_id) VALUES (?)").execute(arguments: [id])
        try db.cachedStatement(sql: "INSERT INTO algorithm_states (experiment_id) VALUES (?)").execute(arguments: [id])
    }

    /// Replaces an experiment's document; returns whether it exists.
    static func updateExperiment(_ db: Database, id: String, name: String, version: Int, document: String) throws
        -> Bool
    {
        try db.cachedStatement(sql: "UPDATE experiments SET name = ?, version = ?, document = ? WHERE id = ?").execute(
            arguments: [name, version, document, id]
        )
        return db.changesCount > 0
    }

    /// Deletes an experiment, its trials, revision counter and algorithm state.
    static func deleteExperiment(_ db: Database, id: String) throws {
        try db.cachedStatement(sql: "DELETE FROM trials WHERE experiment_id = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM trial_counts WHERE experiment_id = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM algorithm_states WHERE experiment_id = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM trial_revisions WHERE experiment_id = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM experiments WHERE id = ?").execute(arguments: [id])
    }

    /// Deletes an experiment's trials with one of `statuses`; returns how many.
    static func deleteTrials(_ db: Database, experimentID: String, statuses: [TrialStatus]) throws -> Int {
        let marks = Array(repeating: "?", count: statuses.count).joined(separator: ", ")
        try db.execute(
            sql: "DELETE FROM trials WHERE experiment_id = ? AND status IN (\(marks))",
            arguments: StatementArguments([experimentID] + statuses.map(\.rawValue))
        )
        return db.changesCount
    }

    /// The document of the experiment with this id.
    static func experimentDocument(_ db: Database, id: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT document FROM experiments WHERE id = ?"), arguments: [id])
    }

    /// The document of the experiment with this name and version, or of its latest version.
    static func experimentDocument(_ db: Database, name: String, version: Int?) throws -> String? {
        guard let version else {
            return try String.fetchOne(
                db.cachedStatement(
                    sql: "SELECT document FROM experiments WHERE name = ? ORDER BY version DESC LIMIT 1"
                ),
                arguments: [name]
            )
        }
        return try String.fetchOne(
            db.cachedStatement(sql: "SELECT document FROM experiments WHERE name = ? AND version = ?"),
            arguments: [name, version]
        )
    }

    /// Every experiment's document, by name then version.
    static func experimentDocuments(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT document FROM experiments ORDER BY name, version")
    }

    // MARK: Revisions

    /// The experiment's revision counter, or `nil` when the experiment does not exist.
    static func revision(_ db: Database, experimentID: String) throws -> Int? {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT revision FROM trial_revisions WHERE experiment_id = ?"),
            arguments: [experimentID]
        )
    }

    /// Increments the experiment's revision counter and returns the new value.
    static func bumpRevision(_ db: Database, experimentID: String) throws -> Int {
        try db.cachedStatement(sql: "UPDATE trial_revisions SET revision = revision + 1 WHERE experiment_id = ?")
            .execute(
                arguments: [experimentID]
            )
        guard let revision = try revision(db, experimentID: experimentID) else {
            throw StorageError(.notFound, "no experiment with id \(experimentID)")
        }
        return revision
    }

    // MARK: Trials

    /// A trial's columns: the document and the fields that queries filter and sort on.
    typealias TrialColumns = StoredTrialColumns

    /// A row of `trials` as read back: its insertion number, status, owner token and document.
    struct TrialRow: FetchableRecord {
        var sequence: Int64
        var status: String
        var token: String?
        var document: String

        init(row: Row) throws {
            sequence = try row.decode(forColumn: "seq")
            status = try row.decode(forColumn: "status")
            token = try row.decode(forColumn: "owner_token")
            document = try row.decode(forColumn: "document")
        }
    }

    /// Inserts a trial unless its experiment has its id already; returns whether it was inserted.
    ///
    /// A trial registered as reserved gets an owner token.
    static func insertTrial(_ db: Database, _ columns: TrialColumns, revision: Int) throws -> Bool {
        let token = columns.status == TrialStatus.reserved.rawValue ? Reservation.makeToken() : nil
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO trials (experiment_id, id, status, submit_time, start_time, end_time, heartbeat,
                    worker, revision, owner_token, objective, document)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                columns.experimentID, columns.id, columns.status, columns.submitTime, columns.startTime,
                columns.endTime, columns.heartbeat, columns.worker, revision, token, columns.objective,
                columns.document,
            ]
        )
        return db.changesCount > 0
    }

    /// Rewrites the trial at `sequence` with its owner token (`nil` when it is not reserved); a `nil` revision
    /// keeps the stored one.
    static func updateTrial(
        _ db: Database,
        sequence: Int64,
        _ columns: TrialColumns,
        revision: Int?,
        token: String?
    ) throws {
        try db.cachedStatement(
            sql: """
                UPDATE trials SET status = ?, submit_time = ?, start_time = ?, end_time = ?, heartbeat = ?,
                    worker = ?, revision = COALESCE(?, revision), owner_token = ?, objective = ?, document = ?
                WHERE seq = ?
                """
        ).execute(
            arguments: [
                columns.status, columns.submitTime, columns.startTime, columns.endTime, columns.heartbeat,
                columns.worker, revision, token, columns.objective, columns.document, sequence,
            ]
        )
    }

    /// The experiment's `reserved` trials, by submission time then insertion.
    static func reservedTrials(_ db: Database, experimentID: String) throws -> [TrialRow] {
        try TrialRow.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT seq, status, owner_token, document FROM trials INDEXED BY trials_by_status
                    WHERE experiment_id = ? AND status = 'reserved' ORDER BY submit_time, seq
                    """
            ),
            arguments: [experimentID]
        )
    }

    /// Checkpoints the whole write-ahead log into the database file, so that the next write starts the log over
    /// (`RESTART`: the file keeps its size, see ``SQLiteStorage/close()``).
    ///
    /// - Returns: whether the whole log was checkpointed (`false` when another process's reader kept it in use).
    static func checkpoint(_ db: Database) throws -> Bool {
        do {
            try db.checkpoint(.restart)
            return true
        } catch let error as DatabaseError where error.resultCode.primaryResultCode == .SQLITE_BUSY {
            return false
        }
    }

    /// The oldest reservable trial of the experiment (submission time, then insertion).
    static func firstReservableTrial(_ db: Database, experimentID: String) throws -> TrialRow? {
        try TrialRow.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT seq, status, owner_token, document FROM trials INDEXED BY trials_reservable
                    WHERE experiment_id = ? AND status IN ('new', 'interrupted', 'suspended')
                    ORDER BY submit_time, seq LIMIT 1
                    """
            ),
            arguments: [experimentID]
        )
    }

    /// One trial by id.
    static func trial(_ db: Database, experimentID: String, id: String) throws -> TrialRow? {
        try TrialRow.fetchOne(
            db.cachedStatement(
                sql: "SELECT seq, status, owner_token, document FROM trials WHERE experiment_id = ? AND id = ?"
            ),
            arguments: [experimentID, id]
        )
    }

    /// The experiment's trials with one of `statuses` (all when `nil`), by submission time then insertion.
    static func trials(_ db: Database, experimentID: String, statuses: [TrialStatus]?) throws -> [TrialRow] {
        let (sql, arguments) = inSubmissionOrder("seq, status, owner_token, document", experimentID, statuses)
        return try TrialRow.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    /// A query of `columns` of the experiment's trials with one of `statuses` (all when `nil`), by submission time
    /// then insertion.
    private static func inSubmissionOrder(
        _ columns: String,
        _ experimentID: String,
        _ statuses: [TrialStatus]?
    ) -> (sql: String, arguments: StatementArguments) {
        var sql = "SELECT \(columns) FROM trials WHERE experiment_id = ?"
        var arguments: StatementArguments = [experimentID]
        if let statuses {
            sql += " AND status IN (" + statuses.map { _ in "?" }.joined(separator: ", ") + ")"
            arguments += StatementArguments(statuses.map(\.rawValue))
        }
        return (sql + " ORDER BY submit_time, seq", arguments)
    }

    /// The ids of ``trials(_:experimentID:statuses:)``, in the same order.
    static func trialIDs(_ db: Database, experimentID: String, statuses: [TrialStatus]?) throws -> [String] {
        let (sql, arguments) = inSubmissionOrder("id", experimentID, statuses)
        return try String.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    /// The experiment's `reserved` trials whose heartbeat is older than `cutoff` (Unix seconds) or missing.
    static func lostTrials(_ db: Database, experimentID: String, cutoff: Double) throws -> [TrialRow] {
        try TrialRow.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT seq, status, owner_token, document FROM trials
                    WHERE experiment_id = ? AND status = 'reserved' AND (heartbeat IS NULL OR heartbeat < ?)
                    ORDER BY submit_time, seq
                    """
            ),
            arguments: [experimentID, cutoff]
        )
    }

    /// The trials registered or changed after `revision`, in the order of their changes.
    static func trialsChanged(_ db: Database, experimentID: String, after revision: Int) throws -> [TrialRow] {
        try TrialRow.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT seq, status, owner_token, document FROM trials
                    WHERE experiment_id = ? AND revision > ? ORDER BY revision, seq
                    """
            ),
            arguments: [experimentID, revision]
        )
    }

    // MARK: Algorithm states

    /// An experiment's row of `algorithm_states`.
    struct AlgorithmStateRow: FetchableRecord {
        var state: Data?
        var stateVersion: Int
        var observedRevision: Int

        init(row: Row) throws {
            state = try row.decode(forColumn: "state")
            stateVersion = try row.decode(forColumn: "state_version")
            observedRevision = try row.decode(forColumn: "observed_revision")
        }
    }

    /// The experiment's algorithm state.
    static func algorithmState(_ db: Database, experimentID: String) throws -> AlgorithmStateRow? {
        try AlgorithmStateRow.fetchOne(
            db.cachedStatement(
                sql: "SELECT state, state_version, observed_revision FROM algorithm_states WHERE experiment_id = ?"
            ),
            arguments: [experimentID]
        )
    }

    /// Saves a new state, incrementing its version.
    static func saveAlgorithmState(_ db: Database, experimentID: String, state: Data, observedRevision: Int) throws {
        try db.cachedStatement(
            sql: """
                UPDATE algorithm_states SET state = ?, state_version = state_version + 1, observed_revision = ?
                WHERE experiment_id = ?
                """
        ).execute(
            arguments: [state, observedRevision, experimentID]
        )
    }

    /// Forgets the state; its version is kept.
    static func resetAlgorithmState(_ db: Database, experimentID: String) throws {
        try db.cachedStatement(
            sql: "UPDATE algorithm_states SET state = NULL, observed_revision = 0 WHERE experiment_id = ?"
        ).execute(
            arguments: [experimentID]
        )
    }
}

// MARK: Trial pages

extension Queries {
    /// Migration `v4-trial-pages`: for each column a page of trials can be ordered by (besides the status and the
    /// id, which have theirs), an index in that order, ties by insertion, with the status to filter on; choosing a
    /// page walks one of them, never the trials' documents.
    static let addTrialPageIndexes = """
        CREATE INDEX IF NOT EXISTS trials_page_by_submit ON trials (experiment_id, submit_time, seq, status);
        CREATE INDEX IF NOT EXISTS trials_page_by_start ON trials (experiment_id, start_time, seq, status);
        CREATE INDEX IF NOT EXISTS trials_page_by_end ON trials (experiment_id, end_time, seq, status);
        CREATE INDEX IF NOT EXISTS trials_page_by_objective ON trials (experiment_id, objective, seq, status);
        """

    /// The column a page is ordered by, and the index that holds that order (`nil`: the planner's choice).
    static func pageColumn(_ key: TrialPageQuery.SortKey) -> (column: String, index: String?, nullable: Bool) {
        switch key {
        case .submitTime: ("submit_time", "trials_page_by_submit", false)
        case .startTime: ("start_time", "trials_page_by_start", true)
        case .endTime: ("end_time", "trials_page_by_end", true)
        case .objective: ("objective", "trials_page_by_objective", true)
        case .status: ("status", nil, false)
        case .id: ("id", nil, false)
        }
    }

    /// One page of an experiment's trials (missing values last; ties in insertion order, reversed with a
    /// descending order).
    ///
    /// The page's row numbers come from walking an index in the asked order, first over the trials that have a
    /// value, then over those without; then only those rows' documents are read.
    static func trialPage(_ db: Database, experimentID: String, query: TrialPageQuery) throws -> [TrialRow] {
        let (column, index, nullable) = pageColumn(query.sort)
        let direction = query.descending ? "DESC" : "ASC"
        let source = "trials" + (index.map { " INDEXED BY \($0)" } ?? "")
        var filter = "experiment_id = ?"
        var filterArguments: StatementArguments = [experimentID]
        if let statuses = query.statuses {
            filter += " AND status IN (" + statuses.map { _ in "?" }.joined(separator: ", ") + ")"
            filterArguments += StatementArguments(statuses.map(\.rawValue))
        }
        func sequences(_ condition: String, order: String, limit: Int, offset: Int) throws -> [Int64] {
            guard limit > 0 else { return [] }
            return try Int64.fetchAll(
                db.cachedStatement(
                    sql: "SELECT seq FROM \(source) WHERE \(filter)\(condition) ORDER BY \(order) LIMIT ? OFFSET ?"
                ),
                arguments: filterArguments + [limit, offset]
            )
        }
        var page: [Int64]
        if nullable {
            let valued =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM \(source) WHERE \(filter) AND \(column) IS NOT NULL"),
                    arguments: filterArguments
                ) ?? 0
            page = try sequences(
                " AND \(column) IS NOT NULL",
                order: "\(column) \(direction), seq \(direction)",
                limit: query.offset < valued ? query.limit : 0,
                offset: query.offset
            )
            page += try sequences(
                " AND \(column) IS NULL",
                order: "seq \(direction)",
                limit: query.limit - page.count,
                offset: max(0, query.offset - valued)
            )
        } else {
            page = try sequences(
                "",
                order: "\(column) \(direction), seq \(direction)",
                limit: query.limit,
                offset: query.offset
            )
        }
        guard !page.isEmpty else { return [] }
        let rows = try TrialRow.fetchAll(
            db,
            sql: "SELECT seq, status, owner_token, document FROM trials WHERE seq IN ("
                + page.map { _ in "?" }.joined(separator: ", ") + ")",
            arguments: StatementArguments(page)
        )
        let bySequence = Dictionary(rows.map { ($0.sequence, $0) }, uniquingKeysWith: { first, _ in first })
        return page.compactMap { bySequence[$0] }
    }
}
