import Foundation
import OrionCore
import PostgresNIO

/// The schema of the PostgreSQL backend and the columns every trial query reads.
///
/// Tables are unqualified: each connection's `search_path` is the address's schema. Times in columns are Unix
/// seconds (`DOUBLE PRECISION`); the JSON documents hold the other fields exactly.
enum PostgresQueries {
    /// Migration `v1-experiments-trials`: experiments, trials, the per-experiment revision counter and the
    /// algorithm states.
    static let createTables = [
        """
        CREATE TABLE experiments (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            document TEXT NOT NULL,
            UNIQUE (name, version))
        """,
        """
        CREATE TABLE trials (
            seq BIGSERIAL PRIMARY KEY,
            experiment_id TEXT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            status TEXT NOT NULL,
            submit_time DOUBLE PRECISION NOT NULL,
            start_time DOUBLE PRECISION,
            end_time DOUBLE PRECISION,
            heartbeat DOUBLE PRECISION,
            worker TEXT,
            revision BIGINT NOT NULL,
            owner_token TEXT,
            objective DOUBLE PRECISION,
            document TEXT NOT NULL,
            UNIQUE (experiment_id, id))
        """,
        "CREATE INDEX trials_by_status ON trials (experiment_id, status)",
        "CREATE INDEX trials_by_revision ON trials (experiment_id, revision)",
        """
        CREATE INDEX trials_reservable ON trials (experiment_id, submit_time, seq)
            WHERE status IN ('new', 'interrupted', 'suspended')
        """,
        """
        CREATE INDEX trials_by_objective ON trials (experiment_id, objective, seq)
            WHERE status = 'completed' AND objective IS NOT NULL
        """,
        "CREATE INDEX trials_completed_by_end ON trials (experiment_id, end_time) WHERE status = 'completed'",
        """
        CREATE TABLE trial_revisions (
            experiment_id TEXT PRIMARY KEY REFERENCES experiments (id) ON DELETE CASCADE,
            revision BIGINT NOT NULL DEFAULT 0)
        """,
        """
        CREATE TABLE algorithm_states (
            experiment_id TEXT PRIMARY KEY REFERENCES experiments (id) ON DELETE CASCADE,
            state BYTEA,
            state_version BIGINT NOT NULL DEFAULT 0,
            observed_revision BIGINT NOT NULL DEFAULT 0)
        """,
    ]

    /// Migration `v2-trial-times`: the indexes that find an experiment's first start and last end (and its first
    /// completed trial in start order) without reading its trials, for `summary(of:)`.
    static let createTimeIndexes = [
        "CREATE INDEX trials_by_start ON trials (experiment_id, start_time)",
        "CREATE INDEX trials_by_end ON trials (experiment_id, end_time)",
    ]

    /// Migration `v1-trial-counters`: per experiment and status, the number of trials and their running time,
    /// kept by triggers in the transaction of every insert, status change and delete (a heartbeat does not fire
    /// them).
    static let createCounters = [
        """
        CREATE TABLE trial_counts (
            experiment_id TEXT NOT NULL,
            status TEXT NOT NULL,
            count BIGINT NOT NULL DEFAULT 0,
            running_time DOUBLE PRECISION NOT NULL DEFAULT 0,
            PRIMARY KEY (experiment_id, status))
        """,
        """
        CREATE FUNCTION orion_count_trials() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                UPDATE trial_counts SET count = count - 1,
                    running_time = running_time - COALESCE(OLD.end_time - OLD.start_time, 0)
                    WHERE experiment_id = OLD.experiment_id AND status = OLD.status;
            END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN
                INSERT INTO trial_counts AS c (experiment_id, status, count, running_time)
                    VALUES (NEW.experiment_id, NEW.status, 1, COALESCE(NEW.end_time - NEW.start_time, 0))
                    ON CONFLICT (experiment_id, status) DO UPDATE
                    SET count = c.count + 1, running_time = c.running_time + excluded.running_time;
            END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER trials_counted_on_insert_or_delete AFTER INSERT OR DELETE ON trials
            FOR EACH ROW EXECUTE FUNCTION orion_count_trials()
        """,
        """
        CREATE TRIGGER trials_counted_on_update AFTER UPDATE OF status, start_time, end_time ON trials
            FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.start_time IS DISTINCT FROM NEW.start_time
                OR OLD.end_time IS DISTINCT FROM NEW.end_time)
            EXECUTE FUNCTION orion_count_trials()
        """,
    ]

