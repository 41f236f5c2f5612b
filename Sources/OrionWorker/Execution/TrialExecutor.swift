import Foundation
import OrionCore
import Synchronization

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
    /// The objectives running now, each in a task of its own, so that an interrupt cancels them.
    private let running = RunningObjectives()

    /// Creates an executor calling `objective`.
    public init(_ objective: @escaping Objective) {
        self.objective = objective
    }

    /// Calls the objective, in a task that ``interruptAll(force:)`` cancels, and validates its results.
    public func execute(_ context: TrialContext) async -> TrialOutcome {
        let objective = objective
        let task = Task { try await objective(context.trial.params, context) }
        let key = running.add(task)
        defer { running.remove(key) }
        do {
            // A cancellation of the caller reaches the objective too, as when it ran inline.
            let results = try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
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

    /// Cancels the running objectives.
    ///
    /// One that looks at cancellation (`try Task.checkCancellation()`, a `Task.sleep`) throws `CancellationError` and
    /// its trial is interrupted, to run again; one that does not finishes and is recorded. The worker takes no new
    /// trial.
    public func interruptAll(force: Bool) { running.cancelAll() }

    /// An in-process function needs no directory: the worker creates none.
    public var needsWorkingDirectory: Bool { false }
}

/// The tasks of the objectives a ``ClosureExecutor`` runs now.
private final class RunningObjectives: Sendable {
    private let tasks = Mutex<(next: Int, byKey: [Int: Task<[TrialResult], any Error>])>((0, [:]))

    /// Keeps `task` until ``remove(_:)``; returns its key.
    func add(_ task: Task<[TrialResult], any Error>) -> Int {
        tasks.withLock { state in
            state.next += 1
            state.byKey[state.next] = task
            return state.next
        }
    }

    /// Forgets the task of `key`.
    func remove(_ key: Int) {
        tasks.withLock { _ = $0.byKey.removeValue(forKey: key) }
    }

    /// Cancels every task kept.
    func cancelAll() {
        for task in tasks.withLock({ Array($0.byKey.values) }) { task.cancel() }
    }
}
