import Foundation
import GRDB
import OrionCore

extension SQLiteStorage {
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
        let columns = try trials.map { try Queries.TrialColumns($0, encoder: encoder) }
        let inserted = try await write("cannot register trials") { db in
            try Self.insert(columns, db, stampingWith: nil)
        }
        return zip(trials, inserted).filter(\.1).map(\.0)
    }

    /// Inserts trials; each experiment that gets a trial gets one new revision, or, when `stamp` names it, its
    /// trials get the revision `stamp` gives (the algorithm lock's holder's own trials).
    ///
    /// - Returns: for each trial, whether it was inserted.
    static func insert(
        _ trials: [Queries.TrialColumns],
        _ db: Database,
        stampingWith stamp: (experimentID: String, revision: Int)?
    ) throws -> [Bool] {
        var revisions: [String: Int] = [:]
        for experimentID in Set(trials.map(\.experimentID)) {
            guard let current = try Queries.revision(db, experimentID: experimentID) else {
                throw StorageError(.notFound, "no experiment with id \(experimentID) for the trials to register")
            }
            revisions[experimentID] = experimentID == stamp?.experimentID ? stamp?.revision : current + 1
        }
        var inserted: [Bool] = []
        var bumped: Set<String> = []
        for trial in trials {
            let revision = revisions[trial.experimentID] ?? 0
            let added = try Queries.insertTrial(db, trial, revision: revision)
            inserted.append(added)
            if added, trial.experimentID != stamp?.experimentID, bumped.insert(trial.experimentID).inserted {
                _ = try Queries.bumpRevision(db, experimentID: trial.experimentID)
            }
        }
        return inserted
    }

    /// Atomically reserves the oldest reservable trial (by submission time, then insertion) with a fresh owner
    /// token.
    ///
    /// - Returns: the reservation, or `nil` when none is reservable (or the experiment does not exist).
    public func reserveTrial(of experimentID: String, worker: String, at now: Date) async throws -> Reservation? {
        try await write("cannot reserve a trial of experiment \(experimentID)") { db -> Reservation? in
            guard let row = try Queries.firstReservableTrial(db, experimentID: experimentID) else { return nil }
            var trial = try Self.decodeTrial(row)
            trial.status = .reserved
            trial.startTime = now
            trial.heartbeat = now
            trial.worker = worker
            let token = Reservation.makeToken()
            let revision = try Queries.bumpRevision(db, experimentID: experimentID)
            let columns = try Queries.TrialColumns(trial, encoder: Self.makeEncoder())
            try Queries.updateTrial(db, sequence: row.sequence, columns, revision: revision, token: token)
            return Reservation(trial: trial, token: token)
        }
    }

    /// Compare-and-set: replaces the stored trial with `trial` if the stored status is still `expected`; clears
    /// the owner token unless the new status is `reserved`.
    ///
    /// - Returns: `true` if written; `false` if the stored status differed or the trial does not exist.
    public func updateTrial(_ trial: Trial, expecting expected: TrialStatus) async throws -> Bool {
        try await replace(trial) { row in row.status == expected.rawValue }
    }

    /// ``updateTrial(_:expecting:)`` for each of `trials` (the status in `expected` at the same index), in one
    /// transaction: all written or none.
    ///
    /// - Returns: how many were written.
    public func updateTrials(_ trials: [Trial], expecting expected: [TrialStatus]) async throws -> Int {
        precondition(trials.count == expected.count, "one expected status per trial")
        guard !trials.isEmpty else { return 0 }
        let encoder = Self.makeEncoder()
        let rows = try trials.map { try Queries.TrialColumns($0, encoder: encoder) }
        return try await write("cannot update \(trials.count) trials") { db in
            var written = 0
            for (index, trial) in trials.enumerated() {
                guard let row = try Queries.trial(db, experimentID: trial.experimentID, id: trial.id),
                    row.status == expected[index].rawValue
                else { continue }
                let token = trial.status == .reserved ? row.token ?? Reservation.makeToken() : nil
                let revision = try Queries.bumpRevision(db, experimentID: trial.experimentID)
                try Queries.updateTrial(db, sequence: row.sequence, rows[index], revision: revision, token: token)
                written += 1
            }
            return written
        }
    }

    /// Compare-and-set on the owner: replaces the stored trial with `trial` if it is still reserved with `token`;
    /// clears the token unless the new status is `reserved`.
    ///
    /// - Returns: `true` if written; `false` when the trial is not reserved with this token (or does not exist).
    public func updateTrial(_ trial: Trial, holding token: String) async throws -> Bool {
        try await replace(trial) { row in row.status == TrialStatus.reserved.rawValue && row.token == token }
    }

    /// Replaces the stored trial with `trial` when `condition` holds for the stored row, in one transaction.
    private func replace(_ trial: Trial, when condition: @escaping @Sendable (Queries.TrialRow) -> Bool) async throws
        -> Bool
    {
        let columns = try Queries.TrialColumns(trial, encoder: Self.makeEncoder())
        return try await write("cannot update trial \(trial.id)") { db in
            guard let row = try Queries.trial(db, experimentID: trial.experimentID, id: trial.id), condition(row)
            else { return false }
            let token = trial.status == .reserved ? row.token ?? Reservation.makeToken() : nil
            let revision = try Queries.bumpRevision(db, experimentID: trial.experimentID)
            try Queries.updateTrial(db, sequence: row.sequence, columns, revision: revision, token: token)
            return true
        }
    }

    /// Refreshes the heartbeat of a trial that is still reserved with `token`; does not change the experiment's
    /// revision.
    ///
    /// - Returns: `false` when the trial is not reserved with this token (or does not exist).
    public func heartbeat(
        trialID: String,
        of experimentID: String,
        holding token: String,
        at now: Date
    ) async throws -> Bool {
        try await write("cannot refresh the heartbeat of trial \(trialID)") { db in
            guard let row = try Queries.trial(db, experimentID: experimentID, id: trialID),
                row.status == TrialStatus.reserved.rawValue, row.token == token
            else { return false }
            var trial = try Self.decodeTrial(row)
            trial.heartbeat = now
            let columns = try Queries.TrialColumns(trial, encoder: Self.makeEncoder())
            try Queries.updateTrial(db, sequence: row.sequence, columns, revision: nil, token: token)
            return true
        }
    }

    /// The experiment's reserved trials with their owner tokens, by submission time then insertion.
    public func reservations(of experimentID: String) async throws -> [Reservation] {
        try await read("cannot read the reserved trials of experiment \(experimentID)") { db in
            let decoder = Self.makeDecoder()
            return try Queries.reservedTrials(db, experimentID: experimentID).compactMap { row in
                guard let token = row.token else { return nil }
                return Reservation(trial: try Self.decodeTrial(row, decoder: decoder), token: token)
            }
        }
    }

    /// One trial by id.
    public func trial(id: String, of experimentID: String) async throws -> Trial? {
        try await read("cannot read trial \(id)") { db in
            try Queries.trial(db, experimentID: experimentID, id: id).map { try Self.decodeTrial($0) }
        }
    }

    /// The experiment's trials with one of `statuses` (all when `nil`), by submission time then insertion.
    public func trials(of experimentID: String, status statuses: [TrialStatus]?) async throws -> [Trial] {
        if let statuses, statuses.isEmpty { return [] }
        return try await read("cannot read the trials of experiment \(experimentID)") { db in
            let decoder = Self.makeDecoder()
            return try Queries.trials(db, experimentID: experimentID, statuses: statuses)
                .map { try Self.decodeTrial($0, decoder: decoder) }
        }
    }

    /// The ids of ``trials(of:status:)``, in the same order, from one column.
    public func trialIDs(of experimentID: String, status statuses: [TrialStatus]?) async throws -> [String] {
        if let statuses, statuses.isEmpty { return [] }
        return try await read("cannot read the trials of experiment \(experimentID)") { db in
            try Queries.trialIDs(db, experimentID: experimentID, statuses: statuses)
        }
    }

    /// The number of trials of each status (statuses without trials are absent).
    public func countTrials(of experimentID: String) async throws -> [TrialStatus: Int] {
        try await read("cannot count the trials of experiment \(experimentID)") { db in
            try Queries.countTrials(db, experimentID: experimentID)
        }
    }

    /// Counts, running time, best trial, last end and the execution intervals' span, from the counters and indexes
    /// kept by the database.
    ///
    /// - Complexity: independent of the number of trials, but for the started trials without an end (running and
    ///   interrupted), read one by one.
    public func summary(of experimentID: String) async throws -> TrialSummary {
        try await read("cannot summarize the trials of experiment \(experimentID)") { db in
            let counters = try Queries.statusCounters(db, experimentID: experimentID)
            let best = try Queries.bestTrial(db, experimentID: experimentID).map { try Self.decodeTrial($0) }
            let lastEnd = try Queries.lastCompletedEnd(db, experimentID: experimentID)
            let times = try Queries.trialTimes(db, experimentID: experimentID)
            let activity = [times.lastEnd, times.lastHeartbeat].compactMap { $0 }.max()
            return TrialSummary(
                counts: counters.mapValues(\.count),
                bestTrial: best,
                lastEndTime: lastEnd.map(Date.init(timeIntervalSince1970:)),
                endedTrialsTime: counters.values.reduce(0) { $0 + $1.runningTime },
                unendedTrialsTime: times.unended,
                firstStartTime: times.firstStart.map(Date.init(timeIntervalSince1970:)),
                lastActivityTime: activity.map(Date.init(timeIntervalSince1970:)),
                firstCompletedStartTime: times.firstCompletedStart.map(Date.init(timeIntervalSince1970:))
            )
        }
    }

    /// Turns `reserved` trials whose heartbeat is older than `heartbeatBefore` (or missing) into `interrupted`,
    /// clearing their owner tokens.
    ///
    /// - Returns: how many trials were released.
    @discardableResult
    public func releaseLostTrials(of experimentID: String, heartbeatBefore: Date) async throws -> Int {
        try await write("cannot release the lost trials of experiment \(experimentID)") { db in
            let rows = try Queries.lostTrials(
                db,
                experimentID: experimentID,
                cutoff: heartbeatBefore.timeIntervalSince1970
            )
            guard !rows.isEmpty else { return 0 }
            let revision = try Queries.bumpRevision(db, experimentID: experimentID)
            let decoder = Self.makeDecoder()
            let encoder = Self.makeEncoder()
            for row in rows {
                var trial = try Self.decodeTrial(row, decoder: decoder)
                trial.status = .interrupted
                let columns = try Queries.TrialColumns(trial, encoder: encoder)
                try Queries.updateTrial(db, sequence: row.sequence, columns, revision: revision, token: nil)
            }
            return rows.count
        }
    }

    /// Decodes a trial's JSON document.
    static func decodeTrial(_ row: Queries.TrialRow, decoder: JSONDecoder = makeDecoder()) throws -> Trial {
        do {
            return try decoder.decode(Trial.self, from: Data(row.document.utf8))
        } catch {
            throw StorageError(
                .schema,
                "a stored trial cannot be read (\(error)); it may come from another version of orion",
                underlying: error
            )
        }
    }
}

extension SQLiteStorage {
    /// One page of the experiment's trials in one read transaction: the count from the status counters, the page
    /// from one ordered query that reads only the page's documents.
    ///
    /// - Complexity: the count is independent of the number of trials; the page scans the sort column of the
    ///   matching trials, then reads `limit` documents.
    public func trialPage(of experimentID: String, query: TrialPageQuery) async throws -> TrialPage {
        if let statuses = query.statuses, statuses.isEmpty { return TrialPage(total: 0, trials: []) }
        return try await read("cannot read a page of the trials of experiment \(experimentID)") { db in
            let counts = try Queries.countTrials(db, experimentID: experimentID)
            let total =
                query.statuses.map { $0.reduce(0) { $0 + counts[$1, default: 0] } }
                ?? counts.values.reduce(0, +)
            let decoder = Self.makeDecoder()
            let trials = try Queries.trialPage(db, experimentID: experimentID, query: query)
                .map { try Self.decodeTrial($0, decoder: decoder) }
            return TrialPage(total: total, trials: trials)
        }
    }
}
