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
    /// Oríon's `sum_of_trials_time`: the running time of every trial that started, to its end or, without one (running
    /// or interrupted), to its last heartbeat.
    public var sumOfTrialsTime: TimeInterval
    /// Oríon's `elapsed_time`: from the first start of a trial to the last end, or last heartbeat of a started trial
    /// without an end; 0 before any trial started.
    public var elapsedTime: TimeInterval
    /// From the first start of a completed trial to the last end of one (what Oríon's ETA extrapolates over the
    /// completed trials); `nil` without a completed trial that has both.
    public var completedSpan: TimeInterval?
    /// The experiment's `maxTrials`.
    public var maxTrials: Int?
    /// The completed trials of parent versions that this version inherits (they count toward `maxTrials`, as in
    /// Oríon, whose `is_done` counts the trials of the whole version tree; the counts above are the version's own).
    public var inheritedCompleted = 0

    /// Number of completed trials.
    public var completed: Int { countsByStatus[.completed, default: 0] }
    /// Number of broken trials.
    public var broken: Int { countsByStatus[.broken, default: 0] }
    /// Number of trials in any status.
    public var total: Int { countsByStatus.values.reduce(0, +) }

    /// Creates stats from their figures (what a decoder of a summary's JSON has).
    ///
    /// - Parameters:
    ///   - countsByStatus: trials by status; statuses with no trial are dropped.
    ///   - bestTrial: the completed trial with the lowest objective.
    ///   - startTime: the experiment's start.
    ///   - finishTime: the latest end of a completed trial.
    ///   - sumOfTrialsTime: the trials' running times added up.
    ///   - elapsedTime: from the first start of a trial to the last end or heartbeat.
    ///   - completedSpan: from the first start of a completed trial to the last end of one.
    ///   - maxTrials: the experiment's `maxTrials`.
    public init(
        countsByStatus: [TrialStatus: Int],
        bestTrial: Trial?,
        startTime: Date,
        finishTime: Date?,
        sumOfTrialsTime: TimeInterval,
        elapsedTime: TimeInterval,
        completedSpan: TimeInterval?,
        maxTrials: Int?
    ) {
        self.countsByStatus = countsByStatus.filter { $0.value > 0 }
        self.bestTrial = bestTrial
        self.startTime = startTime
        self.finishTime = finishTime
        self.sumOfTrialsTime = sumOfTrialsTime
        self.elapsedTime = elapsedTime
        self.completedSpan = completedSpan
        self.maxTrials = maxTrials
    }

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
        self.init(
            countsByStatus: summary.counts,
            bestTrial: summary.bestTrial,
            startTime: experiment.metadata.datetime,
            finishTime: summary.lastEndTime,
            sumOfTrialsTime: summary.endedTrialsTime + summary.unendedTrialsTime,
            elapsedTime: Self.span(from: summary.firstStartTime, to: summary.lastActivityTime) ?? 0,
            completedSpan: Self.span(from: summary.firstCompletedStartTime, to: summary.lastEndTime),
            maxTrials: experiment.maxTrials
        )
    }

    /// `end − start` (never negative), or `nil` when either is missing.
    static func span(from start: Date?, to end: Date?) -> TimeInterval? {
        guard let start, let end else { return nil }
        return max(0, end.timeIntervalSince(start))
    }

    /// Whether the experiment reached `maxTrials` completed trials, its own and those it inherits.
    public var reachedMaxTrials: Bool {
        guard let maxTrials else { return false }
        return completed + inheritedCompleted >= maxTrials
    }
}
