import Foundation
import Synchronization

/// A storage that lives in this process's memory: for the library, tests and `--storage memory:`.
///
/// It honours the whole ``Storage`` contract (atomic reservation, compare-and-set, the algorithm lock and the
/// revision counter behind ``AlgorithmSnapshot/changedTrials``) for any number of tasks in one process.
public final class InMemoryStorage: Storage {
    private struct ExperimentRecord {
        var experiment: Experiment
        var trials: [String: TrialRecord] = [:]
        var order: [String] = []
        var revision = 0
        var algorithm = AlgorithmRecord()
    }

    private struct TrialRecord {
        var trial: Trial
        var revision: Int
    }

    private struct AlgorithmRecord {
        var state: Data?
        var stateVersion = 0
        var observedRevision = 0
        var locked = false
    }

    private let records = Mutex<[String: ExperimentRecord]>([:])

    /// Creates an empty storage.
    public init() {}

    // MARK: Experiments

    /// Stores a new experiment; `(name, version)` must be new.
    public func createExperiment(_ experiment: Experiment) async throws {
        try records.withLock { records in
            if records.values.contains(where: {
                $0.experiment.name == experiment.name && $0.experiment.version == experiment.version
            }) {
                throw StorageError(
                    .duplicate,
                    "experiment '\(experiment.name)' version \(experiment.version) exists already"
                )
            }
            records[experiment.id] = ExperimentRecord(experiment: experiment)
        }
    }

    /// The experiment with this name and version, or the latest version.
    public func experiment(named name: String, version: Int?) async throws -> Experiment? {
        records.withLock { records in
            records.values.map(\.experiment)
                .filter { $0.name == name && (version == nil || $0.version == version) }
                .max { $0.version < $1.version }
        }
    }

    /// The experiment with this id.
    public func experiment(id: String) async throws -> Experiment? {
        records.withLock { $0[id]?.experiment }
    }

    /// Every experiment, by name then version.
    public func experiments() async throws -> [Experiment] {
        records.withLock { records in
            records.values.map(\.experiment).sorted { ($0.name, $0.version) < ($1.name, $1.version) }
        }
    }

    /// Replaces a stored experiment.
    public func updateExperiment(_ experiment: Experiment) async throws {
        try records.withLock { records in
            guard records[experiment.id] != nil else {
                throw StorageError(.notFound, "no experiment with id \(experiment.id)")
            }
            records[experiment.id]?.experiment = experiment
        }
    }

    /// Deletes an experiment, its trials and its algorithm state.
    public func deleteExperiment(id: String) async throws {
        _ = records.withLock { $0.removeValue(forKey: id) }
    }

    // MARK: Trials

    /// Stores new trials, skipping existing ids.
    @discardableResult
    public func registerTrials(_ trials: [Trial]) async throws -> [Trial] {
        try records.withLock { records in try Self.insert(trials, into: &records) }
    }

    private static func insert(_ trials: [Trial], into records: inout [String: ExperimentRecord]) throws -> [Trial] {
        var inserted: [Trial] = []
        for trial in trials {
            guard var record = records[trial.experimentID] else {
                throw StorageError(.notFound, "no experiment with id \(trial.experimentID) for trial \(trial.id)")
            }
            guard record.trials[trial.id] == nil else { continue }
            record.revision += 1
            record.trials[trial.id] = TrialRecord(trial: trial, revision: record.revision)
            record.order.append(trial.id)
            records[trial.experimentID] = record
            inserted.append(trial)
        }
        return inserted
    }

    /// Reserves the oldest reservable trial.
    public func reserveTrial(of experimentID: String, worker: String, at now: Date) async throws -> Trial? {
        records.withLock { records in
            guard var record = records[experimentID] else { return nil }
            guard let id = record.order.first(where: { record.trials[$0]?.trial.status.isReservable ?? false }),
                var entry = record.trials[id]
            else { return nil }
            record.revision += 1
            entry.trial.status = .reserved
            entry.trial.startTime = now
            entry.trial.heartbeat = now
            entry.trial.worker = worker
            entry.revision = record.revision
            record.trials[id] = entry
            records[experimentID] = record
            return entry.trial
        }
    }

    /// Writes `trial` if its stored status is still `expected`.
    public func updateTrial(_ trial: Trial, expecting expected: TrialStatus) async throws -> Bool {
        records.withLock { records in
            guard var record = records[trial.experimentID], var entry = record.trials[trial.id],
                entry.trial.status == expected
            else { return false }
            record.revision += 1
            var updated = trial
            updated.submitTime = entry.trial.submitTime
            entry.trial = updated
            entry.revision = record.revision
            record.trials[trial.id] = entry
            records[trial.experimentID] = record
            return true
        }
    }

