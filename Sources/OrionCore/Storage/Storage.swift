import Foundation

/// Where experiments, trials and algorithm states live.
///
/// Every backend (in-memory, SQLite, PostgreSQL) conforms, and every backend passes `StorageConformance`
/// (OrionTesting).
///
/// All writes that several workers may race on are atomic: reservation is one compare-and-set, status updates
/// name the status they expect, and producing trials happens under the experiment's algorithm lock.
public protocol Storage: Sendable {
    // MARK: Experiments

    /// Stores a new experiment.
    ///
    /// - Throws: `StorageError` with code `.duplicate` when `(name, version)` exists already.
    func createExperiment(_ experiment: Experiment) async throws

    /// Stores a new experiment and its first trials in one transaction: another process sees both or neither
    /// (`orion db load`, so that a load in progress never looks like one cut off between the two).
    ///
    /// - Returns: the trials that were stored (those whose ids repeat are stored once).
    /// - Throws: `StorageError` with code `.duplicate` when the id or `(name, version)` exists already; nothing is
    ///   stored then.
    @discardableResult
    func createExperiment(_ experiment: Experiment, trials: [Trial]) async throws -> [Trial]

    /// Deletes the experiment `id` (with its trials and algorithm state) and stores `experiment` with its trials,
    /// in one transaction: another process, or a process killed meanwhile, sees the old experiment or the new one,
    /// never neither (`orion db load --resolve overwrite`).
    ///
    /// - Returns: the trials that were stored.
    /// - Throws: `StorageError` with code `.duplicate` when the new id or `(name, version)` belongs to another
    ///   experiment than `id`; nothing changes then.
    @discardableResult
    func replaceExperiment(_ id: String, with experiment: Experiment, trials: [Trial]) async throws -> [Trial]

    /// The experiment with this name and version, or the latest version when `version` is `nil`.
    func experiment(named name: String, version: Int?) async throws -> Experiment?

    /// The experiment with this id.
    func experiment(id: String) async throws -> Experiment?

    /// Every experiment, sorted by name then version.
    func experiments() async throws -> [Experiment]

    /// Replaces the stored configuration of an existing experiment (same id).
    ///
    /// - Throws: `StorageError` with code `.notFound` when no experiment has this id.
    func updateExperiment(_ experiment: Experiment) async throws

    /// Deletes an experiment with its trials and algorithm state.
    func deleteExperiment(id: String) async throws

    // MARK: Trials

    /// Stores new trials, skipping any whose id the experiment has already.
    ///
    /// - Returns: the trials that were stored.
    @discardableResult
    func registerTrials(_ trials: [Trial]) async throws -> [Trial]

    /// Atomically takes one reservable trial (`new`, `interrupted` or `suspended`, oldest first) of the
    /// experiment: it becomes `reserved` with `startTime` and `heartbeat` set to `now`, `worker` set, and a fresh
    /// owner token stored with it.
    ///
    /// Two callers never get the same trial, whatever process or machine they run on. Only the holder of the
    /// returned token can refresh the heartbeat (``heartbeat(trialID:of:holding:at:)``) or write the outcome
    /// (``updateTrial(_:holding:)``): a worker that was presumed dead, whose trial was released and reserved again,
    /// can never overwrite the new holder's run.
    ///
    /// - Returns: the reservation (the trial and its token), or `nil` when none is reservable.
    func reserveTrial(of experimentID: String, worker: String, at now: Date) async throws -> Reservation?

    /// Compare-and-set on the status: writes `trial` (status, results, times, failure, exit code, working dir)
    /// only if the stored trial still has status `expected`.
    ///
    /// This is the administrative update (registering a result for a `new` trial, suspending one); a worker
    /// writing the outcome of its reservation uses ``updateTrial(_:holding:)``. When the new status is not
    /// `reserved`, the stored owner token is cleared.
    ///
    /// - Returns: `true` if written, `false` if the stored status differed (someone else changed it).
    func updateTrial(_ trial: Trial, expecting expected: TrialStatus) async throws -> Bool

