import Foundation
import OrionCore
import Synchronization

/// The library API on any storage: create or load an experiment, then ask for trials and report their results.
///
/// Or hand a closure to ``workon(maxTrials:configuration:_:)``.
///
/// A trial from ``suggest(waits:)`` is this client's until ``observe(_:results:)`` or ``release(_:status:failure:)``:
/// the client refreshes its heartbeat meanwhile, so other workers (`orion hunt`, other clients, on any machine
/// sharing the storage) do not take it as lost however long it runs, and while waiting it takes over the trials of
/// holders that are gone, as `orion hunt`'s workers do.
///
/// ```swift
/// let client = try await ExperimentClient.build(
///     name: "demo", space: ["/x": "uniform(-5, 10)"], maxTrials: 20, storage: InMemoryStorage(),
///     factory: AlgorithmRegistry.standard)
/// while let trial = try await client.suggest() {
///     try await client.observe(trial, objective: f(trial.params["/x"]?.doubleValue ?? 0))
/// }
/// ```
public final class ExperimentClient: Sendable {
    /// The experiment as stored when the client was made.
    public let experiment: Experiment
    /// The storage holding it.
    public let storage: any Storage
    /// A reserved trial whose heartbeat is older than this is lost: this client refreshes its own trials' four
    /// times as often, and releases other holders' lost trials when it would otherwise wait for them.
    public let heartbeat: Duration
    private let factory: any AlgorithmFactory
    private let producer: TrialProducer
    private let workerName: String
    /// The owner tokens of the trials this client reserved and has not reported yet, by trial id.
    private let tokens = Mutex<[String: String]>([:])
    /// The trials this client reserved and has not reported yet, as reserved, by trial id: what is written back is
    /// their outcome alone, whatever the caller changed in its copy (its parameters, its id's other fields).
    private let reserved = Mutex<[String: Trial]>([:])
    /// The task refreshing the heartbeat of each trial this client holds, by trial id.
    private let heartbeats = Mutex<[String: Task<Void, Never>]>([:])
    /// When this client last looked for lost trials and dead holders.
    private let lastLostCheck = Mutex<Date?>(nil)

    /// Creates a client for a stored experiment.
    ///
    /// - Parameters:
    ///   - experiment: the stored experiment.
    ///   - storage: where it is stored.
    ///   - factory: the algorithms available (`AlgorithmRegistry.standard`).
    ///   - workerName: the name stored with the trials this client reserves: `host@machine:pid` by default, which tells
    ///     other workers of this host when this process has died.
    ///   - heartbeat: how old a reserved trial's heartbeat is lost (`orion hunt --heartbeat`, 120 s by default).
    public init(
        experiment: Experiment,
        storage: any Storage,
        factory: any AlgorithmFactory,
        workerName: String = WorkerConfiguration.defaultWorkerName(),
        heartbeat: Duration = .seconds(120)
    ) {
        self.experiment = experiment
        self.storage = storage
        self.factory = factory
        self.workerName = workerName
        self.heartbeat = heartbeat
        self.producer = TrialProducer(experiment: experiment, storage: storage, factory: factory)
    }

    deinit {
        for task in heartbeats.withLock({ $0.values }) { task.cancel() }
        let held = Set(tokens.withLock { $0.values })
        Worker.heldByClientsHere.withLock { $0.subtract(held) }
    }

    /// Creates the experiment, or loads it if it exists.
    ///
    /// - Parameters:
    ///   - name: the experiment's name.
    ///   - version: the version to load (the latest when `nil`), as Oríon's `build_experiment(version=)`.
    ///   - space: dimension name → prior expression, e.g. `["/lr": "loguniform(1e-5, 1)"]`.
    ///   - algorithm: the algorithm; the default one when `nil`.
    ///   - maxTrials: the number of trials to complete.
    ///   - maxBroken: broken trials after which the experiment stops (3 for a new one).
    ///   - workingDir: where `workon` runs trials (a directory per trial); a temporary directory when `nil`.
    ///   - storage: where to keep it.
    ///   - factory: the algorithms available (`AlgorithmRegistry.standard`).
    ///   - branching: experiment version control (Oríon's `branching=`): a changed space or algorithm makes a child
    ///     version; `nil` (disabled) refuses a changed space.
    ///   - heartbeat: how old a reserved trial's heartbeat is lost (see ``init(experiment:storage:factory:workerName:heartbeat:)``).
    /// - Returns: a client for the stored experiment.
    /// - Throws: `SpaceError` for a bad prior, ``ExperimentError``, `BranchingError`, `AlgorithmError`,
    ///   `StorageError`.
    public static func build(
        name: String,
        version: Int? = nil,
        space: [String: String]? = nil,
        algorithm: AlgorithmConfig? = nil,
        maxTrials: Int? = nil,
        maxBroken: Int? = nil,
        workingDir: String? = nil,
        storage: any Storage,
        factory: any AlgorithmFactory,
        branching: BranchingRequest? = nil,
        heartbeat: Duration = .seconds(120)
    ) async throws -> ExperimentClient {
        if let space, space.isEmpty {
            throw ExperimentError(
                .invalidSetting,
                "the search space has no dimension; give at least one prior, e.g."
                    + " space: [\"/lr\": \"loguniform(1e-5, 1)\"]"
            )
        }
        var request = ExperimentRequest(
            name: name,
            version: version,
            space: try space.map { try Space(priors: $0) },
            algorithm: algorithm,
            maxTrials: maxTrials,
            maxBroken: maxBroken,
            workingDir: workingDir,
            branching: branching
        )
        request.interface = .library
        // A heartbeat of zero made the refreshing loop spin (half a second of CPU per second per trial held).
        guard heartbeat > .zero else {
            throw ExperimentError(.invalidSetting, "the heartbeat must be a positive duration, not \(heartbeat)")
        }
        let outcome = try await ExperimentBuilder.build(request, storage: storage, factory: factory)
        return ExperimentClient(
            experiment: outcome.experiment,
            storage: storage,
            factory: factory,
            heartbeat: heartbeat
        )
    }