    /// Refreshes the heartbeat of a reserved trial.
    public func heartbeat(trialID: String, of experimentID: String, at now: Date) async throws -> Bool {
        records.withLock { records in
            guard records[experimentID]?.trials[trialID]?.trial.status == .reserved else { return false }
            records[experimentID]?.trials[trialID]?.trial.heartbeat = now
            return true
        }
    }

    /// One trial by id.
    public func trial(id: String, of experimentID: String) async throws -> Trial? {
        records.withLock { $0[experimentID]?.trials[id]?.trial }
    }

    /// Trials with one of `statuses`, in submission order.
    public func trials(of experimentID: String, status statuses: [TrialStatus]?) async throws -> [Trial] {
        records.withLock { records in
            guard let record = records[experimentID] else { return [] }
            return record.order.compactMap { record.trials[$0]?.trial }
                .filter { statuses?.contains($0.status) ?? true }
        }
    }

    /// Trials by status.
    public func countTrials(of experimentID: String) async throws -> [TrialStatus: Int] {
        records.withLock { records in
            var counts: [TrialStatus: Int] = [:]
            for entry in records[experimentID]?.trials.values ?? [:].values { counts[entry.trial.status, default: 0] += 1 }
            return counts
        }
    }

    /// Turns reserved trials with an old heartbeat into interrupted ones.
    @discardableResult
    public func releaseLostTrials(of experimentID: String, heartbeatBefore: Date) async throws -> Int {
        records.withLock { records in
            guard var record = records[experimentID] else { return 0 }
            var released = 0
            for id in record.order {
                guard var entry = record.trials[id], entry.trial.status == .reserved,
                    (entry.trial.heartbeat ?? .distantPast) < heartbeatBefore
                else { continue }
                record.revision += 1
                entry.trial.status = .interrupted
                entry.revision = record.revision
                record.trials[id] = entry
                released += 1
            }
            records[experimentID] = record
            return released
        }
    }

    // MARK: Algorithm lock

    /// Runs `body` under the experiment's algorithm lock and stores its state and trials atomically.
    public func withAlgorithmLock<Output: Sendable>(
        of experimentID: String,
        timeout: Duration,
        _ body: @Sendable (AlgorithmSnapshot) throws -> AlgorithmUpdate<Output>
    ) async throws -> Output {
        let deadline = ContinuousClock.now + timeout
        while true {
            let acquired = try records.withLock { records -> Bool in
                guard var record = records[experimentID] else {
                    throw StorageError(.notFound, "no experiment with id \(experimentID)")
                }
                if record.algorithm.locked { return false }
                record.algorithm.locked = true
                records[experimentID] = record
                return true
            }
            if acquired { break }
            if ContinuousClock.now > deadline {
                throw StorageError(.lockTimeout, "the algorithm lock of experiment \(experimentID) is held by another worker")
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        defer { records.withLock { $0[experimentID]?.algorithm.locked = false } }
        let snapshot = try records.withLock { records -> AlgorithmSnapshot in
            guard let record = records[experimentID] else {
                throw StorageError(.notFound, "experiment \(experimentID) was deleted while its lock was held")
            }
            let observed = record.algorithm.state == nil ? 0 : record.algorithm.observedRevision
            let changed = record.order.compactMap { record.trials[$0] }
                .filter { $0.revision > observed }
                .sorted { $0.revision < $1.revision }
                .map(\.trial)
            var counts: [TrialStatus: Int] = [:]
            for entry in record.trials.values { counts[entry.trial.status, default: 0] += 1 }
            return AlgorithmSnapshot(
                state: record.algorithm.state,
                stateVersion: record.algorithm.stateVersion,
                changedTrials: changed,
                counts: counts
            )
        }
        let update = try body(snapshot)
        try records.withLock { records in
            _ = try Self.insert(update.newTrials, into: &records)
            guard var record = records[experimentID] else { return }
            if let state = update.state {
                record.algorithm.state = state
                record.algorithm.stateVersion += 1
            }
            record.algorithm.observedRevision = record.revision
            records[experimentID] = record
        }
        return update.output
    }

    /// Forgets the algorithm's state so the next holder observes every trial.
    public func resetAlgorithm(of experimentID: String) async throws {
        records.withLock { records in
            records[experimentID]?.algorithm.state = nil
            records[experimentID]?.algorithm.observedRevision = 0
        }
    }
}
