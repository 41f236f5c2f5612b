import OrionCore
import OrionWorker

/// How `orion hunt` runs its trials, from `worker.executor`.
enum HuntExecutorKind: Equatable {
    /// Child processes of this `orion` (`--n-workers` at a time).
    case pool
    /// One Slurm job per trial (``SlurmExecutor``).
    case slurm

    /// The names of the default executor: ours, and Oríon's executors (they all run `n_workers` trials at a time).
    static let poolNames: Set<String> = ["pool", "poolexecutor", "joblib", "singleexecutor", "dask", "ray"]

    /// The executor named `name` (case-insensitive).
    ///
    /// - Parameter name: `worker.executor`.
    /// - Throws: `UsageError` for another name, saying which names there are.
    init(_ name: String) throws {
        let lowered = name.lowercased()
        if lowered == "slurm" {
            self = .slurm
        } else if Self.poolNames.contains(lowered) {
            self = .pool
        } else {
            throw UsageError(
                "unknown executor '\(name)': use 'pool' (trials as child processes, the default) or 'slurm' (one "
                    + "Slurm job per trial); set it with --executor, ORION_EXECUTOR or worker.executor"
            )
        }
    }
}

extension OrionConfiguration.SlurmSection {
    /// The Slurm jobs' options: these resources, `sbatch_args` split at spaces.
    var jobOptions: SlurmJobOptions {
        SlurmJobOptions(
            partition: partition,
            time: time,
            gpus: gpus,
            cpus: cpus,
            mem: mem,
            account: account,
            extraArguments: (sbatchArgs ?? "").split(separator: " ").map(String.init)
        )
    }
}