    /// ``updateTrial(_:expecting:)`` for each of `trials`, with the status in `expected` at the same index, in one
    /// transaction where the backend has them (all written or none; the default writes them one by one).
    ///
    /// - Returns: how many were written (the others' stored status differed).
    /// - Throws: `StorageError` when the storage cannot be written.
    func updateTrials(_ trials: [Trial], expecting expected: [TrialStatus]) async throws -> Int

    /// Compare-and-set on the owner: writes `trial` only if the stored trial is still `reserved` with owner token
    /// `token` (the holder's completion, failure or release).
    ///
    /// When the new status is not `reserved`, the token is cleared: the reservation is over.
    ///
    /// - Parameters:
    ///   - trial: the trial to write.
    ///   - token: the token of the reservation (``Reservation/token``).
    /// - Returns: `true` if written, `false` when the trial is no longer reserved with this token (it was lost
    ///   and released, possibly reserved by another worker since).
    /// - Throws: `StorageError` when the storage cannot be written (`.lockTimeout` when another process held it
    ///   too long: retry).
    func updateTrial(_ trial: Trial, holding token: String) async throws -> Bool

    /// Refreshes the heartbeat of a trial that is still `reserved` with owner token `token`.
    ///
    /// - Returns: `false` when the trial is no longer reserved with this token (the worker lost it).
    func heartbeat(trialID: String, of experimentID: String, holding token: String, at now: Date) async throws -> Bool

    /// The experiment's `reserved` trials with their owner tokens, in submission order.
    ///
    /// A worker uses it to release at once the trials of a worker it knows to be dead (on the same host, a pid
    /// that no longer exists), with ``updateTrial(_:holding:)``.
    func reservations(of experimentID: String) async throws -> [Reservation]

    /// One trial by id.
    func trial(id: String, of experimentID: String) async throws -> Trial?

    /// The experiment's trials with one of `statuses` (all when `nil`), in submission order.
    func trials(of experimentID: String, status statuses: [TrialStatus]?) async throws -> [Trial]

    /// The ids of ``trials(of:status:)``, in the same order, without reading the trials (`orion serve`'s
    /// `/trials/:name`).
    ///
    /// - Complexity: SQLite and PostgreSQL read one column; the default implementation reads every trial.
    func trialIDs(of experimentID: String, status statuses: [TrialStatus]?) async throws -> [String]

    /// One page of the experiment's trials, filtered by status and ordered by a column, with the number of trials
    /// that match (`orion serve`'s paging).
    ///
    /// - Complexity: SQLite and PostgreSQL: the count from their status counters and one ordered query with a
    ///   limit; the default implementation reads every trial.
    func trialPage(of experimentID: String, query: TrialPageQuery) async throws -> TrialPage

    /// The number of trials of each status.
    ///
    /// - Complexity: independent of the number of trials (kept up to date as trials change).
    func countTrials(of experimentID: String) async throws -> [TrialStatus: Int]

    /// The figures `orion status` and `orion info` show, without reading every trial: counts and running time by
    /// status, the best completed trial and the latest end of a completed trial.
    ///
    /// - Complexity: independent of the number of trials in SQLite (indexed queries and counters kept by the
    ///   database); the default implementation reads every trial.
    func summary(of experimentID: String) async throws -> TrialSummary

    /// Deletes the experiment's trials with one of `statuses` (`orion db rm NAME --status STATUS`).
    ///
    /// The algorithm's saved state is not changed: callers that delete trials an algorithm may remember call
    /// ``resetAlgorithm(of:)`` as well.
    ///
    /// - Parameters:
    ///   - experimentID: the experiment.
    ///   - statuses: the statuses whose trials are deleted.
    /// - Returns: how many trials were deleted.
    /// - Throws: `StorageError` when the storage cannot be written.
    @discardableResult
    func deleteTrials(of experimentID: String, status statuses: [TrialStatus]) async throws -> Int

