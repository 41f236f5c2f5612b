import ArgumentParser

/// The flags of `orion hunt`, with Oríon's names; names, help and checks come from the settings table.
///
/// Values are read as text (a negative number is a value, not a flag) and checked by
/// ``ConfigurationLoader/layer(fromFlags:)`` exactly as the same value from a file or a variable.
struct HuntOptions: ParsableArguments {
    @Option(
        name: Setting.argumentNames("experiment.max_trials"),
        parsing: .unconditional,
        help: Setting.argumentHelp("experiment.max_trials")
    )
    var expMaxTrials: String?

    @Option(
        name: Setting.argumentNames("experiment.max_broken"),
        parsing: .unconditional,
        help: Setting.argumentHelp("experiment.max_broken")
    )
    var expMaxBroken: String?

    @Option(
        name: Setting.argumentNames("experiment.working_dir"),
        parsing: .unconditional,
        help: Setting.argumentHelp("experiment.working_dir")
    )
    var workingDir: String?

    @Option(
        name: Setting.argumentNames("worker.max_trials"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.max_trials")
    )
    var workerMaxTrials: String?

    @Option(
        name: Setting.argumentNames("worker.max_broken"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.max_broken")
    )
    var workerMaxBroken: String?

    @Option(
        name: Setting.argumentNames("worker.n_workers"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.n_workers")
    )
    var nWorkers: String?

    @Option(
        name: Setting.argumentNames("worker.pool_size"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.pool_size")
    )
    var poolSize: String?

    @Option(
        name: Setting.argumentNames("worker.heartbeat"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.heartbeat")
    )
    var heartbeat: String?

    @Option(
        name: Setting.argumentNames("worker.idle_timeout"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.idle_timeout")
    )
    var idleTimeout: String?

    @Option(
        name: Setting.argumentNames("worker.interrupt_signal_code"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.interrupt_signal_code")
    )
    var interruptSignalCode: String?

    @Option(
        name: Setting.argumentNames("worker.user_script_config"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.user_script_config")
    )
    var userScriptConfig: String?

    @Option(
        name: Setting.argumentNames("worker.trial_timeout"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.trial_timeout")
    )
    var trialTimeout: String?

    @Option(
        name: Setting.argumentNames("worker.executor"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.executor")
    )
    var executor: String?

    @Option(
        name: Setting.argumentNames("worker.executor_configuration.partition"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.executor_configuration.partition")
    )
    var slurmPartition: String?

    @Option(
        name: Setting.argumentNames("worker.executor_configuration.time"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.executor_configuration.time")
    )
    var slurmTime: String?

    @Option(
        name: Setting.argumentNames("worker.executor_configuration.gpus"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.executor_configuration.gpus")
    )
    var slurmGPUs: String?

    @Option(
        name: Setting.argumentNames("worker.executor_configuration.cpus"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.executor_configuration.cpus")
    )
    var slurmCPUs: String?

    @Option(
        name: Setting.argumentNames("worker.executor_configuration.mem"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.executor_configuration.mem")
    )
    var slurmMem: String?

    @Option(
        name: Setting.argumentNames("worker.executor_configuration.account"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.executor_configuration.account")
    )
    var slurmAccount: String?

    @Option(
        name: Setting.argumentNames("worker.executor_configuration.sbatch_args"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.executor_configuration.sbatch_args")
    )
    var slurmArgs: String?

    @Option(
        name: .customLong("slurm-array"),
        help: "Submit N workers of this hunt as a Slurm job array sharing its storage, and exit (docs/distributed.md)."
    )
    var slurmArray: Int?

    @Flag(name: Setting.argumentNames("evc.enable"), help: Setting.argumentHelp("evc.enable"))
    var enableEVC = false

    @Flag(name: Setting.argumentNames("evc.manual_resolution"), help: Setting.argumentHelp("evc.manual_resolution"))
    var manualResolution = false

    @Flag(name: Setting.argumentNames("evc.ignore_code_changes"), help: Setting.argumentHelp("evc.ignore_code_changes"))
    var ignoreCodeChanges = false

    @Flag(name: Setting.argumentNames("evc.algorithm_change"), help: Setting.argumentHelp("evc.algorithm_change"))
    var algorithmChange = false

    @Option(
        name: Setting.argumentNames("evc.non_monitored_arguments"),
        parsing: .unconditional,
        help: Setting.argumentHelp("evc.non_monitored_arguments")
    )
    var nonMonitoredArguments: String?

    @Option(
        name: Setting.argumentNames("evc.code_change_type"),
        parsing: .unconditional,
        help: Setting.argumentHelp("evc.code_change_type")
    )
    var codeChangeType: String?

    @Option(
        name: Setting.argumentNames("evc.cli_change_type"),
        parsing: .unconditional,
        help: Setting.argumentHelp("evc.cli_change_type")
    )
    var cliChangeType: String?

    @Option(
        name: Setting.argumentNames("evc.config_change_type"),
        parsing: .unconditional,
        help: Setting.argumentHelp("evc.config_change_type")
    )
    var configChangeType: String?

    @Option(
        name: Setting.argumentNames("evc.branch_from"),
        parsing: .unconditional,
        help: Setting.argumentHelp("evc.branch_from")
    )
    var branchFrom: String?

    @Option(
        name: Setting.argumentNames("evc.branch_to"),
        parsing: .unconditional,
        help: Setting.argumentHelp("evc.branch_to")
    )
    var branchTo: String?

    /// Oríon's `--auto-resolution`, deprecated there and without effect: accepted so that its command lines work.
    @Flag(name: .customLong("auto-resolution"), help: "Oríon's deprecated flag: accepted, no effect.")
    var autoResolution = false

    /// Oríon's `--orion-version-change`: accepted; swift-orion's version is not a branching conflict.
    @Flag(
        name: .customLong("orion-version-change"),
        help: "Oríon's flag: accepted, no effect (a change of orion's version is not a conflict here)."
    )
    var orionVersionChange = false

    @Flag(name: .customLong("init-only"), help: "Create or update the experiment, run nothing.")
    var initOnly = false

    @Flag(
        name: .customLong("no-python-client"),
        help: ArgumentHelp(
            "Do not put swift-orion's light orion.client on the trials' PYTHONPATH (for scripts that need Oríon).",
            discussion: "Also ORION_PYTHON_CLIENT=false."
        )
    )
    var noPythonClient = false

    @Option(
        name: Setting.argumentNames("worker.keep_trial_dirs"),
        parsing: .unconditional,
        help: Setting.argumentHelp("worker.keep_trial_dirs")
    )
    var keepTrialDirs: String?

    @Flag(
        name: .customLong("keep-all-trial-dirs"),
        help: "Keep every trial's directory after the hunt (overrides worker.keep_trial_dirs)."
    )
    var keepAllTrialDirs = false

    /// Gives `--exp-max-trials` and `--worker-max-trials` their values when their deprecated forms are given too.
    ///
    /// `--max-trials` and `--worker-trials` are one option each with the new flags for the parser, whose last value
    /// wins; Oríon writes the new flag's value over the old one's whatever their order (a job script with both
    /// stopped at the other count).
    ///
    /// - Parameters:
    ///   - arguments: the command line, the program first.
    ///   - userArguments: the user's script and its arguments, at the end of `arguments`.
    mutating func preferCanonicalFlags(in arguments: [String], userArguments: [String]) {
        let own = Array(arguments.dropFirst().dropLast(userArguments.count))
        func lastValue(of flag: String) -> String? {
            var value: String?
            for (index, item) in own.enumerated() {
                if item == flag, index + 1 < own.count {
                    value = own[index + 1]
                } else if item.hasPrefix(flag + "=") {
                    value = String(item.dropFirst(flag.count + 1))
                }
            }
            return value
        }
        for (old, new) in Hunt.deprecatedFlags {
            guard lastValue(of: old) != nil, let value = lastValue(of: new) else { continue }
            if new == "--exp-max-trials" { expMaxTrials = value } else { workerMaxTrials = value }
        }
    }

    /// Each setting's flag value, by key (`nil` when the flag is not given).
    var settings: [(key: String, text: String?)] {
        [
            ("experiment.max_trials", expMaxTrials),
            ("experiment.max_broken", expMaxBroken),
            ("experiment.working_dir", workingDir),
            ("worker.max_trials", workerMaxTrials),
            ("worker.max_broken", workerMaxBroken),
            ("worker.n_workers", nWorkers),
            ("worker.pool_size", poolSize),
            ("worker.heartbeat", heartbeat),
            ("worker.idle_timeout", idleTimeout),
            ("worker.interrupt_signal_code", interruptSignalCode),
            ("worker.user_script_config", userScriptConfig),
            ("worker.trial_timeout", trialTimeout),
            ("worker.executor", executor),
            ("worker.executor_configuration.partition", slurmPartition),
            ("worker.executor_configuration.time", slurmTime),
            ("worker.executor_configuration.gpus", slurmGPUs),
            ("worker.executor_configuration.cpus", slurmCPUs),
            ("worker.executor_configuration.mem", slurmMem),
            ("worker.executor_configuration.account", slurmAccount),
            ("worker.executor_configuration.sbatch_args", slurmArgs),
            ("evc.enable", enableEVC ? "true" : nil),
            ("evc.manual_resolution", manualResolution ? "true" : nil),
            ("evc.ignore_code_changes", ignoreCodeChanges ? "true" : nil),
            ("evc.algorithm_change", algorithmChange ? "true" : nil),
            ("evc.non_monitored_arguments", nonMonitoredArguments),
            ("evc.code_change_type", codeChangeType),
            ("evc.cli_change_type", cliChangeType),
            ("evc.config_change_type", configChangeType),
            ("evc.branch_from", branchFrom),
            ("evc.branch_to", branchTo),
            ("worker.keep_trial_dirs", keepTrialDirs),
        ]
    }
}
