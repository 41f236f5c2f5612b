import OrionCore

extension Setting {
    /// Every setting, in the order `orion info` and docs/configuration.md list them.
    ///
    /// To add a setting: one entry here, its field (with its default) in ``OrionConfiguration``, and, when it has a
    /// flag, one `@Option` in `HuntOptions` (or `ExperimentOptions`) listed in its `settings`. The YAML key, the
    /// variable, the checks, the precedence and the documentation follow; `SettingTests` checks that the flags and
    /// docs/configuration.md agree with this table.
    public static let all: [Setting] = [
        Setting(
            "experiment.name",
            flags: ["-n", "--name"],
            kind: .experimentName,
            default: "— (required to hunt)",
            example: "my-exp",
            summary: "The experiment's name.",
            experiment: \.name
        ),
        Setting(
            "experiment.version",
            flags: ["-v", "--version"],
            kind: .integer(minimum: 1, maximum: .max),
            default: "the latest",
            example: "1",
            summary: "The experiment's version.",
            experiment: \.version
        ),
        Setting(
            "experiment.user",
            flags: ["-u", "--user"],
            kind: .string,
            default: "`$USER`",
            example: "my-exp",
            summary: "The user recorded in the experiment's metadata.",
            experiment: \.user
        ),
        Setting(
            "experiment.max_trials",
            variable: "ORION_EXP_MAX_TRIALS",
            flags: ["--exp-max-trials", "--max-trials"],
            kind: .integer(minimum: 0, maximum: .max),
            default: "unlimited",
            example: "100",
            summary: "Completed trials after which the experiment is done.",
            experiment: \.maxTrials
        ),
        Setting(
            "experiment.max_broken",
            variable: "ORION_EXP_MAX_BROKEN",
            flags: ["--exp-max-broken"],
            kind: .integer(minimum: 1, maximum: .max),
            default: "3",
            example: "3",
            summary: "Broken trials after which the experiment stops.",
            experiment: \.maxBroken
        ),
        Setting(
            "experiment.working_dir",
            variable: "ORION_WORKING_DIR",
            flags: ["--working-dir"],
            kind: .string,
            default: "`$TMPDIR/orion-$USER` (kept)",
            example: "/scratch/exp",
            summary: "The directory under which each trial gets its own directory.",
            experiment: \.workingDir
        ),
        Setting(
            "experiment.algorithm",
            kind: .algorithm,
            default: "`auto` for a new experiment (Oríon: `random`)",
            example: "random",
            summary: "The search algorithm and its options (see below).",
            experiment: \.algorithm
        ),
        Setting(
            "worker.n_workers",
            variable: "ORION_N_WORKERS",
            flags: ["--n-workers"],
            kind: .integer(minimum: 1, maximum: .max),
            default: "1",
            example: "4",
            summary: "Trials run at once by this process.",
            worker: \.nWorkers
        ),
        Setting(
            "worker.pool_size",
            variable: "ORION_POOL_SIZE",
            flags: ["--pool-size"],
            kind: .integer(minimum: 0, maximum: .max),
            default: "0 (= `n_workers`)",
            example: "0",
            summary: "Trials produced per algorithm call.",
            worker: \.poolSize
        ),
        Setting(
            "worker.heartbeat",
            variable: "ORION_HEARTBEAT",
            flags: ["--heartbeat"],
            kind: .seconds(minimum: 0.1, maximum: maximumSeconds),
            default: "120",
            example: "120",
            summary: "Seconds without a heartbeat after which a reserved trial is lost.",
            worker: \.heartbeat
        ),
        Setting(
            "worker.max_trials",
            variable: "ORION_WORKER_MAX_TRIALS",
            flags: ["--worker-max-trials", "--worker-trials"],
            kind: .integer(minimum: 0, maximum: .max),
            default: "unlimited",
            example: "100",
            summary: "Trials this process completes before it exits.",
            worker: \.maxTrials
        ),
        Setting(
            "worker.max_broken",
            variable: "ORION_WORKER_MAX_BROKEN",
            flags: ["--worker-max-broken"],
            kind: .integer(minimum: 1, maximum: .max),
            default: "3",
            example: "3",
            summary: "Broken trials after which this process stops.",
            worker: \.maxBroken
        ),
        Setting(
            "worker.idle_timeout",
            variable: "ORION_IDLE_TIMEOUT",
            deprecatedVariables: ["ORION_MAX_IDLE_TIME"],
            flags: ["--idle-timeout", "--max-idle-time"],
            kind: .seconds(minimum: 0.1, maximum: maximumSeconds),
            default: "60",
            example: "60",
            summary: "Seconds with nothing to run, while this process runs no trial either, before this process exits.",
            worker: \.idleTimeout
        ),
        Setting(
            "worker.interrupt_signal_code",
            variable: "ORION_INTERRUPT_CODE",
            flags: ["--interrupt-signal-code"],
            kind: .integer(minimum: 1, maximum: 255),
            default: "130",
            example: "130",
            summary: "The script's exit code meaning \"interrupted\".",
            worker: \.interruptSignalCode
        ),
        Setting(
            "worker.user_script_config",
            variable: "ORION_USER_SCRIPT_CONFIG",
            flags: ["--user-script-config"],
            kind: .string,
            default: "`config`",
            example: "config",
            summary: "The script option whose value is a configuration-file template.",
            worker: \.userScriptConfig
        ),
        Setting(
            "worker.trial_timeout",
            variable: "ORION_TRIAL_TIMEOUT",
            flags: ["--trial-timeout"],
            kind: .seconds(minimum: 0.1, maximum: maximumSeconds),
            default: "none (no limit)",
            example: "3600",
            summary: "Seconds a trial's script may run before it is stopped.",
            worker: \.trialTimeout
        ),
        Setting(
            "worker.executor",
            variable: "ORION_EXECUTOR",
            flags: ["--executor"],
            kind: .string,
            default: "`pool`",
            example: "slurm",
            summary: "How trials run: `pool` (child processes of this `orion`; Oríon's executor names mean it too) or "
                + "`slurm` (one Slurm job per trial).",
            worker: \.executor
        ),
        Setting(
            "worker.executor_configuration.partition",
            flags: ["--slurm-partition"],
            kind: .string,
            default: "Slurm's default",
            example: "gpu",
            summary: "Slurm jobs (`executor: slurm`, `--slurm-array`): the jobs' partition (`sbatch --partition`).",
            worker: \.slurm.partition
        ),
        Setting(
            "worker.executor_configuration.time",
            flags: ["--slurm-time"],
            kind: .string,
            default: "`trial_timeout`, else Slurm's",
            example: "1:00:00",
            summary:
                "Slurm jobs (`executor: slurm`, `--slurm-array`): the jobs' time limit, in Slurm's format (`sbatch --time`).",
            worker: \.slurm.time
        ),
        Setting(
            "worker.executor_configuration.gpus",
            flags: ["--slurm-gpus"],
            kind: .string,
            default: "none",
            example: "1",
            summary: "Slurm jobs (`executor: slurm`, `--slurm-array`): GPUs per job (`sbatch --gpus`).",
            worker: \.slurm.gpus
        ),
        Setting(
            "worker.executor_configuration.cpus",
            flags: ["--slurm-cpus"],
            kind: .integer(minimum: 1, maximum: 100_000),
            default: "Slurm's default",
            example: "4",
            summary: "Slurm jobs (`executor: slurm`, `--slurm-array`): CPUs per job (`sbatch --cpus-per-task`).",
            worker: \.slurm.cpus
        ),
        Setting(
            "worker.executor_configuration.mem",
            flags: ["--slurm-mem"],
            kind: .string,
            default: "Slurm's default",
            example: "16G",
            summary: "Slurm jobs (`executor: slurm`, `--slurm-array`): memory per job (`sbatch --mem`).",
            worker: \.slurm.mem
        ),
        Setting(
            "worker.executor_configuration.account",
            flags: ["--slurm-account"],
            kind: .string,
            default: "Slurm's default",
            example: "my-lab",
            summary:
                "Slurm jobs (`executor: slurm`, `--slurm-array`): the account the jobs are charged to (`sbatch --account`).",
            worker: \.slurm.account
        ),
        Setting(
            "worker.executor_configuration.sbatch_args",
            flags: ["--slurm-args"],
            kind: .string,
            default: "none",
            example: "--qos=high",
            summary: "Slurm jobs (`executor: slurm`, `--slurm-array`): more `sbatch` arguments, separated by spaces.",
            worker: \.slurm.sbatchArgs
        ),
        Setting(
            "storage.address",
            variable: "ORION_DB_ADDRESS",
            flags: ["--storage"],
            kind: .storageAddress,
            default: "`~/.local/share/orion/orion.db`",
            example: "sqlite:///path/orion.db",
            summary:
                "Where experiments are stored: `sqlite:///path/orion.db`, `postgresql://user@host:port/db`, `memory:` or a path.",
            storage: \.address
        ),
        Setting(
            "evc.enable",
            variable: "ORION_EVC_ENABLE",
            flags: ["--enable-evc"],
            kind: .boolean,
            default: "false",
            example: "true",
            summary: "Experiment version control: a changed experiment becomes a child version (else it is refused).",
            evc: \.enable
        ),
        Setting(
            "evc.manual_resolution",
            variable: "ORION_EVC_MANUAL_RESOLUTION",
            flags: ["--manual-resolution"],
            kind: .boolean,
            default: "false",
            example: "true",
            summary:
                "Only conflicts resolved by a marker or a flag count; the others are refused (there is no prompt).",
            evc: \.manualResolution
        ),
        Setting(
            "evc.non_monitored_arguments",
            variable: "ORION_EVC_NON_MONITORED_ARGUMENTS",
            flags: ["--non-monitored-arguments"],
            kind: .list,
            default: "none",
            example: "seed:output",
            summary: "Script arguments whose changes do not make a new version.",
            evc: \.nonMonitoredArguments
        ),
        Setting(
            "evc.ignore_code_changes",
            variable: "ORION_EVC_IGNORE_CODE_CHANGES",
            flags: ["--ignore-code-changes"],
            kind: .boolean,
            default: "false",
            example: "true",
            summary: "Changes of the script's git commit or uncommitted changes do not make a new version.",
            evc: \.ignoreCodeChanges
        ),
        Setting(
            "evc.algorithm_change",
            variable: "ORION_EVC_ALGO_CHANGE",
            flags: ["--algorithm-change"],
            kind: .boolean,
            default: "false",
            example: "true",
            summary: "Accept an algorithm change explicitly (with `--manual-resolution`).",
            evc: \.algorithmChange
        ),
        Setting(
            "evc.code_change_type",
            variable: "ORION_EVC_CODE_CHANGE",
            flags: ["--code-change-type"],
            kind: .choice(ChangeType.allCases.map(\.rawValue)),
            default: "`break`",
            example: "noeffect",
            summary: "How a code change affects results: which parent trials the child reuses.",
            evc: \.codeChangeType
        ),
        Setting(
            "evc.cli_change_type",
            variable: "ORION_EVC_CMDLINE_CHANGE",
            flags: ["--cli-change-type"],
            kind: .choice(ChangeType.allCases.map(\.rawValue)),
            default: "`break`",
            example: "noeffect",
            summary: "How a change of the script's other arguments affects results.",
            evc: \.cliChangeType
        ),
        Setting(
            "evc.config_change_type",
            variable: "ORION_EVC_CONFIG_CHANGE",
            flags: ["--config-change-type"],
            kind: .choice(ChangeType.allCases.map(\.rawValue)),
            default: "`break`",
            example: "noeffect",
            summary: "How a change of the script's configuration file affects results.",
            evc: \.configChangeType
        ),
        Setting(
            "evc.branch_from",
            flags: ["--branch-from"],
            kind: .string,
            default: "—",
            example: "my-exp:1",
            summary: "The experiment (`NAME` or `NAME:VERSION`) the new experiment `-n` branches from.",
            evc: \.branchFrom
        ),
        Setting(
            "evc.branch_to",
            flags: ["-b", "--branch-to"],
            kind: .experimentName,
            default: "—",
            example: "my-exp-2",
            summary: "The name of the child version, instead of the next version of the same name.",
            evc: \.branchTo
        ),
        Setting(
            "worker.keep_trial_dirs",
            variable: "ORION_KEEP_TRIAL_DIRS",
            flags: ["--keep-trial-dirs"],
            kind: .integer(minimum: 0, maximum: .max),
            default: "100 in the default working directory; all in one you chose",
            example: "100",
            summary: "Completed trials that keep their directory after a hunt (the latest, plus the best).",
            worker: \.keepTrialDirs
        ),
    ]
}
