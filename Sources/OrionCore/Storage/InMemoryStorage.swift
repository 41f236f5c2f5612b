import Foundation
import Synchronization

/// A storage that lives in this process's memory: for the library, tests and `--storage memory:`.
///
/// It honours the whole ``Storage`` contract, with the same semantics as the SQLite backend (both pass
/// `StorageConformance`): atomic reservation, compare-and-set updates, heartbeats, the algorithm lock and the
/// revision counter behind ``AlgorithmSnapshot/changedTrials``, for any number of tasks in one process.
/// Nothing is kept when the process ends.
///
/// Every operation runs under one `Mutex`, so each is atomic; the algorithm lock is a separate, asynchronous
/// lock per experiment (waiters queue in order and never block a thread), and its `body` runs outside the mutex.
public final class InMemoryStorage: Storage {
    /// A stored trial with its insertion number, the revision of its last registration or status change, and the
    /// owner token of its reservation while it is reserved.
    struct TrialRecord {
        var trial: Trial
        var sequence: Int
        var revision: Int
        var token: String?
    }

    /// An experiment with its trials and algorithm state.
    struct ExperimentRecord {
        var experiment: Experiment
        /// The trials by id; written only through ``store(_:)``, which keeps the indexes below in step.
        private(set) var trials: [String: TrialRecord] = [:]
        /// The number of trials of each status.
        private(set) var statusCounts: [TrialStatus: Int] = [:]
        /// The ids of the trials a worker may reserve.
        private(set) var reservable: Set<String> = []
        /// `(revision, id)` each time a trial got a new revision, in increasing revision order (entries of trials
        /// changed again later are stale and skipped by ``trialsChanged(after:)``).
        private(set) var changes: [(revision: Int, id: String)] = []
        /// Trial ids by submission time, then insertion.
        var order: [String] = []
        /// Bumped by every registration or status change of a trial (not by heartbeats).
        var revision = 0
        var state: Data?
        var stateVersion = 0
        var observedRevision = 0

        /// Stores a trial (new or changed) and updates the counts, the reservable set and the change log.
        mutating func store(_ entry: TrialRecord) {
            let id = entry.trial.id
            let previous = trials[id]
            if let previous { statusCounts[previous.trial.status, default: 0] -= 1 }
            statusCounts[entry.trial.status, default: 0] += 1
            trials[id] = entry
            if entry.trial.status.isReservable { reservable.insert(id) } else { reservable.remove(id) }
            guard previous?.revision != entry.revision else { return }
            guard let last = changes.last, last.revision > entry.revision else {
                changes.append((entry.revision, id))
                return
            }
            // A trial the algorithm lock's holder registered, stamped with its snapshot's revision, after changes
            // other workers made meanwhile: put in revision order, which ``trialsChanged(after:)``'s binary search
            // needs (appended, it made the search skip a later change, which no algorithm then observed).
            changes.insert((entry.revision, id), at: Self.firstIndex(in: changes, above: entry.revision))
        }

        /// The index of the first change of `changes` (in increasing revision order) whose revision is above
        /// `revision`, or `changes.count`.
        ///
        /// - Complexity: O(log n).
        static func firstIndex(in changes: [(revision: Int, id: String)], above revision: Int) -> Int {
            var low = 0
            var high = changes.count
            while low < high {
                let middle = (low + high) / 2
                if changes[middle].revision > revision { high = middle } else { low = middle + 1 }
            }
            return low
        }

        /// Removes a trial and updates the counts and the reservable set (stale change-log entries are skipped).
        mutating func remove(_ id: String) {
            guard let previous = trials.removeValue(forKey: id) else { return }
            statusCounts[previous.trial.status, default: 0] -= 1
            reservable.remove(id)
            order.removeAll { $0 == id }
        }

        /// The trials whose revision is above `revision`, in the order of their changes.
        ///
        /// - Complexity: O(log n + k) for k changes since `revision`.
        func trialsChanged(after revision: Int) -> [TrialRecord] {
            var seen: Set<String> = []
            let recent = changes[Self.firstIndex(in: changes, above: revision)...].compactMap {
                change -> TrialRecord? in
                guard seen.insert(change.id).inserted, let entry = trials[change.id], entry.revision > revision
                else { return nil }
                return entry
            }
            return recent.sorted { ($0.revision, $0.sequence) < ($1.revision, $1.sequence) }
        }

        /// The oldest reservable trial (by submission time, then insertion).
        ///
        /// - Complexity: O(r) for r reservable trials.
        var firstReservable: TrialRecord? {
            reservable.compactMap { trials[$0] }.min {
                ($0.trial.submitTime, $0.sequence) < ($1.trial.submitTime, $1.sequence)
            }
        }
    }

    /// A task waiting for an experiment's algorithm lock.
    struct LockWaiter {
        var ticket: Int
        var continuation: CheckedContinuation<Void, any Error>
    }

    /// Everything the storage holds.
    struct Contents {
        var experiments: [String: ExperimentRecord] = [:]
        var nextSequence = 0
        var nextTicket = 0
        /// Experiments whose algorithm lock is held.
        var lockHolders: Set<String> = []
        /// Tasks waiting for an algorithm lock, first come first served.
        var lockWaiters: [String: [LockWaiter]] = [:]
    }

