import Foundation

/// Figures about an experiment's trials: counts by status, the best trial, timings and progress.
public struct ExperimentStats: Sendable, Hashable {
    /// Number of trials by status (statuses with no trial are absent).
    public var countsByStatus: [TrialStatus: Int]
    /// The completed trial with the lowest objective.
    public var bestTrial: Trial?
    /// The earliest submit time among the trials (or the experiment's creation time).
    public var startTime: Date
    /// The latest end time among completed trials.
    public var finishTime: Date?
    /// Sum of the running time (end − start) of the trials that have both: completed and broken (Oríon's
    /// `sum_of_trials_time`, which also counts running and interrupted trials up to their last heartbeat).
    public var sumOfTrialsTime: TimeInterval
    /// The experiment's `maxTrials`.
    public var maxTrials: Int?

    /// Number of completed trials.
    public var completed: Int { countsByStatus[.completed, default: 0] }
    /// Number of broken trials.
    public var broken: Int { countsByStatus[.broken, default: 0] }
    /// Number of trials in any status.
    public var total: Int { countsByStatus.values.reduce(0, +) }

    /// Computes the stats of `trials` of `experiment` by reading each one (``TrialSummary/init(trials:)``).
    public init(experiment: Experiment, trials: [Trial]) {
        self.init(experiment: experiment, summary: TrialSummary(trials: trials))
    }

    /// The stats of `experiment` from its storage's ``TrialSummary``, without reading every trial.
    ///
    /// - Parameters:
    ///   - experiment: the experiment.
    ///   - summary: its trials' summary (`Storage.summary(of:)`).
    public init(experiment: Experiment, summary: TrialSummary) {
        countsByStatus = summary.counts.filter { $0.value > 0 }
        bestTrial = summary.bestTrial
        startTime = experiment.metadata.datetime
        finishTime = summary.lastEndTime
        sumOfTrialsTime = summary.endedTrialsTime
        maxTrials = experiment.maxTrials
    }

    /// Whether the experiment reached `maxTrials` completed trials.
    public var reachedMaxTrials: Bool {
        guard let maxTrials else { return false }
        return completed >= maxTrials
    }
}
