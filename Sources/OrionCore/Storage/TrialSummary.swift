import Foundation

/// What an experiment's trials add up to: the figures of `orion status` and `orion info`, read without loading
/// every trial.
public struct TrialSummary: Sendable, Hashable {
    /// Trials of each status (statuses with no trial are absent).
    public var counts: [TrialStatus: Int]
    /// The completed trial with the lowest objective; trials whose objective is NaN are never best.
    public var bestTrial: Trial?
    /// The latest end time of a completed trial.
    public var lastEndTime: Date?
    /// The running time (end − start) of every trial that has both, added up: the completed and broken trials
    /// (Oríon's `sum_of_trials_time` also counts the trials without an end, running or interrupted, up to their
    /// last heartbeat).
    public var endedTrialsTime: TimeInterval

    /// Creates a summary.
    ///
    /// - Parameters:
    ///   - counts: trials of each status.
    ///   - bestTrial: the best completed trial.
    ///   - lastEndTime: the latest end of a completed trial.
    ///   - endedTrialsTime: the running time of the trials with a start and an end, added up.
    public init(
        counts: [TrialStatus: Int],
        bestTrial: Trial?,
        lastEndTime: Date?,
        endedTrialsTime: TimeInterval
    ) {
        self.counts = counts
        self.bestTrial = bestTrial
        self.lastEndTime = lastEndTime
        self.endedTrialsTime = endedTrialsTime
    }

    /// Computes the summary of `trials` by reading each one.
    ///
    /// - Parameter trials: every trial of an experiment.
    /// - Complexity: O(number of trials).
    public init(trials: [Trial]) {
        var counts: [TrialStatus: Int] = [:]
        var best: Trial?
        var bestObjective = Double.infinity
        var lastEnd: Date?
        var time: TimeInterval = 0
        for trial in trials {
            counts[trial.status, default: 0] += 1
            if let start = trial.startTime, let end = trial.endTime { time += end.timeIntervalSince(start) }
            guard trial.status == .completed else { continue }
            if let objective = trial.objective, Self.ranks(objective), best == nil || objective < bestObjective {
                best = trial
                bestObjective = objective
            }
            if let end = trial.endTime { lastEnd = max(lastEnd ?? end, end) }
        }
        self.init(counts: counts, bestTrial: best, lastEndTime: lastEnd, endedTrialsTime: time)
    }

    /// Whether a trial with this objective can be the best one: any number but NaN.
    ///
    /// - Parameter objective: an objective value.
    /// - Returns: `false` for NaN.
    public static func ranks(_ objective: Double) -> Bool { !objective.isNaN }
}

extension Storage {
    /// Reads every trial and adds them up: correct for any backend, O(number of trials).
    ///
    /// - Parameter experimentID: the experiment.
    /// - Returns: the summary.
    /// - Throws: the storage's errors.
    public func summary(of experimentID: String) async throws -> TrialSummary {
        TrialSummary(trials: try await trials(of: experimentID, status: nil))
    }
}
