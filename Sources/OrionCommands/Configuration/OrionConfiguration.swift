import OrionCore

/// Oríon's settings after every source was applied: defaults < global file < environment < `--config` file < flags.
///
/// Built once by ``ConfigurationLoader/resolve(_:)`` at the edge of the program and passed down; nothing reads the
/// environment or files after that. Keys keep Oríon's names (`experiment.max_trials`, `worker.n_workers`, ...);
/// `docs/configuration.md` lists them all.
public struct OrionConfiguration: Sendable, Equatable {
    /// The `experiment:` section: what the experiment is and when it is done.
    public struct ExperimentSection: Sendable, Equatable {
        /// `experiment.name`; the CLI's `-n` usually gives it.
        public var name: String?
        /// `experiment.version`; `nil` means the latest.
        public var version: Int?
        /// `experiment.user`; `nil` means `$USER`.
        public var user: String?
        /// `experiment.max_trials`: completed trials after which the experiment is done; `nil` is unlimited.
        public var maxTrials: Int?
        /// `experiment.max_broken`: broken trials after which the experiment is broken (3).
        public var maxBroken: Int
        /// `experiment.working_dir`: where trials get their directories; `nil` means a temporary directory.
        public var workingDir: String?
        /// `experiment.algorithm`; `nil` means the experiment's stored algorithm, or `random` for a new one.
        public var algorithm: AlgorithmConfig?

        /// Creates a section; the defaults are Oríon's.
        public init(
            name: String? = nil,
            version: Int? = nil,
            user: String? = nil,
            maxTrials: Int? = nil,
            maxBroken: Int = 3,
            workingDir: String? = nil,
            algorithm: AlgorithmConfig? = nil
        ) {
            self.name = name
            self.version = version
            self.user = user
            self.maxTrials = maxTrials
            self.maxBroken = maxBroken
            self.workingDir = workingDir
            self.algorithm = algorithm
        }
    }

    /// The `worker:` section: how this process runs trials.
    public struct WorkerSection: Sendable, Equatable {
        /// `worker.n_workers`: trials run at once by this process (1).
        public var nWorkers: Int
        /// `worker.pool_size`: trials produced per algorithm call; 0 means `nWorkers` (0).
        public var poolSize: Int
        /// `worker.heartbeat`: seconds between heartbeats, the base of the lost-trial timeout (120).
        public var heartbeat: Double
        /// `worker.max_trials`: trials this process completes before it exits; `nil` is unlimited.
        public var maxTrials: Int?
        /// `worker.max_broken`: broken trials after which this process stops (3).
        public var maxBroken: Int
        /// `worker.idle_timeout`: seconds with nothing to run before this process gives up (60).
        public var idleTimeout: Double
        /// `worker.interrupt_signal_code`: the script's exit code meaning "interrupted" (130).
        public var interruptSignalCode: Int32
        /// `worker.user_script_config`: the script option whose value is a config-file template (`config`).
        public var userScriptConfig: String
        /// `worker.trial_timeout`: how long a trial's script may run before it is stopped; `nil` is no limit.
        public var trialTimeout: Duration?
        /// `worker.executor`: `pool` (child processes, the default; Oríon's executor names mean it too) or `slurm`.
        public var executor: String = "pool"
        /// `worker.executor_configuration.*`: the Slurm jobs' resources, with `executor: slurm`.
        public var slurm = SlurmSection()
        /// `worker.keep_trial_dirs`: how many completed trials keep their directory once the hunt stops (the most
        /// recent, plus the best); `nil`: the default (100 in the default working directory, all in a chosen one).
        public var keepTrialDirs: Int?

        /// Creates a section; the defaults are Oríon's (swift-orion's own settings have no limit by default).
        public init(
            nWorkers: Int = 1,
            poolSize: Int = 0,
            heartbeat: Double = 120,
            maxTrials: Int? = nil,
            maxBroken: Int = 3,
            idleTimeout: Double = 60,
            interruptSignalCode: Int32 = 130,
            userScriptConfig: String = "config",
            trialTimeout: Duration? = nil
        ) {
            self.nWorkers = nWorkers
            self.poolSize = poolSize
            self.heartbeat = heartbeat
            self.maxTrials = maxTrials
            self.maxBroken = maxBroken
            self.idleTimeout = idleTimeout
            self.interruptSignalCode = interruptSignalCode
            self.userScriptConfig = userScriptConfig
            self.trialTimeout = trialTimeout
        }

        /// ``heartbeat`` as a duration (the configuration loader keeps it within 0.1 s to 365 days; any other value
        /// is brought within those bounds rather than trapping).
        public var heartbeatDuration: Duration { Self.duration(seconds: heartbeat) }

        /// ``idleTimeout`` as a duration (within 0.1 s to 365 days, like ``heartbeatDuration``).
        public var idleTimeoutDuration: Duration { Self.duration(seconds: idleTimeout) }

