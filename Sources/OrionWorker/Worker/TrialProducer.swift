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
    private var experiment: Experiment
    private let lockTimeout: Duration
    private let onRebuild: @Sendable (String) -> Void
    private var cached: AlgorithmDriver.Cached?
    /// The completed trials of the experiment's parent versions, adapted (for a child version); read again when an
    /// ancestor's number of completed trials changed (a parent version still running).
    private var inherited: InheritedTrials?
    /// The ancestors' ids, the parent first, and their completed counts when ``inherited`` was read.
    private var ancestors: (ids: [String], completed: [Int])?
    /// How many of ``inherited`` count toward `maxTrials`: those at a point the experiment has no trial at.
    private var inheritedCount = 0
    /// When the ancestors' counts were last compared, and how often they are (one count query per ancestor).
    private var ancestorsCheckedAt: ContinuousClock.Instant?
    private let ancestorsCheckInterval: Duration

    /// Creates a producer for `experiment`.
    ///
    /// - Parameters:
    ///   - experiment: the experiment whose trials it produces.
    ///   - storage: where the trials and the algorithm's state are.
    ///   - factory: makes and decodes the algorithm.
    ///   - lockTimeout: how long to wait for the algorithm lock.
    ///   - ancestorsCheckInterval: how often a child version compares its ancestors' numbers of completed trials
    ///     with those of its inherited trials, to read them again (a parent version still running).
    ///   - onRebuild: called with the reason when the stored algorithm state could not be used and is rebuilt
    ///     from every trial.
    public init(
        experiment: Experiment,
        storage: any Storage,
        factory: any AlgorithmFactory,
        lockTimeout: Duration = .seconds(60),
        ancestorsCheckInterval: Duration = .seconds(1),
        onRebuild: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.ancestorsCheckInterval = ancestorsCheckInterval
        self.experiment = experiment
        self.storage = storage
        self.factory = factory
        self.lockTimeout = lockTimeout
        self.onRebuild = onRebuild
    }

    /// Observes what changed, asks the algorithm for up to `count` new trials and registers them, atomically
    /// under the algorithm lock.
    ///
    /// A stored state that cannot be used (corrupted, written by another version, saved for another algorithm) is
    /// reset and the round runs again: the fresh algorithm observes every trial, so nothing stored is lost and the
    /// hunt goes on (`onRebuild` is told why).
    ///
    /// - Throws: `StorageError` (`.lockTimeout` when another worker held the lock too long) or `AlgorithmError`.
    public func produce(count: Int) async throws -> Production {
        do {
            return try await produceOnce(count: count)
        } catch let error as AlgorithmError where error.code == .corruptState {
            // Another hunt changed the experiment's algorithm (and reset its state) since this one started: follow
            // the stored configuration rather than take turns with that hunt resetting the state.
            if let stored = try await storage.experiment(id: experiment.id), stored.algorithm != experiment.algorithm {
                experiment = stored
                do {
                    return try await produceOnce(count: count)
                } catch let again as AlgorithmError where again.code == .corruptState {}
            }
            // Another worker may have reset and saved a good state meanwhile; resetting it again only costs one
            // more rebuild.
            try await storage.resetAlgorithm(of: experiment.id)
            onRebuild(error.message)
            return try await produceOnce(count: count)
        }
    }

    /// The trials the experiment inherits from its parent versions: read once, and again when an ancestor's number
    /// of completed trials changed (one count per ancestor, at most every `ancestorsCheckInterval`; nothing for an
    /// experiment without a parent).
    ///
    /// - Throws: `StorageError`.
    func inheritedTrials() async throws -> InheritedTrials {
        guard experiment.refers?.parentID != nil else { return .none }
        let now = ContinuousClock.now
        if let inherited, let checked = ancestorsCheckedAt, now - checked < ancestorsCheckInterval { return inherited }
        ancestorsCheckedAt = now
        var ids = ancestors?.ids ?? []
        if ancestors == nil { ids = try await ExperimentTree.ancestors(of: experiment, storage: storage).map(\.id) }
        var completed: [Int] = []
        for id in ids { completed.append(try await storage.countTrials(of: id)[.completed, default: 0]) }
        if let inherited, completed == ancestors?.completed { return inherited }
        let read = try await ExperimentTree.inherited(of: experiment, storage: storage)
        let count = try await ExperimentTree.counted(read.trials, of: experiment, storage: storage)
        inherited = read
        ancestors = (ids, completed)
        inheritedCount = count
        return read
    }

    /// The number of inherited trials that count toward `maxTrials` (``inheritedTrials()``'s, less those at a point
    /// the experiment has a trial at: the tree counts a point once, as in Oríon).
    ///
    /// - Throws: `StorageError`.
    public func inheritedCompletedCount() async throws -> Int {
        _ = try await inheritedTrials()
        return inheritedCount
    }

    private func produceOnce(count: Int) async throws -> Production {
        let inherited = try await inheritedTrials()
        let inheritedCount = inheritedCount
        let experiment = experiment
        let factory = factory
        // The round takes the cached driver (nothing else keeps it), so that its algorithm's state is changed in
        // place instead of copied; after a round that failed, or in a body run again, the state is decoded.
        let handOver = CachedDriver(cached)
        cached = nil
        let output: AlgorithmDriver.StepOutput
        do {
            output = try await storage.withAlgorithmLock(of: experiment.id, timeout: lockTimeout) { snapshot in
                try AlgorithmDriver.step(
                    snapshot: snapshot,
                    cached: handOver.take(),
                    experiment: experiment,
                    factory: factory,
                    count: count,
                    // Stamped under the lock: trials are reserved oldest first, so submission order must be the
                    // order they were produced in, whichever worker produced them.
                    now: Date(),
                    inherited: inherited,
                    inheritedCount: inheritedCount
                )
            }
        } catch {
            // A round that never ran (the lock was not had) leaves the driver untouched: keep it.
            if cached == nil { cached = handOver.take() }
            throw error
        }
        self.cached = AlgorithmDriver.Cached(driver: output.driver, stateVersion: output.stateVersion)
        return Production(trials: output.trials, algorithmIsDone: output.isDone)
    }
}

/// The driver a ``TrialProducer`` hands to one production round: taken once, so that the round holds the only
/// reference to it.
private final class CachedDriver: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: AlgorithmDriver.Cached?

    init(_ cached: AlgorithmDriver.Cached?) { self.cached = cached }

    /// The driver, once; `nil` afterwards.
    func take() -> AlgorithmDriver.Cached? {
        lock.lock()
        defer { lock.unlock() }
        let taken = cached
        cached = nil
        return taken
    }
}
