import OrionCore

/// The settings given by one source (a file, the environment, the flags), plus where each value came from.
///
/// A value counts only when ``sources`` has its key: the sections hold ``OrionConfiguration``'s defaults for the
/// others. ``ConfigurationLoader`` reads files, the environment and the flags into layers (every value checked
/// against its ``Setting``); ``set(_:_:source:)`` sets one value; ``ConfigurationLoader/resolve(_:)`` stacks layers
/// over the defaults.
public struct ConfigurationLayer: Sendable, Equatable {
    /// The `experiment:` settings (those listed in ``sources``).
    public var experiment = OrionConfiguration.ExperimentSection()
    /// The `worker:` settings (those listed in ``sources``).
    public var worker = OrionConfiguration.WorkerSection()
    /// The `storage:` settings (those listed in ``sources``).
    public var storage = OrionConfiguration.StorageSection()
    /// The `evc:` settings (those listed in ``sources``).
    public var evc = OrionConfiguration.EVCSection()
    /// The keys of Oríon's `database:` block this layer gives (from a file's block or the `ORION_DB_*` variables),
    /// combined key by key with the layers below by ``ConfigurationLoader/resolve(_:)``; ``storage`` holds the address
    /// they give on their own.
    public var database: DatabaseFields?
    /// Whether this layer gives the storage as a whole address (`storage.address`), which wins over `database` keys
    /// of the same layer (a top-level `database:` block beside it) and replaces every key below.
    public var givesWholeAddress = false
    /// Where each value came from, by key (`worker.n_workers` → `flag --n-workers`): the keys this layer gives.
    public var sources: [String: String] = [:]
    /// Warnings for the user: deprecated keys, settings accepted but ignored.
    public var notes: [String] = []

    /// Creates an empty layer.
    public init() {}

    /// Sets one value and records its source; a `nil` value leaves the layer unchanged.
    ///
    /// The value is not checked: use it for values already checked (``ConfigurationLoader`` checks what it reads).
    ///
    /// ```swift
    /// var layer = ConfigurationLayer()
    /// layer.set(\.experiment.maxTrials, 100, source: "flag --exp-max-trials")
    /// ```
    ///
    /// - Parameters:
    ///   - path: the setting, e.g. `\.worker.nWorkers`.
    ///   - value: its value, or `nil` when the source does not give it.
    ///   - source: where it came from, shown by `orion info` (`flag --n-workers`).
    public mutating func set<Value>(
        _ path: WritableKeyPath<ConfigurationLayer, Value>,
        _ value: Value?,
        source: String
    ) {
        guard let value else { return }
        self[keyPath: path] = value
        sources[Self.key(for: path)] = source
    }

    /// Oríon's name of the setting at `path` (`\.worker.nWorkers` → `worker.n_workers`).
    ///
    /// - Parameter path: a key path to a setting's value.
    /// - Returns: the key, or the key path's description when no setting is stored there.
    public static func key(for path: PartialKeyPath<ConfigurationLayer>) -> String {
        Setting.all.first { $0.layerPath == path }?.key ?? "\(path)"
    }

    /// Every key a layer can set, in the order `orion info` lists them.
    public static var keys: [String] { Setting.all.map(\.key) }

    /// The key path of each key.
    static var keyPaths: [(path: PartialKeyPath<ConfigurationLayer>, key: String)] {
        Setting.all.map { ($0.layerPath, $0.key) }
    }
}
