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
    /// Beyond `limit` such trials, only the kept ones are encoded (an experiment of 50,000 trials is not encoded
    /// whole for a surrogate of 2,000): the best trial that lies in the space, then a seeded random order of the
    /// others, encoded until `limit` are kept.
    ///
    /// - Parameters:
    ///   - trials: the experiment's trials.
    ///   - features: the surrogate's features.
    ///   - limit: the most samples to keep; beyond it a seeded random subset is kept, the best trial always in it.
    ///   - rng: the source of randomness for that subset.
    /// - Complexity: O(n log n) for n trials, plus the encoding of at most `limit` of them (and of those outside the
    ///   space met on the way).
    init(trials: [Trial], features: FeatureSpace, limit: Int, using rng: inout some RandomNumberGenerator) {
        let limit = max(limit, 1)
        let candidates = trials.indices.filter { index in
            trials[index].status == .completed && trials[index].objective.map { $0.isFinite } == true
        }
        var kept: [(index: Int, input: [Double])] = []
        if candidates.count <= limit {
            kept = candidates.compactMap { index in features.encode(trials[index].params).map { (index, $0) } }
        } else {
            let objective = { (index: Int) in trials[index].objective ?? .infinity }
            let byObjective = candidates.sorted { (objective($0), $0) < (objective($1), $1) }
            var best: Int?
            for index in byObjective {
                if let input = features.encode(trials[index].params) {
                    kept.append((index, input))
                    best = index
                    break
                }
            }
            for index in candidates.filter({ $0 != best }).shuffled(using: &rng) where kept.count < limit {
                if let input = features.encode(trials[index].params) { kept.append((index, input)) }
            }
            kept.sort { $0.index < $1.index }
        }
        inputs = kept.map(\.input)
        targets = kept.map { trials[$0.index].objective ?? .infinity }
    }
}
