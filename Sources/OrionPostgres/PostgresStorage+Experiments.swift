import Foundation
import OrionCore
import PostgresNIO

extension PostgresStorage {
    /// Stores a new experiment, with its revision counter and an empty algorithm state.
    ///
    /// - Parameter experiment: the experiment; its id and its `(name, version)` must be new.
    /// - Throws: `StorageError` `.duplicate` when the id or `(name, version)` exists already.
    public func createExperiment(_ experiment: Experiment) async throws {
        try await createExperiment(experiment, trials: [])
    }

    /// Stores a new experiment, with its revision counter and an empty algorithm state, and its first trials, in one
    /// transaction.
    ///
    /// - Returns: the trials that were stored.
    /// - Throws: `StorageError` `.duplicate` when the id or `(name, version)` exists already (nothing is stored).
    @discardableResult
    public func createExperiment(_ experiment: Experiment, trials: [Trial]) async throws -> [Trial] {
        let document = try Self.document(of: experiment)
        let encoder = Self.makeEncoder()
        let columns = try trials.map { try PostgresQueries.TrialColumns($0, encoder: encoder) }
        let inserted = try await transaction("cannot store experiment '\(experiment.name)'") {
            [self] connection, attempt -> [Bool] in
            try await insert(experiment, document: document, columns: columns, connection, attempt: attempt)
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
        let columns = try trials.map { try PostgresQueries.TrialColumns($0, encoder: encoder) }
        let inserted = try await transaction("cannot replace experiment \(id) by '\(experiment.name)'") {
            [self] connection, attempt -> [Bool] in
            try await deleteExperiment(id, connection)
            return try await insert(experiment, document: document, columns: columns, connection, attempt: attempt)
        }
        return zip(trials, inserted).filter(\.1).map(\.0)
    }

    /// Inserts a new experiment, its counters and its trials in the current transaction.
    private func insert(
        _ experiment: Experiment,
        document: String,
        columns: [PostgresQueries.TrialColumns],
        _ connection: PostgresConnection,
        attempt: Int
    ) async throws -> [Bool] {
        let existing = try await connection.query(
            "SELECT id, document FROM experiments WHERE id = \(experiment.id) OR (name = \(experiment.name) AND version = \(experiment.version))",
            logger: logger
        ).collect()
        if let row = existing.first {
            let (id, stored) = try row.decode((String, String).self)
            // A retry whose first attempt was committed finds its own experiment, with its trials.
            if attempt > 1, id == experiment.id, stored == document { return columns.map { _ in true } }
            throw StorageError(
                .duplicate,
                id == experiment.id
                    ? "an experiment with id \(experiment.id) exists already"
                    : "experiment '\(experiment.name)' version \(experiment.version) exists already; choose "
                        + "another name or version"
            )
        }
        try await connection.query(
            """
            INSERT INTO experiments (id, name, version, document)
            VALUES (\(experiment.id), \(experiment.name), \(experiment.version), \(document))
            """,
            logger: logger
        )
        try await connection.query(
            "INSERT INTO trial_revisions (experiment_id) VALUES (\(experiment.id))",
            logger: logger
        )
        try await connection.query(
            "INSERT INTO algorithm_states (experiment_id) VALUES (\(experiment.id))",
            logger: logger
        )
        guard !columns.isEmpty else { return [] }
        return try await Self.insert(
            columns,
            connection,
            logger: logger,
            stampingWith: nil,
            serverAhead: serverAhead
        )
    }

    /// The experiment with this name and version, or the latest version when `version` is `nil`.
    public func experiment(named name: String, version: Int?) async throws -> Experiment? {
        let documents = try await withConnection("cannot read experiment '\(name)'") { [self] connection, _ in
            let query: PostgresQuery =
                if let version {
                    "SELECT document FROM experiments WHERE name = \(name) AND version = \(version)"
                } else {
                    "SELECT document FROM experiments WHERE name = \(name) ORDER BY version DESC LIMIT 1"
                }
            return try await strings(connection.query(query, logger: logger))
        }
        return try documents.first.map { try decodeExperiment($0) }
    }

    /// The experiment with this id.
    public func experiment(id: String) async throws -> Experiment? {
        let documents = try await withConnection("cannot read experiment \(id)") { [self] connection, _ in
            try await strings(connection.query("SELECT document FROM experiments WHERE id = \(id)", logger: logger))
        }
        return try documents.first.map { try decodeExperiment($0) }
    }

    /// Every experiment, sorted by name then version.
    public func experiments() async throws -> [Experiment] {
        let documents = try await withConnection("cannot list the experiments") { [self] connection, _ in
            try await strings(connection.query("SELECT document FROM experiments", logger: logger))
        }
        return try documents.map { try decodeExperiment($0) }.sorted { ($0.name, $0.version) < ($1.name, $1.version) }
    }

    /// Replaces the stored experiment that has the id of `experiment`.
    ///
    /// - Throws: `StorageError` `.notFound` when no experiment has this id, `.duplicate` when another experiment
    ///   has its new name and version.
    public func updateExperiment(_ experiment: Experiment) async throws {
        let document = try Self.document(of: experiment)
        try await transaction("cannot update experiment '\(experiment.name)'") { [self] connection, _ in
            let clash = try await connection.query(
                """
                SELECT 1 FROM experiments
                WHERE name = \(experiment.name) AND version = \(experiment.version) AND id <> \(experiment.id)
                """,
                logger: logger
            ).collect()
            guard clash.isEmpty else {
                throw StorageError(
                    .duplicate,
                    "experiment '\(experiment.name)' version \(experiment.version) exists already; "
                        + "choose another name or version"
                )
            }
            let updated = try await connection.query(
                """
                UPDATE experiments SET name = \(experiment.name), version = \(experiment.version), document = \(document)
                WHERE id = \(experiment.id) RETURNING 1
                """,
                logger: logger
            ).collect()
            guard !updated.isEmpty else { throw StorageError(.notFound, "no experiment with id \(experiment.id)") }
        }
    }

    /// Deletes an experiment with its trials, counters and algorithm state; does nothing when there is no such
    /// experiment.
    public func deleteExperiment(id: String) async throws {
        try await transaction("cannot delete experiment \(id)") { [self] connection, _ in
            try await deleteExperiment(id, connection)
        }
    }

    /// Deletes an experiment with its trials, counters and algorithm state in the current transaction.
    private func deleteExperiment(_ id: String, _ connection: PostgresConnection) async throws {
        // The revision row first: every writer of the experiment's trials takes it before the counters.
        try await connection.query(
            "SELECT revision FROM trial_revisions WHERE experiment_id = \(id) FOR UPDATE",
            logger: logger
        )
        try await connection.query("DELETE FROM trials WHERE experiment_id = \(id)", logger: logger)
        try await connection.query("DELETE FROM trial_counts WHERE experiment_id = \(id)", logger: logger)
        try await connection.query("DELETE FROM experiments WHERE id = \(id)", logger: logger)
    }

    /// Deletes the experiment's trials with one of `statuses`; the counters follow (the trigger), the revision does
    /// not change.
    ///
    /// - Returns: how many trials were deleted.
    public func deleteTrials(of experimentID: String, status statuses: [TrialStatus]) async throws -> Int {
        guard !statuses.isEmpty else { return 0 }
        return try await transaction("cannot delete trials of experiment \(experimentID)") { [self] connection, _ in
            // The revision row first: every writer of the experiment's trials takes it before the counters.
            _ = try await connection.query(
                "SELECT revision FROM trial_revisions WHERE experiment_id = \(experimentID) FOR UPDATE",
                logger: logger
            )
            return try await connection.query(
                """
                DELETE FROM trials WHERE experiment_id = \(experimentID) AND status = ANY(\(statuses.map(\.rawValue)))
                RETURNING 1
                """,
                logger: logger
            ).collect().count
        }
    }

    /// The first column of every row, as text.
    func strings(_ rows: PostgresRowSequence) async throws -> [String] {
        var values: [String] = []
        for try await value in rows.decode(String.self) { values.append(value) }
        return values
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
                "an experiment stored in \(address.description) cannot be read (\(error)); it may come from another "
                    + "version of orion",
                underlying: error
            )
        }
    }
}
