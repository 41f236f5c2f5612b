import Foundation
import OrionCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs each trial as a child process: the user's command with the trial's values substituted, executed directly
/// (argv, never through a shell), with the `ORION_*` environment, its output streamed and kept in the trial's
/// working directory, and the results read from `$ORION_RESULTS_PATH`.
///
/// The trial ends when the script's main process exits, even if a background child it started still holds its
/// output open. Stopping a trial (``interruptAll(force:)``, cancelling the task running ``execute(_:)``, or the time
/// limit) signals the script's whole process group, and kills the group when it is still there after the grace
/// period. On Linux a script does not outlive its worker: when this process dies by any means (`kill -9` included),
/// the script's process group gets SIGTERM and, one grace period later, SIGKILL (docs/distributed.md).
public final class ProcessExecutor: TrialExecutor {
    private struct Running {
        var children: [ObjectIdentifier: ChildProcess] = [:]
        var interrupted = false
    }

    private let command: UserCommand
    private let baseEnvironment: [String: String]
    private let interruptCode: Int32
    private let echo: OutputEcho?
    private let terminalStreams: Set<Int32>
    private let trialTimeout: Duration?
    private let terminationGrace: Duration
    /// The scripts' current directory; `nil`: this process's.
    private let startDirectory: String?
    private let running = Mutex(Running())
    private let guardian: GroupGuardian?

    /// Creates an executor.
    ///
    /// - Parameters:
    ///   - command: the parsed user command (script and priors).
    ///   - environment: the environment the children inherit (this process's, by default).
    ///   - interruptCode: the exit code by which a script says "I was interrupted" (Oríon's 130).
    ///   - echoOutput: whether the children's stdout and stderr are also copied to this process's.
    ///   - echo: where they are copied (this process's stdout and stderr by default, or a writer to them). A stream
    ///     copied to a terminal reaches the script as a pseudo-terminal, so that it sees a terminal as under Oríon.
    ///   - trialTimeout: the longest a trial may run (`worker.trial_timeout`); past it, the script's process group
    ///     is terminated and the trial is broken. `nil`: no limit.
    ///   - terminationGrace: how long a stopped script's process group has between SIGINT/SIGTERM and SIGKILL; also
    ///     how long it has between SIGTERM and SIGKILL when this process dies while the script runs (Linux).
    ///   - startDirectory: the directory the scripts run in (where their relative paths resolve); `nil`: this
    ///     process's current directory.
    public init(
        command: UserCommand,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        interruptCode: Int32 = 130,
        echoOutput: Bool = true,
        echo: OutputEcho = .standard,
        trialTimeout: Duration? = nil,
        terminationGrace: Duration = .seconds(10),
        startDirectory: String? = nil
    ) {
        self.command = command
        self.startDirectory = startDirectory
        self.baseEnvironment = environment
        self.interruptCode = interruptCode
        self.echo = echoOutput ? echo : nil
        self.terminalStreams = echoOutput ? Set([1, 2].filter { isatty($0) == 1 }) : []
        self.trialTimeout = trialTimeout
        self.terminationGrace = terminationGrace
        #if os(Linux)
            guardian = GroupGuardian(grace: terminationGrace)
        #else
            guardian = nil
        #endif
    }

    /// The environment given to the trial's process: this process's plus the `ORION_*` variables, and
    /// `PYTHONUNBUFFERED=1` unless it is set.
    ///
    /// - Parameters:
    ///   - context: the trial being run.
    ///   - resultsPath: where the script writes its results.
    /// - Returns: the complete environment, including `ORION_PARENT_ID` and `ORION_PARENT_WORKING_DIR` when the
    ///   trial has a parent (a promotion or a population-based child).
    public func environment(for context: TrialContext, resultsPath: String) -> [String: String] {
        var environment = baseEnvironment
        for (key, value) in Self.orionVariables(for: context, resultsPath: resultsPath, interruptCode: interruptCode) {
            environment[key] = value
        }
        // Off a terminal the script's output reaches `orion` through a pipe (for its orion.stdout.log and the progress
        // line), where Python would hold every print until it exits; a hunt's log file then shows each print as it is
        // made. A value the user set is kept.
        if environment["PYTHONUNBUFFERED"] == nil { environment["PYTHONUNBUFFERED"] = "1" }
        return environment
    }