    /// Reserves a trial to evaluate, producing new ones when none is waiting.
    ///
    /// The client refreshes the heartbeat of the trial it returns until ``observe(_:results:)`` or
    /// ``release(_:status:failure:)``, so that other workers do not take it as lost, however long it runs. While it
    /// waits, it releases the trials of holders that are gone: a worker of this host whose process has died, at once,
    /// and any trial whose heartbeat is older than ``heartbeat``.
    ///
    /// - Parameter waits: when the algorithm has nothing to suggest until pending trials complete, wait for them
    ///   (the default: other workers complete them) or return `nil` at once (a caller that holds the pending trials
    ///   itself, as a simulation of several workers does).
    /// - Returns: a reserved trial, or `nil` when the experiment is done (max trials reached, or the algorithm
    ///   has nothing left and no trial is pending), when every pending trial is one this client holds (waiting
    ///   for them would never end: observe them first), or, without `waits`, when it has nothing to suggest now.
    /// - Throws: ``ExperimentError`` `.broken` when the experiment has `maxBroken` broken trials.
    public func suggest(waits: Bool = true) async throws -> Trial? {
        var pause: Duration = .milliseconds(10)
        while true {
            // Broken, then done, before reserving, as Oríon's `suggest` (and `orion hunt`'s workers) look: the producer
            // never registers more than the budget, but trials inserted by hand may wait beyond it, and a done
            // experiment runs none.
            let counts = try await storage.countTrials(of: experiment.id)
            if counts[.broken, default: 0] >= experiment.maxBroken {
                throw ExperimentError(
                    .broken,
                    "experiment '\(experiment.name)' has \(counts[.broken, default: 0]) broken trials"
                        + " (max broken: \(experiment.maxBroken)); fix the objective, then raise max broken"
                )
            }
            if let maxTrials = experiment.maxTrials,
                counts[.completed, default: 0] + (try await producer.inheritedCompletedCount()) >= maxTrials
            {
                return nil
            }
            if let reservation = try await storage.reserveTrial(of: experiment.id, worker: workerName, at: Date()) {
                hold(reservation)
                return reservation.trial
            }
            let production = try await producer.produce(count: 1)
            if production.trials.isEmpty {
                // Counted after the production: another client may have produced trials since the count above.
                let after = try await storage.countTrials(of: experiment.id)
                let pending = TrialStatus.pending.reduce(0) { $0 + after[$1, default: 0] }
                if production.algorithmIsDone || pending == 0 || !waits { return nil }
                // One read of the reservations serves both looks, and only when one is needed.
                let mine = Set(tokens.withLock { $0.values })
                let now = Date()
                let lookForGone = lostCheckIsDue(at: now)
                if !mine.isEmpty || lookForGone {
                    let reservations = try await storage.reservations(of: experiment.id)
                    // Every pending trial is one this client holds (by its token, still its own in the storage):
                    // waiting for them would never end.
                    if pending <= reservations.count(where: { mine.contains($0.token) }) { return nil }
                    if lookForGone {
                        _ = try await Worker.releaseTrialsOfGoneHolders(
                            reservations,
                            of: experiment.id,
                            heldHere: mine,
                            workerName: workerName,
                            heartbeat: heartbeat,
                            now: now,
                            storage: storage
                        )
                    }
                }
                try await Task.sleep(for: pause)
                // Polling less often as the wait goes on: each round reads the storage and locks the algorithm.
                pause = min(pause * 2, .milliseconds(500))
            }
        }
    }

