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
public final class ProcessExecutor: TrialExecutor {
    private let command: UserCommand
    private let baseEnvironment: [String: String]
    private let interruptCode: Int32
    private let echoOutput: Bool
    private let running = Mutex<[pid_t: ChildProcess]>([:])

    /// Creates an executor.
    ///
    /// - Parameters:
    ///   - command: the parsed user command (script and priors).
    ///   - environment: the environment the children inherit (this process's, by default).
    ///   - interruptCode: the exit code by which a script says "I was interrupted" (Oríon's 130).
    ///   - echoOutput: whether the children's stdout and stderr are also copied to this process's.
    public init(
        command: UserCommand,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        interruptCode: Int32 = 130,
        echoOutput: Bool = true
    ) {
        self.command = command
        self.baseEnvironment = environment
        self.interruptCode = interruptCode
        self.echoOutput = echoOutput
    }

    /// The environment given to the trial's process: this process's plus the `ORION_*` variables.
    public func environment(for context: TrialContext, resultsPath: String) -> [String: String] {
        var environment = baseEnvironment
        environment["ORION_EXPERIMENT_ID"] = context.experiment.id
        environment["ORION_EXPERIMENT_NAME"] = context.experiment.name
        environment["ORION_EXPERIMENT_VERSION"] = String(context.experiment.version)
        environment["ORION_TRIAL_ID"] = context.trial.id
        environment["ORION_WORKING_DIR"] = context.workingDirectory
        environment["ORION_RESULTS_PATH"] = resultsPath
        environment["ORION_INTERRUPT_CODE"] = String(interruptCode)
        return environment
    }

    /// Runs the script for the trial and reads its results.
    public func execute(_ context: TrialContext) async -> TrialOutcome {
        let directory = context.workingDirectory
        let resultsPath = directory + "/results.json"
        let argv: [String]
        do {
            let templates = TemplateContext(
                trialID: context.trial.id,
                trialWorkingDir: directory,
                trialHashParams: context.trial.paramsHash,
                experimentID: context.experiment.id,
                experimentName: context.experiment.name,
                experimentVersion: context.experiment.version,
                experimentWorkingDir: context.experimentWorkingDirectory
            )
            argv = try command.render(values: context.trial.values, context: templates)
        } catch {
            return .broken(reason: error.description, exitCode: nil, detail: nil)
        }
        // A stale results file from an earlier, interrupted run must not be read as this run's.
        unlink(resultsPath)
        guard FileManager.default.createFile(atPath: resultsPath, contents: nil) else {
            return .broken(reason: "cannot create the results file \(resultsPath)", exitCode: nil, detail: nil)
        }
        let stdoutFile = open(directory + "/stdout.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        let stderrFile = open(directory + "/stderr.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer {
            if stdoutFile >= 0 { close(stdoutFile) }
            if stderrFile >= 0 { close(stderrFile) }
        }

        let child: ChildProcess
        do {
            child = try ChildProcess(argv: argv, environment: environment(for: context, resultsPath: resultsPath))
        } catch {
            let reason: String
            switch error.errno {
            case EACCES: reason = "\(argv[0]) is not executable: run `chmod +x \(argv[0])`"
            case ENOENT: reason = "\(argv[0]) not found"
            case ENOEXEC: reason = "\(argv[0]) cannot be executed: does it start with a #! line?"
            default: reason = "cannot start \(argv[0]): \(String(cString: strerror(error.errno)))"
            }
            return .broken(reason: reason, exitCode: nil, detail: nil)
        }
        running.withLock { $0[child.pid] = child }
        let echo = echoOutput
        let termination = await withCheckedContinuation {
            (continuation: CheckedContinuation<ChildProcess.Termination, Never>) in
            let thread = Thread {
                continuation.resume(
                    returning: child.pumpAndWait(stdoutFile: stdoutFile, stderrFile: stderrFile, echo: echo)
                )
            }
            thread.stackSize = 1 << 18
            thread.start()
        }
        running.withLock { _ = $0.removeValue(forKey: child.pid) }
        return outcome(of: termination, resultsPath: resultsPath, program: argv[0])
    }

    private func outcome(of termination: ChildProcess.Termination, resultsPath: String, program: String) -> TrialOutcome
    {
        let detail = termination.stderrTail.isEmpty ? nil : termination.stderrTail
        if let signal = termination.signal {
            if signal == SIGINT || signal == SIGTERM { return .interrupted(exitCode: nil) }
            let name = String(cString: strsignal(signal))
            return .broken(reason: "the script was killed by signal \(signal) (\(name))", exitCode: nil, detail: detail)
        }
        let code = Int(termination.exitCode ?? -1)
        if code == Int(interruptCode) { return .interrupted(exitCode: code) }
        guard code == 0 else {
            return .broken(reason: "the script exited with code \(code)", exitCode: code, detail: detail)
        }
        do {
            return .completed(try ResultsFile.read(path: resultsPath))
        } catch {
            return .broken(reason: error.message, exitCode: 0, detail: detail)
        }
    }

    /// Forwards SIGINT (or SIGKILL when `force`) to every running script's process group.
    public func interruptAll(force: Bool) {
        let children = running.withLock { Array($0.values) }
        for child in children { child.send(force ? SIGKILL : SIGINT) }
    }
}