    /// Turns `reserved` trials whose heartbeat is older than `heartbeatBefore` into `interrupted`, so they are
    /// run again, and clears their owner tokens (their former holders can no longer write them).
    ///
    /// - Returns: how many trials were released.
    @discardableResult
    func releaseLostTrials(of experimentID: String, heartbeatBefore: Date) async throws -> Int

    // MARK: Algorithm lock

    /// Runs `body` while holding the experiment's algorithm lock, then stores its new state and trials
    /// atomically with the release.
    ///
    /// `body` gets the stored algorithm state with the trials that changed status since that state last observed
    /// them, and returns the new state and the trials to register. Trials whose id exists already are skipped.
    /// If `body` throws, nothing is written. The lock is released if the process dies.
    ///
    /// - Parameters:
    ///   - experimentID: the experiment.
    ///   - timeout: how long to wait for another worker holding the lock.
    ///   - body: a pure function of the snapshot (no storage calls inside).
    /// - Returns: the `output` of `body`'s update.
    /// - Throws: `StorageError` `.lockTimeout` when the lock could not be had in time.
    func withAlgorithmLock<Output: Sendable>(
        of experimentID: String,
        timeout: Duration,
        _ body: @Sendable (AlgorithmSnapshot) throws -> AlgorithmUpdate<Output>
    ) async throws -> Output

    /// Forgets the stored algorithm state (after an algorithm change), so the next holder starts anew and
    /// observes every trial.
    func resetAlgorithm(of experimentID: String) async throws

    /// The stored algorithm state and the trials changed since it observed them (none without a state), read without
    /// the lock and without writing (for read-only commands: whether the algorithm is done).
    ///
    /// - Parameter experimentID: the experiment.
    /// - Returns: the state's snapshot; `nil` when the experiment does not exist, or the backend cannot tell (the
    ///   default for backends outside this package).
    /// - Throws: the storage's errors.
    func storedAlgorithmState(of experimentID: String) async throws -> StoredAlgorithmState?

    // MARK: Lifetime

    /// Writes everything to its final place and lets go of the backend (SQLite: checkpoints the write-ahead log
    /// into the database file, so that copying that file alone is a backup, and closes the connections).
    ///
    /// Call it once, when done; the storage must not be used afterwards. Closing twice does nothing.
    ///
    /// - Throws: `StorageError` when the backend cannot be flushed or closed.
    func close() async throws
}

/// A trial reserved by one worker, with the owner token that proves it holds it.
///
/// The token is a fresh random value for every reservation; the storage keeps it with the trial until the
/// reservation ends (completion, failure, release, or release as lost).
public struct Reservation: Sendable, Hashable {
    /// The reserved trial, as stored at reservation (status `reserved`).
    public var trial: Trial
    /// The owner token: heartbeats and the final update must present it.
    public var token: String

    /// Creates a reservation.
    ///
    /// - Parameters:
    ///   - trial: the reserved trial.
    ///   - token: its owner token.
    public init(trial: Trial, token: String) {
        self.trial = trial
        self.token = token
    }

    /// A new random owner token (128 random bits, as lowercase hexadecimal text).
    ///
    /// - Returns: the token.
    public static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let text = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }
}

/// The stored algorithm state as a reader sees it, without the lock (``Storage/storedAlgorithmState(of:)``).
public struct StoredAlgorithmState: Sendable {
    /// The state saved by the last holder of the lock; `nil` before the first production or after a reset.
    public var state: Data?
    /// Trials registered or changed in status since the state was saved (none when `state` is nil: there is no
    /// state to observe them with, and reading every trial of a large experiment took seconds).
    public var changedTrials: [Trial]
    /// Number of trials of each status, read with the state (one snapshot).
    public var counts: [TrialStatus: Int]

