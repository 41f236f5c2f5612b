import OrionCore

/// Local parameter importance (LPI; Biedenkapp et al., "CAVE: Configuration Assessment, Visualization and
/// Evaluation", LION 2018, https://ml.informatik.uni-freiburg.de/papers/18-LION12-CAVE.pdf), as Oríon computes it.
///
/// A surrogate (``RandomForest``) is fitted on the completed trials; at the best trial, each parameter in turn is
/// moved over a grid of its range while the others stay put, and the variance of the predicted objective along
/// that line is that parameter's share of the total. Repeated with ``Options/runs`` forests (different seeds): the
/// importance is the mean share, ``Entry/standardDeviation`` its spread.
public struct LocalParameterImportance: Codable, Sendable, Hashable {
    /// How the importance is computed (Oríon's `lpi` parameters and defaults).
    public struct Options: Sendable, Hashable {
        /// Grid points along each parameter (Oríon's `n_points`, default 20).
        public var points = 20
        /// Forests fitted, each with its own seed (Oríon's `n_runs`, default 10).
        public var runs = 10
        /// How each forest is grown.
        public var forest = RandomForest.Options()
        /// The seed of the first forest: the same seed and trials give the same importances (default 0).
        public var seed: UInt64 = 0
        /// The most trials the surrogate is fitted on (a seeded random subset beyond, the best trial always in
        /// it; default 2,000), so that a large experiment's plot stays quick.
        public var maxTrials = 2000

        /// The defaults.
        public init() {}
    }

    /// One parameter's importance.
    public struct Entry: Codable, Sendable, Hashable {
        /// The parameter (`/lr`, or `/w[1]` for an element of a dimension with a shape).
        public var name: String
        /// Its mean share of the variance, in `[0, 1]`; the entries add up to 1 (or are all 0).
        public var importance: Double
        /// The standard deviation of the share over the runs.
        public var standardDeviation: Double
    }

    /// One entry per parameter, in the space's order; all 0 without completed trials.
    public var entries: [Entry]

    /// Computes the importances.
    ///
    /// - Parameters:
    ///   - trials: the experiment's trials; completed ones with a finite objective are used.
    ///   - space: the experiment's space.
    ///   - options: how to compute them.
    /// - Complexity: O(runs · (forest fitting + d · points · trees · depth)) for d parameters.
    public init(trials: [Trial], space: Space, options: Options = Options()) {
        let features = FeatureSpace(space: space)
        var rng = SeededGenerator(seed: options.seed)
        let data = SurrogateData(trials: trials, features: features, limit: options.maxTrials, using: &rng)
        guard let best = data.bestIndex else {
            entries = features.names.map { Entry(name: $0, importance: 0, standardDeviation: 0) }
            return
        }
        // An objective that does not vary (one trial, or the same value everywhere) says nothing of what matters:
        // every importance is undefined (NaN, no bar), as in Oríon, not the even shares rounding noise would give.
        guard let low = data.targets.min(), let high = data.targets.max(), high > low else {
            entries = features.names.map { Entry(name: $0, importance: .nan, standardDeviation: .nan) }
            return
        }
        let anchor = data.inputs[best]
        var shares: [[Double]] = []
        for _ in 0..<max(options.runs, 1) {
            var runGenerator = rng.split()
            let forest = RandomForest(
                inputs: data.inputs,
                targets: data.targets,
                options: options.forest,
                using: &runGenerator
            )
            let variances = features.features.indices.map { index in
                let predictions = features.grid(of: index, count: max(options.points, 2)).map { u in
                    var point = anchor
                    point[index] = u
                    return forest.predict(point)
                }
                return Statistics.variance(predictions)
            }
            let total = variances.reduce(0, +)
            shares.append(variances.map { total > 0 ? $0 / total : 0 })
        }
        entries = features.names.enumerated().map { index, name in
            let column = shares.map { $0[index] }
            return Entry(
                name: name,
                importance: Statistics.mean(column),
                standardDeviation: Statistics.variance(column).squareRoot()
            )
        }
    }
}

/// Population mean and variance (numpy's defaults).
enum Statistics {
    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    static func variance(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let center = mean(values)
        return values.reduce(0) { $0 + ($1 - center) * ($1 - center) } / Double(values.count)
    }
}
