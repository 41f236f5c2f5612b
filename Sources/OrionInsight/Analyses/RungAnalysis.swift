import OrionCore

/// The rungs of a multi-fidelity experiment (Hyperband, ASHA, ...): the trials at each fidelity value, how many
/// completed, their objectives and the best.
public struct RungAnalysis: Codable, Sendable, Hashable {
    /// The trials at one fidelity value.
    public struct Rung: Codable, Sendable, Hashable {
        /// The fidelity value.
        public var fidelity: Double
        /// Trials at this fidelity, any status.
        public var trials: Int
        /// The completed ones.
        public var completed: Int
        /// The completed trials with an objective, as (id, objective), in suggestion order.
        public var objectives: [TrialObjective]
        /// The lowest objective (NaN never ranks).
        public var best: Double?
        /// The trial that holds it.
        public var bestTrialID: String?
    }

    /// A trial and its objective.
    public struct TrialObjective: Codable, Sendable, Hashable {
        /// The trial.
        public var trialID: String
        /// Its objective.
        public var objective: Double
    }

    /// The fidelity dimension's name.
    public var fidelityName: String
    /// The objective's name, if a completed trial names it.
    public var objectiveName: String?
    /// One rung per fidelity value that has trials, by increasing fidelity.
    public var rungs: [Rung]

    /// Groups the trials by fidelity.
    ///
    /// - Parameters:
    ///   - trials: the experiment's trials.
    ///   - space: its space.
    /// - Throws: ``InsightError`` `.notApplicable` when the space has no fidelity dimension.
    public init(trials: [Trial], space: Space) throws(InsightError) {
        guard let fidelity = space.fidelity else {
            throw InsightError(
                .notApplicable,
                "the experiment has no fidelity dimension, so it has no rungs; add one such as "
                    + "--epochs~'fidelity(1, 100, base=4)', or choose another plot"
            )
        }
        fidelityName = fidelity.name
        objectiveName = trials.first { $0.status == .completed }?.results.first { $0.type == .objective }?.name
        var byFidelity: [Double: [Trial]] = [:]
        for trial in TrialOrder.suggested.sorted(trials) {
            guard let value = trial.params[fidelity.name]?.doubleValue else { continue }
            byFidelity[value, default: []].append(trial)
        }
        rungs = byFidelity.keys.sorted().map { value in
            let group = byFidelity[value] ?? []
            let objectives = group.compactMap { trial -> TrialObjective? in
                guard trial.status == .completed, let objective = trial.objective else { return nil }
                return TrialObjective(trialID: trial.id, objective: objective)
            }
            let best = objectives.filter { TrialSummary.ranks($0.objective) }.min { $0.objective < $1.objective }
            return Rung(
                fidelity: value,
                trials: group.count,
                completed: group.filter { $0.status == .completed }.count,
                objectives: objectives,
                best: best?.objective,
                bestTrialID: best?.trialID
            )
        }
    }
}