    /// Creates a reading.
    ///
    /// - Parameters:
    ///   - state: the saved state, if any.
    ///   - changedTrials: the trials changed since the state was saved.
    ///   - counts: the number of trials of each status at the same moment.
    public init(state: Data?, changedTrials: [Trial], counts: [TrialStatus: Int]) {
        self.state = state
        self.changedTrials = changedTrials
        self.counts = counts
    }
}

/// What the algorithm lock's holder sees: the stored state and what changed since it was saved.
public struct AlgorithmSnapshot: Sendable {
    /// The state saved by the previous holder; `nil` on first use or after a reset.
    public var state: Data?
    /// Increments every time a state is saved; lets a worker reuse its decoded copy.
    public var stateVersion: Int
    /// Trials registered or changed in status since the stored state was saved (all trials when `state` is nil).
    public var changedTrials: [Trial]
    /// Number of trials of each status, now.
    public var counts: [TrialStatus: Int]
    /// Which trial ids the experiment has already, asked of the storage while the lock is held.
    ///
    /// The driver deduplicates new suggestions through it instead of keeping every id in its saved state, so that
    /// saving the state costs the same at the millionth trial as at the first.
    public var existingTrials: TrialIndex

    /// Creates a snapshot.
    ///
    /// - Parameters:
    ///   - state: the saved state, if any.
    ///   - stateVersion: the saved state's version.
    ///   - changedTrials: the trials changed since the state was saved.
    ///   - counts: the number of trials of each status.
    ///   - existingTrials: answers which trial ids exist; valid only while the lock is held.
    public init(
        state: Data?,
        stateVersion: Int,
        changedTrials: [Trial],
        counts: [TrialStatus: Int],
        existingTrials: TrialIndex
    ) {
        self.state = state
        self.stateVersion = stateVersion
        self.changedTrials = changedTrials
        self.counts = counts
        self.existingTrials = existingTrials
    }
}

/// Answers which of some trial ids an experiment has already: the storage's unique index, consulted by the
/// algorithm lock's holder.
///
/// A backend builds one for each ``AlgorithmSnapshot``; it reads the storage as the lock's holder sees it and must
/// not be used once the lock's body has returned.
public struct TrialIndex: Sendable {
    private let lookup: @Sendable ([String]) throws -> Set<String>

    /// Creates an index from a lookup.
    ///
    /// - Parameter lookup: given trial ids, returns those the experiment has.
    public init(_ lookup: @escaping @Sendable ([String]) throws -> Set<String>) {
        self.lookup = lookup
    }

    /// An index of a fixed set of ids (for tests and for algorithms run without a storage).
    ///
    /// - Parameter ids: the ids that exist.
    /// - Returns: the index.
    public static func containing(_ ids: Set<String>) -> TrialIndex {
        TrialIndex { wanted in ids.intersection(wanted) }
    }

    /// The ids among `ids` that the experiment has already.
    ///
    /// - Parameter ids: trial ids.
    /// - Returns: the subset that exists.
    /// - Throws: the storage's error when it cannot be read.
    /// - Complexity: one indexed look-up per id.
    public func existing(_ ids: [String]) throws -> Set<String> {
        ids.isEmpty ? [] : try lookup(ids)
    }
}

/// What the algorithm lock's holder returns: the state to save, trials to register, and a value for the caller.
public struct AlgorithmUpdate<Output: Sendable>: Sendable {
    /// The new state to store; `nil` keeps the stored one (and its version).
    public var state: Data?
    /// The trials to register (duplicates of existing ids are skipped).
    public var newTrials: [Trial]
    /// What `withAlgorithmLock` returns.
    public var output: Output

    /// Creates an update.
    public init(state: Data?, newTrials: [Trial], output: Output) {
        self.state = state
        self.newTrials = newTrials
        self.output = output
    }
}

