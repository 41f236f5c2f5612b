import Foundation
import OrionAlgorithms
import OrionCore

/// Everything `orion info`, `orion status` and the end of `orion hunt` show about one experiment: its
/// identification and configuration (in ``experiment``), counts by status, best trial, timing and, when asked for,
/// the regret curve.
///
/// Read it with ``load(named:version:storage:regretCurve:)`` or ``init(experiment:storage:regretCurve:)``: the
/// counts, best trial and timing come from `Storage.summary(of:)` (independent of the number of trials on SQLite);
/// only the regret curve reads the completed trials. `Codable`, so that a server can return it as JSON.
public struct ExperimentSummary: Sendable, Hashable {
    /// One point of the regret curve: the best objective after a completed trial.
    public struct RegretPoint: Codable, Sendable, Hashable {
        /// The completed trial.
        public var trialID: String
        /// Its objective (`nil` when it reported none; NaN never ranks).
        public var objective: Double?
        /// The lowest objective among this trial and the ones completed before it; `nil` until one ranks.
        public var best: Double?
        /// When it completed.
        public var endTime: Date?

        /// Creates a point.
        ///
        /// - Parameters:
        ///   - trialID: the completed trial.
        ///   - objective: its objective.
        ///   - best: the best objective so far.
        ///   - endTime: when it completed.
        public init(trialID: String, objective: Double?, best: Double?, endTime: Date?) {
            self.trialID = trialID
            self.objective = objective
            self.best = best
            self.endTime = endTime
        }
    }

    /// The experiment: identification, configuration, algorithm, space and metadata.
    public var experiment: Experiment
    /// Counts by status, best trial and timing (what the CLI's `Stats` block prints).
    public var stats: ExperimentStats
    /// The best objective after each completed trial, in completion order; `nil` unless asked for.
    public var regretCurve: [RegretPoint]?
    /// Whether the algorithm has nothing more to suggest (a grid or a finite space used up, every bracket run)
    /// and no trial is pending, as its stored state says once it observed the trials since, and as the trial counts
    /// read with it say; `nil` unless asked for, and when `maxTrials` is reached (the experiment is done anyway).
    public var algorithmIsDone: Bool?

    /// Trials of each status (statuses with no trial are absent).
    public var countsByStatus: [TrialStatus: Int] { stats.countsByStatus }
    /// The completed trial with the lowest objective.
    public var bestTrial: Trial? { stats.bestTrial }
    /// When the experiment was created (Oríon's `start_time`).
    public var startTime: Date { stats.startTime }
    /// The latest end time of a completed trial.
    public var finishTime: Date? { stats.finishTime }
    /// The running time of every trial that started, to its end or last heartbeat, added up (Oríon's
    /// `sum_of_trials_time`).
    public var sumOfTrialsTime: TimeInterval { stats.sumOfTrialsTime }
    /// From the first start of a trial to the last end or heartbeat (Oríon's `elapsed_time`).
    public var elapsedTime: TimeInterval { stats.elapsedTime }
    /// From the first start of a completed trial to the last end of one; `nil` without one.
    public var completedSpan: TimeInterval? { stats.completedSpan }
    /// Number of completed trials.
    public var completed: Int { stats.completed }
    /// Number of broken trials.
    public var broken: Int { stats.broken }
    /// Number of trials in any status.
    public var total: Int { stats.total }
    /// Whether the experiment has its `maxTrials` completed trials.
    public var reachedMaxTrials: Bool { stats.reachedMaxTrials }
    /// Whether the experiment is done, as Oríon's `is_done` defines it.
    ///
    /// Done: `maxTrials` completed trials, or an algorithm with nothing more to suggest and no trial pending (new,
    /// reserved, interrupted or suspended). Without ``algorithmIsDone`` (not asked for), only the first.
    ///
    /// An experiment stopped by `maxBroken` broken trials is not done, as in Oríon (its search did not finish).
    /// As in Oríon, the completed trials a version inherits from its parents count toward `maxTrials`
    /// (``ExperimentStats/inheritedCompleted``, docs/versioning.md).
    public var isDone: Bool { reachedMaxTrials || algorithmIsDone == true }
    /// The name of the objective, from the best trial's results (`nil` with no best trial).
    public var objectiveName: String? { bestTrial?.results.first { $0.type == .objective }?.name }

    /// Creates the summary of `experiment` from its storage's ``TrialSummary``.
    ///
    /// - Parameters:
    ///   - experiment: the experiment.
    ///   - summary: its trials' summary (`Storage.summary(of:)`).
    ///   - regretCurve: the regret curve, if computed.
    public init(experiment: Experiment, summary: TrialSummary, regretCurve: [RegretPoint]? = nil) {
        self.experiment = experiment
        self.stats = ExperimentStats(experiment: experiment, summary: summary)
        self.regretCurve = regretCurve
    }

