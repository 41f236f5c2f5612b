import OrionCore

/// The settings given by one source (a file, the environment, the flags): every value optional, `nil` meaning
/// "this source does not say", plus where each value came from.
///
/// ``ConfigurationLoader`` reads files and the environment into layers; the CLI builds the flags' layer with
/// ``set(_:_:source:)``; ``ConfigurationLoader/resolve(_:)`` stacks them over the defaults.
public struct ConfigurationLayer: Sendable, Equatable {
    /// The `experiment:` settings of one source.
    public struct Experiment: Sendable, Equatable {
        /// `experiment.name`.
        public var name: String?
        /// `experiment.version`.
        public var version: Int?
        /// `experiment.user`.
        public var user: String?
        /// `experiment.max_trials`.
        public var maxTrials: Int?
        /// `experiment.max_broken`.
        public var maxBroken: Int?
        /// `experiment.working_dir`.
        public var workingDir: String?
        /// `experiment.algorithm` (or the deprecated `experiment.algorithms`).
        public var algorithm: AlgorithmConfig?

        /// Creates an empty section.
        public init() {}
    }

    /// The `worker:` settings of one source.
    public struct Worker: Sendable, Equatable {
        /// `worker.n_workers`.
        public var nWorkers: Int?
        /// `worker.pool_size`.
        public var poolSize: Int?
        /// `worker.heartbeat`, in seconds.
        public var heartbeat: Double?
        /// `worker.max_trials`.
        public var maxTrials: Int?
        /// `worker.max_broken`.
        public var maxBroken: Int?
        /// `worker.idle_timeout` (or the deprecated `worker.max_idle_time`), in seconds.
        public var idleTimeout: Double?
        /// `worker.interrupt_signal_code`.
        public var interruptSignalCode: Int32?
        /// `worker.user_script_config`.
        public var userScriptConfig: String?

        /// Creates an empty section.
        public init() {}
    }

    /// The `storage:` settings of one source.
    public struct Storage: Sendable, Equatable {
        /// The storage address (see ``OrionConfiguration/StorageSection/address``).
        public var address: String?

        /// Creates an empty section.
        public init() {}
    }

    /// The `experiment:` settings.
    public var experiment = Experiment()
    /// The `worker:` settings.
    public var worker = Worker()
    /// The `storage:` settings.
    public var storage = Storage()
    /// Where each value came from, by key (`worker.n_workers` → `flag --n-workers`).
    public var sources: [String: String] = [:]
    /// Warnings for the user: deprecated keys, settings accepted but ignored.
    public var notes: [String] = []

    /// Creates an empty layer.
    public init() {}

    /// Sets one value and records its source; a `nil` value leaves the layer unchanged.
    ///
    /// ```swift
    /// var flags = ConfigurationLayer()
    /// flags.set(\.experiment.maxTrials, options.expMaxTrials, source: "flag --exp-max-trials")
    /// ```
    ///
    /// - Parameters:
    ///   - path: the setting, e.g. `\.worker.nWorkers`.
    ///   - value: its value, or `nil` when the source does not give it.
    ///   - source: where it came from, shown by `orion info` (`flag --n-workers`).
    public mutating func set<Value>(
        _ path: WritableKeyPath<ConfigurationLayer, Value?>,
        _ value: Value?,
        source: String
    ) {
        guard let value else { return }
        self[keyPath: path] = value
        sources[Self.key(for: path)] = source
    }

    /// Oríon's name of the setting at `path` (`\.worker.nWorkers` → `worker.n_workers`).
    public static func key(for path: PartialKeyPath<ConfigurationLayer>) -> String {
        keyPaths.first { $0.path == path }?.key ?? "\(path)"
    }

    /// Every key a layer can set, in the order `orion info` lists them.
    public static let keys: [String] = [
        "experiment.name", "experiment.version", "experiment.user", "experiment.max_trials", "experiment.max_broken",
        "experiment.working_dir", "experiment.algorithm", "worker.n_workers", "worker.pool_size", "worker.heartbeat",
        "worker.max_trials", "worker.max_broken", "worker.idle_timeout", "worker.interrupt_signal_code",
        "worker.user_script_config", "storage.address",
    ]

    /// The key path of each key.
    static var keyPaths: [(path: PartialKeyPath<ConfigurationLayer>, key: String)] {
        [
            (\.experiment.name, "experiment.name"),
            (\.experiment.version, "experiment.version"),
            (\.experiment.user, "experiment.user"),
            (\.experiment.maxTrials, "experiment.max_trials"),
            (\.experiment.maxBroken, "experiment.max_broken"),
            (\.experiment.workingDir, "experiment.working_dir"),
            (\.experiment.algorithm, "experiment.algorithm"),
            (\.worker.nWorkers, "worker.n_workers"),
            (\.worker.poolSize, "worker.pool_size"),
            (\.worker.heartbeat, "worker.heartbeat"),
            (\.worker.maxTrials, "worker.max_trials"),
            (\.worker.maxBroken, "worker.max_broken"),
            (\.worker.idleTimeout, "worker.idle_timeout"),
            (\.worker.interruptSignalCode, "worker.interrupt_signal_code"),
            (\.worker.userScriptConfig, "worker.user_script_config"),
            (\.storage.address, "storage.address"),
        ]
    }
}
