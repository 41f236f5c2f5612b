import Foundation

extension InMemoryStorage {
    /// Stores new trials, skipping ids their experiment has already (also repeated ids within `trials`).
    ///
    /// All trials of one call that are stored share one new revision of their experiment.
    ///
    /// - Returns: the trials that were stored, in the order given.
    /// - Throws: `StorageError` `.notFound` when a trial's experiment does not exist (then nothing is stored).
    @discardableResult
    public func registerTrials(_ trials: [Trial]) async throws -> [Trial] {
        try contents.withLock { contents in try Self.insert(trials, into: &contents, stampingWith: nil) }
    }

    /// Inserts `trials`; each experiment that gets a trial gets one new revision, or, when `stamp` names it, its
    /// trials get the revision `stamp` gives (the algorithm lock's holder's own trials).
    static func insert(
        _ trials: [Trial],
        into contents: inout Contents,
        stampingWith stamp: (experimentID: String, revision: Int)?
    ) throws -> [Trial] {
        for trial in trials where contents.experiments[trial.experimentID] == nil {
            throw StorageError(.notFound, "no experiment with id \(trial.experimentID) for trial \(trial.id)")
        }
        var inserted: [Trial] = []
        var bumped: Set<String> = []
        for trial in trials {
            guard var record = contents.experiments[trial.experimentID], record.trials[trial.id] == nil else {
                continue
            }
            contents.experiments[trial.experimentID] = nil  // so that `record` is the only owner: no copy
            let revision: Int
            if let stamp, stamp.experimentID == trial.experimentID {
                revision = stamp.revision
            } else {
                if bumped.insert(trial.experimentID).inserted { record.revision += 1 }
                revision = record.revision
            }
            contents.nextSequence += 1
            // A trial registered as reserved gets a token, so that whoever reclaims it can present one.
            let token = trial.status == .reserved ? Reservation.makeToken() : nil
            record.store(
                TrialRecord(trial: trial, sequence: contents.nextSequence, revision: revision, token: token)
            )
            record.placeInOrder(trial.id)
            contents.experiments[trial.experimentID] = record
            inserted.append(trial)
        }
        return inserted
    }

    /// Atomically reserves the oldest reservable trial (by submission time, then insertion) with a fresh owner
    /// token.
    ///
    /// - Returns: the reservation, or `nil` when none is reservable (or the experiment does not exist).
    public func reserveTrial(of experimentID: String, worker: String, at now: Date) async throws -> Reservation? {
        let token = Reservation.makeToken()
        return contents.withLock { contents in
            guard var record = contents.experiments[experimentID], var entry = record.firstReservable else {
                return nil
            }
            contents.experiments[experimentID] = nil  // so that `record` is the only owner: no copy
            record.revision += 1
            entry.trial.status = .reserved
            entry.trial.startTime = now
            entry.trial.heartbeat = now
            entry.trial.worker = worker
            entry.revision = record.revision
            entry.token = token
            record.store(entry)
            contents.experiments[experimentID] = record
            return Reservation(trial: entry.trial, token: token)
        }
    }

    /// Compare-and-set: replaces the stored trial with `trial` if the stored status is still `expected`; clears
    /// the owner token unless the new status is `reserved`.
    ///
    /// - Returns: `true` if written; `false` if the stored status differed or the trial does not exist.
    public func updateTrial(_ trial: Trial, expecting expected: TrialStatus) async throws -> Bool {
        contents.withLock { contents in
            Self.replace(trial, in: &contents) { $0.trial.status == expected }
        }
    }

    /// Compare-and-set on the owner: replaces the stored trial with `trial` if it is still reserved with `token`;
    /// clears the token unless the new status is `reserved`.
    ///
    /// - Returns: `true` if written; `false` when the trial is not reserved with this token (or does not exist).
    public func updateTrial(_ trial: Trial, holding token: String) async throws -> Bool {
        contents.withLock { contents in
            Self.replace(trial, in: &contents) { $0.trial.status == .reserved && $0.token == token }
        }
    }

