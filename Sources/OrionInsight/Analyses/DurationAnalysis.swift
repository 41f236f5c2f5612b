import Foundation
import OrionCore

/// How long trials ran and how many ran at once: the time per trial, and the number of busy workers (trials
/// running) over time.
///
/// A trial runs from its start time (its last reservation) to its end time; a trial still reserved runs until
/// `now`. A trial that ends at the instant another starts does not overlap it.
public struct DurationAnalysis: Codable, Sendable, Hashable {
    /// One trial's run.
    public struct Run: Codable, Sendable, Hashable {
        /// The trial.
        public var trialID: String
        /// Its status.
        public var status: TrialStatus
        /// When it started.
        public var start: Date
        /// When it ended (`now` for a trial still reserved).
        public var end: Date
        /// `end - start`, in seconds.
        public var seconds: Double { end.timeIntervalSince(start) }
    }

    /// A step of the busy-workers curve: from ``time`` on (until the next step), ``busy`` trials ran.
    public struct Step: Codable, Sendable, Hashable {
        /// When the count changed.
        public var time: Date
        /// The number of trials running from then on.
        public var busy: Int
    }

    /// The trials that ran (they have a start time and an end, or are reserved), by start time.
    public var runs: [Run]
    /// The busy-workers curve, one step per instant the count changed; it ends at 0 unless trials still run.
    public var busyWorkers: [Step]

    /// The most trials that ran at once.
    public var maxBusy: Int { busyWorkers.map(\.busy).max() ?? 0 }

    /// Computes the runs and the curve.
    ///
    /// - Parameters:
    ///   - trials: the experiment's trials.
    ///   - now: the end of the trials still reserved.
    /// - Complexity: O(n log n).
    public init(trials: [Trial], now: Date = Date()) {
        runs = trials.compactMap { trial -> Run? in
            guard let start = trial.startTime else { return nil }
            // A trial that ended without an end time (broken or interrupted in Oríon, which records none) ran until
            // its last heartbeat.
            let end = trial.status == .reserved ? max(now, start) : trial.endTime ?? trial.heartbeat
            guard let end, end >= start else { return nil }
            return Run(trialID: trial.id, status: trial.status, start: start, end: end)
        }
        .sorted { ($0.start, $0.trialID) < ($1.start, $1.trialID) }
        // Ends sort before starts at the same instant: back-to-back trials do not overlap.
        let events = runs.flatMap { run in
            run.status == .reserved ? [(run.start, 1)] : [(run.start, 1), (run.end, -1)]
        }
        .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        var steps: [Step] = []
        var busy = 0
        for (time, change) in events {
            busy += change
            if let last = steps.last, last.time == time {
                steps[steps.count - 1].busy = busy
            } else {
                steps.append(Step(time: time, busy: busy))
            }
        }
        busyWorkers = steps
    }
}
