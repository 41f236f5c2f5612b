import Foundation
import OrionCore

/// The Slurm job an earlier run of a trial left behind: its `orion hunt --executor slurm` was killed (SIGKILL, the
/// login node's session lost) while the job was queued or running, and the trial was released to another worker.
///
/// Whichever worker takes the trial over, a Slurm-executor hunt or a local one (a plain `orion hunt`, a task of a
/// `--slurm-array`), ends that job first, so that the trial never runs twice at once in its directory, and a job
/// that finished by itself gives its results instead of running the trial again.
enum EarlierSlurmJob {
    /// The file in the trial's directory where a Slurm-executor run writes its job's id.
    static let idFileName = "slurm-job-id"
    /// The file the job script writes its script's exit status to.
    static let statusFileName = "exit-status"

    /// Cancels the job recorded in `directory`, when Slurm still has it queued or running, and waits (at most
    /// `grace` and 30 s more) until it has ended.
    ///
    /// A controller that does not answer, or a machine without Slurm, counts as the job having ended: nothing else
    /// can be done from here.
    ///
    /// - Parameters:
    ///   - directory: the trial's working directory.
    ///   - environment: the environment `scontrol` and `scancel` run with (their `PATH`).
    ///   - grace: how long a cancelled job may take to end, before the 30 s more.
    ///   - queryTimeout: how long one `scontrol` or `scancel` may take.
    ///   - warn: told when the job cannot be checked (a controller that does not answer, no `scontrol` here).
    ///   - note: told when the job is cancelled here (it was queued or running): the user sees why it ended.
    /// - Returns: whether a job was recorded and had ended by itself (not cancelled here).
    static func end(
        in directory: String,
        environment: [String: String],
        grace: Duration,
        queryTimeout: Duration = SlurmJobOptions.defaultQueryTimeout,
        warn: (@Sendable (String) -> Void)? = nil,
        note: (@Sendable (String) -> Void)? = nil
    ) async -> Bool {
        guard let text = try? String(contentsOfFile: directory + "/" + idFileName, encoding: .utf8) else {
            return false
        }
        let jobID = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !jobID.isEmpty, jobID.allSatisfy({ $0.isNumber || $0 == "_" }) else { return false }
        let deadline = ContinuousClock.now + grace + .seconds(30)
        var cancelled = false
        while ContinuousClock.now < deadline {
            let shown = await SlurmCommand.run(
                ["scontrol", "show", "job", "-o", jobID],
                environment: environment,
                timeout: queryTimeout
            )
            if shown.status != 0, !shown.stderr.contains("Invalid job id") {
                // Not known to have ended: the trial may run beside it. Said, since nothing more can be done here.
                warn?(
                    "the trial's earlier Slurm job \(jobID) (its hunt was stopped) could not be checked, so it may"
                        + " still run beside this run, in the same directory: \(shown.failure); `scancel \(jobID)` if"
                        + " it does"
                )
                return !cancelled
            }
            guard shown.status == 0, let state = SlurmCommand.fields(shown.stdout)["JobState"],
                !SlurmJobOptions.finalStates.contains(state)
            else { return !cancelled }
            if !cancelled {
                // Said, or a job cancelled with no word looks like a fault of Slurm's (probe hD6's L1).
                note?(
                    "the trial's earlier Slurm job \(jobID) (\(state); its hunt was stopped) is cancelled, so that the"
                        + " trial runs here and not twice at once"
                )
                _ = await SlurmCommand.run(
                    ["scancel", jobID],
                    environment: environment,
                    timeout: queryTimeout
                )
                cancelled = true
            }
            await SlurmCommand.pause(.milliseconds(200))
        }
        return false
    }

    /// The results of the earlier job, when it ended by itself with its script successful and the stored trial
    /// has no results (one that has was set to run again on purpose, `orion db set`).
    ///
    /// - Parameters:
    ///   - directory: the trial's working directory.
    ///   - endedByItself: what ``end(in:environment:grace:queryTimeout:warn:)`` returned.
    ///   - trial: the stored trial.
    /// - Returns: the results its script wrote, or `nil` to run the trial.
    static func results(in directory: String, endedByItself: Bool, trial: Trial) -> [TrialResult]? {
        guard endedByItself, trial.results.isEmpty,
            let status = try? String(contentsOfFile: directory + "/" + statusFileName, encoding: .utf8),
            status.trimmingCharacters(in: .whitespacesAndNewlines) == "0"
        else { return nil }
        return try? ResultsFile.read(path: directory + "/" + TrialDirectory.resultsFileName)
    }
}