    /// Reports results of a reserved trial and marks it completed.
    ///
    /// - Throws: ``ExperimentError`` `.invalidResult` when the results hold no objective, one that is not a number
    ///   (NaN is a number), two, a constraint that is not a number, a gradient that is not a list of numbers, or more
    ///   than 1 MiB, as a results file (nothing is written); `StorageError` `.notFound` when this client does not
    ///   hold the trial (it was lost and handed to another worker, or reported already).
    public func observe(_ trial: Trial, results: [TrialResult]) async throws {
        guard let objective = results.first(where: { $0.type == .objective }) else {
            throw ExperimentError(.invalidResult, "results of trial \(trial.id) have no result of type 'objective'")
        }
        guard objective.value.doubleValue != nil else {
            throw ExperimentError(
                .invalidResult,
                "the objective '\(objective.name)' of trial \(trial.id) is \(objective.value.pythonJSON), not a number"
            )
        }
        // The rest as a script's results file is checked: a second objective, a constraint that is not a number,
        // a gradient that is not a list of numbers, more than 1 MiB.
        do {
            try ResultsFile.validate(results, of: "results of trial \(trial.id)")
        } catch {
            throw ExperimentError(.invalidResult, error.message)
        }
        let end = Date()
        let written = try await finish(trial.id) { completed in
            completed.status = .completed
            completed.results = results
            completed.endTime = end
        }
        guard written else {
            throw StorageError(
                .notFound,
                "trial \(trial.id) is not reserved by this client (reported or released already, lost to another"
                    + " worker, or not suggested by it); its result was not recorded"
            )
        }
    }

    /// Reports the objective of a reserved trial and marks it completed.
    public func observe(_ trial: Trial, objective: Double, name: String = "objective") async throws {
        try await observe(trial, results: [.objective(objective, name: name)])
    }

    /// Gives a reserved trial back without a result: `interrupted` (the default) or `suspended` to run it again,
    /// `broken` when it cannot be evaluated.
    ///
    /// - Throws: ``ExperimentError`` `.invalidResult` for another status; `StorageError` `.notFound` when this
    ///   client does not hold the trial (released or reported already, lost to another worker, or never suggested
    ///   by this client): nothing is written.
    public func release(_ trial: Trial, status: TrialStatus = .interrupted, failure: String? = nil) async throws {
        guard [.interrupted, .suspended, .broken].contains(status) else {
            throw ExperimentError(
                .invalidResult,
                "a trial is released as interrupted, suspended or broken, not \(status.rawValue)"
            )
        }
        let written = try await finish(trial.id) { released in
            released.status = status
            released.failure = failure
        }
        guard written else {
            throw StorageError(
                .notFound,
                "trial \(trial.id) is not reserved by this client (released or reported already, lost to another"
                    + " worker, or not suggested by it); nothing was written"
            )
        }
    }

    /// Writes the outcome of a trial this client reserved, with its owner token, onto the trial as it was reserved
    /// (a caller's copy whose parameters were changed wrote them, a value outside the space included, the id no
    /// longer matching them); `false` when this client does not hold it or it was lost.
    private func finish(_ id: String, outcome: (inout Trial) -> Void) async throws -> Bool {
        guard let token = tokens.withLock({ $0[id] }), var trial = reserved.withLock({ $0[id] }) else { return false }
        outcome(&trial)
        let written = try await storage.updateTrial(trial, holding: token)
        tokens.withLock { _ = $0.removeValue(forKey: trial.id) }
        reserved.withLock { _ = $0.removeValue(forKey: trial.id) }
        Worker.heldByClientsHere.withLock { _ = $0.remove(token) }
        heartbeats.withLock { $0.removeValue(forKey: trial.id) }?.cancel()
        return written
    }

    /// Keeps the owner token of a trial this client reserved, and refreshes its heartbeat until it is reported.
    private func hold(_ reservation: Reservation) {
        tokens.withLock { $0[reservation.trial.id] = reservation.token }
        reserved.withLock { $0[reservation.trial.id] = reservation.trial }
        Worker.heldByClientsHere.withLock { _ = $0.insert(reservation.token) }
        let storage = storage
        let experimentID = experiment.id
        let interval = heartbeat / 4
        let task = Task {
            while true {
                do { try await Task.sleep(for: interval) } catch { return }
                // A failed refresh is tried again at the next beat; a refused one means the trial is not ours any more.
                let refreshed = try? await storage.heartbeat(
                    trialID: reservation.trial.id,
                    of: experimentID,
                    holding: reservation.token,
                    at: Date()
                )
                if refreshed == false { return }
            }
        }
        heartbeats.withLock { $0[reservation.trial.id] = task }
    }

