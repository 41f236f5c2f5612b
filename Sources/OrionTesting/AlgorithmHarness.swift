import Foundation
import OrionCore

/// A synchronous stand-in for a storage's algorithm lock, to exercise an algorithm through
/// ``AlgorithmDriver/step(snapshot:cached:experiment:factory:count:now:)`` without a database.
///
/// It keeps the trials, the saved state and its version, and the trials changed since the state was saved
/// (registered trials included, so that an algorithm observes its own suggestions), as a `Storage` does.
public struct AlgorithmHarness: Sendable {
    /// The experiment.
    public let experiment: Experiment
    /// Makes and decodes the algorithm.
    public let factory: any AlgorithmFactory
    /// Whether each step reuses the driver of the previous one (as a lone worker does) instead of decoding the
    /// saved state (as a worker does after another one produced).
    public var reusesDriver: Bool
    /// Every trial, in registration order.
    public private(set) var trials: [Trial] = []
    /// The saved algorithm state.
    public private(set) var state: Data?
    /// The saved state's version.
    public private(set) var stateVersion = 0
    /// The driver after the last step.
    public private(set) var driver: AlgorithmDriver?
    /// Whether the last step said the algorithm is done.
    public private(set) var isDone = false
    private var changed: [String] = []
    private var positions: [String: Int] = [:]

    /// Creates a harness with no trials and no state.
    ///
    /// - Parameters:
    ///   - experiment: the experiment (its `algorithm`, `space` and `maxTrials` are used).
    ///   - factory: makes and decodes the algorithm.
    ///   - reusesDriver: see ``reusesDriver``.
    public init(experiment: Experiment, factory: any AlgorithmFactory, reusesDriver: Bool = true) {
        self.experiment = experiment
        self.factory = factory
        self.reusesDriver = reusesDriver
    }

    /// The number of trials of each status.
    public var counts: [TrialStatus: Int] {
        trials.reduce(into: [:]) { counts, trial in counts[trial.status, default: 0] += 1 }
    }

    /// The lowest objective of the completed trials.
    public var bestObjective: Double? {
        trials.filter { $0.status == .completed }.compactMap(\.objective).min()
    }

    /// Runs one production round and registers the trials it gives.
    ///
    /// - Parameters:
    ///   - count: the most trials wanted.
    ///   - now: the submission time.
    /// - Returns: the new trials.
    /// - Throws: the driver's errors.
    @discardableResult
    public mutating func produce(count: Int, now: Date = Date(timeIntervalSince1970: 0)) throws -> [Trial] {
        let snapshot = AlgorithmSnapshot(
            state: state,
            stateVersion: stateVersion,
            changedTrials: state == nil ? trials : changed.compactMap { positions[$0].map { trials[$0] } },
            counts: counts,
            existingTrials: .containing(Set(positions.keys))
        )
        let cached = reusesDriver ? driver.map { AlgorithmDriver.Cached(driver: $0, stateVersion: stateVersion) } : nil
        let update = try AlgorithmDriver.step(
            snapshot: snapshot,
            cached: cached,
            experiment: experiment,
            factory: factory,
            count: count,
            now: now
        )
        changed = []
        if let newState = update.state {
            state = newState
            stateVersion += 1
        }
        var registered: [Trial] = []
        for trial in update.newTrials where positions[trial.id] == nil {
            positions[trial.id] = trials.count
            trials.append(trial)
            changed.append(trial.id)
            registered.append(trial)
        }
        driver = update.output.driver
        isDone = update.output.isDone
        return registered
    }

    /// Registers a trial the algorithm did not suggest, as `orion insert` or a parent version gives one, so that
    /// the next step observes it.
    ///
    /// - Parameter trial: the trial; ignored when a trial with its id exists.
    /// - Returns: whether it was registered.
    @discardableResult
    public mutating func insert(_ trial: Trial) -> Bool {
        guard positions[trial.id] == nil else { return false }
        positions[trial.id] = trials.count
        trials.append(trial)
        changed.append(trial.id)
        return true
    }

    /// Completes a trial with an objective.
    ///
    /// - Parameters:
    ///   - id: the trial's id.
    ///   - objective: the objective value.
    public mutating func complete(_ id: String, objective: Double) {
        update(id) { trial in
            trial.status = .completed
            trial.results = [.objective(objective)]
        }
    }

    /// Sets a trial's status, such as `.broken`.
    ///
    /// - Parameters:
    ///   - id: the trial's id.
    ///   - status: the new status.
    public mutating func setStatus(_ id: String, _ status: TrialStatus) {
        update(id) { $0.status = status }
    }

    /// Produces and completes trials with `objective` until `count` trials completed, the algorithm is done, or
    /// a round gives nothing.
    ///
    /// - Parameters:
    ///   - count: the number of trials to complete.
    ///   - batch: the trials asked per round (workers running in parallel).
    ///   - objective: the function of a trial's parameters.
    /// - Returns: the trials completed by this call, in order.
    /// - Throws: the driver's errors.
    @discardableResult
    public mutating func run(
        trials count: Int,
        batch: Int = 1,
        objective: (Parameters) -> Double
    ) throws -> [Trial] {
        var completed: [Trial] = []
        while completed.count < count, !isDone {
            let produced = try produce(count: min(batch, count - completed.count))
            guard !produced.isEmpty else { break }
            for trial in produced {
                complete(trial.id, objective: objective(trial.values))
                if let position = positions[trial.id] { completed.append(trials[position]) }
            }
        }
        return completed
    }

    private mutating func update(_ id: String, _ change: (inout Trial) -> Void) {
        guard let position = positions[id] else { return }
        change(&trials[position])
        if !changed.contains(id) { changed.append(id) }
    }
}
