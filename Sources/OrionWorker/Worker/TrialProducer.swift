import Foundation
import OrionCore

/// Produces new trials under the experiment's algorithm lock, keeping the decoded algorithm between calls so
/// that a worker that produced last does not decode its own state again.
public actor TrialProducer {
    /// What one production round gave.
    public struct Production: Sendable {
        /// The trials registered by this round (possibly none).
        public var trials: [Trial]
        /// Whether the algorithm has nothing more to suggest.
        public var algorithmIsDone: Bool
    }

    private let storage: any Storage
    private let factory: any AlgorithmFactory
    private let experiment: Experiment
    private let lockTimeout: Duration
    private var cached: AlgorithmDriver.Cached?
    /// The completed trials of the experiment's parent versions, adapted (read once, for a child version).
    private var inherited: InheritedTrials?

    /// Creates a producer for `experiment`.
    public init(
        experiment: Experiment,
        storage: any Storage,
        factory: any AlgorithmFactory,
        lockTimeout: Duration = .seconds(60)
    ) {
        self.experiment = experiment
        self.storage = storage
        self.factory = factory
        self.lockTimeout = lockTimeout
    }

    /// Observes what changed, asks the algorithm for up to `count` new trials and registers them, atomically
    /// under the algorithm lock.
    ///
    /// - Throws: `StorageError` (`.lockTimeout` when another worker held the lock too long) or `AlgorithmError`.
    public func produce(count: Int) async throws -> Production {
        if inherited == nil {
            inherited = InheritedTrials(try await ExperimentTree.inheritedTrials(of: experiment, storage: storage))
        }
        let inherited = inherited ?? .none
        let experiment = experiment
        let factory = factory
        let cached = cached
        let now = Date()
        let output = try await storage.withAlgorithmLock(of: experiment.id, timeout: lockTimeout) { snapshot in
            try AlgorithmDriver.step(
                snapshot: snapshot,
                cached: cached,
                experiment: experiment,
                factory: factory,
                count: count,
                now: now,
                inherited: inherited
            )
        }
        self.cached = AlgorithmDriver.Cached(driver: output.driver, stateVersion: output.stateVersion)
        return Production(trials: output.trials, algorithmIsDone: output.isDone)
    }
}
