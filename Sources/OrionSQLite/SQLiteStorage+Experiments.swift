import Foundation
import GRDB
import OrionCore

extension SQLiteStorage {
    /// Stores a new experiment, with an empty algorithm state.
    ///
    /// - Parameter experiment: the experiment; its id and its `(name, version)` must be new.
    /// - Throws: `StorageError` `.duplicate` when the id or `(name, version)` exists already.
    public func createExperiment(_ experiment: Experiment) async throws {
        try await createExperiment(experiment, trials: [])
    }

    /// Stores a new experiment and its first trials in one transaction.
    ///
    /// - Returns: the trials that were stored.
    /// - Throws: `StorageError` `.duplicate` when the id or `(name, version)` exists already (nothing is stored).
    @discardableResult
    public func createExperiment(_ experiment: Experiment, trials: [Trial]) async throws -> [Trial] {
        let document = try Self.document(of: experiment)
        let encoder = Self.makeEncoder()
        let columns = try trials.map { try Queries.TrialColumns($0, encoder: encoder) }
        let inserted = try await write("cannot store experiment '\(experiment.name)'") { db in
            try Self.insert(experiment, document: document, columns: columns, db)
        }
        return zip(trials, inserted).filter(\.1).map(\.0)
    }

    /// Deletes the experiment `id` and stores `experiment` with its trials, in one transaction.
    ///
    /// - Returns: the trials that were stored.
    /// - Throws: `StorageError` `.duplicate` when the new id or `(name, version)` belongs to another experiment
    ///   (nothing changes).
    @discardableResult
    public func replaceExperiment(_ id: String, with experiment: Experiment, trials: [Trial]) async throws -> [Trial] {
        let document = try Self.document(of: experiment)
        let encoder = Self.makeEncoder()
        let columns = try trials.map { try Queries.TrialColumns($0, encoder: encoder) }
        let inserted = try await write("cannot replace experiment \(id) by '\(experiment.name)'") { db in
            try Queries.deleteExperiment(db, id: id)
            return try Self.insert(experiment, document: document, columns: columns, db)
        }
        return zip(trials, inserted).filter(\.1).map(\.0)
    }

    /// Inserts a new experiment and its trials in the current transaction.
    private static func insert(
        _ experiment: Experiment,
        document: String,
        columns: [Queries.TrialColumns],
        _ db: Database
    ) throws -> [Bool] {
        if try Queries.experimentExists(db, id: experiment.id) {
            throw StorageError(.duplicate, "an experiment with id \(experiment.id) exists already")
        }
        try Self.checkUnique(db, experiment)
        try Queries.insertExperiment(
            db,
            id: experiment.id,
            name: experiment.name,
            version: experiment.version,
            document: document
        )
        return columns.isEmpty ? [] : try Self.insert(columns, db, stampingWith: nil)
    }

    /// Throws `.duplicate` when another experiment has the name and version of `experiment`.
    private static func checkUnique(_ db: Database, _ experiment: Experiment) throws {
        if try Queries.experimentID(db, name: experiment.name, version: experiment.version, excluding: experiment.id)
            != nil
        {
            throw StorageError(
                .duplicate,
                "experiment '\(experiment.name)' version \(experiment.version) exists already; "
                    + "choose another name or version"
            )
        }
    }

    /// The experiment with this name and version, or the latest version when `version` is `nil`.
    public func experiment(named name: String, version: Int?) async throws -> Experiment? {
        let document = try await read("cannot read experiment '\(name)'") { db in
            try Queries.experimentDocument(db, name: name, version: version)
        }
        return try document.map { try decodeExperiment($0) }
    }

    /// The experiment with this id.
    public func experiment(id: String) async throws -> Experiment? {
        let document = try await read("cannot read experiment \(id)") { db in
            try Queries.experimentDocument(db, id: id)
        }
        return try document.map { try decodeExperiment($0) }
    }

    /// Every experiment, sorted by name then version.
    public func experiments() async throws -> [Experiment] {
        let documents = try await read("cannot list the experiments") { db in try Queries.experimentDocuments(db) }
        return try documents.map { try decodeExperiment($0) }
            .sorted { ($0.name, $0.version) < ($1.name, $1.version) }
    }

    /// Replaces the stored experiment that has the id of `experiment`.
    ///
    /// - Throws: `StorageError` `.notFound` when no experiment has this id, `.duplicate` when another experiment
    ///   has its new name and version.
    public func updateExperiment(_ experiment: Experiment) async throws {
        let document = try Self.document(of: experiment)
        try await write("cannot update experiment '\(experiment.name)'") { db in
            try Self.checkUnique(db, experiment)
            let found = try Queries.updateExperiment(
                db,
                id: experiment.id,
                name: experiment.name,
                version: experiment.version,
                document: document
            )
            guard found else { throw StorageError(.notFound, "no experiment with id \(experiment.id)") }
        }
    }

    /// Deletes an experiment with its trials and algorithm state; does nothing when there is no such experiment.
    public func deleteExperiment(id: String) async throws {
        try await write("cannot delete experiment \(id)") { db in try Queries.deleteExperiment(db, id: id) }
    }

    /// Deletes the experiment's trials with one of `statuses` (the counters follow through their trigger).
    ///
    /// - Returns: how many trials were deleted.
    @discardableResult
    public func deleteTrials(of experimentID: String, status statuses: [TrialStatus]) async throws -> Int {
        guard !statuses.isEmpty else { return 0 }
        return try await write("cannot delete trials of experiment \(experimentID)") { db in
            try Queries.deleteTrials(db, experimentID: experimentID, statuses: statuses)
        }
    }

    /// The JSON document of `experiment`.
    static func document(of experiment: Experiment) throws -> String {
        do {
            return String(decoding: try makeEncoder().encode(experiment), as: UTF8.self)
        } catch {
            throw StorageError(.backend, "cannot encode experiment '\(experiment.name)': \(error)")
        }
    }

    /// Decodes an experiment's JSON document.
    func decodeExperiment(_ document: String) throws -> Experiment {
        do {
            return try Self.makeDecoder().decode(Experiment.self, from: Data(document.utf8))
        } catch {
            throw StorageError(
                .schema,
                "an experiment stored in \(path) cannot be read (\(error)); it may come from another version of orion",
                underlying: error
            )
        }
    }
}
