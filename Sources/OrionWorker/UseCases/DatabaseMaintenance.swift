import Foundation
import OrionCore

/// What `orion db rm`, `orion db set` and `orion db release` do to one experiment, over any ``Storage``.
public enum DatabaseMaintenance {
    /// Which trials `orion db set` changes: Oríon's `*`, `status=<status>` or `id=<trial id>`.
    public enum TrialQuery: Sendable, Hashable {
        /// Every trial.
        case all
        /// The trials with this status.
        case status(TrialStatus)
        /// The trial with this id (ours, or an id Oríon 0.2.7 gave it: ``Trial/orionIDs(of:)``).
        case id(String)

        /// Parses `*`, `status=<status>` or `id=<trial id>`.
        ///
        /// - Parameter text: the query as typed.
        /// - Throws: ``MaintenanceError`` `.invalidQuery` naming what is accepted.
        public init(parsing text: String) throws {
            if text == "*" {
                self = .all
                return
            }
            let (key, value) = try DatabaseMaintenance.keyValue(text, what: "query")
            switch key {
            case "status": self = .status(try DatabaseMaintenance.status(named: value))
            case "id": self = .id(value)
            default:
                throw MaintenanceError(
                    .invalidQuery,
                    "Invalid query attribute '\(key)': the query is *, status=<status> or id=<trial id>"
                )
            }
        }

        /// The trials of `trials` (one experiment's) that match.
        func matching(_ trials: [Trial]) -> [Trial] {
            switch self {
            case .all: return trials
            case .status(let status): return trials.filter { $0.status == status }
            case .id(let id):
                if let ours = trials.first(where: { $0.id == id }) { return [ours] }
                let orionIDs = Trial.orionIDs(of: trials)
                return trials.filter { orionIDs[$0.id]?.contains(id) == true }
            }
        }
    }

    /// Deletes an experiment with its trials and algorithm state.
    ///
    /// - Parameters:
    ///   - experiment: the experiment.
    ///   - storage: where it is stored.
    /// - Returns: the number of trials deleted with it.
    /// - Throws: the storage's error.
    public static func removeExperiment(_ experiment: Experiment, storage: any Storage) async throws -> Int {
        let trials = try await storage.countTrials(of: experiment.id).values.reduce(0, +)
        try await storage.deleteExperiment(id: experiment.id)
        return trials
    }

    /// Deletes `root` and every version below it, as stored now, and then every version branched meanwhile from a
    /// deleted one, until none is left whose parent is gone (`orion db rm`).
    ///
    /// A hunt may branch a version while the user reads what is to be deleted, or while it is being deleted; such a
    /// version was left under a deleted parent, unseen by `orion list`.
    ///
    /// - Parameters:
    ///   - root: the version named (its children go with it; its parents stay).
    ///   - storage: where it is stored.
    /// - Returns: how many trials and experiments were deleted, children before their parents.
    /// - Throws: the storage's error.
    public static func removeTree(
        rootedAt root: Experiment,
        storage: any Storage
    ) async throws -> (trials: Int, experiments: [Experiment]) {
        var removed: [Experiment] = []
        var removedIDs: Set<String> = []
        var trials = 0
        while true {
            let current = try await storage.experiments()
            let doomed =
                removedIDs.isEmpty
                ? ExperimentTree.versions(under: root, in: current)
                : current.filter { $0.refers?.parentID.map(removedIDs.contains) == true }
                    .flatMap { ExperimentTree.versions(under: $0, in: current) }
            let fresh = doomed.filter { !removedIDs.contains($0.id) }
            guard !fresh.isEmpty else { return (trials, removed) }
            for experiment in fresh.reversed() {  // children before their parents
                trials += try await removeExperiment(experiment, storage: storage)
                removed.append(experiment)
                removedIDs.insert(experiment.id)
            }
        }
    }

    /// Deletes the experiment's trials with one of `statuses`, and resets its algorithm so that it observes the
    /// remaining trials afresh (a grid search offers deleted points again).
    ///
    /// - Parameters:
    ///   - statuses: the statuses to delete.
    ///   - experiment: the experiment.
    ///   - storage: where it is stored.
    /// - Returns: the number of trials deleted.
    /// - Throws: the storage's error.
    public static func removeTrials(
        status statuses: [TrialStatus],
        of experiment: Experiment,
        storage: any Storage
    ) async throws -> Int {
        let deleted = try await storage.deleteTrials(of: experiment.id, status: statuses)
        if deleted > 0 { try await storage.resetAlgorithm(of: experiment.id) }
        return deleted
    }

    /// The status an `orion db set` update asks for.
    ///
    /// - Parameter update: the update as typed, `status=<status>`.
    /// - Returns: the status.
    /// - Throws: ``MaintenanceError`` for another attribute, an unknown status, or `reserved` (a reservation belongs
    ///   to a running worker).
    public static func statusUpdate(parsing update: String) throws -> TrialStatus {
        let (key, value) = try keyValue(update, what: "update")
        guard key == "status" else {
            throw MaintenanceError(
                .invalidQuery,
                "Invalid update attribute '\(key)': only the status can be set, as status=<status>"
            )
        }
        let status = try self.status(named: value)
        guard status != .reserved else {
            throw MaintenanceError(
                .invalidQuery,
                "a trial cannot be set to reserved: only a running worker reserves trials; use new or interrupted"
            )
        }
        return status
    }

