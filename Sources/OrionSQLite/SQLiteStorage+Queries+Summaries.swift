import Foundation
import GRDB
import OrionCore

/// The statements that keep the cost of counting and summarizing independent of the number of trials: counters
/// maintained by triggers, and an index on the objective of completed trials.
extension Queries {
    // MARK: Schema

    /// Migration `v3-trial-summaries`: per-status counters kept by triggers, the objective column and its index,
    /// and an index on the end of completed trials; existing trials are counted and their objectives copied.
    ///
    /// The counters hold, per experiment and status, the number of trials and their running time added up
    /// (end − start, when both are known). The triggers fire only when a trial's status, start or end changes, so
    /// a heartbeat costs nothing more.
    static let addTrialSummaries = """
        ALTER TABLE trials ADD COLUMN objective REAL;
        UPDATE trials SET objective = (
            SELECT json_extract(result.value, '$.value') FROM json_each(trials.document, '$.results') AS result
            WHERE json_extract(result.value, '$.type') = 'objective' LIMIT 1
        ) WHERE status = 'completed';
        UPDATE trials SET objective = NULL WHERE typeof(objective) NOT IN ('integer', 'real');
        CREATE INDEX trials_by_objective ON trials (experiment_id, objective)
            WHERE status = 'completed' AND objective IS NOT NULL;
        CREATE INDEX trials_completed_by_end ON trials (experiment_id, end_time) WHERE status = 'completed';
        CREATE TABLE trial_counts (
            experiment_id TEXT NOT NULL,
            status TEXT NOT NULL,
            count INTEGER NOT NULL DEFAULT 0,
            running_time REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (experiment_id, status)
        ) WITHOUT ROWID;
        INSERT INTO trial_counts (experiment_id, status, count, running_time)
            SELECT experiment_id, status, COUNT(*), TOTAL(end_time - start_time) FROM trials
            GROUP BY experiment_id, status;
        CREATE TRIGGER trials_counted_on_insert AFTER INSERT ON trials BEGIN
            INSERT INTO trial_counts (experiment_id, status, count, running_time)
                VALUES (NEW.experiment_id, NEW.status, 1, COALESCE(NEW.end_time - NEW.start_time, 0))
                ON CONFLICT (experiment_id, status) DO UPDATE
                SET count = count + 1, running_time = running_time + excluded.running_time;
        END;
        CREATE TRIGGER trials_counted_on_update AFTER UPDATE OF status, start_time, end_time ON trials
        WHEN OLD.status IS NOT NEW.status OR OLD.start_time IS NOT NEW.start_time OR OLD.end_time IS NOT NEW.end_time
        BEGIN
            UPDATE trial_counts SET count = count - 1,
                running_time = running_time - COALESCE(OLD.end_time - OLD.start_time, 0)
                WHERE experiment_id = OLD.experiment_id AND status = OLD.status;
            INSERT INTO trial_counts (experiment_id, status, count, running_time)
                VALUES (NEW.experiment_id, NEW.status, 1, COALESCE(NEW.end_time - NEW.start_time, 0))
                ON CONFLICT (experiment_id, status) DO UPDATE
                SET count = count + 1, running_time = running_time + excluded.running_time;
        END;
        CREATE TRIGGER trials_counted_on_delete AFTER DELETE ON trials BEGIN
            UPDATE trial_counts SET count = count - 1,
                running_time = running_time - COALESCE(OLD.end_time - OLD.start_time, 0)
                WHERE experiment_id = OLD.experiment_id AND status = OLD.status;
        END;
        """

    // MARK: Counts and summaries

    /// The number of trials of each status, from the counters.
    static func countTrials(_ db: Database, experimentID: String) throws -> [TrialStatus: Int] {
        try statusCounters(db, experimentID: experimentID).mapValues(\.count)
    }

