import Foundation
import OrionCore
import Synchronization

/// The library API on any storage: create or load an experiment, then ask for trials and report their results.
///
/// Or hand a closure to ``workon(maxTrials:configuration:_:)``.
///
/// ```swift
/// let client = try await ExperimentClient.build(
///     name: "demo", space: ["/x": "uniform(-5, 10)"], storage: InMemoryStorage(), factory: AlgorithmRegistry.standard)
/// while let trial = try await client.suggest() {
///     try await client.observe(trial, objective: f(trial.params["/x"]?.doubleValue ?? 0))
/// }
/// ```
public final class ExperimentClient: Sendable {
    /// The experiment as stored when the client was made.
    public let experiment: Experiment
    /// The storage holding it.
    public let storage: any Storage
    private let factory: any AlgorithmFactory
    private let producer: TrialProducer
    private let workerName: String
    /// The owner tokens of the trials this client reserved and has not reported yet, by trial id.
    private let tokens = Mutex<[String: String]>([:])

    /// Creates a client for a stored experiment.
    public init(
        experiment: Experiment,
        storage: any Storage,
        factory: any AlgorithmFactory,
        workerName: String = WorkerConfiguration.defaultWorkerName()
    ) {
        self.experiment = experiment
        self.storage = storage
        self.factory = factory
        self.workerName = workerName
        self.producer = TrialProducer(experiment: experiment, storage: storage, factory: factory)
    }

    /// Creates the experiment, or loads it if it exists.
    ///
    /// - Parameters:
    ///   - name: the experiment's name.
    ///   - space: dimension name → prior expression, e.g. `["/lr": "loguniform(1e-5, 1)"]`.
    ///   - algorithm: the algorithm; the default one when `nil`.
    ///   - maxTrials: the number of trials to complete.
    ///   - maxBroken: broken trials after which the experiment stops (3 for a new one).
    ///   - storage: where to keep it.
    ///   - factory: the algorithms available (`AlgorithmRegistry.standard`).
    ///   - branching: experiment version control (Oríon's `branching=`): a changed space or algorithm makes a child
    ///     version; `nil` (disabled) refuses a changed space.
    /// - Returns: a client for the stored experiment.
    /// - Throws: `SpaceError` for a bad prior, ``ExperimentError``, `BranchingError`, `AlgorithmError`,
    ///   `StorageError`.
    public static func build(
        name: String,
        space: [String: String]? = nil,
        algorithm: AlgorithmConfig? = nil,
        maxTrials: Int? = nil,
        maxBroken: Int? = nil,
        storage: any Storage,
        factory: any AlgorithmFactory,
        branching: BranchingRequest? = nil
    ) async throws -> ExperimentClient {
        let request = ExperimentRequest(
            name: name,
            space: try space.map { try Space(priors: $0) },
            algorithm: algorithm,
            maxTrials: maxTrials,
            maxBroken: maxBroken,
            branching: branching
        )
        let outcome = try await ExperimentBuilder.build(request, storage: storage, factory: factory)
        return ExperimentClient(experiment: outcome.experiment, storage: storage, factory: factory)
    }

