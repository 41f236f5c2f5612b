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
    /// Sum of the running time (end − start) of completed trials.
    public var sumOfTrialsTime: TimeInterval
    /// The experiment's `maxTrials`.
    public var maxTrials: Int?

    /// Number of completed trials.
    public var completed: Int { countsByStatus[.completed, default: 0] }
    /// Number of broken trials.
    public var broken: Int { countsByStatus[.broken, default: 0] }
    /// Number of trials in any status.
    public var total: Int { countsByStatus.values.reduce(0, +) }

    /// Computes the stats of `trials` of `experiment`.
    public init(experiment: Experiment, trials: [Trial]) {
        var counts: [TrialStatus: Int] = [:]
        var best: Trial?
        var finish: Date?
        var sum: TimeInterval = 0
        for trial in trials {
            counts[trial.status, default: 0] += 1
            guard trial.status == .completed else { continue }
            if let objective = trial.objective, !objective.isNaN {
                if best == nil || objective < (best?.objective ?? .infinity) { best = trial }
            }
            if let end = trial.endTime {
                finish = max(finish ?? end, end)
                if let start = trial.startTime { sum += end.timeIntervalSince(start) }
            }
        }
        self.countsByStatus = counts
        self.bestTrial = best
        self.startTime = experiment.metadata.datetime
        self.finishTime = finish
        self.sumOfTrialsTime = sum
        self.maxTrials = experiment.maxTrials
    }

    /// Whether the experiment reached `maxTrials` completed trials.
    public var reachedMaxTrials: Bool {
        guard let maxTrials else { return false }
        return completed >= maxTrials
    }
}