        /// `seconds` as a duration, NaN and out-of-range values brought within 0.1 s to 365 days.
        static func duration(seconds: Double) -> Duration {
            let bounded = seconds.isNaN ? 0.1 : min(max(seconds, 0.1), Setting.maximumSeconds)
            return .nanoseconds(Int64((bounded * 1e9).rounded()))
        }
    }

    /// `worker.executor_configuration` with `worker.executor: slurm`: the resources of the Slurm jobs.
    public struct SlurmSection: Sendable, Equatable {
        /// `partition`: `sbatch --partition`.
        public var partition: String?
        /// `time`: `sbatch --time`, in Slurm's format.
        public var time: String?
        /// `gpus`: `sbatch --gpus`.
        public var gpus: String?
        /// `cpus`: `sbatch --cpus-per-task`.
        public var cpus: Int?
        /// `mem`: `sbatch --mem`.
        public var mem: String?
        /// `account`: `sbatch --account`.
        public var account: String?
        /// `sbatch_args`: more `sbatch` arguments, separated by spaces.
        public var sbatchArgs: String?

        /// Creates a section with every resource left to Slurm.
        public init() {}
    }

    /// The `storage:` section: where experiments and trials are kept.
    public struct StorageSection: Sendable, Equatable {
        /// The storage URL or a plain path; `nil` means the default SQLite file.
        ///
        /// `sqlite:///abs/orion.db`, `sqlite:relative.db`, `memory:`, `postgres://...`: the storage factory
        /// interprets it.
        public var address: String?

        /// Creates a section.
        public init(address: String? = nil) {
            self.address = address
        }
    }

    /// The `evc:` section: experiment version control (a changed experiment becomes a child version).
    public struct EVCSection: Sendable, Equatable {
        /// `evc.enable`: whether a changed experiment becomes a child version (false: it is refused).
        public var enable: Bool
        /// `evc.manual_resolution`: only conflicts resolved explicitly by a marker or a flag count.
        public var manualResolution: Bool
        /// `evc.non_monitored_arguments`: script arguments whose changes are not conflicts.
        public var nonMonitoredArguments: [String]
        /// `evc.ignore_code_changes`: code changes are not conflicts.
        public var ignoreCodeChanges: Bool
        /// `evc.algorithm_change`: an algorithm change is accepted explicitly.
        public var algorithmChange: Bool
        /// `evc.code_change_type`: how a code change affects results; `nil` is Oríon's default, `break`.
        public var codeChangeType: ChangeType?
        /// `evc.cli_change_type`: how a command-line change affects results; `nil` is `break`.
        public var cliChangeType: ChangeType?
        /// `evc.config_change_type`: how a script-configuration change affects results; `nil` is `break`.
        public var configChangeType: ChangeType?
        /// `evc.branch_from`: the experiment (`NAME` or `NAME:VERSION`) the new one branches from.
        public var branchFrom: String?
        /// `evc.branch_to`: the name of the child version.
        public var branchTo: String?

        /// Creates a section; the defaults are Oríon's (disabled).
        public init(
            enable: Bool = false,
            manualResolution: Bool = false,
            nonMonitoredArguments: [String] = [],
            ignoreCodeChanges: Bool = false,
            algorithmChange: Bool = false,
            codeChangeType: ChangeType? = nil,
            cliChangeType: ChangeType? = nil,
            configChangeType: ChangeType? = nil,
            branchFrom: String? = nil,
            branchTo: String? = nil
        ) {
            self.enable = enable
            self.manualResolution = manualResolution
            self.nonMonitoredArguments = nonMonitoredArguments
            self.ignoreCodeChanges = ignoreCodeChanges
            self.algorithmChange = algorithmChange
            self.codeChangeType = codeChangeType
            self.cliChangeType = cliChangeType
            self.configChangeType = configChangeType
            self.branchFrom = branchFrom
            self.branchTo = branchTo
        }
    }

    /// The `experiment:` settings.
    public var experiment: ExperimentSection
    /// The `worker:` settings.
    public var worker: WorkerSection
    /// The `storage:` settings.
    public var storage: StorageSection
    /// The `evc:` settings.
    public var evc = EVCSection()
    /// Where each key's value came from, by key (`experiment.max_trials` → `file /x/orion.yaml:3:5`,
    /// `env ORION_EXP_MAX_TRIALS`, `flag --exp-max-trials` or `default`); for `orion info` and `--verbose`.
    public var sources: [String: String]
    /// Warnings to show the user: deprecated keys, settings accepted but ignored.
    public var notes: [String]

    /// Creates a configuration; by default, Oríon's defaults, every key's source being `default`.
    public init(
        experiment: ExperimentSection = ExperimentSection(),
        worker: WorkerSection = WorkerSection(),
        storage: StorageSection = StorageSection(),
        sources: [String: String] = Dictionary(uniqueKeysWithValues: ConfigurationLayer.keys.map { ($0, "default") }),
        notes: [String] = []
    ) {
        self.experiment = experiment
        self.worker = worker
        self.storage = storage
        self.sources = sources
        self.notes = notes
    }
}