    /// The columns a trial row is read back with, in ``TrialRow``'s order.
    static let trialColumns = "seq, status, start_time, heartbeat, worker, owner_token, document"

    /// A trial's columns: the document and the fields that queries filter and sort on.
    typealias TrialColumns = StoredTrialColumns

    /// A trial as read back: the columns that reservations and heartbeats write without rewriting the document
    /// (status, start, heartbeat, worker, token), and the document.
    struct TrialRow {
        var sequence: Int64
        var status: String
        var startTime: Double?
        var heartbeat: Double?
        var worker: String?
        var token: String?
        var document: String

        /// Reads a row selected with ``trialColumns`` (possibly after other columns: `offset`).
        init(_ row: PostgresRow) throws {
            (sequence, status, startTime, heartbeat, worker, token, document) = try row.decode(
                (Int64, String, Double?, Double?, String?, String?, String).self
            )
        }

        /// The trial: the document, with the row's status, start, heartbeat and worker; the heartbeat, stored in
        /// the server's time, in this machine's (`serverAhead`: ``PostgresStorage/serverAhead``).
        func trial(_ decoder: JSONDecoder, serverAhead: Double) throws -> Trial {
            var trial: Trial
            do {
                trial = try decoder.decode(Trial.self, from: Data(document.utf8))
            } catch {
                throw StorageError(
                    .schema,
                    "a stored trial cannot be read (\(error)); it may come from another version of orion",
                    underlying: error
                )
            }
            guard let status = TrialStatus(rawValue: status) else {
                throw StorageError(.schema, "unknown trial status '\(self.status)' in the database")
            }
            trial.status = status
            trial.startTime = Self.date(startTime, keeping: trial.startTime)
            trial.heartbeat = Self.date(heartbeat.map { $0 - serverAhead }, keeping: trial.heartbeat)
            trial.worker = worker
            return trial
        }

        /// The column's date, or the document's when they agree to the microsecond (the document's is exact).
        private static func date(_ column: Double?, keeping document: Date?) -> Date? {
            guard let column else { return nil }
            if let document, abs(document.timeIntervalSince1970 - column) < 1e-6 { return document }
            return Date(timeIntervalSince1970: column)
        }
    }
}

extension PostgresConnection {
    /// The rows of `query`, collected on the connection's event loop as they arrive.
    ///
    /// The async row sequence applies back-pressure: rows wait in postgres-nio's buffer until the reading task asks
    /// for more. When the server goes away meanwhile (killed, restarted), postgres-nio 1.33.2 stops the whole process
    /// on a precondition of its `RowStreamStateMachine` ("How can we receive a body part, after a
    /// channelReadComplete, but no read has been forwarded yet"): `orion serve` with 20 clients died so in 2 of 3
    /// runs when the server was killed. Collected on the event loop, every row is taken as it arrives, and the
    /// reading task gets them all at once (they were gathered in an array anyway).
    func collectedRows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        let result: EventLoopFuture<PostgresQueryResult> = self.query(query, logger: logger)
        return try await result.get().rows
    }

    /// Every row of `query`, read as a trial row (``collectedRows(_:logger:)``).
    func trialRows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresQueries.TrialRow] {
        try await collectedRows(query, logger: logger).map(PostgresQueries.TrialRow.init)
    }
}