    /// The `ORION_*` variables of a trial: the experiment, the trial, its directories and results file.
    ///
    /// `ORION_PARENT_ID` and `ORION_PARENT_WORKING_DIR` are set to `nil` (removed from an inherited environment)
    /// for a trial without a parent.
    ///
    /// - Parameters:
    ///   - context: the trial being run.
    ///   - resultsPath: where the script writes its results.
    ///   - interruptCode: the exit code meaning "interrupted".
    /// - Returns: the variables; a `nil` value means "unset".
    public static func orionVariables(
        for context: TrialContext,
        resultsPath: String,
        interruptCode: Int32
    ) -> [String: String?] {
        [
            "ORION_EXPERIMENT_ID": context.experiment.id,
            "ORION_EXPERIMENT_NAME": context.experiment.name,
            "ORION_EXPERIMENT_VERSION": String(context.experiment.version),
            "ORION_TRIAL_ID": context.trial.id,
            "ORION_WORKING_DIR": context.workingDirectory,
            "ORION_RESULTS_PATH": resultsPath,
            "ORION_INTERRUPT_CODE": String(interruptCode),
            // Set for a trial with a parent, and never inherited from an outer `orion` for one without.
            "ORION_PARENT_ID": context.trial.parent,
            "ORION_PARENT_WORKING_DIR": context.parentWorkingDirectory,
        ]
    }

    /// Runs the script for the trial and reads its results.
    ///
    /// Cancelling the calling task stops the script (SIGTERM to its process group, SIGKILL after the grace period)
    /// and the outcome is `.interrupted`.
    public func execute(_ context: TrialContext) async -> TrialOutcome {
        let cancellation = Cancellation()
        return await withTaskCancellationHandler {
            await run(context, cancellation: cancellation)
        } onCancel: {
            cancellation.cancel()
        }
    }

