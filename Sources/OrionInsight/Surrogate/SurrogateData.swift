import OrionCore

/// The samples a surrogate is fitted on: the completed trials with a finite objective, as features.
struct SurrogateData {
    /// The feature vector of each sample.
    var inputs: [[Double]]
    /// The objective of each sample.
    var targets: [Double]
    /// The index (in ``inputs``) of the sample with the lowest objective, if any.
    var bestIndex: Int? { targets.indices.min { targets[$0] < targets[$1] } }

    /// Encodes the completed trials of `trials` that lie in `features`' space and have a finite objective.
    ///
    /// - Parameters:
    ///   - trials: the experiment's trials.
    ///   - features: the surrogate's features.
    ///   - limit: the most samples to keep; beyond it a seeded random subset is kept, the best trial always in it.
    ///   - rng: the source of randomness for that subset.
    init(trials: [Trial], features: FeatureSpace, limit: Int, using rng: inout some RandomNumberGenerator) {
        var inputs: [[Double]] = []
        var targets: [Double] = []
        for trial in trials where trial.status == .completed {
            guard let objective = trial.objective, objective.isFinite, let input = features.encode(trial.params)
            else { continue }
            inputs.append(input)
            targets.append(objective)
        }
        if inputs.count > max(limit, 1) {
            let best = targets.indices.min { targets[$0] < targets[$1] } ?? 0
            var keep = Array(inputs.indices.filter { $0 != best }.shuffled(using: &rng).prefix(max(limit, 1) - 1))
            keep.append(best)
            keep.sort()
            inputs = keep.map { inputs[$0] }
            targets = keep.map { targets[$0] }
        }
        self.inputs = inputs
        self.targets = targets
    }
}