    let contents = Mutex(Contents())

    /// Creates an empty storage.
    public init() {}

    // MARK: Experiments

    /// Stores a new experiment.
    ///
    /// - Parameter experiment: the experiment; its id and its `(name, version)` must be new.
    /// - Throws: `StorageError` `.duplicate` when the id or `(name, version)` exists already.
    public func createExperiment(_ experiment: Experiment) async throws {
        try await createExperiment(experiment, trials: [])
    }

    /// Stores a new experiment and its first trials at once.
    ///
    /// - Returns: the trials that were stored.
    /// - Throws: `StorageError` `.duplicate` when the id or `(name, version)` exists already (nothing is stored).
    @discardableResult
    public func createExperiment(_ experiment: Experiment, trials: [Trial]) async throws -> [Trial] {
        try contents.withLock { contents in try Self.create(experiment, trials: trials, in: &contents) }
    }

    /// Deletes the experiment `id` and stores `experiment` with its trials at once (the old one stays when the new
    /// one is refused).
    ///
    /// - Returns: the trials that were stored.
    /// - Throws: `StorageError` `.duplicate` when the new id or `(name, version)` belongs to another experiment.
    @discardableResult
    public func replaceExperiment(_ id: String, with experiment: Experiment, trials: [Trial]) async throws -> [Trial] {
        try contents.withLock { contents in
            let old = contents.experiments.removeValue(forKey: id)
            do {
                return try Self.create(experiment, trials: trials, in: &contents)
            } catch {
                contents.experiments[id] = old
                throw error
            }
        }
    }

    /// Stores a new experiment and its trials in `contents`, or nothing when it is refused.
    private static func create(_ experiment: Experiment, trials: [Trial], in contents: inout Contents) throws
        -> [Trial]
    {
        if contents.experiments[experiment.id] != nil {
            throw StorageError(.duplicate, "an experiment with id \(experiment.id) exists already")
        }
        try Self.checkUnique(experiment, in: contents)
        contents.experiments[experiment.id] = ExperimentRecord(experiment: experiment)
        do {
            // `insert` checks every trial's experiment before it stores any: a refusal stores nothing.
            return try Self.insert(trials, into: &contents, stampingWith: nil)
        } catch {
            contents.experiments[experiment.id] = nil
            throw error
        }
    }

    /// Throws `.duplicate` when another experiment has the name and version of `experiment`.
    private static func checkUnique(_ experiment: Experiment, in contents: Contents) throws {
        let clash = contents.experiments.values.contains {
            $0.experiment.id != experiment.id && $0.experiment.name == experiment.name
                && $0.experiment.version == experiment.version
        }
        if clash {
            throw StorageError(
                .duplicate,
                "experiment '\(experiment.name)' version \(experiment.version) exists already; "
                    + "choose another name or version"
            )
        }
    }

    /// The experiment with this name and version, or the latest version when `version` is `nil`.
    public func experiment(named name: String, version: Int?) async throws -> Experiment? {
        contents.withLock { contents in
            contents.experiments.values.lazy.map(\.experiment)
                .filter { $0.name == name && (version == nil || $0.version == version) }
                .max { $0.version < $1.version }
        }
    }

    /// The experiment with this id.
    public func experiment(id: String) async throws -> Experiment? {
        contents.withLock { $0.experiments[id]?.experiment }
    }

    /// Every experiment, sorted by name then version.
    public func experiments() async throws -> [Experiment] {
        contents.withLock { contents in
            contents.experiments.values.map(\.experiment).sorted { ($0.name, $0.version) < ($1.name, $1.version) }
        }
    }

    /// Replaces the stored experiment that has the id of `experiment`.
    ///
    /// - Throws: `StorageError` `.notFound` when no experiment has this id, `.duplicate` when another experiment
    ///   has its new name and version.
    public func updateExperiment(_ experiment: Experiment) async throws {
        try contents.withLock { contents in
            guard contents.experiments[experiment.id] != nil else {
                throw StorageError(.notFound, "no experiment with id \(experiment.id)")
            }
            try Self.checkUnique(experiment, in: contents)
            contents.experiments[experiment.id]?.experiment = experiment
        }
    }

    /// Deletes an experiment with its trials and algorithm state; does nothing when there is no such experiment.
    public func deleteExperiment(id: String) async throws {
        _ = contents.withLock { $0.experiments.removeValue(forKey: id) }
    }

    /// Deletes the experiment's trials with one of `statuses`.
    ///
    /// - Returns: how many trials were deleted.
    @discardableResult
    public func deleteTrials(of experimentID: String, status statuses: [TrialStatus]) async throws -> Int {
        contents.withLock { contents in
            guard var record = contents.experiments[experimentID] else { return 0 }
            let doomed = record.trials.values.filter { statuses.contains($0.trial.status) }.map(\.trial.id)
            for id in doomed { record.remove(id) }
            contents.experiments[experimentID] = record
            return doomed.count
        }
    }
}