    /// Replaces the stored trial with `trial` when `condition` holds for the stored record.
    private static func replace(
        _ trial: Trial,
        in contents: inout Contents,
        when condition: (TrialRecord) -> Bool
    ) -> Bool {
        guard var record = contents.experiments[trial.experimentID], var entry = record.trials[trial.id],
            condition(entry)
        else { return false }
        contents.experiments[trial.experimentID] = nil  // so that `record` is the only owner: no copy
        record.revision += 1
        let moved = entry.trial.submitTime != trial.submitTime
        entry.trial = trial
        entry.revision = record.revision
        if trial.status != .reserved {
            entry.token = nil
        } else if entry.token == nil {
            entry.token = Reservation.makeToken()
        }
        record.store(entry)
        if moved {
            record.order.removeAll { $0 == trial.id }
            record.placeInOrder(trial.id)
        }
        contents.experiments[trial.experimentID] = record
        return true
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
        contents.withLock { contents in
            guard var entry = contents.experiments[experimentID]?.trials[trialID], entry.trial.status == .reserved,
                entry.token == token
            else { return false }
            entry.trial.heartbeat = now
            contents.experiments[experimentID]?.store(entry)  // same revision: not a change for the algorithm
            return true
        }
    }

    /// The experiment's reserved trials with their owner tokens, by submission time then insertion.
    public func reservations(of experimentID: String) async throws -> [Reservation] {
        contents.withLock { contents in
            guard let record = contents.experiments[experimentID] else { return [] }
            return record.order.compactMap { id -> Reservation? in
                guard let entry = record.trials[id], entry.trial.status == .reserved, let token = entry.token
                else { return nil }
                return Reservation(trial: entry.trial, token: token)
            }
        }
    }

    /// One trial by id.
    public func trial(id: String, of experimentID: String) async throws -> Trial? {
        contents.withLock { $0.experiments[experimentID]?.trials[id]?.trial }
    }

    /// The experiment's trials with one of `statuses` (all when `nil`), by submission time then insertion.
    public func trials(of experimentID: String, status statuses: [TrialStatus]?) async throws -> [Trial] {
        contents.withLock { contents in
            guard let record = contents.experiments[experimentID] else { return [] }
            return record.order.compactMap { id -> Trial? in
                guard let trial = record.trials[id]?.trial else { return nil }
                if let statuses, !statuses.contains(trial.status) { return nil }
                return trial
            }
        }
    }

    /// The number of trials of each status (statuses without trials are absent).
    public func countTrials(of experimentID: String) async throws -> [TrialStatus: Int] {
        contents.withLock { contents in
            guard let record = contents.experiments[experimentID] else { return [:] }
            return record.counts()
        }
    }

    /// Turns `reserved` trials whose heartbeat is older than `heartbeatBefore` (or missing) into `interrupted`,
    /// clearing their owner tokens.
    ///
    /// - Returns: how many trials were released.
    @discardableResult
    public func releaseLostTrials(of experimentID: String, heartbeatBefore: Date) async throws -> Int {
        contents.withLock { contents in
            guard var record = contents.experiments[experimentID] else { return 0 }
            let lost = record.order.filter { id in
                guard let trial = record.trials[id]?.trial, trial.status == .reserved else { return false }
                return (trial.heartbeat ?? .distantPast) < heartbeatBefore
            }
            guard !lost.isEmpty else { return 0 }
            contents.experiments[experimentID] = nil  // so that `record` is the only owner: no copy
            record.revision += 1
            for id in lost {
                guard var entry = record.trials[id] else { continue }
                entry.trial.status = .interrupted
                entry.revision = record.revision
                entry.token = nil
                record.store(entry)
            }
            contents.experiments[experimentID] = record
            return lost.count
        }
    }
}

extension InMemoryStorage.ExperimentRecord {
    /// Inserts `id` (already in `trials`) into `order`, which is sorted by submission time, then insertion.
    mutating func placeInOrder(_ id: String) {
        guard let entry = trials[id] else { return }
        let key = (entry.trial.submitTime, entry.sequence)
        func precedes(_ other: String) -> Bool {
            guard let otherEntry = trials[other] else { return true }
            return (otherEntry.trial.submitTime, otherEntry.sequence) < key
        }
        if let last = order.last, !precedes(last) {
            var low = 0
            var high = order.count
            while low < high {
                let middle = (low + high) / 2
                if precedes(order[middle]) { low = middle + 1 } else { high = middle }
            }
            order.insert(id, at: low)
        } else {
            order.append(id)
        }
    }

    /// The number of trials of each status.
    func counts() -> [TrialStatus: Int] {
        statusCounts.filter { $0.value > 0 }
    }
}