/// An error from a storage backend.
public struct StorageError: OrionError {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// A unique key (experiment name and version, trial id) exists already.
        case duplicate
        /// The experiment or trial does not exist.
        case notFound
        /// The algorithm lock was held by another worker for longer than the timeout.
        case lockTimeout
        /// The storage URL or configuration is invalid.
        case invalidAddress
        /// The database could not be opened, read or written.
        case backend
        /// The database cannot be used as it is: written by a newer, incompatible version, not an Oríon database,
        /// corrupted, or its file removed or replaced while in use. Retrying does not help (not
        /// ``StorageError/isTransient``).
        case schema
        /// The database can be read but not written: a read-only file, directory or mount. Retrying does not help
        /// (a hunt retried every write for 10 minutes before it said so).
        case readOnly
    }

    /// What went wrong.
    public var code: Code
    /// A sentence saying what happened and how to fix it.
    public var message: String
    /// The underlying error, if any.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The underlying error.
    public var cause: (any Error)? { underlying }

    /// A conflict for a duplicate, not found, usage for an invalid address, unavailable when retrying may succeed
    /// (``isTransient``), a failure for a database of another schema.
    public var kind: ErrorKind {
        switch code {
        case .duplicate: .conflict
        case .notFound: .notFound
        case .lockTimeout, .backend: .unavailable
        case .invalidAddress: .usage
        case .schema, .readOnly: .failure
        }
    }

    /// Whether retrying may succeed: the database was locked by another process for longer than the wait, or could
    /// not be read or written for a moment (unavailable, disk full).
    public var isTransient: Bool { code == .lockTimeout || code == .backend }
}

extension Storage {
    /// Does nothing: for backends with nothing to flush or release (the in-memory storage).
    public func close() async throws {}

    /// One ``updateTrial(_:expecting:)`` per trial: for backends without a transaction across them (the in-memory
    /// storage, where each is immediate).
    public func updateTrials(_ trials: [Trial], expecting expected: [TrialStatus]) async throws -> Int {
        precondition(trials.count == expected.count, "one expected status per trial")
        var written = 0
        for (trial, status) in zip(trials, expected) where try await updateTrial(trial, expecting: status) {
            written += 1
        }
        return written
    }

    /// The ids of ``trials(of:status:)``: for backends where the trials are at hand (the in-memory storage).
    public func trialIDs(of experimentID: String, status statuses: [TrialStatus]?) async throws -> [String] {
        try await trials(of: experimentID, status: statuses).map(\.id)
    }

    /// `nil`: a backend that does not implement it cannot tell (read-only commands then report the algorithm as
    /// not done).
    public func storedAlgorithmState(of experimentID: String) async throws -> StoredAlgorithmState? { nil }

    /// ``createExperiment(_:)`` then ``registerTrials(_:)``, and the experiment deleted again when its trials
    /// cannot be stored: two steps, for a backend that has no transaction across them (each backend of this
    /// package has one), so another process may see the experiment before its trials.
    @discardableResult
    public func createExperiment(_ experiment: Experiment, trials: [Trial]) async throws -> [Trial] {
        try await createExperiment(experiment)
        do {
            return try await registerTrials(trials)
        } catch {
            try? await deleteExperiment(id: experiment.id)
            throw error
        }
    }

    /// ``deleteExperiment(id:)`` then ``createExperiment(_:trials:)``: two steps, for a backend that has no
    /// transaction across them (the in-memory storage, which a kill empties anyway).
    @discardableResult
    public func replaceExperiment(_ id: String, with experiment: Experiment, trials: [Trial]) async throws -> [Trial] {
        try await deleteExperiment(id: id)
        return try await createExperiment(experiment, trials: trials)
    }

    /// Refuses: for backends that do not implement deleting trials yet (`StorageConformance`'s `deleteTrials`
    /// check fails for them).
    ///
    /// - Throws: `StorageError` `.backend` saying so.
    public func deleteTrials(of experimentID: String, status statuses: [TrialStatus]) async throws -> Int {
        throw StorageError(.backend, "this storage (\(type(of: self))) cannot delete trials yet")
    }
}