    /// The counters of each status that has trials: their number and running time.
    static func statusCounters(_ db: Database, experimentID: String) throws
        -> [TrialStatus: (count: Int, runningTime: Double)]
    {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT status, count, running_time FROM trial_counts WHERE experiment_id = ? AND count > 0"
            ),
            arguments: [experimentID]
        )
        var counters: [TrialStatus: (count: Int, runningTime: Double)] = [:]
        for row in rows {
            let status: String = try row.decode(forColumn: "status")
            guard let known = TrialStatus(rawValue: status) else {
                throw StorageError(.schema, "unknown trial status '\(status)' in the database")
            }
            counters[known] = (try row.decode(forColumn: "count"), try row.decode(forColumn: "running_time"))
        }
        return counters
    }

    /// The completed trial with the lowest objective (the first submitted among equals).
    static func bestTrial(_ db: Database, experimentID: String) throws -> TrialRow? {
        try TrialRow.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT seq, status, owner_token, document FROM trials INDEXED BY trials_by_objective
                    WHERE experiment_id = ? AND status = 'completed' AND objective IS NOT NULL
                    ORDER BY objective, seq LIMIT 1
                    """
            ),
            arguments: [experimentID]
        )
    }

    /// The latest end time (Unix seconds) of a completed trial.
    static func lastCompletedEnd(_ db: Database, experimentID: String) throws -> Double? {
        try Double.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT MAX(end_time) FROM trials INDEXED BY trials_completed_by_end
                    WHERE experiment_id = ? AND status = 'completed'
                    """
            ),
            arguments: [experimentID]
        )
    }

    /// The times of Oríon's execution intervals (see `TrialSummary`).
    ///
    /// The earliest start, the latest end, the latest heartbeat and the running time so far of the started trials
    /// without an end, the earliest start of a completed trial. The first, second and last are one walk down an
    /// index each (the last stops at the first completed trial in start order); the started trials without an end
    /// (running, interrupted) are read one by one.
    static func trialTimes(_ db: Database, experimentID: String) throws -> (
        firstStart: Double?, lastEnd: Double?, lastHeartbeat: Double?, unended: Double, firstCompletedStart: Double?
    ) {
        func first(_ sql: String) throws -> Double? {
            try Double.fetchOne(db.cachedStatement(sql: sql), arguments: [experimentID])
        }
        let firstStart = try first(
            """
            SELECT start_time FROM trials INDEXED BY trials_page_by_start
            WHERE experiment_id = ? AND start_time IS NOT NULL ORDER BY start_time LIMIT 1
            """
        )
        let lastEnd = try first(
            """
            SELECT end_time FROM trials INDEXED BY trials_page_by_end
            WHERE experiment_id = ? AND end_time IS NOT NULL ORDER BY end_time DESC LIMIT 1
            """
        )
        let firstCompletedStart = try first(
            """
            SELECT start_time FROM trials INDEXED BY trials_page_by_start
            WHERE experiment_id = ? AND start_time IS NOT NULL AND status = 'completed' ORDER BY start_time LIMIT 1
            """
        )
        let unended = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT MAX(heartbeat) AS last, TOTAL(heartbeat - start_time) AS time
                    FROM trials INDEXED BY trials_page_by_end
                    WHERE experiment_id = ? AND end_time IS NULL AND start_time IS NOT NULL AND heartbeat IS NOT NULL
                    """
            ),
            arguments: [experimentID]
        )
        let lastHeartbeat: Double? = unended?["last"]
        let time: Double = unended?["time"] ?? 0
        return (firstStart, lastEnd, lastHeartbeat, time, firstCompletedStart)
    }

    /// The ids among `ids` that the experiment has.
    static func existingTrialIDs(_ db: Database, experimentID: String, among ids: [String]) throws -> Set<String> {
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM trials WHERE experiment_id = ? AND id = ?")
        var existing: Set<String> = []
        for id in ids where try Bool.fetchOne(statement, arguments: [experimentID, id]) != nil {
            existing.insert(id)
        }
        return existing
    }
}
