import ArgumentParser
import Foundation
import OrionCore
import OrionPostgres

/// `orion db test`: check that the configured database is reachable (created if it does not exist yet, as Oríon's
/// check does, so that `orion db setup` then `orion db test` works), of a known schema and writable, printing each
/// check as Oríon does (`<check>... Success`).
struct DbTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Check the configured database: configuration, connection, schema version, read and write."
    )

    @OptionGroup var options: ExperimentOptions

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let environment = ProcessInfo.processInfo.environment
            let global = ConfigurationLoader.globalConfigPath(environment: environment)
            // Each source is read at its own step, so that a mistake fails the step of its source (probe p44c: a
            // global file's typo passed its step and failed the -c file's).
            step("Check for a configuration inside the global configuration file")
            do {
                _ = try ConfigurationLoader.globalLayers(environment: environment)
            } catch {
                outcome("Failure")
                throw error
            }
            outcome(FileManager.default.fileExists(atPath: global) ? "Success" : "Skipping")
            step("Check for a configuration inside the environment variables")
            do {
                _ = try ConfigurationLoader.layer(fromEnvironment: environment)
            } catch {
                outcome("Failure")
                throw error
            }
            let variables = ["ORION_DB_ADDRESS", "ORION_DB_TYPE", "ORION_DB_NAME", "ORION_DB_PORT"]
            outcome(variables.contains { environment[$0] != nil } ? "Success" : "Skipping")
            step("Check if configuration file has valid database configuration")
            let configuration: OrionConfiguration
            do {
                configuration = try CommandContext.resolveConfiguration(options: options, environment: environment)
            } catch {
                outcome("Failure")
                throw error
            }
            let address =
                options.debug
                ? "memory:"
                : configuration.storage.address ?? "sqlite://" + StorageFactory.defaultPath(environment: environment)
            if address.hasPrefix(ConfigurationLoader.unsupportedPrefix) {
                // A storage of Oríon's that swift-orion does not have (PickledDB, MongoDB): said as the error it is.
                outcome("Failure")
                throw ConfigurationError(String(address.dropFirst(ConfigurationLoader.unsupportedPrefix.count)))
            }
            outcome(options.config == nil ? "Skipping" : "Success")
            // What the configuration leaves out or ignores (a key not used, a deprecated form), as other commands say.
            for note in configuration.notes { StandardStream.emit("note: \(note)\n", to: 2) }
            StandardStream.emit("Using configuration: \(PostgresAddress.redacted(address))\n")
            step("Check if database of specified type can be created")
            let storage: any Storage
            do {
                storage = try Self.open(address, environment: environment)
            } catch {
                outcome("Failure")
                throw error
            }
            // Closed before the process ends, whatever the checks find: an SQLite file keeps its -wal and -shm
            // files beside it until then (they stayed behind, and the file alone was no longer a copy of it).
            do {
                do {
                    // A server connects at the first call: reach it here, so that a server that cannot be reached
                    // fails this step, not the next one.
                    _ = try await storage.experiment(id: "orion-db-test")
                } catch {
                    outcome("Failure")
                    throw error
                }
                outcome("Success")
                try await checkOperations(storage)
            } catch {
                try? await storage.close()
                throw error
            }
            try await storage.close()
        }
    }

    /// How long `db test` tries to reach a PostgreSQL server whose address does not say (`retry_for`): a check
    /// should answer in seconds, as Oríon's does; a hunt keeps the minute.
    static let postgresPatience = Duration.seconds(5)

    /// Opens the storage at `address`, creating it; a PostgreSQL address without `retry_for` gets
    /// ``postgresPatience``.
    static func open(_ address: String, environment: [String: String]) throws -> any Storage {
        guard PostgresAddress.isPostgres(address), !address.contains("retry_for=") else {
            return try StorageFactory.open(address: address, environment: environment, create: true)
        }
        var parsed = try PostgresAddress(url: address)
        parsed.retryFor = postgresPatience
        return PostgresStorage(address: parsed, create: true) { StandardStream.emit("note: \($0)\n", to: 2) }
    }

    /// The schema, write, read, count and delete checks, on a scratch experiment deleted at the end.
    private func checkOperations(_ storage: any Storage) async throws {
        step("Check the database's schema version")
        if let applied = try await failing({ try await DbUpgrade.appliedMigrations(storage) }) {
            outcome("Success (\(applied.count) migrations, latest \(applied.last ?? "none"))")
        } else {
            outcome("Skipping")
        }
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        let experiment = Experiment(
            name: "orion-db-test-\(Experiment.makeID())",
            space: space,
            algorithm: AlgorithmConfig(name: "random")
        )
        let trial = Trial(
            experimentID: experiment.id,
            params: [Trial.Param(name: "/x", type: .real, value: .double(0.5))]
        )
        step("Check if database supports write operation")
        try await failing {
            try await storage.createExperiment(experiment)
            try await storage.registerTrials([trial])
        }
        outcome("Success")
        step("Check if database supports read operation")
        try await failing {
            guard try await storage.trial(id: trial.id, of: experiment.id) != nil else {
                throw StorageError(.backend, "a trial just written could not be read back")
            }
        }
        outcome("Success")
        step("Check if database supports count operation")
        try await failing {
            guard try await storage.countTrials(of: experiment.id)[.new] == 1 else {
                throw StorageError(.backend, "the trial just written is not counted")
            }
        }
        outcome("Success")
        step("Check if database supports delete operation")
        try await failing { try await storage.deleteExperiment(id: experiment.id) }
        outcome("Success")
    }

    private func step(_ text: String) { StandardStream.emit(text + "... ") }

    private func outcome(_ text: String) { StandardStream.emit(text + "\n") }

    /// Runs `body`; prints `Failure` before its error.
    private func failing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            outcome("Failure")
            throw error
        }
    }
}
