import Foundation
import OrionCore

/// How a trial ended, as told by an executor.
public enum TrialOutcome: Sendable, Equatable {
    /// The objective ran and reported these results (at least one objective).
    case completed([TrialResult])
    /// The objective failed; `reason` is one line, `detail` the tail of its stderr, if any.
    case broken(reason: String, exitCode: Int?, detail: String?)
    /// The objective was interrupted (signal, or the script exited with the interrupt code); run it again later.
    case interrupted(exitCode: Int?)
    /// The objective was ended by someone else (a Slurm job preempted or cancelled from outside): run it again; the
    /// worker goes on.
    case requeued(reason: String)
    /// The objective could not be started for a reason that holds for every trial (`sbatch` refused the job: a bad
    /// partition or option): the trial is put back to run later, and the worker stops with `reason`.
    case notStarted(reason: String)
}

extension TrialOutcome {
    /// The start of the reason of a trial whose script ran past `worker.trial_timeout` (`limit`), for every
    /// executor: `the script ran longer than the trial time limit of 3 s (worker.trial_timeout)`.
    static func timeLimitReason(_ limit: Duration) -> String {
        "the script ran longer than the trial time limit of \(String(format: "%g s", limit.seconds)) "
            + "(worker.trial_timeout)"
    }
}

/// Everything an executor needs to run one trial.
public struct TrialContext: Sendable {
    /// The experiment the trial belongs to.
    public var experiment: Experiment
    /// The reserved trial.
    public var trial: Trial
    /// The trial's working directory (created before `execute` is called).
    public var workingDirectory: String
    /// The experiment's working directory (the parent of every trial's directory).
    public var experimentWorkingDirectory: String
    /// The parent trial's directory, for a trial with a parent (`nil` without one): where the parent ran (its stored
    /// directory, in an ancestor version's working directory for a promotion of an inherited trial);
    /// `<experiment working dir>/<parent id>` when not known.
    public var parentWorkingDirectory: String?

    /// Creates a context.
    public init(
        experiment: Experiment,
        trial: Trial,
        workingDirectory: String,
        experimentWorkingDirectory: String,
        parentWorkingDirectory: String? = nil
    ) {
        self.experiment = experiment
        self.trial = trial
        self.workingDirectory = workingDirectory
        self.experimentWorkingDirectory = experimentWorkingDirectory
        self.parentWorkingDirectory = trial.parent.map {
            parentWorkingDirectory ?? experimentWorkingDirectory + "/" + $0
        }
    }
}

/// Runs a trial's objective: a child process (``ProcessExecutor``) or an in-process closure (``ClosureExecutor``).
public protocol TrialExecutor: Sendable {
    /// Runs the objective for `context.trial` and says how it ended. Never throws: failures are outcomes.
    func execute(_ context: TrialContext) async -> TrialOutcome

    /// Asks every running objective to stop (first Ctrl-C or SIGTERM); `force` kills them (second Ctrl-C).
    func interruptAll(force: Bool)

    /// Whether each trial needs its own directory on disk (a child process does; an in-process closure does not).
    var needsWorkingDirectory: Bool { get }
}

extension TrialExecutor {
    /// Trials get a working directory unless the executor says otherwise.
    public var needsWorkingDirectory: Bool { true }
}

/// Runs an in-process function as the objective: the library's `workon`.
public struct ClosureExecutor: TrialExecutor {
    /// The objective: parameters in, results out.
    ///
    /// Throwing marks the trial broken with the error's description; throwing `CancellationError` marks it
    /// interrupted.
    public typealias Objective = @Sendable (Parameters, TrialContext) async throws -> [TrialResult]

    private let objective: Objective

    /// Creates an executor calling `objective`.
    public init(_ objective: @escaping Objective) {
        self.objective = objective
    }

    /// Calls the objective and validates its results.
    public func execute(_ context: TrialContext) async -> TrialOutcome {
        do {
            let results = try await objective(context.trial.params, context)
            guard results.contains(where: { $0.type == .objective }) else {
                return .broken(
                    reason: "the objective returned no result of type 'objective'",
                    exitCode: nil,
                    detail: nil
                )
            }
            return .completed(results)
        } catch is CancellationError {
            return .interrupted(exitCode: nil)
        } catch {
            return .broken(reason: "the objective threw: \(error)", exitCode: nil, detail: nil)
        }
    }

    /// In-process objectives are not interrupted; the worker stops taking new trials.
    public func interruptAll(force: Bool) {}

    /// An in-process function needs no directory: the worker creates none.
    public var needsWorkingDirectory: Bool { false }
}
