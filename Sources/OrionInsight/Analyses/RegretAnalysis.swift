import Foundation
import OrionCore

/// The regret curve of an experiment: each completed trial's objective and the best objective so far, in the
/// order of a ``TrialOrder`` (Oríon's `orion.analysis.regret`).
///
/// The curve is read against the trial index (Oríon's regret plot) or against time: each point carries its
/// trial's time in the chosen order and ``Point/elapsed`` seconds since the first point's.
public struct RegretAnalysis: Codable, Sendable, Hashable {
    /// One completed trial of the curve.
    public struct Point: Codable, Sendable, Hashable {
        /// The trial.
        public var trialID: String
        /// Its time in the curve's order (`nil` when it has none: such trials come last).
        public var time: Date?
        /// Seconds from the first point's time to this one's (`nil` without times).
        public var elapsed: Double?
        /// Its objective (NaN for a diverged run: it never becomes the best).
        public var objective: Double
        /// The lowest objective of this trial and the ones before it; `nil` while every one was NaN.
        public var best: Double?
        /// The trial that holds ``best``.
        public var bestTrialID: String?
        /// The trial's parameters.
        public var params: Parameters
    }

    /// The order of the points.
    public var order: TrialOrder
    /// The name of the objective (from the first completed trial's results), if any.
    public var objectiveName: String?
    /// One point per completed trial with an objective, in ``order``.
    public var points: [Point]

    /// Computes the curve.
    ///
    /// - Parameters:
    ///   - trials: the experiment's trials; only completed trials with an objective count.
    ///   - order: which time orders them (Oríon's default: `suggested`).
    /// - Complexity: O(n log n) for n trials.
    public init(trials: [Trial], order: TrialOrder = .suggested) {
        self.order = order
        let completed = order.sorted(trials.filter { $0.status == .completed && $0.objective != nil })
        objectiveName = completed.first?.results.first { $0.type == .objective }?.name
        let origin = completed.first.flatMap(order.time(of:))
        var best: Double?
        var bestID: String?
        points = completed.map { trial in
            let objective = trial.objective ?? .nan
            if TrialSummary.ranks(objective), objective < best ?? .infinity {
                best = objective
                bestID = trial.id
            }
            let time = order.time(of: trial)
            var elapsed: Double?
            if let origin, let time { elapsed = time.timeIntervalSince(origin) }
            return Point(
                trialID: trial.id,
                time: time,
                elapsed: elapsed,
                objective: objective,
                best: best,
                bestTrialID: bestID,
                params: trial.params
            )
        }
    }
}
