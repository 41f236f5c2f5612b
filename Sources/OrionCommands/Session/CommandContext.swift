import Foundation
import OrionCore
import OrionPostgres
import OrionWorker

/// What every command needs, resolved once at the edge: the configuration (defaults < global files < environment <
/// `--config` file < flags) and the storage it points at.
struct CommandContext {
    let configuration: OrionConfiguration
    let storage: any Storage

    /// `experiment.max_broken` when some source gave it, `nil` when it is the default (so that a stored
    /// experiment keeps its own value).
    var explicitMaxBroken: Int? {
        configuration.sources["experiment.max_broken", default: "default"] == "default"
            ? nil : configuration.experiment.maxBroken
    }

    /// Whether the setting `key` was given on the command line or in the `-c` file `localFile`, where it overrides a
    /// stored experiment's own value.
    ///
    /// Oríon's precedence puts a stored experiment's values (`max_trials`, `max_broken`, `working_dir`, the
    /// algorithm) above the defaults, the global files and the environment, and below the `-c` file and the flags:
    /// `ORION_EXP_MAX_TRIALS` or a global file's algorithm configure new experiments, not resumed ones.
    ///
    /// - Parameters:
    ///   - key: the setting's key (`experiment.max_trials`).
    ///   - localFile: the `-c/--config` file, as given.
    /// - Returns: whether the value comes from a flag or from `localFile`.
    func overridesStoredExperiment(_ key: String, localFile: String?) -> Bool {
        let source = configuration.sources[key, default: "default"]
        if source.hasPrefix("flag ") { return true }
        guard let localFile else { return false }
        return source.hasPrefix("file \(localFile):") || source == "file \(localFile)"
    }

    /// Resolves the configuration and opens the storage; only commands that make experiments (`hunt`, `init-only`,
    /// `db load`, `serve`: `createStorage`, implied by `huntOptions`) create a missing database; `postgresRetryFor` is
    /// ``StorageFactory/open(address:environment:currentDirectory:create:postgresRetryFor:)``'s.
    init(
        options: ExperimentOptions,
        huntOptions: HuntOptions? = nil,
        createStorage: Bool = false,
        postgresRetryFor: Duration? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        configuration = try Self.resolveConfiguration(
            options: options,
            huntOptions: huntOptions,
            environment: environment
        )
        for note in configuration.notes { StandardStream.emit("note: \(note)\n", to: 2) }
        if options.debug, let given = options.storage {
            // Said, not silently dropped (probe p44c: `--debug list --storage a.db` printed "No experiment found").
            StandardStream.emit(
                "note: --debug keeps experiments in memory: --storage \(PostgresAddress.redacted(given)) is not used\n",
                to: 2
            )
        }
        storage = try StorageFactory.open(
            address: options.debug ? "memory:" : configuration.storage.address,
            environment: environment,
            create: createStorage || huntOptions != nil,
            postgresRetryFor: postgresRetryFor
        )
    }

    /// The configuration from defaults < global files < environment < `--config` file < flags, without opening the
    /// storage (`orion db setup`, `orion db test`).
    ///
    /// - Throws: ``ConfigurationError`` for an unreadable or invalid file, variable or flag.
    static func resolveConfiguration(
        options: ExperimentOptions,
        huntOptions: HuntOptions? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> OrionConfiguration {
        var layers = try ConfigurationLoader.globalLayers(environment: environment)
        layers.append(try ConfigurationLoader.layer(fromEnvironment: environment))
        if let file = options.config { layers.append(try ConfigurationLoader.layer(fromYAMLFile: file)) }
        // A name given to a command that only finds an experiment is not checked against the rule for new names
        // (an experiment imported from Oríon may be named `group/run`); `orion hunt` checks it.
        let flags = options.settings.filter { huntOptions != nil || $0.key != "experiment.name" }
        layers.append(try ConfigurationLoader.layer(fromFlags: flags + (huntOptions?.settings ?? [])))
        return ConfigurationLoader.resolve(layers)
    }

    /// The version that `-v/--version` means for the experiment `name`, by Oríon's rule: a version above the latest
    /// stored one is the latest, with a note on stderr; any other request (none, or an existing or lower version)
    /// is returned as given.
    ///
    /// - Parameters:
    ///   - name: the experiment's name, if known.
    ///   - version: the requested version.
    /// - Returns: the version to look up.
    /// - Throws: the storage's errors.
    func resolvedVersion(of name: String?, _ version: Int?) async throws -> Int? {
        guard let name, let version,
            let latest = try await storage.experiment(named: name, version: nil), latest.version < version
        else { return version }
        StandardStream.emit(
            "note: experiment '\(name)' has no version \(version); using its latest version, \(latest.version)\n",
            to: 2
        )
        return latest.version
    }

    /// Runs `body`, then closes the storage (for SQLite: everything checkpointed into the database file) whether
    /// `body` returned or threw.
    ///
    /// After an error, the close waits at most ``closePatience``: a hunt interrupted twice may have left a storage
    /// call waiting on a locked file or an unreachable server, which a checkpoint would wait behind for a minute.
    /// The process then exits without it, which loses nothing (an uncommitted transaction is rolled back, and the
    /// next connection replays SQLite's log).
    func closingStorage<T>(_ body: () async throws -> T) async throws -> T {
        let value: T
        do {
            value = try await body()
        } catch {
            _ = try? await Worker.unlessForced(after: Self.closePatience, isForced: { true }) { [storage] in
                try? await storage.close()
            }
            throw error
        }
        try await storage.close()
        return value
    }

    /// How long a command that failed waits for its storage to close.
    static let closePatience = Duration.seconds(2)
}