    /// Reads the summary of a stored experiment.
    ///
    /// - Parameters:
    ///   - experiment: the experiment.
    ///   - storage: the storage holding it.
    ///   - regretCurve: whether to compute the regret curve (reads every completed trial).
    ///   - algorithmState: whether to read the algorithm's state for ``algorithmIsDone`` (decodes it).
    ///   - inheritedCompleted: the number of trials the experiment inherits, when the caller read them already (a
    ///     worker's producer has); `nil` reads them when they can decide whether `maxTrials` is reached.
    /// - Throws: the storage's errors.
    public init(
        experiment: Experiment,
        storage: any Storage,
        regretCurve: Bool = false,
        algorithmState: Bool = false,
        inheritedCompleted: Int? = nil
    ) async throws {
        let summary = try await storage.summary(of: experiment.id)
        var curve: [RegretPoint]?
        if regretCurve {
            curve = Self.regretCurve(of: try await storage.trials(of: experiment.id, status: [.completed]))
        }
        self.init(experiment: experiment, summary: summary, regretCurve: curve)
        // A version's inherited trials count toward maxTrials: read them only where they can decide.
        if let inheritedCompleted {
            stats.inheritedCompleted = inheritedCompleted
        } else if experiment.refers?.parentID != nil, experiment.maxTrials != nil, !reachedMaxTrials {
            stats.inheritedCompleted = try await ExperimentTree.inheritedCompletedCount(
                of: experiment,
                storage: storage
            )
        }
        // Decoding the state is skipped where the counts already decide (the dashboard polls this every 2 s while
        // a hunt runs): a pending trial means not done, `maxTrials` reached means done whatever the algorithm says.
        if algorithmState && !reachedMaxTrials {
            let pending = TrialStatus.pending.contains { countsByStatus[$0, default: 0] > 0 }
            algorithmIsDone = pending ? false : try await Self.algorithmIsDone(experiment, storage: storage)
        }
    }

    /// The most trials ``algorithmIsDone(_:storage:factory:)`` reads to judge an experiment without a usable state.
    static let freshJudgementLimit = 4096

    /// Whether the experiment's algorithm has nothing more to suggest and no trial is pending: its stored state,
    /// decoded, after observing the trials changed since it was saved (in memory: nothing is written, no lock is
    /// taken), and the trial counts of the same reading.
    ///
    /// Without a usable state (none saved, as after `orion db load`, or one for another algorithm configuration), the
    /// algorithm is judged as the next producer starts it: anew, observing every trial, which is read only when a
    /// finite space has as many trials, and at most ``freshJudgementLimit`` (the dashboard polls this every 2 s:
    /// 60,000 trials took 2 s to read).
    ///
    /// - Parameters:
    ///   - experiment: the experiment.
    ///   - storage: the storage holding it.
    ///   - factory: decodes the algorithm.
    /// - Returns: `false` when the backend cannot tell, or when the algorithm can still suggest.
    /// - Throws: the storage's errors.
    public static func algorithmIsDone(
        _ experiment: Experiment,
        storage: any Storage,
        factory: any AlgorithmFactory = AlgorithmRegistry.standard
    ) async throws -> Bool {
        guard let stored = try await storage.storedAlgorithmState(of: experiment.id),
            TrialStatus.pending.allSatisfy({ stored.counts[$0, default: 0] == 0 })
        else { return false }
        let counted = stored.counts.values.reduce(0, +)
        if let state = stored.state,
            var driver = try? AlgorithmDriver(experiment: experiment, factory: factory, state: state),
            !driver.restartedFromScratch
        {
            driver.observe(stored.changedTrials)
            if driver.isDone { return true }
        } else if counted <= freshJudgementLimit, Double(counted) >= experiment.space.cardinality,
            var driver = try? AlgorithmDriver(experiment: experiment, factory: factory)
        {
            // A loaded experiment whose finite space its trials may have used up (a `precision` grid, which the
            // check below cannot list): what a hunt would find at its first production round (probe hD4's F2).
            driver.observe(try await storage.trials(of: experiment.id, status: nil))
            if driver.isDone { return true }
        }
        // A filled space, as a production round judges it (`AlgorithmDriver.step`), but without the points inherited
        // from parent versions: a version that they help fill reads as not done here, while its workers stop. The
        // ids are read only when the counts say the space may be filled.
        guard experiment.space.enumeratedCount(upTo: Space.filledCheckLimit).map({ UInt64(counted) >= $0 }) == true
        else { return false }
        let ids = Set(try await storage.trialIDs(of: experiment.id, status: nil))
        return try experiment.space.isFilled(index: .containing(ids), experimentID: experiment.id, counted: counted)
    }

    /// Finds an experiment by name and reads its summary.
    ///
    /// - Parameters:
    ///   - name: the experiment's name.
    ///   - version: its version; `nil` is the latest.
    ///   - storage: the storage holding it.
    ///   - regretCurve: whether to compute the regret curve (reads every completed trial).
    ///   - algorithmState: whether to read the algorithm's state for ``algorithmIsDone``.
    /// - Returns: the summary.
    /// - Throws: ``ExperimentError`` `.notFound` when no such experiment exists; the storage's errors.
    public static func load(
        named name: String,
        version: Int? = nil,
        storage: any Storage,
        regretCurve: Bool = false,
        algorithmState: Bool = false
    ) async throws -> ExperimentSummary {
        guard let experiment = try await storage.experiment(named: name, version: version) else {
            let which = version.map { " and version \($0)" } ?? ""
            throw ExperimentError(.notFound, "no experiment named '\(name)'\(which); run `orion list` to see them")
        }
        return try await ExperimentSummary(
            experiment: experiment,
            storage: storage,
            regretCurve: regretCurve,
            algorithmState: algorithmState
        )
    }

