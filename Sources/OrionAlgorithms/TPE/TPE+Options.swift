import OrionCore

extension TPE {
    /// The options of TPE: Oríon 0.2.7's keys and defaults, plus `multivariate`.
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy.
        public var seed: Int?
        /// `n_initial_points` (20): trials drawn at random from the priors before the model is used.
        public var nInitialPoints = 20
        /// `n_ei_candidates` (24): candidates drawn from l(x) per suggestion; the one with the largest l/g wins.
        public var nEICandidates = 24
        /// `gamma` (0.25): the fraction of the observations, the best ones, that make l(x).
        public var gamma = 0.25
        /// `equal_weight` (false): weigh every observation equally instead of ramping down the oldest ones past
        /// `full_weight_num`.
        public var equalWeight = false
        /// `prior_weight` (1.0): the weight of the prior component, relative to one observation.
        public var priorWeight = 1.0
        /// `full_weight_num` (25): the most recent observations of each group that keep a full weight.
        public var fullWeightNum = 25
        /// `max_retry` (100): rounds of candidates drawn when the best ones were already tried (finite spaces),
        /// before falling back to an untried configuration at random.
        public var maxRetry = 100
        /// `parallel_strategy`: the objective lent to trials without a result (see ``TPE``); Oríon's default.
        public var parallelStrategy: JSONValue = ParallelStrategy.orionDefault
        /// `multivariate` (true): one joint kernel over every coordinate (Optuna's multivariate TPE) instead of
        /// one independent estimator per coordinate (Oríon's and hyperopt's).
        public var multivariate = true

        /// The keys, as Oríon spells them.
        public enum CodingKeys: String, CodingKey {
            /// `seed`.
            case seed
            /// `n_initial_points`.
            case nInitialPoints = "n_initial_points"
            /// `n_ei_candidates`.
            case nEICandidates = "n_ei_candidates"
            /// `gamma`.
            case gamma
            /// `equal_weight`.
            case equalWeight = "equal_weight"
            /// `prior_weight`.
            case priorWeight = "prior_weight"
            /// `full_weight_num`.
            case fullWeightNum = "full_weight_num"
            /// `max_retry`.
            case maxRetry = "max_retry"
            /// `parallel_strategy`.
            case parallelStrategy = "parallel_strategy"
            /// `multivariate`.
            case multivariate
        }

        /// Every default.
        public init() {}

        /// Decodes and checks the options.
        ///
        /// - Throws: `DecodingError` for a value of the wrong type; ``AlgorithmError`` `.invalidOption` for a
        ///   count below its minimum, a `gamma` outside `(0, 1]`, a `prior_weight` that is not positive, or an
        ///   invalid `parallel_strategy`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            seed = try container.decodeIfPresent(Int.self, forKey: .seed)
            nInitialPoints = try container.decodeIfPresent(Int.self, forKey: .nInitialPoints) ?? nInitialPoints
            nEICandidates = try container.decodeIfPresent(Int.self, forKey: .nEICandidates) ?? nEICandidates
            gamma = try container.decodeIfPresent(Double.self, forKey: .gamma) ?? gamma
            equalWeight = try container.decodeIfPresent(Bool.self, forKey: .equalWeight) ?? equalWeight
            priorWeight = try container.decodeIfPresent(Double.self, forKey: .priorWeight) ?? priorWeight
            fullWeightNum = try container.decodeIfPresent(Int.self, forKey: .fullWeightNum) ?? fullWeightNum
            maxRetry = try container.decodeIfPresent(Int.self, forKey: .maxRetry) ?? maxRetry
            parallelStrategy = ParallelStrategy.normalized(
                try container.decodeIfPresent(JSONValue.self, forKey: .parallelStrategy) ?? parallelStrategy
            )
            multivariate = try container.decodeIfPresent(Bool.self, forKey: .multivariate) ?? multivariate
            try check(nInitialPoints >= 0, "n_initial_points", "an integer >= 0", .int(nInitialPoints))
            try check(nEICandidates >= 1, "n_ei_candidates", "an integer >= 1", .int(nEICandidates))
            try check(gamma > 0 && gamma <= 1, "gamma", "a number in (0, 1]", .double(gamma))
            try check(priorWeight > 0, "prior_weight", "a number > 0", .double(priorWeight))
            try check(fullWeightNum >= 0, "full_weight_num", "an integer >= 0", .int(fullWeightNum))
            try check(maxRetry >= 0, "max_retry", "an integer >= 0", .int(maxRetry))
            _ = try ParallelStrategy(parallelStrategy)
        }

        private func check(_ condition: Bool, _ key: String, _ expected: String, _ value: JSONValue) throws {
            guard condition else {
                throw AlgorithmError(
                    .invalidOption,
                    "tpe: option '\(key)' must be \(expected), not \(value.pythonRepr)"
                )
            }
        }
    }
}