    /// Whether this client should look for the trials of holders that are gone (`Worker.releaseTrialsOfGoneHolders`)
    /// while it waits: at most once a second.
    private func lostCheckIsDue(at now: Date) -> Bool {
        lastLostCheck.withLock { last -> Bool in
            if let last, now.timeIntervalSince(last) < 1 { return false }
            last = now
            return true
        }
    }

    /// Runs `objective` on suggested trials until the experiment is done or this call completed `maxTrials`.
    ///
    /// Cancelling the task that runs it stops it as an interrupt does: no new trial is taken, a running objective is
    /// cancelled (one that looks at cancellation throws `CancellationError` and its trial is interrupted, to run
    /// again; one that does not finishes and is recorded), and the report's stop reason is `interrupted`. The worker
    /// itself runs in a task of its own, so that the cancellation does not cut its storage calls short (the results
    /// of finished trials are recorded). Before, an objective that did not look at cancellation ran every remaining
    /// trial.
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
        let run = Task { try await worker.run() }
        return try await withTaskCancellationHandler {
            try await run.value
        } onCancel: {
            worker.interrupt()
        }
    }

    /// Counts, best trial and timings of the experiment now, from the storage's summary (without reading every
    /// trial).
    public func stats() async throws -> ExperimentStats {
        var stats = ExperimentStats(experiment: experiment, summary: try await storage.summary(of: experiment.id))
        if experiment.refers?.parentID != nil {
            stats.inheritedCompleted = try await producer.inheritedCompletedCount()
        }
        return stats
    }

    /// Whether the experiment is done, as Oríon's `is_done`: `maxTrials` completed trials, or an algorithm with
    /// nothing more to suggest and no trial pending (``ExperimentSummary/isDone``, reading the algorithm's state).
    public var isDone: Bool {
        get async throws {
            try await ExperimentSummary(experiment: experiment, storage: storage, algorithmState: true).isDone
        }
    }

    /// Whether the experiment has its `maxBroken` broken trials, as Oríon's `is_broken`: `suggest()` then throws.
    public var isBroken: Bool {
        get async throws {
            try await storage.countTrials(of: experiment.id)[.broken, default: 0] >= experiment.maxBroken
        }
    }

    /// The experiment's trials, in submission order, as Oríon's `fetch_trials` and `fetch_trials_by_status`.
    ///
    /// - Parameters:
    ///   - statuses: only trials with one of these statuses; all when `nil`.
    ///   - withVersionTree: also the trials its parent and child versions show it (Oríon's `with_evc_tree`).
    /// - Returns: the trials.
    /// - Throws: the storage's errors.
    public func fetchTrials(status statuses: [TrialStatus]? = nil, withVersionTree: Bool = false) async throws
        -> [Trial]
    {
        try await ExperimentTree.trials(
            of: experiment,
            status: statuses,
            withVersionTree: withVersionTree,
            storage: storage
        )
    }

    /// One trial of the experiment, as Oríon's `get_trial(uid=)`; `nil` when it has none with this id.
    public func trial(id: String) async throws -> Trial? {
        try await storage.trial(id: id, of: experiment.id)
    }

    /// The experiment's summary now: counts, best trial, timing, whether it is done (the algorithm's own word
    /// included, as ``isDone``) and, when asked for, the regret curve.
    ///
    /// - Parameter regretCurve: whether to compute the regret curve (reads every completed trial).
    /// - Returns: the summary.
    /// - Throws: the storage's errors.
    public func summary(regretCurve: Bool = false) async throws -> ExperimentSummary {
        try await ExperimentSummary(
            experiment: experiment,
            storage: storage,
            regretCurve: regretCurve,
            algorithmState: true
        )
    }

    /// Registers a trial with chosen values, as Oríon's `ExperimentClient.insert(params, results)`: `new` (run
    /// later by a worker; Oríon's is `interrupted`, reserved then released, which a worker runs as well), or
    /// `completed` when its results are given.
    ///
    /// - Parameters:
    ///   - values: dimension name (`/x`) → value; missing dimensions take their default value.
    ///   - results: the trial's results, when it was evaluated elsewhere; they must hold an objective.
    /// - Returns: the stored trial.
    /// - Throws: ``TrialInsertionError``, `SpaceError` for a value outside its prior, ``ExperimentError``
    ///   `.invalidResult` for results `observe` would refuse, `StorageError`.
    @discardableResult
    public func insert(_ values: [String: JSONValue], results: [TrialResult]? = nil) async throws -> Trial {
        let trial = try TrialInsertion.trial(for: experiment, values: values)
        // Checked as `observe` checks them: an objective that is text, true or null was stored as completed.
        if let results, results.contains(where: { $0.type == .objective }) {
            do {
                try ResultsFile.validate(results, of: "results of the inserted trial")
            } catch {
                throw ExperimentError(.invalidResult, error.message)
            }
        }
        return try await TrialInsertion.insert(trial, results: results, into: experiment, storage: storage)
    }
}