    /// How many experiments the reports read at once (a PostgreSQL pool has 10 connections by default).
    public static let concurrentReads = 8

    /// The summaries of the stored experiments, optionally only those with a name and version, read
    /// ``concurrentReads`` at a time.
    ///
    /// - Parameters:
    ///   - storage: the storage.
    ///   - name: only experiments with this name, when given.
    ///   - version: only this version, when given.
    /// - Returns: one summary per experiment, in creation order (``ExperimentTree/inCreationOrder(_:)``); empty when
    ///   none matches.
    /// - Throws: the storage's errors.
    public static func all(storage: any Storage, name: String? = nil, version: Int? = nil) async throws
        -> [ExperimentSummary]
    {
        try await ExperimentTree.inCreationOrder(try await storage.experiments())
            .filter { (name == nil || $0.name == name) && (version == nil || $0.version == version) }
            .concurrentMap(limit: Self.concurrentReads) {
                try await ExperimentSummary(experiment: $0, storage: storage)
            }
    }

    /// The best objective after each completed trial, in completion order (end time, then submit time; a trial
    /// without an end time comes last).
    ///
    /// - Parameter trials: the experiment's trials; only completed ones count.
    /// - Returns: one point per completed trial.
    /// - Complexity: O(n log n) in the number of trials.
    public static func regretCurve(of trials: [Trial]) -> [RegretPoint] {
        let completed = trials.filter { $0.status == .completed }.sorted { lhs, rhs in
            switch (lhs.endTime, rhs.endTime) {
            case (let left?, let right?) where left != right: left < right
            case (.some, nil): true
            case (nil, .some): false
            default: lhs.submitTime < rhs.submitTime
            }
        }
        var best: Double?
        return completed.map { trial in
            let objective = trial.objective
            if let objective, TrialSummary.ranks(objective) { best = min(best ?? objective, objective) }
            return RegretPoint(trialID: trial.id, objective: objective, best: best, endTime: trial.endTime)
        }
    }
}

/// The JSON a server returns: the experiment, then the stats' figures at the top level (`countsByStatus` an object
/// keyed by status), then the regret curve and whether the algorithm is done, when computed.
extension ExperimentSummary: Codable {
    private enum CodingKeys: String, CodingKey {
        case experiment, countsByStatus, bestTrial, startTime, finishTime, sumOfTrialsTime, elapsedTime
        case completedSpan, regretCurve, algorithmIsDone, inheritedCompleted
    }

    /// Decodes a summary from the keys ``encode(to:)`` writes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        experiment = try container.decode(Experiment.self, forKey: .experiment)
        stats = ExperimentStats(
            countsByStatus: try container.decode([TrialStatus: Int].self, forKey: .countsByStatus),
            bestTrial: try container.decodeIfPresent(Trial.self, forKey: .bestTrial),
            startTime: try container.decode(Date.self, forKey: .startTime),
            finishTime: try container.decodeIfPresent(Date.self, forKey: .finishTime),
            sumOfTrialsTime: try container.decode(TimeInterval.self, forKey: .sumOfTrialsTime),
            elapsedTime: try container.decode(TimeInterval.self, forKey: .elapsedTime),
            completedSpan: try container.decodeIfPresent(TimeInterval.self, forKey: .completedSpan),
            maxTrials: experiment.maxTrials
        )
        stats.inheritedCompleted = try container.decodeIfPresent(Int.self, forKey: .inheritedCompleted) ?? 0
        regretCurve = try container.decodeIfPresent([RegretPoint].self, forKey: .regretCurve)
        algorithmIsDone = try container.decodeIfPresent(Bool.self, forKey: .algorithmIsDone)
    }

    /// Encodes the experiment, the stats' figures and the regret curve (absent keys for `nil`s).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(experiment, forKey: .experiment)
        try container.encode(countsByStatus, forKey: .countsByStatus)
        try container.encodeIfPresent(bestTrial, forKey: .bestTrial)
        try container.encode(startTime, forKey: .startTime)
        try container.encodeIfPresent(finishTime, forKey: .finishTime)
        try container.encode(sumOfTrialsTime, forKey: .sumOfTrialsTime)
        try container.encode(elapsedTime, forKey: .elapsedTime)
        try container.encodeIfPresent(completedSpan, forKey: .completedSpan)
        try container.encodeIfPresent(regretCurve, forKey: .regretCurve)
        try container.encodeIfPresent(algorithmIsDone, forKey: .algorithmIsDone)
        if stats.inheritedCompleted > 0 { try container.encode(stats.inheritedCompleted, forKey: .inheritedCompleted) }
    }
}
