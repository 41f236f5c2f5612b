import Foundation
import OrionCore
import OrionWorker

/// The trials of one multi-fidelity run, made by `workers` simulated workers on a simulated clock.
///
/// A trial lasts as many time units as the epochs it trains (its fidelity from scratch; with resumption, the epochs
/// beyond its parent's checkpoint), so a 27-epoch trial holds its worker 27 times as long as a 1-epoch one, as in
/// training. A free worker asks the algorithm for a trial at once; the others' trials are pending (reserved) while
/// it asks, so the algorithm sees what a real worker pool would show it: an asynchronous one (ASHA) promotes from the
/// results it has, a synchronous one may have nothing to give until a rung completes, and the worker then waits
/// for the next result. Results reach the algorithm in the order the trials finish (ties: the earlier started
/// first). With one worker this is the sequential run: each trial is suggested, evaluated and observed in turn.
///
/// A trial is evaluated when it starts (the task is a function of its parameters, or a script whose checkpoints
/// are written then; a trial that resumes one starts only after its parent finished) and observed when it
/// finishes. When a trial would take the total past the budget it is released and no worker starts another; the
/// running ones finish. How the idle time adds up is the point of the simulation: ``times`` and ``busy`` give each
/// trial's finishing time and the time workers spent training, so the time to a regret and the fraction of idle
/// worker time follow.
struct SimulatedWorkers {
    /// How many workers train at once.
    let workers: Int
    /// The total fidelity the trials may spend, counted as `accounting` says.
    let budget: Double
    /// How a trial's cost (and duration) is counted.
    let accounting: MultiFidelityAccounting

    /// Each finished trial's fidelity, in finishing order.
    private(set) var fidelities: [Double] = []
    /// Each finished trial's epochs trained beyond its parent's checkpoint (its fidelity without a parent).
    private(set) var paid: [Double] = []
    /// Each finished trial's observed value.
    private(set) var values: [Double] = []
    /// Each finished trial's regret when it ran at full fidelity.
    private(set) var regrets: [Double?] = []
    /// Each finished trial's finishing time.
    private(set) var times: [Double] = []

    /// A trial a worker is training.
    private struct Running {
        var trial: Trial
        var level: Double
        var trained: Double
        var evaluation: MultiFidelityTask.Evaluation
        var finish: Double
    }

    /// Runs the trials until the algorithm is done or the budget is spent.
    ///
    /// - Parameters:
    ///   - client: the experiment's client.
    ///   - fidelity: the fidelity dimension's name.
    ///   - task: the task (its maximum fidelity and reference).
    ///   - evaluate: evaluates one trial.
    /// - Throws: ``BenchmarkError`` `.badPoint` for a trial without the fidelity; the client's and `evaluate`'s.
    /// - Complexity: O(t · w) bookkeeping for t trials and w workers, plus the algorithm's and the evaluations'.
    mutating func run(
        client: ExperimentClient,
        fidelity: String,
        task: MultiFidelityTask,
        evaluate: @Sendable (Trial, ExperimentClient) async throws -> MultiFidelityTask.Evaluation
    ) async throws {
        var running: [Running] = []
        var finished: [String: Double] = [:]
        var spent = 0.0
        var starting = true
        var now = 0.0
        while true {
            while starting, running.count < workers, let trial = try await client.suggest(waits: false) {
                guard let level = trial.params[fidelity]?.doubleValue else {
                    throw BenchmarkError(.badPoint, "trial \(trial.id) of \(task.name) has no fidelity '\(fidelity)'")
                }
                let resumed = MultiFidelityRunner.increment(
                    level: level,
                    parentLevel: trial.parent.flatMap { finished[$0] }
                )
                if spent + (accounting == .scratch ? level : resumed) > budget + 1e-9 {
                    try await client.release(trial)
                    starting = false
                    break
                }
                let evaluation = try await evaluate(trial, client)
                let trained = evaluation.trained ?? resumed
                let duration = accounting == .scratch ? level : trained
                spent += duration
                running.append(
                    Running(
                        trial: trial,
                        level: level,
                        trained: trained,
                        evaluation: evaluation,
                        finish: now + duration
                    )
                )
            }
            // The first of the earliest to finish: the earliest started among equal times.
            guard let next = running.indices.min(by: { running[$0].finish < running[$1].finish }) else { return }
            let done = running.remove(at: next)
            now = done.finish
            try await client.observe(done.trial, objective: done.evaluation.value)
            finished[done.trial.id] = done.level
            fidelities.append(done.level)
            paid.append(done.trained)
            values.append(done.evaluation.value)
            regrets.append(done.level >= task.maxFidelity - 1e-9 ? done.evaluation.clean - task.optimum : nil)
            times.append(now)
        }
    }
}
