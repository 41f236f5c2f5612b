import Foundation
import OrionCore
import Synchronization

/// Runs each trial as a Slurm batch job while the worker (`orion hunt`) stays where it is, typically on a login
/// node: `worker.executor: slurm`.
///
/// For each trial it writes `slurm-job.sh` into the trial's working directory (the `ORION_*` variables, `cd` into
/// the directory the hunt runs in, as a local trial runs there, the script's argv quoted for `sh`, and its exit
/// status written to `exit-status`), submits it
/// with `sbatch` (the job's stdout and stderr go to `orion.stdout.log` and `orion.stderr.log` there), follows it with
/// `scontrol show job` and reads the results file once it ends. The trial's directory must therefore be on a file
/// system that the compute nodes share with this machine (the experiment's working directory: set
/// `--working-dir` to such a path).
///
/// An interrupt (Ctrl-C, SIGTERM) sends SIGINT to the job's processes (`scancel --full --signal=INT`), and cancels
/// the job (`scancel`) when it is still there after the grace period; a cancelled task (a trial lost to another
/// worker, a second Ctrl-C) cancels it at once. A job that ends without the script's exit status (time limit,
/// out of memory, node failure) breaks the trial with Slurm's state and reason; one that was preempted or cancelled
/// by someone else is interrupted and runs again; one that Slurm requeued is cancelled (it would run again later
/// with no worker following it) and the trial runs again as a new job.
public final class SlurmExecutor: TrialExecutor {
    private struct Running {
        var jobs: Set<String> = []
        var interrupted = false
        var forced = false
        /// Whether the hunt was told that the controller does not answer (once until it answers again).
        var warnedUnanswered = false
    }

    private let command: UserCommand
    private let startDirectory: String
    private let options: SlurmJobOptions
    private let baseEnvironment: [String: String]
    private let interruptCode: Int32
    private let trialTimeout: Duration?
    private let terminationGrace: Duration
    private let unansweredWarning: Duration
    private let pendingWarning: Duration
    private let warn: @Sendable (String) -> Void
    private let running = Mutex(Running())

