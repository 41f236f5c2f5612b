import OrionCore

extension BOHB {
    /// The options of BOHB, Oríon's names and defaults.
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy.
        public var seed: Int?
        /// `min_points_in_model`: the fewest good (and bad) observations at a fidelity before its model is built;
        /// null (the default) for the number of dimensions + 1, which is also the least it can be.
        public var minPointsInModel: Int?
        /// `top_n_percent`: the percentage (1 to 99) of a fidelity's observations that are the good ones.
        public var topNPercent = 15
        /// `num_samples`: how many candidates are drawn from the good density to pick the best ratio from.
        public var numSamples = 64
        /// `random_fraction`: the share of new configurations sampled at random even once a model exists.
        public var randomFraction = 1.0 / 3.0
        /// `bandwidth_factor`: how much wider the kernels of the density the candidates are drawn from are.
        public var bandwidthFactor = 3.0
        /// `min_bandwidth`: the smallest kernel deviation, in the unit cube; the kernels of a density of n
        /// observations are also never narrower than TPE's `1 / min(100, n + 2)`.
        public var minBandwidth = 1e-3
        /// `parallel_strategy`: the lie given to broken and pending trials, as TPE's (Oríon's default: the worst
        /// objective for broken trials, nothing for pending ones).
        public var parallelStrategy: JSONValue = ParallelStrategy.orionDefault

        /// Oríon's option names.
        public enum CodingKeys: String, CodingKey {
            /// `seed`.
            case seed
            /// `min_points_in_model`.
            case minPointsInModel = "min_points_in_model"
            /// `top_n_percent`.
            case topNPercent = "top_n_percent"
            /// `num_samples`.
            case numSamples = "num_samples"
            /// `random_fraction`.
            case randomFraction = "random_fraction"
            /// `bandwidth_factor`.
            case bandwidthFactor = "bandwidth_factor"
            /// `min_bandwidth`.
            case minBandwidth = "min_bandwidth"
            /// `parallel_strategy`.
            case parallelStrategy = "parallel_strategy"
        }

        /// Oríon's defaults.
        public init() {}

        /// Decodes the options and checks their ranges.
        ///
        /// - Throws: `DecodingError` for a value of the wrong type, ``AlgorithmError`` for one out of range.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            seed = try container.decodeIfPresent(Int.self, forKey: .seed)
            minPointsInModel = try container.decodeIfPresent(Int.self, forKey: .minPointsInModel)
            topNPercent = try container.decodeIfPresent(Int.self, forKey: .topNPercent) ?? topNPercent
            numSamples = try container.decodeIfPresent(Int.self, forKey: .numSamples) ?? numSamples
            randomFraction = try container.decodeIfPresent(Double.self, forKey: .randomFraction) ?? randomFraction
            bandwidthFactor = try container.decodeIfPresent(Double.self, forKey: .bandwidthFactor) ?? bandwidthFactor
            minBandwidth = try container.decodeIfPresent(Double.self, forKey: .minBandwidth) ?? minBandwidth
            parallelStrategy = ParallelStrategy.normalized(
                try container.decodeIfPresent(JSONValue.self, forKey: .parallelStrategy) ?? parallelStrategy
            )
            if let minPointsInModel {
                try check(
                    minPointsInModel >= 1,
                    "min_points_in_model",
                    "an integer >= 1 or null",
                    .int(minPointsInModel)
                )
            }
            try check((1...99).contains(topNPercent), "top_n_percent", "an integer in [1, 99]", .int(topNPercent))
            try check(numSamples >= 1, "num_samples", "an integer >= 1", .int(numSamples))
            try check(
                randomFraction >= 0 && randomFraction <= 1,
                "random_fraction",
                "a number in [0, 1]",
                .double(randomFraction)
            )
            try check(
                bandwidthFactor > 0 && bandwidthFactor.isFinite,
                "bandwidth_factor",
                "a number > 0",
                .double(bandwidthFactor)
            )
            try check(
                minBandwidth > 0 && minBandwidth <= 1,
                "min_bandwidth",
                "a number in (0, 1]",
                .double(minBandwidth)
            )
            do {
                _ = try ParallelStrategy(parallelStrategy)
            } catch let error as AlgorithmError {
                // The strategy is TPE's; its messages name TPE.
                throw AlgorithmError(error.code, "bohb" + error.message.dropFirst("tpe".count))
            }
        }

        private func check(_ condition: Bool, _ key: String, _ expected: String, _ value: JSONValue) throws {
            guard condition else {
                throw AlgorithmError(
                    .invalidOption,
                    "bohb: option '\(key)' must be \(expected), not \(value.pythonRepr)"
                )
            }
        }
    }
}
