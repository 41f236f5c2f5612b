import OrionCore
import OrionWorker

/// How `orion hunt` runs its trials, from `worker.executor`.
enum HuntExecutorKind: Equatable {
    /// Child processes of this `orion` (`--n-workers` at a time).
    case pool
    /// One Slurm job per trial (``SlurmExecutor``).
    case slurm

    /// The names of the default executor: ours, and Oríon's executors (they all run `n_workers` trials at a time,
    /// but `singleexecutor` one).
    static let poolNames: Set<String> = ["pool", "poolexecutor", "joblib", "singleexecutor", "dask", "ray"]

    /// Oríon's executors that swift-orion runs as `pool` (said once when a hunt starts: ``note(for:source:)``).
    static let orionNames: Set<String> = ["joblib", "singleexecutor", "dask", "ray"]

    /// The note for an executor of Oríon's that runs as `pool`, or `nil` for `pool` and `slurm`.
    ///
    /// - Parameters:
    ///   - name: `worker.executor`.
    ///   - source: where it was set (`--executor`, `ORION_EXECUTOR`, `FILE:LINE:COLUMN`).
    /// - Returns: the note's text, without `note: `.
    static func note(for name: String, source: String?) -> String? {
        let lowered = name.lowercased()
        guard orionNames.contains(lowered) else { return nil }
        let which = source.map { " (\($0))" } ?? ""
        let how =
            lowered == "singleexecutor"
            ? "one trial at a time, as Oríon's SingleExecutor" : "n_workers trials at a time"
        return "executor '\(name)'\(which) runs here as 'pool': \(how), as child processes of this orion"
            + (lowered == "dask" || lowered == "ray" ? " (no cluster is used)" : "")
            + "; 'slurm' runs each trial as a Slurm job"
    }

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