    /// Creates an executor.
    ///
    /// - Parameters:
    ///   - command: the parsed user command (script and priors).
    ///   - startDirectory: the directory the script runs in (the hunt's, where its relative paths resolve, as for a
    ///     local trial); a job on a node that does not see it runs in the trial's directory, saying so.
    ///   - options: the jobs' resources and extra `sbatch` arguments.
    ///   - environment: the environment `sbatch` runs with (its `PATH` finds `sbatch`, `scontrol` and `scancel`;
    ///     Slurm passes it on to the job unless the site says otherwise); the `ORION_*` variables are set in the
    ///     job script itself.
    ///   - interruptCode: the exit code by which a script says "I was interrupted" (Oríon's 130).
    ///   - trialTimeout: `worker.trial_timeout`: the job's time limit (`--time`) when `options.time` is not set.
    ///   - terminationGrace: how long an interrupted job has between SIGINT and its cancellation.
    ///   - unansweredWarning: how long `scontrol` may fail to answer about a job before `warn` is told (once, until
    ///     it answers again); the jobs are still followed through their exit status files meanwhile.
    ///   - pendingWarning: how long a job may wait in the queue before `warn` is told why (once per job: a job
    ///     whose resources no node has waits for ever, silently before).
    ///   - warn: where those warnings go, and the note that an earlier run's job is cancelled (standard error by
    ///     default).
    public init(
        command: UserCommand,
        startDirectory: String = FileManager.default.currentDirectoryPath,
        options: SlurmJobOptions = SlurmJobOptions(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        interruptCode: Int32 = 130,
        trialTimeout: Duration? = nil,
        terminationGrace: Duration = .seconds(10),
        unansweredWarning: Duration = .seconds(60),
        pendingWarning: Duration = .seconds(60),
        warn: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) {
        self.command = command
        self.startDirectory = startDirectory
        self.options = options
        self.baseEnvironment = environment
        self.interruptCode = interruptCode
        self.trialTimeout = trialTimeout
        self.terminationGrace = terminationGrace
        self.unansweredWarning = unansweredWarning
        self.pendingWarning = pendingWarning
        self.warn = warn
    }

    /// The job script's name in the trial's working directory.
    static let jobScriptName = "slurm-job.sh"

    /// Submits the trial's job, waits for it to end and reads its results.
    ///
    /// Cancelling the calling task cancels the job (`scancel`) and the outcome is `.interrupted`.
    public func execute(_ context: TrialContext) async -> TrialOutcome {
        let directory = context.workingDirectory
        let statusPath = directory + "/" + EarlierSlurmJob.statusFileName
        let scriptPath = directory + "/" + Self.jobScriptName
        // A job of an earlier run of this trial may still be queued or running (its worker was killed, and the trial
        // released): end it first, so that the trial never runs twice at once in its directory, nor writes into
        // this run's files.
        let jobIDPath = directory + "/" + EarlierSlurmJob.idFileName
        let earlierEnded = await EarlierSlurmJob.end(
            in: directory,
            environment: baseEnvironment,
            grace: terminationGrace,
            queryTimeout: options.queryTimeout,
            warn: { [warn] in warn("Warning: " + $0) },
            note: { [warn] in warn("note: " + $0) }
        )
        // An earlier job that finished by itself, its script successful, after its worker was killed: its results
        // are this trial's, rather than running it again.
        if let results = EarlierSlurmJob.results(in: directory, endedByItself: earlierEnded, trial: context.trial) {
            return .completed(results)
        }
        // An exit status from an earlier, interrupted run must not be read as this run's.
        unlink(statusPath)
        let argv: [String]
        let resultsPath: String
        switch TrialPreparation.prepare(command, for: context) {
        case .ready(let preparedArgv, let preparedResultsPath):
            argv = preparedArgv
            resultsPath = preparedResultsPath
        case .failed(let outcome):
            return outcome
        }
        let variables = ProcessExecutor.orionVariables(
            for: context,
            resultsPath: resultsPath,
            interruptCode: interruptCode
        )
        let script = Self.jobScript(
            argv: argv,
            variables: variables,
            startDirectory: startDirectory,
            directory: directory,
            statusPath: statusPath
        )
        do {
            try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        } catch {
            return .broken(reason: "cannot write the job script \(scriptPath): \(error)", exitCode: nil, detail: nil)
        }
        if Task.isCancelled || running.withLock({ $0.interrupted }) { return .interrupted(exitCode: nil) }

        let sbatch = ["sbatch"] + submitArguments(context: context, directory: directory) + [scriptPath]
        var submission = await SlurmCommand.run(sbatch, environment: baseEnvironment)
        // A controller that is busy or restarting refuses a submission for a moment: tried again a few times
        // before the hunt stops (one `Socket timed out` stopped it).
        var pause = Duration.seconds(2)
        for attempt in 0..<3 where submission.status != 0 && Self.isTransient(submission.failure) {
            if attempt == 0 {
                // Each attempt against an unreachable controller takes its timeout (about 30 s): said, so that the
                // hunt does not look hung for two minutes before its error.
                warn(
                    "sbatch could not submit the job of trial \(context.trial.id.prefix(8)) ("
                        + submission.failure.split(separator: "\n").joined(separator: "; ")
                        + "); trying again 3 times"
                )
            }
            await SlurmCommand.pause(pause)
            if Task.isCancelled || running.withLock({ $0.interrupted }) { return .interrupted(exitCode: nil) }
            pause *= 2
            submission = await SlurmCommand.run(sbatch, environment: baseEnvironment)
        }
        guard submission.status == 0,
            let jobID = submission.stdout.split(separator: "\n").last?.split(separator: ";").first.map(String.init),
            !jobID.isEmpty
        else {
            // Not the trial's fault, and every trial would meet it (a bad partition or option, no sbatch): the trial
            // is put back and the hunt stops saying why, instead of breaking trials up to the experiment's limit.
            return .notStarted(
                reason: "sbatch could not submit the trial's job: "
                    + submission.failure.split(separator: "\n").joined(separator: "; ") + "; check the Slurm settings "
                    + "(--slurm-* options, worker.executor_configuration) and that sbatch is on the PATH"
            )
        }
        try? jobID.write(toFile: jobIDPath, atomically: true, encoding: .utf8)
        let ended = await follow(jobID, statusPath: statusPath)
        return outcome(
            of: ended,
            jobID: jobID,
            directory: directory,
            statusPath: statusPath,
            resultsPath: resultsPath,
            program: argv.first
        )
    }

    /// The `sbatch` arguments of a trial's job (before the script's path).
    func submitArguments(context: TrialContext, directory: String) -> [String] {
        var arguments = [
            "--parsable",
            "--job-name=orion-\(context.experiment.name)-\(context.trial.id.prefix(8))",
            "--chdir=\(directory)",
            "--output=\(directory)/orion.stdout.log",
            "--error=\(directory)/orion.stderr.log",
            "--open-mode=append",
        ]
        var resources = options
        if resources.time == nil, let trialTimeout {
            resources.time = SlurmJobOptions.slurmTime(trialTimeout)
        }
        arguments += resources.sbatchArguments
        return arguments
    }

    /// How a followed job ended.
    struct EndedJob {
        /// Slurm's final state (`COMPLETED`, `FAILED`, `TIMEOUT`, ...), or `nil` when Slurm no longer knew the job.
        var state: String?
        /// Slurm's reason, if it gave one.
        var reason: String?
        /// Whether this executor asked the job to stop (interrupt or cancellation).
        var stopRequested: Bool
        /// Whether this executor cancelled it because its script ran past `worker.trial_timeout`.
        var timedOut = false
        /// Whether Slurm put it back in its queue (its `Restarts` grew: preemption in `REQUEUE` mode, a node failure
        /// with `--requeue`, `scontrol requeue`), and this executor cancelled it.
        var requeued = false
    }

    /// Polls the job until it ends; asks it to stop on an interrupt, cancels it when the task is cancelled or the
    /// grace period after the interrupt is over.
    private func follow(_ jobID: String, statusPath: String) async -> EndedJob {
        running.withLock { _ = $0.jobs.insert(jobID) }
        defer { running.withLock { _ = $0.jobs.remove(jobID) } }
        var interruptedAt: ContinuousClock.Instant?
        var cancelled = false
        var lastState: String?
        var runningSince: ContinuousClock.Instant?
        var unansweredSince: ContinuousClock.Instant?
        var timedOut = false
        var restarts: Int?
        var pendingSince: ContinuousClock.Instant?
        var pendingSaid = false
        // Whether the controller answered the last cancellation (`scancel`).
        var cancelAnswered = true
        // A job cancelled for its time limit was not asked to stop by the hunt: its trial breaks instead.
        func ended(_ state: String?, _ reason: String?, requeued: Bool = false) -> EndedJob {
            EndedJob(
                state: state,
                reason: reason,
                stopRequested: (interruptedAt != nil || cancelled) && !timedOut && !requeued,
                timedOut: timedOut,
                requeued: requeued
            )
        }
        while true {
            // `worker.trial_timeout` counts the script's run, not the queue; Slurm's own `--time` has minutes, so the
            // limit is kept here to the second.
            if !cancelled, let trialTimeout, let runningSince, ContinuousClock.now - runningSince > trialTimeout {
                timedOut = true
                cancelled = true
                cancelAnswered = await signal(jobID, interrupt: false)
            }
            let (interrupted, forced) = running.withLock { ($0.interrupted, $0.forced) }
            if interrupted, interruptedAt == nil {
                interruptedAt = .now
                if lastState != "RUNNING" {
                    // The last poll may be a second old: a job that has started since gets the interrupt, not a
                    // cancellation.
                    if let state = await show(jobID).fields?["JobState"] { lastState = state }
                }
                if lastState == "RUNNING" {
                    if !(await signal(jobID, interrupt: true)) {
                        // Unanswered: cancelling after the grace period would meet the same silence.
                        cancelled = true
                        cancelAnswered = false
                    }
                } else {
                    // A job still in the queue has no script to interrupt (and `scancel --signal` on it retries for a
                    // minute and a half): cancel it at once.
                    cancelled = true
                    cancelAnswered = await signal(jobID, interrupt: false)
                }
            }
            if !cancelled,
                Task.isCancelled || forced || interruptedAt.map({ ContinuousClock.now - $0 > terminationGrace }) == true
            {
                cancelled = true
                cancelAnswered = await signal(jobID, interrupt: false)
            }
            if cancelled, !cancelAnswered, !timedOut, !FileManager.default.fileExists(atPath: statusPath) {
                // Stopping, and the controller does not answer the cancellation: the job cannot be ended from here.
                // Waiting on would hold the hunt's exit for minutes; the trial is given back, and the user told which
                // job may still run (a later hunt ends it before running the trial again).
                warn(
                    "Slurm's controller does not answer, so the job \(jobID) could not be cancelled and may still run:"
                        + " `scancel \(jobID)` once it answers (the next hunt on this experiment cancels it before"
                        + " running its trial again)"
                )
                return ended(nil, nil)
            }
            let asked = ContinuousClock.now
            let (info, shown) = await show(jobID)
            let answered = info.status == 0 || info.stderr.contains("Invalid job id")
            noteAnswer(answered, since: &unansweredSince, askedAt: asked, jobID: jobID, error: info.stderr)
            if let fields = shown {
                let state = fields["JobState"]
                lastState = state
                if state == "RUNNING", runningSince == nil { runningSince = .now }
                if state == "PENDING", !pendingSaid, !cancelled, interruptedAt == nil {
                    let since = pendingSince ?? .now
                    pendingSince = since
                    if ContinuousClock.now - since >= pendingWarning {
                        pendingSaid = true
                        warn(Self.pendingNote(jobID: jobID, waited: pendingWarning, reason: fields["Reason"]))
                    }
                }
                // Requeued by Slurm: its script was killed (and may have written its exit status) and the job would
                // run it again later, with no worker following it. Cancelled instead: the trial runs again, as a new
                // job, from the hunt (a job of an earlier run is ended before that, `EarlierSlurmJob.end`). Checked
                // before the final states: a requeued job may first be seen as PREEMPTED or NODE_FAIL.
                let count = fields["Restarts"].flatMap { Int($0) }
                if let count, let first = restarts, count > first, !cancelled, interruptedAt == nil {
                    await signal(jobID, interrupt: false)
                    return ended(state, fields["Reason"], requeued: true)
                }
                if restarts == nil { restarts = count }
                if let state, SlurmJobOptions.finalStates.contains(state) {
                    // A job whose node failed may be requeued by Slurm (`--requeue`) after this: end it for good,
                    // since its trial runs again from the hunt (see `outcome`).
                    if state == "NODE_FAIL" { await signal(jobID, interrupt: false) }
                    return ended(state, fields["Reason"])
                }
            } else if info.stderr.contains("Invalid job id") {
                // Slurm has forgotten the job (it ended more than MinJobAge ago): the exit status file says how.
                return ended(nil, nil)
            }
            // Otherwise the controller did not answer (or `scontrol` is missing). The job's exit status file says when
            // its script has ended; a second Ctrl-C, or a cancelled run, stops waiting for an answer.
            if FileManager.default.fileExists(atPath: statusPath) || forced || Task.isCancelled {
                // Cancelled since the check above (the poll's `scontrol` was cut short): the job is cancelled and
                // the trial interrupted, not broken as a job Slurm forgot.
                if (Task.isCancelled || forced), !cancelled {
                    cancelled = true
                    await signal(jobID, interrupt: false)
                }
                return ended(nil, nil)
            }
            // Else keep asking: the job runs on without the controller.
            let stopping = cancelled || interruptedAt != nil
            let pause = stopping ? min(options.pollInterval, .milliseconds(200)) : options.pollInterval
            // Not `Task.sleep`: once the task is cancelled it returns at once, and this loop must still wait for the
            // cancelled job to end without spinning.
            await SlurmCommand.pause(pause)
        }
    }

    /// How long a query may take, and when it is cut short: after a second interrupt (forced) the hunt has about two
    /// seconds before it stops waiting, so a query gets one; before it, ``SlurmJobOptions/queryTimeout``, cut short
    /// by that second interrupt.
    private func queryLimits() -> (Duration, (@Sendable () -> Bool)?) {
        if running.withLock({ $0.forced }) { return (.seconds(1), nil) }
        return (options.queryTimeout, { [self] in running.withLock { $0.forced } })
    }

    /// `scontrol show job -o JOB`: its output, and its fields when it answered.
    private func show(_ jobID: String) async -> (output: SlurmCommand.Output, fields: [String: String]?) {
        let (timeout, stopsWhen) = queryLimits()
        let output = await SlurmCommand.run(
            ["scontrol", "show", "job", "-o", jobID],
            environment: baseEnvironment,
            timeout: timeout,
            stopsWhen: stopsWhen
        )
        return (output, output.status == 0 ? SlurmCommand.fields(output.stdout) : nil)
    }

    /// Tells `warn` once when `scontrol` has not answered about a job for `unansweredWarning`, and again when it
    /// answers after that: without it a hunt whose controller is down looks stuck without a word.
    private func noteAnswer(
        _ answered: Bool,
        since unansweredSince: inout ContinuousClock.Instant?,
        askedAt: ContinuousClock.Instant,
        jobID: String,
        error: String
    ) {
        if answered {
            unansweredSince = nil
            let wasWarned = running.withLock { state in
                defer { state.warnedUnanswered = false }
                return state.warnedUnanswered
            }
            if wasWarned { warn("Slurm's controller answers again (scontrol show job \(jobID))") }
            return
        }
        // Counted from when the first unanswered query was asked: one takes up to ``SlurmJobOptions/queryTimeout``.
        let since = unansweredSince ?? askedAt
        unansweredSince = since
        guard ContinuousClock.now - since >= unansweredWarning else { return }
        let first = running.withLock { state in
            defer { state.warnedUnanswered = true }
            return !state.warnedUnanswered
        }
        guard first else { return }
        let cause = error.split(separator: "\n").last.map { ": \($0)" } ?? ""
        warn(
            "Warning: Slurm's controller has not answered `scontrol show job \(jobID)` for "
                + "\(Int((ContinuousClock.now - since).components.seconds)) s\(cause); the hunt waits for the jobs' "
                + "exit-status files in their trials' directories"
        )
    }

    /// `scancel --full --signal=INT` (an interrupt) or `scancel` (cancel the job).
    @discardableResult
    private func signal(_ jobID: String, interrupt: Bool) async -> Bool {
        let arguments = interrupt ? ["scancel", "--full", "--signal=INT", jobID] : ["scancel", jobID]
        let (timeout, stopsWhen) = queryLimits()
        let output = await SlurmCommand.run(
            arguments,
            environment: baseEnvironment,
            timeout: timeout,
            stopsWhen: stopsWhen
        )
        return output.status == 0 || output.stderr.contains("Invalid job id") || output.stderr.contains("already")
    }

    /// What a trial broken by Slurm's time limit is told.
    static let timeLimitHint =
        ": it ran past its time limit (worker.executor_configuration time, or worker.trial_timeout)"

    /// Whether an `sbatch` failure is the controller's passing trouble (a timeout, a restart), not the request's.
    static func isTransient(_ failure: String) -> Bool {
        let markers = [
            "Socket timed out", "Unable to contact slurm controller", "Resource temporarily unavailable",
            "Zero Bytes were transmitted", "Slurm temporarily unable", "Connection refused", "slurm_persist_conn",
        ]
        return markers.contains { failure.contains($0) }
    }

    /// Slurm's reasons for a pending job that no waiting will end: the request exceeds what the partition or its
    /// nodes have, or what the account may use.
    static let hopelessReasons: Set<String> = [
        "PartitionConfig", "PartitionNodeLimit", "PartitionTimeLimit", "ReqNodeNotAvail", "BadConstraints",
        "InvalidAccount", "InvalidQOS", "AssocMaxCpuPerJobLimit", "AssocMaxNodePerJobLimit", "QOSMaxCpuPerJobLimit",
        "QOSMaxNodePerJobLimit", "AssocMaxWallDurationPerJobLimit", "QOSMaxWallDurationPerJobLimit",
    ]

    /// The note for a job that has waited in the queue for `waited`, with Slurm's reason.
    static func pendingNote(jobID: String, waited: Duration, reason: String?) -> String {
        let why = reason.flatMap { $0 == "None" ? nil : $0 }
        var text =
            "note: the Slurm job \(jobID) has waited in the queue for \(Int(waited.seconds)) s"
            + (why.map { " (reason: \($0))" } ?? "")
        if let why, hopelessReasons.contains(where: { why.hasPrefix($0) }) {
            text +=
                "; it cannot start as it is: its resources (--slurm-cpus, --slurm-mem, --slurm-gpus, --slurm-time,"
                + " --slurm-partition) are more than the partition allows; Ctrl-C stops the hunt"
        } else {
            text += "; `squeue -j \(jobID)` says why, and the hunt goes on waiting"
        }
        return text
    }

    /// The trial's outcome from the job's end, its exit status file and its results file.
    func outcome(
        of job: EndedJob,
        jobID: String,
        directory: String,
        statusPath: String,
        resultsPath: String,
        program: String? = nil
    ) -> TrialOutcome {
        let detail = Self.tail(of: directory + "/orion.stderr.log")
        let status = (try? String(contentsOfFile: statusPath, encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        if job.timedOut, let trialTimeout, status != 0 {
            return .broken(
                reason: TrialOutcome.timeLimitReason(trialTimeout) + " and its Slurm job \(jobID) was cancelled",
                exitCode: status,
                detail: detail
            )
        }
        if job.state == "NODE_FAIL", !job.stopRequested, status == nil {
            return .requeued(reason: "the node of the Slurm job \(jobID) failed")
        }
        if job.requeued {
            return .requeued(
                reason: "Slurm requeued the job \(jobID) (preemption, a node failure or scontrol requeue), which was"
                    + " cancelled"
            )
        }
        // Preempted, or cancelled by someone else (`scancel`, an administrator): not the script's failure, and not
        // a request to stop the hunt; the trial runs again.
        let endedByOthers =
            !job.stopRequested && !job.timedOut && ["PREEMPTED", "CANCELLED"].contains(job.state ?? "")
        if endedByOthers, status != 0 {
            return .requeued(
                reason: "the Slurm job \(jobID) was \(job.state == "PREEMPTED" ? "preempted" : "cancelled") by "
                    + "someone else"
            )
        }
        guard let status else {
            if job.stopRequested { return .interrupted(exitCode: nil) }
            let state = job.state.map { "ended as \($0)" } ?? "is no longer known to Slurm"
            let reason = job.reason.flatMap { $0 == "None" ? nil : " (\($0))" } ?? ""
            let hint = job.state == "TIMEOUT" ? Self.timeLimitHint : ""
            return .broken(
                reason: "the Slurm job \(jobID) \(state)\(reason) before the script finished\(hint); "
                    + "see \(directory)/orion.stderr.log",
                exitCode: nil,
                detail: detail
            )
        }
        if status == Int(interruptCode) { return .interrupted(exitCode: status) }
        guard status == 0 else {
            if job.stopRequested { return .interrupted(exitCode: status) }
            // At the time limit Slurm sends SIGTERM to the job's processes: the script dies (143) and its shell may
            // still write that status before being killed. Slurm's state says why.
            if job.state == "TIMEOUT" {
                return .broken(
                    reason: "the Slurm job \(jobID) ended as TIMEOUT, the script killed with code \(status)"
                        + "\(Self.timeLimitHint); see \(directory)/orion.stderr.log",
                    exitCode: status,
                    detail: detail
                )
            }
            // 126/127: the shell could not run the program. A missing interpreter on its `#!` line reads "not
            // found" in the job's stderr although the script exists; said as a local run says it.
            if status == 126 || status == 127, let program,
                let problem = Shebang.problem(script: program, searchPath: baseEnvironment["PATH"])
            {
                return .broken(reason: problem + " (Slurm job \(jobID))", exitCode: status, detail: detail)
            }
            return .broken(
                reason: "the script exited with code \(status) (Slurm job \(jobID))",
                exitCode: status,
                detail: detail
            )
        }
        do {
            let results = try ResultsFile.read(path: resultsPath)
            ResultsFile.warnOnceOfSeveralObjectives(results)
            return .completed(results)
        } catch {
            if job.stopRequested { return .interrupted(exitCode: 0) }
            return .broken(reason: error.message, exitCode: 0, detail: detail)
        }
    }

    /// Asks every running job to stop: SIGINT to its processes, then `scancel` after the grace period; `force`
    /// cancels them at once.
    public func interruptAll(force: Bool) {
        running.withLock { running in
            running.interrupted = true
            if force { running.forced = true }
        }
    }

    /// The job script: the `ORION_*` variables, `cd` into the hunt's directory (the trial's, saying so, when the node
    /// does not see it), the script's argv, and its exit status written (atomically) to `statusPath`.
    ///
    /// - Parameters:
    ///   - argv: the rendered command.
    ///   - variables: the `ORION_*` variables (`nil`: unset).
    ///   - startDirectory: the hunt's directory, where the script runs.
    ///   - directory: the trial's working directory.
    ///   - statusPath: where the exit status is written.
    /// - Returns: the text of the `sh` script.
    static func jobScript(
        argv: [String],
        variables: [String: String?],
        startDirectory: String,
        directory: String,
        statusPath: String
    ) -> String {
        // The job's shell outlives the INT that a stop (`scancel --full --signal=INT`) sends to every process of the
        // job, so that it writes the status of a script that caught it and saved its result; without the trap it
        // died first, and the trial was interrupted or broken whatever the script did. Not TERM: a job someone
        // cancels (`scancel`) or that reaches its time limit must end as Slurm says (CANCELLED, TIMEOUT), not as
        // the script's own exit.
        var lines = ["#!/bin/sh", "# Written by orion: one trial, run as a Slurm job.", "trap : INT"]
        for (name, value) in variables.sorted(by: { $0.key < $1.key }) {
            if let value {
                lines.append("export \(name)=\(shellQuoted(value))")
            } else {
                lines.append("unset \(name)")
            }
        }
        let start = shellQuoted(startDirectory)
        let trial = shellQuoted(directory)
        lines.append(
            "cd \(start) 2>/dev/null || { echo \"orion: $(hostname) does not see \"\(start)\", the directory of the"
                + " hunt; the script runs in its trial's directory\" >&2; cd \(trial) || exit 1; }"
        )
        lines.append(argv.map(shellQuoted).joined(separator: " "))
        lines.append("status=$?")
        let temporary = shellQuoted(statusPath + ".tmp")
        lines.append("echo \"$status\" > \(temporary) && mv \(temporary) \(shellQuoted(statusPath))")
        lines.append("exit \"$status\"")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` as one `sh` word: single-quoted, with each `'` written `'\''`.
    public static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The last 4 KiB of a file, or `nil` when it is empty or missing.
    private static func tail(of path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 4096 ? size - 4096 : 0)
        guard let data = try? handle.readToEnd(), !data.isEmpty else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