    /// Reserves a trial to evaluate, producing new ones when none is waiting.
    ///
    /// - Parameter waits: when the algorithm has nothing to suggest until pending trials complete, wait for them
    ///   (the default: other workers complete them) or return `nil` at once (a caller that holds the pending trials
    ///   itself, as a simulation of several workers does).
    /// - Returns: a reserved trial, or `nil` when the experiment is done (max trials reached, or the algorithm
    ///   has nothing left and no trial is pending), or, without `waits`, when it has nothing to suggest now.
    /// - Throws: ``ExperimentError`` `.broken` when the experiment has `maxBroken` broken trials.
    public func suggest(waits: Bool = true) async throws -> Trial? {
        while true {
            // The producer never registers more than the budget, so a reservable trial is always one to run.
            if let reservation = try await storage.reserveTrial(of: experiment.id, worker: workerName, at: Date()) {
                tokens.withLock { $0[reservation.trial.id] = reservation.token }
                return reservation.trial
            }
            let counts = try await storage.countTrials(of: experiment.id)
            if let maxTrials = experiment.maxTrials,
                counts[.completed, default: 0] + (try await producer.inheritedCompletedCount()) >= maxTrials
            {
                return nil
            }
            if counts[.broken, default: 0] >= experiment.maxBroken {
                throw ExperimentError(
                    .broken,
                    "experiment '\(experiment.name)' has \(counts[.broken, default: 0]) broken trials"
                        + " (max broken: \(experiment.maxBroken)); fix the objective, then raise max broken"
                )
            }
            let production = try await producer.produce(count: 1)
            if production.trials.isEmpty {
                let pending = TrialStatus.pending.reduce(0) { $0 + counts[$1, default: 0] }
                if production.algorithmIsDone || pending == 0 || !waits { return nil }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    /// Reports results of a reserved trial and marks it completed.
    ///
    /// - Throws: ``ExperimentError`` when the results hold no objective; `StorageError` `.notFound` when the
    ///   trial is no longer reserved by anyone (it was lost and handed to another worker).
    public func observe(_ trial: Trial, results: [TrialResult]) async throws {
        guard results.contains(where: { $0.type == .objective }) else {
            throw ExperimentError(.notFound, "results of trial \(trial.id) have no result of type 'objective'")
        }
        var completed = trial
        completed.status = .completed
        completed.results = results
        completed.endTime = Date()
        guard try await finish(completed) else {
            throw StorageError(.notFound, "trial \(trial.id) is no longer reserved; its result was not recorded")
        }
    }

    /// Reports the objective of a reserved trial and marks it completed.
    public func observe(_ trial: Trial, objective: Double, name: String = "objective") async throws {
        try await observe(trial, results: [.objective(objective, name: name)])
    }

    /// Gives a reserved trial back without a result (`interrupted` to run it again, or `broken`).
    public func release(_ trial: Trial, status: TrialStatus = .interrupted, failure: String? = nil) async throws {
        var released = trial
        released.status = status
        released.failure = failure
        _ = try await finish(released)
    }

    /// Writes the outcome of a trial this client reserved, with its owner token; `false` when the trial was lost.
    private func finish(_ trial: Trial) async throws -> Bool {
        guard let token = tokens.withLock({ $0[trial.id] }) else { return false }
        let written = try await storage.updateTrial(trial, holding: token)
        tokens.withLock { _ = $0.removeValue(forKey: trial.id) }
        return written
    }

    /// Runs `objective` on suggested trials until the experiment is done or this call completed `maxTrials`.
    ///
    /// - Parameters:
    ///   - maxTrials: trials this call completes at most; `nil` runs until the experiment is done.
    ///   - configuration: concurrency and limits (its `maxTrials` is replaced by `maxTrials`).
    ///   - objective: parameters in (`params["/x"]?.doubleValue`), objective value out; throwing marks the trial
    ///     broken.
    /// - Returns: what the worker did.
    /// - Throws: `StorageError` or `AlgorithmError` when trials cannot be produced or recorded.
    public func workon(
        maxTrials: Int? = nil,
        configuration: WorkerConfiguration = WorkerConfiguration(idleTimeout: .seconds(10)),
        _ objective: @escaping @Sendable (Parameters) async throws -> Double
    ) async throws -> WorkerReport {
        var configuration = configuration
        configuration.maxTrials = maxTrials ?? configuration.maxTrials
        configuration.workerName = workerName
        let executor = ClosureExecutor { values, _ in [.objective(try await objective(values))] }
        let directory = experiment.workingDir ?? FileManager.default.temporaryDirectory.path + "/orion-workon"
        let worker = Worker(
            experiment: experiment,
            storage: storage,
            factory: factory,
            executor: executor,
            configuration: configuration,
            workingDirectory: directory + "/" + experiment.displayName
        )
        return try await worker.run()
    }

    /// Counts, best trial and timings of the experiment now, from the storage's summary (without reading every
    /// trial).
    public func stats() async throws -> ExperimentStats {
        ExperimentStats(experiment: experiment, summary: try await storage.summary(of: experiment.id))
    }

    /// The experiment's summary now: counts, best trial, timing and, when asked for, the regret curve.
    ///
    /// - Parameter regretCurve: whether to compute the regret curve (reads every completed trial).
    /// - Returns: the summary.
    /// - Throws: the storage's errors.
    public func summary(regretCurve: Bool = false) async throws -> ExperimentSummary {
        try await ExperimentSummary(experiment: experiment, storage: storage, regretCurve: regretCurve)
    }

    /// Registers a trial with chosen values, as Oríon's `ExperimentClient.insert(params, results)`: `new` (run
    /// later by a worker; Oríon's is `interrupted`, reserved then released, which a worker runs as well), or
    /// `completed` when its results are given.
    ///
    /// - Parameters:
    ///   - values: dimension name (`/x`) → value; missing dimensions take their default value.
    ///   - results: the trial's results, when it was evaluated elsewhere; they must hold an objective.
    /// - Returns: the stored trial.
    /// - Throws: ``TrialInsertionError``, `SpaceError` for a value outside its prior, `StorageError`.
    @discardableResult
    public func insert(_ values: [String: JSONValue], results: [TrialResult]? = nil) async throws -> Trial {
        let trial = try TrialInsertion.trial(for: experiment, values: values)
        return try await TrialInsertion.insert(trial, results: results, into: experiment, storage: storage)
    }
}