    /// Checks an `orion db set` on every version it will change before any is written: a refusal after the first
    /// versions were changed left them changed, with nothing said.
    ///
    /// - Parameters:
    ///   - query: which trials.
    ///   - update: the update as typed, `status=<status>`.
    ///   - experiments: the versions it applies to.
    ///   - storage: where they are stored.
    /// - Throws: ``MaintenanceError`` for an update ``setTrials(matching:update:of:storage:batchSize:)`` refuses.
    public static func checkSet(
        matching query: TrialQuery,
        update: String,
        of experiments: [Experiment],
        storage: any Storage
    ) async throws {
        let status = try statusUpdate(parsing: update)
        guard status == .completed else { return }
        var matching: [Trial] = []
        for experiment in experiments {
            matching += query.matching(try await storage.trials(of: experiment.id, status: nil)).filter {
                $0.status != status
            }
        }
        try refuseCompletedWithoutObjective(matching, status: status)
    }

    /// A completed trial has an objective (a run without one is broken): `status=reserved status=completed` made
    /// running trials completed without one, counted in the budget, and the hunts ended short of results.
    private static func refuseCompletedWithoutObjective(_ trials: [Trial], status: TrialStatus) throws {
        let withoutObjective = status == .completed ? trials.filter { $0.objective == nil } : []
        guard let first = withoutObjective.first else { return }
        throw MaintenanceError(
            .invalidQuery,
            "\(withoutObjective.count) of the \(trials.count) trials to set completed have no objective (trial"
                + " \(first.id) is \(first.status.rawValue)): a completed trial has one; nothing was changed; set"
                + " them to new or interrupted to run them again, or broken"
        )
    }

    /// Sets the status of the trials that match `query` (`orion db set NAME QUERY status=<status>`).
    ///
    /// Each trial is written with a compare-and-set on the status it was read with, so a trial that a worker
    /// changed in the meantime is left alone (and not counted). Setting `reserved` is refused: a reservation
    /// belongs to a running worker; so is setting `completed` on a trial without an objective.
    ///
    /// - Parameters:
    ///   - query: which trials.
    ///   - update: the update as typed, `status=<status>`.
    ///   - experiment: the experiment.
    ///   - storage: where it is stored.
    ///   - batchSize: the trials written in one transaction (``setBatchSize``).
    /// - Returns: the number of trials modified.
    /// - Throws: ``MaintenanceError`` for an update other than a valid `status=<status>`, or the storage's error
    ///   (with how many trials the batches before it changed).
    public static func setTrials(
        matching query: TrialQuery,
        update: String,
        of experiment: Experiment,
        storage: any Storage,
        batchSize: Int = setBatchSize
    ) async throws -> Int {
        let status = try statusUpdate(parsing: update)
        var modified = 0
        let matching = query.matching(try await storage.trials(of: experiment.id, status: nil)).filter {
            $0.status != status
        }
        try refuseCompletedWithoutObjective(matching, status: status)
        // A transaction per batch (one per trial took 100 s for 50,000 trials on PostgreSQL).
        for start in stride(from: 0, to: matching.count, by: max(batchSize, 1)) {
            let batch = matching[start..<min(start + max(batchSize, 1), matching.count)]
            let changed = batch.map { trial in
                var changed = trial
                changed.status = status
                if status.isReservable { changed.heartbeat = nil }
                return changed
            }
            do {
                modified += try await storage.updateTrials(changed, expecting: batch.map(\.status))
            } catch let error as StorageError where modified > 0 {
                // Say how far it got (a full disk stopped it part way, silently).
                var partial = error
                partial.message +=
                    "; \(modified) of the \(matching.count) trials were changed before it: run the "
                    + "command again for the others"
                throw partial
            }
        }
        return modified
    }

    /// The trials `orion db set` writes in one transaction.
    public static let setBatchSize = 500

    /// Frees a stuck experiment: every `reserved` trial becomes `interrupted` (run again by the next hunt), its
    /// owner token cleared so that a worker still running it cannot write its result.
    ///
    /// The algorithm lock itself needs no release: SQLite's and PostgreSQL's are transactions, released with the
    /// process that held them.
    ///
    /// - Parameters:
    ///   - experiment: the experiment.
    ///   - storage: where it is stored.
    /// - Returns: the number of trials released.
    /// - Throws: the storage's error.
    public static func release(_ experiment: Experiment, storage: any Storage) async throws -> Int {
        try await storage.releaseLostTrials(of: experiment.id, heartbeatBefore: .distantFuture)
    }

    /// Splits `key=value`.
    static func keyValue(_ text: String, what: String) throws -> (String, String) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw MaintenanceError(
                .invalidQuery,
                "Invalid \(what) '\(text)': write it as attribute=value, e.g. status=broken"
            )
        }
        return (parts[0], parts[1])
    }

    /// A status by its name, for `orion db` (`broken`, `new`, ...).
    ///
    /// - Parameter text: the name.
    /// - Returns: the status.
    /// - Throws: ``MaintenanceError`` naming the statuses.
    public static func status(named text: String) throws -> TrialStatus {
        guard let status = TrialStatus(rawValue: text) else {
            let names = TrialStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw MaintenanceError(.invalidQuery, "Invalid status '\(text)': a status is one of \(names)")
        }
        return status
    }
}

/// A mistake in an `orion db` query or update.
public struct MaintenanceError: OrionError {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// The query or update is not one `orion db set` understands.
        case invalidQuery
    }

    /// What went wrong.
    public var code: Code
    /// One line saying what happened and how to fix it.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: what happened and how to fix it.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Always a usage error.
    public var kind: ErrorKind { .usage }
}
