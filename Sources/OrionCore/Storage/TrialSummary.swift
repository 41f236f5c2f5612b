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
    /// The running time (end − start) of every trial that has both, added up: the completed and broken trials.
    public var endedTrialsTime: TimeInterval
    /// The running time so far (last heartbeat − start) of every started trial without an end, added up.
    ///
    /// These are the running and interrupted trials. With ``endedTrialsTime``, Oríon's `sum_of_trials_time`.
    public var unendedTrialsTime: TimeInterval
    /// The earliest start of a trial.
    public var firstStartTime: Date?
    /// The latest end of a trial, or last heartbeat of a started one that has no end (the ends of Oríon's execution
    /// intervals: ``firstStartTime`` to this is its `elapsed_time`).
    public var lastActivityTime: Date?
    /// The earliest start of a completed trial (with ``lastEndTime``, the span Oríon's ETA extrapolates).
    public var firstCompletedStartTime: Date?

    /// Creates a summary.
    ///
    /// - Parameters:
    ///   - counts: trials of each status.
    ///   - bestTrial: the best completed trial.
    ///   - lastEndTime: the latest end of a completed trial.
    ///   - endedTrialsTime: the running time of the trials with a start and an end, added up.
    ///   - unendedTrialsTime: the running time so far of the started trials without an end, added up.
    ///   - firstStartTime: the earliest start of a trial.
    ///   - lastActivityTime: the latest end of a started trial, or heartbeat of one without an end.
    ///   - firstCompletedStartTime: the earliest start of a completed trial.
    public init(
        counts: [TrialStatus: Int],
        bestTrial: Trial?,
        lastEndTime: Date?,
        endedTrialsTime: TimeInterval,
        unendedTrialsTime: TimeInterval = 0,
        firstStartTime: Date? = nil,
        lastActivityTime: Date? = nil,
        firstCompletedStartTime: Date? = nil
    ) {
        self.counts = counts
        self.bestTrial = bestTrial
        self.lastEndTime = lastEndTime
        self.endedTrialsTime = endedTrialsTime
        self.unendedTrialsTime = unendedTrialsTime
        self.firstStartTime = firstStartTime
        self.lastActivityTime = lastActivityTime
        self.firstCompletedStartTime = firstCompletedStartTime
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
        var unended: TimeInterval = 0
        var firstStart: Date?
        var lastActivity: Date?
        var firstCompletedStart: Date?
        for trial in trials {
            counts[trial.status, default: 0] += 1
            if let end = trial.endTime { lastActivity = max(lastActivity ?? end, end) }
            if let start = trial.startTime {
                firstStart = min(firstStart ?? start, start)
                if trial.status == .completed { firstCompletedStart = min(firstCompletedStart ?? start, start) }
                if let end = trial.endTime {
                    time += end.timeIntervalSince(start)
                } else if let heartbeat = trial.heartbeat {
                    unended += heartbeat.timeIntervalSince(start)
                    lastActivity = max(lastActivity ?? heartbeat, heartbeat)
                }
            }
            guard trial.status == .completed else { continue }
            if let objective = trial.objective, Self.ranks(objective), best == nil || objective < bestObjective {
                best = trial
                bestObjective = objective
            }
            if let end = trial.endTime { lastEnd = max(lastEnd ?? end, end) }
        }
        self.init(
            counts: counts,
            bestTrial: best,
            lastEndTime: lastEnd,
            endedTrialsTime: time,
            unendedTrialsTime: unended,
            firstStartTime: firstStart,
            lastActivityTime: lastActivity,
            firstCompletedStartTime: firstCompletedStart
        )
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
