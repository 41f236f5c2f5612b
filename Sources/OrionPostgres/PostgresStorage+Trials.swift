import Foundation
import OrionCore
import PostgresNIO

extension PostgresStorage {
    /// Stores new trials, skipping ids their experiment has already (also repeated ids within `trials`).
    ///
    /// All trials of one call that are stored share one new revision of their experiment.
    ///
    /// - Returns: the trials that were stored, in the order given.
    /// - Throws: `StorageError` `.notFound` when a trial's experiment does not exist (then nothing is stored).
    @discardableResult
    public func registerTrials(_ trials: [Trial]) async throws -> [Trial] {
        guard !trials.isEmpty else { return [] }
        let encoder = Self.makeEncoder()
        let columns = try trials.map { try PostgresQueries.TrialColumns($0, encoder: encoder) }
        let inserted = try await transaction("cannot register trials") { [self] connection, _ in
            try await Self.insert(columns, connection, logger: logger, stampingWith: nil, serverAhead: serverAhead)
        }
        return zip(trials, inserted).filter(\.1).map(\.0)
    }

    /// The trials ``insert(_:_:logger:stampingWith:serverAhead:)`` sends in one statement.
    static let insertChunk = 1000

    /// The JSON encoder of the rows sent as one parameter: non-finite numbers as PostgreSQL reads them.
    static func makeRowEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity",
            negativeInfinity: "-Infinity",
            nan: "NaN"
        )
        return encoder
    }

    /// One trial as a row of the JSON parameter that `json_to_recordset` reads (the inserts, the batched updates):
    /// its columns, the owner token it gets if it is stored reserved, and what the statement needs beside them.
    private struct JSONTrialRow: Encodable {
        let columns: PostgresQueries.TrialColumns
        let token: String?
        /// Inserts: the row's place in its chunk (the order of insertion) and its revision.
        var position: Int?
        var revision: Int64?
        /// Updates: the status the stored trial must still have.
        var expected: String?

        enum CodingKeys: String, CodingKey {
            case position, id, status, heartbeat, worker, revision, token, objective, document, expected
            case experimentID = "experiment_id"
            case submitTime = "submit_time"
            case startTime = "start_time"
            case endTime = "end_time"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(columns.experimentID, forKey: .experimentID)
            try container.encode(columns.id, forKey: .id)
            try container.encode(columns.status, forKey: .status)
            try container.encode(columns.submitTime, forKey: .submitTime)
            try container.encodeIfPresent(columns.startTime, forKey: .startTime)
            try container.encodeIfPresent(columns.endTime, forKey: .endTime)
            try container.encodeIfPresent(columns.heartbeat, forKey: .heartbeat)
            try container.encodeIfPresent(columns.worker, forKey: .worker)
            try container.encodeIfPresent(columns.objective, forKey: .objective)
            try container.encode(columns.document, forKey: .document)
            try container.encodeIfPresent(token, forKey: .token)
            try container.encodeIfPresent(position, forKey: .position)
            try container.encodeIfPresent(revision, forKey: .revision)
            try container.encodeIfPresent(expected, forKey: .expected)
        }
    }

    /// Inserts trials in the caller's transaction; each experiment that gets a trial gets one new revision, or,
    /// when `stamp` names it, its trials get the revision `stamp` gives (the algorithm lock's holder's own trials).
    ///
    /// - Returns: for each trial, whether it was inserted.
    static func insert(
        _ trials: [PostgresQueries.TrialColumns],
        _ connection: PostgresConnection,
        logger: Logger,
        stampingWith stamp: (experimentID: String, revision: Int64)?,
        serverAhead: Double
    ) async throws -> [Bool] {
        var revisions: [String: Int64] = [:]
        for experimentID in Set(trials.map(\.experimentID)).sorted() {
            // Locks the revision row first, as every writer of trials does, so that counters never deadlock.
            let rows = try await connection.query(
                "SELECT revision FROM trial_revisions WHERE experiment_id = \(experimentID) FOR UPDATE",
                logger: logger
            ).collect()
            guard let current = try rows.first?.decode(Int64.self) else {
                throw StorageError(.notFound, "no experiment with id \(experimentID) for the trials to register")
            }
            revisions[experimentID] = experimentID == stamp?.experimentID ? stamp?.revision : current + 1
        }
        // One statement per chunk (the rows travel as one JSON parameter): a load of 50,000 trials took 50,000
        // round trips. Rows are inserted in the given order, so `seq` keeps the submission order.
        var inserted: [Bool] = []
        inserted.reserveCapacity(trials.count)
        var bumped: Set<String> = []
        let rowEncoder = makeRowEncoder()
        for start in stride(from: 0, to: trials.count, by: insertChunk) {
            let chunk = Array(trials[start..<min(start + insertChunk, trials.count)])
            let rows = chunk.enumerated().map { position, trial in
                JSONTrialRow(
                    columns: trial,
                    token: trial.status == TrialStatus.reserved.rawValue ? Reservation.makeToken() : nil,
                    position: position,
                    revision: revisions[trial.experimentID] ?? 0
                )
            }
            let payload = String(decoding: try rowEncoder.encode(rows), as: UTF8.self)
            let written = try await connection.query(
                """
                INSERT INTO trials (experiment_id, id, status, submit_time, start_time, end_time, heartbeat, worker,
                    revision, owner_token, objective, document)
                SELECT t.experiment_id, t.id, t.status, t.submit_time, t.start_time, t.end_time,
                    t.heartbeat + \(serverAhead), t.worker, t.revision, t.token, t.objective, t.document
                FROM json_to_recordset(\(payload)::json) AS t(
                    position BIGINT, experiment_id TEXT, id TEXT, status TEXT, submit_time DOUBLE PRECISION,
                    start_time DOUBLE PRECISION, end_time DOUBLE PRECISION, heartbeat DOUBLE PRECISION, worker TEXT,
                    revision BIGINT, token TEXT, objective DOUBLE PRECISION, document TEXT)
                ORDER BY t.position
                ON CONFLICT (experiment_id, id) DO NOTHING RETURNING experiment_id, id
                """,
                logger: logger
            ).collect()
            var keys = Set(try written.map { row in try row.decode((String, String).self) }.map { "\($0.0)/\($0.1)" })
            for trial in chunk {
                // A key given twice in one call is inserted once: the first.
                let isNew = keys.remove("\(trial.experimentID)/\(trial.id)") != nil
                inserted.append(isNew)
                if isNew, trial.experimentID != stamp?.experimentID, bumped.insert(trial.experimentID).inserted {
                    try await connection.query(
                        """
                        UPDATE trial_revisions SET revision = \(revisions[trial.experimentID] ?? 0)
                        WHERE experiment_id = \(trial.experimentID)
                        """,
                        logger: logger
                    )
                }
            }
        }
        return inserted
    }

    /// Atomically reserves the oldest reservable trial (by submission time, then insertion) with a fresh owner
    /// token, in one statement: `FOR UPDATE SKIP LOCKED` lets concurrent reservations take the next trial instead
    /// of waiting for each other.
    ///
    /// A retry after a lost connection first looks for the reservation its earlier attempt may have committed
    /// (this worker's, started at `now`), so that a reservation is never made twice.
    ///
    /// - Returns: the reservation, or `nil` when none is reservable (or the experiment does not exist).
    public func reserveTrial(of experimentID: String, worker: String, at now: Date) async throws -> Reservation? {
        let time = now.timeIntervalSince1970
        let decoder = Self.makeDecoder()
        return try await withConnection("cannot reserve a trial of experiment \(experimentID)") {
            [self]
            connection,
            attempt in
            if attempt > 1 {
                let earlier = try await connection.trialRows(
                    """
                    SELECT \(unescaped: PostgresQueries.trialColumns) FROM trials
                    WHERE experiment_id = \(experimentID) AND status = 'reserved' AND worker = \(worker)
                        AND start_time = \(time) LIMIT 1
                    """,
                    logger: logger
                )
                if let row = earlier.first, let token = row.token {
                    return Reservation(trial: try row.trial(decoder, serverAhead: serverAhead), token: token)
                }
            }
            let token = Reservation.makeToken()
            let rows = try await connection.trialRows(
                """
                WITH picked AS (
                    SELECT seq FROM trials
                    WHERE experiment_id = \(experimentID) AND status IN ('new', 'interrupted', 'suspended')
                    ORDER BY submit_time, seq LIMIT 1 FOR UPDATE SKIP LOCKED),
                bumped AS (
                    UPDATE trial_revisions SET revision = revision + 1
                    WHERE experiment_id = \(experimentID) AND EXISTS (SELECT 1 FROM picked) RETURNING revision)
                UPDATE trials SET status = 'reserved', start_time = \(time), heartbeat = \(time + serverAhead),
                    worker = \(worker),
                    owner_token = \(token), revision = bumped.revision
                FROM picked, bumped WHERE trials.seq = picked.seq
                RETURNING \(unescaped: Self.qualifiedTrialColumns)
                """,
                logger: logger
            )
            guard let row = rows.first else { return nil }
            return Reservation(trial: try row.trial(decoder, serverAhead: serverAhead), token: token)
        }
    }

    /// ``PostgresQueries/trialColumns`` qualified by the table, for statements that join.
    static let qualifiedTrialColumns = PostgresQueries.trialColumns.split(separator: ",")
        .map { "trials." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    /// Compare-and-set on the status: replaces the stored trial with `trial` if the stored status is still
    /// `expected`; clears the owner token unless the new status is `reserved`.
    ///
    /// - Returns: `true` if written; `false` if the stored status differed or the trial does not exist.
    public func updateTrial(_ trial: Trial, expecting expected: TrialStatus) async throws -> Bool {
        try await replace(trial, when: "status =", equals: expected.rawValue)
    }

    /// Compare-and-set on the owner: replaces the stored trial with `trial` if it is still reserved with `token`;
    /// clears the token unless the new status is `reserved`.
    ///
    /// - Returns: `true` if written; `false` when the trial is not reserved with this token (or does not exist).
    public func updateTrial(_ trial: Trial, holding token: String) async throws -> Bool {
        try await replace(trial, when: "status = 'reserved' AND owner_token =", equals: token)
    }

    /// Replaces the stored trial with `trial` when the stored row matches `condition` followed by `value` (one
    /// comparison), in one statement that also gives it a new revision.
    ///
    /// A retry after a lost connection counts as written when the stored trial is already `trial` (its earlier
    /// attempt was committed).
    private func replace(_ trial: Trial, when condition: String, equals value: String) async throws -> Bool {
        let columns = try PostgresQueries.TrialColumns(trial, encoder: Self.makeEncoder())
        let newToken = trial.status == .reserved ? Reservation.makeToken() : nil
        let heartbeat = columns.heartbeat
        @Sendable func query(serverAhead: Double) -> PostgresQuery {
            """
            WITH target AS (
                SELECT seq FROM trials
                WHERE experiment_id = \(columns.experimentID) AND id = \(columns.id) AND \(unescaped: condition) \(value)
                FOR UPDATE),
            bumped AS (
                UPDATE trial_revisions SET revision = revision + 1
                WHERE experiment_id = \(columns.experimentID) AND EXISTS (SELECT 1 FROM target) RETURNING revision)
            UPDATE trials SET status = \(columns.status), submit_time = \(columns.submitTime),
                start_time = \(columns.startTime), end_time = \(columns.endTime),
                heartbeat = \(heartbeat.map { $0 + serverAhead }),
                worker = \(columns.worker), revision = bumped.revision,
                owner_token = CASE WHEN \(columns.status) = 'reserved' THEN COALESCE(owner_token, \(newToken)) END,
                objective = \(columns.objective), document = \(columns.document)
            FROM target, bumped WHERE trials.seq = target.seq RETURNING 1
            """
        }
        let document = columns.document
        return try await withConnection("cannot update trial \(trial.id)") { [self] connection, attempt in
            if try await !connection.query(query(serverAhead: serverAhead), logger: logger).collect().isEmpty {
                return true
            }
            guard attempt > 1 else { return false }
            let stored = try await strings(
                connection.query(
                    "SELECT document FROM trials WHERE experiment_id = \(columns.experimentID) AND id = \(columns.id)",
                    logger: logger
                )
            )
            return stored.first == document
        }
    }

    /// ``updateTrial(_:expecting:)`` for each of `trials` (the status in `expected` at the same index).
    ///
    /// In one transaction: all written or none, one statement per experiment (the rows travel as one JSON parameter), so
    /// that `orion db set` on 50,000 trials is not 50,000 round trips. The trials of one statement share the
    /// experiment's next revision, as the trials of one transaction may. A retry after a lost connection counts a
    /// trial as written when it is stored as given (the earlier attempt was committed).
    ///
    /// - Returns: how many were written.
    public func updateTrials(_ trials: [Trial], expecting expected: [TrialStatus]) async throws -> Int {
        precondition(trials.count == expected.count, "one expected status per trial")
        guard !trials.isEmpty else { return 0 }
        let encoder = Self.makeEncoder()
        var groups: [String: [JSONTrialRow]] = [:]
        var order: [String] = []
        for (trial, status) in zip(trials, expected) {
            let columns = try PostgresQueries.TrialColumns(trial, encoder: encoder)
            if groups[trial.experimentID] == nil { order.append(trial.experimentID) }
            groups[trial.experimentID, default: []].append(
                JSONTrialRow(
                    columns: columns,
                    token: trial.status == .reserved ? Reservation.makeToken() : nil,
                    expected: status.rawValue
                )
            )
        }
        let rowEncoder = Self.makeRowEncoder()
        let payloads = try order.map { ($0, String(decoding: try rowEncoder.encode(groups[$0] ?? []), as: UTF8.self)) }
        return try await transaction("cannot update \(trials.count) trials") { [self] connection, attempt in
            var written = 0
            for (experimentID, rows) in payloads {
                let query: PostgresQuery = """
                    WITH input AS (
                        SELECT * FROM json_to_recordset(\(rows)::json) AS t(
                            id TEXT, expected TEXT, status TEXT, submit_time DOUBLE PRECISION,
                            start_time DOUBLE PRECISION, end_time DOUBLE PRECISION, heartbeat DOUBLE PRECISION,
                            worker TEXT, objective DOUBLE PRECISION, document TEXT, token TEXT)),
                    target AS (
                        SELECT trials.seq, input.* FROM trials JOIN input
                            ON trials.experiment_id = \(experimentID) AND trials.id = input.id
                            AND trials.status = input.expected
                        FOR UPDATE OF trials),
                    bumped AS (
                        UPDATE trial_revisions SET revision = revision + 1
                        WHERE experiment_id = \(experimentID) AND EXISTS (SELECT 1 FROM target) RETURNING revision)
                    UPDATE trials SET status = target.status, submit_time = target.submit_time,
                        start_time = target.start_time, end_time = target.end_time,
                        heartbeat = target.heartbeat + \(serverAhead), worker = target.worker,
                        revision = bumped.revision,
                        owner_token = CASE WHEN target.status = 'reserved'
                            THEN COALESCE(trials.owner_token, target.token) END,
                        objective = target.objective, document = target.document
                    FROM target, bumped WHERE trials.seq = target.seq RETURNING trials.id
                    """
                let updated = try await strings(connection.query(query, logger: logger))
                written += updated.count
                guard attempt > 1 else { continue }
                // A retry: the trials already stored as given were written by the attempt that lost its answer.
                let already = try await strings(
                    connection.query(
                        """
                        SELECT trials.id FROM trials JOIN json_to_recordset(\(rows)::json) AS t(id TEXT, document TEXT)
                            ON trials.experiment_id = \(experimentID) AND trials.id = t.id
                        WHERE trials.document = t.document
                        """,
                        logger: logger
                    )
                )
                written += Set(already).subtracting(updated).count
            }
            return written
        }
    }

    /// Refreshes the heartbeat of a trial that is still reserved with `token`, in one statement; does not change
    /// the experiment's revision.
    ///
    /// - Returns: `false` when the trial is not reserved with this token (or does not exist).
    public func heartbeat(
        trialID: String,
        of experimentID: String,
        holding token: String,
        at now: Date
    ) async throws -> Bool {
        let time = now.timeIntervalSince1970
        return try await withConnection("cannot refresh the heartbeat of trial \(trialID)") { [self] connection, _ in
            try await !connection.query(
                """
                UPDATE trials SET heartbeat = \(time + serverAhead)
                WHERE experiment_id = \(experimentID) AND id = \(trialID) AND status = 'reserved'
                    AND owner_token = \(token)
                RETURNING 1
                """,
                logger: logger
            ).collect().isEmpty
        }
    }

    /// The experiment's reserved trials with their owner tokens, by submission time then insertion.
    public func reservations(of experimentID: String) async throws -> [Reservation] {
        let rows = try await trialRows("cannot read the reserved trials of experiment \(experimentID)") {
            """
            SELECT \(unescaped: PostgresQueries.trialColumns) FROM trials
            WHERE experiment_id = \(experimentID) AND status = 'reserved' ORDER BY submit_time, seq
            """
        }
        let decoder = Self.makeDecoder()
        return try rows.compactMap { row in
            guard let token = row.token else { return nil }
            return Reservation(trial: try row.trial(decoder, serverAhead: serverAhead), token: token)
        }
    }

    /// One trial by id.
    public func trial(id: String, of experimentID: String) async throws -> Trial? {
        let rows = try await trialRows("cannot read trial \(id)") {
            """
            SELECT \(unescaped: PostgresQueries.trialColumns) FROM trials
            WHERE experiment_id = \(experimentID) AND id = \(id)
            """
        }
        return try rows.first?.trial(Self.makeDecoder(), serverAhead: serverAhead)
    }

    /// The experiment's trials with one of `statuses` (all when `nil`), by submission time then insertion.
    public func trials(of experimentID: String, status statuses: [TrialStatus]?) async throws -> [Trial] {
        if let statuses, statuses.isEmpty { return [] }
        let rows = try await trialRows("cannot read the trials of experiment \(experimentID)") {
            if let statuses {
                """
                SELECT \(unescaped: PostgresQueries.trialColumns) FROM trials
                WHERE experiment_id = \(experimentID) AND status = ANY(\(statuses.map(\.rawValue)))
                ORDER BY submit_time, seq
                """
            } else {
                """
                SELECT \(unescaped: PostgresQueries.trialColumns) FROM trials
                WHERE experiment_id = \(experimentID) ORDER BY submit_time, seq
                """
            }
        }
        let decoder = Self.makeDecoder()
        return try rows.map { try $0.trial(decoder, serverAhead: serverAhead) }
    }

    /// The ids of ``trials(of:status:)``, in the same order, from one column.
    public func trialIDs(of experimentID: String, status statuses: [TrialStatus]?) async throws -> [String] {
        if let statuses, statuses.isEmpty { return [] }
        let query: PostgresQuery =
            if let statuses {
                """
                SELECT id FROM trials WHERE experiment_id = \(experimentID) AND status = ANY(\(statuses.map(\.rawValue)))
                ORDER BY submit_time, seq
                """
            } else {
                "SELECT id FROM trials WHERE experiment_id = \(experimentID) ORDER BY submit_time, seq"
            }
        return try await withConnection("cannot read the trials of experiment \(experimentID)") {
            [self] connection, _ in
            var ids: [String] = []
            for row in try await connection.collectedRows(query, logger: logger) {
                ids.append(try row.decode(String.self))
            }
            return ids
        }
    }

    /// One page of the experiment's trials: the count from the status counters, the page from one ordered query
    /// with a limit, as SQLite's (missing values last in either direction; ties in insertion order, reversed
    /// with a descending order).
    ///
    /// - Complexity: the count is independent of the number of trials; the page sorts the matching trials' sort
    ///   column, then decodes `limit` documents.
    public func trialPage(of experimentID: String, query: TrialPageQuery) async throws -> TrialPage {
        if let statuses = query.statuses, statuses.isEmpty { return TrialPage(total: 0, trials: []) }
        let direction = query.descending ? "DESC" : "ASC"
        // Text columns in byte order, as Swift compares the strings.
        let column =
            switch query.sort {
            case .submitTime: "submit_time"
            case .startTime: "start_time"
            case .endTime: "end_time"
            case .objective: "objective"
            case .status: "status COLLATE \"C\""
            case .id: "id COLLATE \"C\""
            }
        let order = "\(column) \(direction) NULLS LAST, seq \(direction)"
        let page: PostgresQuery =
            if let statuses = query.statuses {
                """
                SELECT \(unescaped: PostgresQueries.trialColumns) FROM trials
                WHERE experiment_id = \(experimentID) AND status = ANY(\(statuses.map(\.rawValue)))
                ORDER BY \(unescaped: order) LIMIT \(query.limit) OFFSET \(query.offset)
                """
            } else {
                """
                SELECT \(unescaped: PostgresQueries.trialColumns) FROM trials WHERE experiment_id = \(experimentID)
                ORDER BY \(unescaped: order) LIMIT \(query.limit) OFFSET \(query.offset)
                """
            }
        return try await withConnection("cannot read a page of the trials of experiment \(experimentID)") {
            [self] connection, _ in
            let counts = try await Self.counters(connection, experimentID: experimentID, logger: logger)
            let total =
                query.statuses.map { $0.reduce(0) { $0 + (counts[$1]?.count ?? 0) } }
                ?? counts.values.reduce(0) { $0 + $1.count }
            let decoder = Self.makeDecoder()
            let trials = try await connection.trialRows(page, logger: logger)
                .map { try $0.trial(decoder, serverAhead: serverAhead) }
            return TrialPage(total: total, trials: trials)
        }
    }

    /// Runs one query that selects ``PostgresQueries/trialColumns`` and reads its rows.
    private func trialRows(_ what: String, _ query: () -> PostgresQuery) async throws -> [PostgresQueries.TrialRow] {
        let query = query()
        return try await withConnection(what) { [self] connection, _ in
            try await connection.trialRows(query, logger: logger)
        }
    }

    /// The number of trials of each status (statuses without trials are absent), from the counters.
    public func countTrials(of experimentID: String) async throws -> [TrialStatus: Int] {
        try await withConnection("cannot count the trials of experiment \(experimentID)") { [self] connection, _ in
            try await Self.counters(connection, experimentID: experimentID, logger: logger).mapValues(\.count)
        }
    }

    /// The counters of each status that has trials: their number and running time.
    static func counters(
        _ connection: PostgresConnection,
        experimentID: String,
        logger: Logger
    ) async throws -> [TrialStatus: (count: Int, runningTime: Double)] {
        var counters: [TrialStatus: (count: Int, runningTime: Double)] = [:]
        for try await (status, count, time) in try await connection.query(
            "SELECT status, count, running_time FROM trial_counts WHERE experiment_id = \(experimentID) AND count > 0",
            logger: logger
        ).decode((String, Int64, Double).self) {
            guard let known = TrialStatus(rawValue: status) else {
                throw StorageError(.schema, "unknown trial status '\(status)' in the database")
            }
            counters[known] = (Int(count), time)
        }
        return counters
    }

    /// Counts, running time, best trial, last end and the execution intervals' span, from the counters and indexes
    /// kept by the database.
    ///
    /// - Complexity: independent of the number of trials, but for the started trials without an end (running and
    ///   interrupted), read one by one.
    public func summary(of experimentID: String) async throws -> TrialSummary {
        let decoder = Self.makeDecoder()
        return try await withConnection("cannot summarize the trials of experiment \(experimentID)") {
            [self]
            connection,
            _ in
            let counters = try await Self.counters(connection, experimentID: experimentID, logger: logger)
            let best = try await connection.trialRows(
                """
                SELECT \(unescaped: PostgresQueries.trialColumns) FROM trials
                WHERE experiment_id = \(experimentID) AND status = 'completed' AND objective IS NOT NULL
                ORDER BY objective, seq LIMIT 1
                """,
                logger: logger
            ).first.map { try $0.trial(decoder, serverAhead: serverAhead) }
            var lastEnd: Double?
            for try await end in try await connection.query(
                "SELECT MAX(end_time) FROM trials WHERE experiment_id = \(experimentID) AND status = 'completed'",
                logger: logger
            ).decode(Double?.self) {
                lastEnd = end
            }
            // One round trip: the first start, the last end and the first completed start through the start and end
            // indexes, then the started trials without an end. Heartbeats are in the server's clock, starts in the
            // workers': see `serverAhead`.
            var times: (firstStart: Double?, lastEnd: Double?, firstCompletedStart: Double?) = (nil, nil, nil)
            var unended: (last: Double?, time: Double) = (nil, 0)
            for try await (firstStart, lastEnd, firstCompletedStart, last, total, count) in try await connection.query(
                """
                SELECT
                    (SELECT start_time FROM trials WHERE experiment_id = \(experimentID) AND start_time IS NOT NULL
                        ORDER BY start_time LIMIT 1),
                    (SELECT end_time FROM trials WHERE experiment_id = \(experimentID) AND end_time IS NOT NULL
                        ORDER BY end_time DESC LIMIT 1),
                    (SELECT start_time FROM trials WHERE experiment_id = \(experimentID) AND start_time IS NOT NULL
                        AND status = 'completed' ORDER BY start_time LIMIT 1),
                    unended.last, unended.total, unended.count
                FROM (
                    SELECT MAX(heartbeat) AS last, COALESCE(SUM(heartbeat - start_time), 0) AS total, COUNT(*) AS count
                    FROM trials
                    WHERE experiment_id = \(experimentID) AND end_time IS NULL AND start_time IS NOT NULL
                        AND heartbeat IS NOT NULL
                ) AS unended
                """,
                logger: logger
            ).decode((Double?, Double?, Double?, Double?, Double, Int64).self) {
                times = (firstStart, lastEnd, firstCompletedStart)
                unended = (last.map { $0 - serverAhead }, total - Double(count) * serverAhead)
            }
            let activity = [times.lastEnd, unended.last].compactMap { $0 }.max()
            return TrialSummary(
                counts: counters.mapValues(\.count),
                bestTrial: best,
                lastEndTime: lastEnd.map(Date.init(timeIntervalSince1970:)),
                endedTrialsTime: counters.values.reduce(0) { $0 + $1.runningTime },
                unendedTrialsTime: unended.time,
                firstStartTime: times.firstStart.map(Date.init(timeIntervalSince1970:)),
                lastActivityTime: activity.map(Date.init(timeIntervalSince1970:)),
                firstCompletedStartTime: times.firstCompletedStart.map(Date.init(timeIntervalSince1970:))
            )
        }
    }

    /// Turns `reserved` trials whose heartbeat is older than `heartbeatBefore` (or missing) into `interrupted`,
    /// clearing their owner tokens, in one statement.
    ///
    /// - Returns: how many trials were released.
    @discardableResult
    public func releaseLostTrials(of experimentID: String, heartbeatBefore: Date) async throws -> Int {
        return try await withConnection("cannot release the lost trials of experiment \(experimentID)") {
            [self]
            connection,
            _ in
            let cutoff = heartbeatBefore.timeIntervalSince1970 + serverAhead
            let rows = try await connection.query(
                """
                WITH lost AS (
                    SELECT seq FROM trials
                    WHERE experiment_id = \(experimentID) AND status = 'reserved'
                        AND (heartbeat IS NULL OR heartbeat < \(cutoff))
                    FOR UPDATE SKIP LOCKED),
                bumped AS (
                    UPDATE trial_revisions SET revision = revision + 1
                    WHERE experiment_id = \(experimentID) AND EXISTS (SELECT 1 FROM lost) RETURNING revision)
                UPDATE trials SET status = 'interrupted', owner_token = NULL, revision = bumped.revision
                FROM lost, bumped WHERE trials.seq = lost.seq RETURNING 1
                """,
                logger: logger
            ).collect()
            return rows.count
        }
    }
}