    private func run(_ context: TrialContext, cancellation: Cancellation) async -> TrialOutcome {
        if Task.isCancelled { return .interrupted(exitCode: nil) }
        let directory = context.workingDirectory
        // The trial ran last as a Slurm job whose hunt was killed: the job may still run, in this directory. It is
        // ended first (its results taken when it finished by itself); then its files go, so that a later run here
        // does not read them as its own.
        if FileManager.default.fileExists(atPath: directory + "/" + EarlierSlurmJob.idFileName) {
            let ended = await EarlierSlurmJob.end(
                in: directory,
                environment: baseEnvironment,
                grace: terminationGrace,
                warn: { FileHandle.standardError.write(Data(("Warning: " + $0 + "\n").utf8)) },
                note: { FileHandle.standardError.write(Data(("note: " + $0 + "\n").utf8)) }
            )
            let results = EarlierSlurmJob.results(in: directory, endedByItself: ended, trial: context.trial)
            // Every file of the job's, its script too (probe hD6's L4): Slurm's own log stays, as its record.
            for name in [EarlierSlurmJob.idFileName, EarlierSlurmJob.statusFileName, SlurmExecutor.jobScriptName] {
                unlink(directory + "/" + name)
            }
            if let results { return .completed(results) }
            if Task.isCancelled { return .interrupted(exitCode: nil) }
        }
        // A run started here before (its log is there): what it left running (its hunt killed with its guardian, a
        // daemon its script started) is ended first (``EarlierScriptRun``). A first run costs this one `stat`.
        if FileManager.default.fileExists(atPath: directory + "/" + Self.stdoutLogName) {
            await EarlierScriptRun.end(
                experimentID: context.experiment.id,
                trialID: context.trial.id,
                grace: terminationGrace,
                stopNow: { self.running.withLock { $0.interrupted } },
                note: { FileHandle.standardError.write(Data(("note: " + $0 + "\n").utf8)) }
            )
            if Task.isCancelled { return .interrupted(exitCode: nil) }
        }
        let argv: [String]
        let resultsPath: String
        switch TrialPreparation.prepare(command, for: context) {
        case .ready(let preparedArgv, let preparedResultsPath):
            argv = preparedArgv
            resultsPath = preparedResultsPath
        case .failed(let outcome):
            return outcome
        }
        let stdoutFile = open(directory + "/" + Self.stdoutLogName, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        let stderrFile = open(directory + "/orion.stderr.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer {
            if stdoutFile >= 0 { close(stdoutFile) }
            if stderrFile >= 0 { close(stderrFile) }
        }

        let environment = environment(for: context, resultsPath: resultsPath)
        let child: ChildProcess
        do {
            child = try ChildProcess(
                argv: argv,
                environment: environment,
                guardian: guardian,
                terminalStreams: terminalStreams,
                directory: startDirectory
            )
        } catch {
            // `orion`'s own resources (open files, processes, memory) are short: every trial would fail the same way,
            // so the trial is put back and the hunt stops saying why.
            if let shortage = TrialDirectory.resourceShortage(error.errno) {
                return .notStarted(reason: "cannot start \(argv[0]): \(shortage)")
            }
            return .broken(reason: spawnFailure(error.errno, program: argv[0], environment), exitCode: nil, detail: nil)
        }
        let interrupted = running.withLock { running -> Bool in
            running.children[ObjectIdentifier(child)] = child
            return running.interrupted
        }
        // An interrupt or a cancellation that came while the script was being started stops it now.
        if interrupted { child.requestStop(signal: SIGINT) }
        cancellation.attach(child)

        let echo = echo
        let limits = ChildProcess.Limits(timeout: trialTimeout, grace: terminationGrace)
        let termination = await withCheckedContinuation {
            (continuation: CheckedContinuation<ChildProcess.Termination, Never>) in
            let thread = Thread {
                continuation.resume(
                    returning: child.run(stdoutFile: stdoutFile, stderrFile: stderrFile, echo: echo, limits: limits)
                )
            }
            thread.stackSize = 1 << 18
            thread.start()
        }
        running.withLock { _ = $0.children.removeValue(forKey: ObjectIdentifier(child)) }
        if cancellation.isCancelled {
            return .interrupted(exitCode: termination.signal == nil ? termination.exitCode.map(Int.init) : nil)
        }
        var huntInterrupted = running.withLock { $0.interrupted }
        if let signal = termination.signal, signal == SIGINT || signal == SIGTERM, !termination.stopRequested,
            !huntInterrupted
        {
            // A scheduler that preempts a job (Slurm's scancel, a time limit) signals every process of it, this one
            // too: give its handler a moment to say so before calling the script's death its own.
            for _ in 0..<50 where !huntInterrupted && !cancellation.isCancelled {
                try? await Task.sleep(for: .milliseconds(20))
                huntInterrupted = running.withLock { $0.interrupted }
            }
            // Cancelled meanwhile (the hunt is being torn down): the trial was stopped, not broken.
            if cancellation.isCancelled { return .interrupted(exitCode: nil) }
        }
        let ended = outcome(
            of: termination,
            huntInterrupted: huntInterrupted,
            resultsPath: resultsPath,
            program: argv[0],
            environment: environment
        )
        // A script that fails while the file system of its directory is full most likely failed for that (it could
        // not write its output, nor `orion` its logs), as every trial would: the trial is put back and the hunt stops
        // saying so, instead of breaking trials up to the experiment's limit with an empty orion.stderr.log.
        if case .broken(let reason, _, _) = ended, Self.isFull(directory) {
            return .notStarted(
                reason: "\(reason), and the file system holding its directory \(directory) is full (its output could "
                    + "not be written): free some space, then run the hunt again"
            )
        }
        return ended
    }

    /// The file in the trial's directory that takes the script's standard output.
    static let stdoutLogName = "orion.stdout.log"

    /// Whether the file system holding `directory` has no space left for this user.
    static func isFull(_ directory: String) -> Bool {
        var volume = statvfs()
        return statvfs(directory, &volume) == 0 && volume.f_bavail == 0
    }

    /// The trial's outcome from how its script ended.
    ///
    /// A script killed by SIGINT or SIGTERM is interrupted (to run again) only when `orion` stopped it or was
    /// interrupted itself (a scheduler's signal to the whole job); otherwise it is broken, as in Oríon: a script
    /// that ends that way by itself would otherwise stop every hunt that runs it again.
    private func outcome(
        of termination: ChildProcess.Termination,
        huntInterrupted: Bool,
        resultsPath: String,
        program: String,
        environment: [String: String]
    ) -> TrialOutcome {
        let detail = termination.stderrTail.isEmpty ? nil : termination.stderrTail
        let code = termination.exitCode.map(Int.init)
        if termination.timedOut, let limit = trialTimeout {
            return .broken(
                reason: TrialOutcome.timeLimitReason(limit) + " and was stopped",
                exitCode: code,
                detail: detail
            )
        }
        if let signal = termination.signal {
            if termination.stopRequested || (huntInterrupted && (signal == SIGINT || signal == SIGTERM)) {
                return .interrupted(exitCode: nil)
            }
            let name = String(cString: strsignal(signal))
            let sender = signal == SIGINT || signal == SIGTERM ? ", which orion did not send" : ""
            return .broken(
                reason: "the script was killed by signal \(signal) (\(name))\(sender)",
                exitCode: nil,
                detail: detail
            )
        }
        let exitCode = code ?? -1
        if exitCode == Int(interruptCode) { return .interrupted(exitCode: exitCode) }
        guard exitCode == 0 else {
            if termination.stopRequested { return .interrupted(exitCode: exitCode) }
            if exitCode == 127, let problem = Shebang.problem(script: program, searchPath: environment["PATH"]) {
                return .broken(reason: problem, exitCode: exitCode, detail: detail)
            }
            return .broken(reason: "the script exited with code \(exitCode)", exitCode: exitCode, detail: detail)
        }
        do {
            let results = try ResultsFile.read(path: resultsPath)
            ResultsFile.warnOnceOfSeveralObjectives(results)
            return .completed(results)
        } catch {
            if termination.stopRequested { return .interrupted(exitCode: 0) }
            return .broken(reason: error.message, exitCode: 0, detail: detail)
        }
    }

    private func spawnFailure(_ error: Int32, program: String, _ environment: [String: String]) -> String {
        switch error {
        case EACCES: return "\(program) is not executable: run `chmod +x \(program)`"
        case ENOENT:
            guard FileManager.default.fileExists(atPath: program) else { return "\(program) not found" }
            // The script is there: what is missing is the interpreter on its #! line.
            return Shebang.problem(script: program, searchPath: environment["PATH"])
                ?? "cannot start \(program): \(String(cString: strerror(error)))"
        case ENOEXEC: return "\(program) cannot be executed: does it start with a #! line?"
        default: return "cannot start \(program): \(String(cString: strerror(error)))"
        }
    }

    /// Forwards SIGINT (or SIGKILL when `force`) to every running script's process group.
    ///
    /// A script still running one grace period later is killed. Scripts started after this call are stopped at once.
    public func interruptAll(force: Bool) {
        let children = running.withLock { running in
            running.interrupted = true
            return Array(running.children.values)
        }
        for child in children {
            if force { child.forceKill() } else { child.requestStop(signal: SIGINT) }
        }
    }
}

/// The link between a task's cancellation handler and the child it is running, whichever comes first.
private final class Cancellation: Sendable {
    private struct State {
        var cancelled = false
        var child: ChildProcess?
    }

    private let state = Mutex(State())

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    func cancel() {
        let child = state.withLock { state -> ChildProcess? in
            state.cancelled = true
            return state.child
        }
        child?.requestStop(signal: SIGTERM)
    }

    func attach(_ child: ChildProcess) {
        let cancelled = state.withLock { state -> Bool in
            state.child = child
            return state.cancelled
        }
        if cancelled { child.requestStop(signal: SIGTERM) }
    }
}
