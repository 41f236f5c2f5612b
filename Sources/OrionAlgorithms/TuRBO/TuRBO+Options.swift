import OrionCore

extension TuRBO {
    /// The options of `turbo` (the defaults of the TuRBO paper).
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy.
        public var seed: Int?
        /// `n_initial_points`: the quasi-random design of each run; null (the default) for 2·d, at least 5 and at
        /// most 30, d being the width of the unit-cube vector (one coordinate per category).
        public var nInitialPoints: Int?
        /// `length_init` (0.8): the side of a new trust region, in the unit cube.
        public var lengthInit = 0.8
        /// `length_min` (0.5⁷): below this side the run restarts.
        public var lengthMin = 0.0078125
        /// `length_max` (1.6): the largest side.
        public var lengthMax = 1.6
        /// `success_tolerance` (3): consecutive improvements that double the side.
        public var successTolerance = 3
        /// `failure_tolerance`: consecutive non-improvements that halve the side; null (the default) for
        /// max(4, d).
        public var failureTolerance: Int?
        /// `n_candidates`: the candidates scored per suggestion; null (the default) for min(100·d, 2000).
        public var nCandidates: Int?

        /// Option names.
        public enum CodingKeys: String, CodingKey {
            case seed
            case nInitialPoints = "n_initial_points"
            case lengthInit = "length_init"
            case lengthMin = "length_min"
            case lengthMax = "length_max"
            case successTolerance = "success_tolerance"
            case failureTolerance = "failure_tolerance"
            case nCandidates = "n_candidates"
        }

        /// The defaults.
        public init() {}

        /// Decodes and checks the options.
        ///
        /// - Throws: ``AlgorithmError`` `.invalidOption` for a count below 1 or lengths that are not
        ///   `0 < length_min ≤ length_init ≤ length_max`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            seed = try container.decodeIfPresent(Int.self, forKey: .seed)
            nInitialPoints = try container.decodeIfPresent(Int.self, forKey: .nInitialPoints)
            lengthInit = try container.decodeIfPresent(Double.self, forKey: .lengthInit) ?? lengthInit
            lengthMin = try container.decodeIfPresent(Double.self, forKey: .lengthMin) ?? lengthMin
            lengthMax = try container.decodeIfPresent(Double.self, forKey: .lengthMax) ?? lengthMax
            successTolerance = try container.decodeIfPresent(Int.self, forKey: .successTolerance) ?? successTolerance
            failureTolerance = try container.decodeIfPresent(Int.self, forKey: .failureTolerance)
            nCandidates = try container.decodeIfPresent(Int.self, forKey: .nCandidates)
            for (key, value) in [
                ("n_initial_points", nInitialPoints), ("success_tolerance", successTolerance),
                ("failure_tolerance", failureTolerance), ("n_candidates", nCandidates),
            ] {
                if let value, value < 1 {
                    throw AlgorithmError(.invalidOption, "turbo: option '\(key)' must be at least 1, not \(value)")
                }
            }
            guard lengthMin > 0, lengthMin <= lengthInit, lengthInit <= lengthMax, lengthMax.isFinite else {
                throw AlgorithmError(
                    .invalidOption,
                    "turbo: options must satisfy 0 < length_min <= length_init <= length_max, got \(lengthMin), "
                        + "\(lengthInit), \(lengthMax)"
                )
            }
        }

        /// Encodes every option (null ones as `null`).
        ///
        /// - Throws: `EncodingError` when a value cannot be encoded.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(seed, forKey: .seed)
            try container.encode(nInitialPoints, forKey: .nInitialPoints)
            try container.encode(lengthInit, forKey: .lengthInit)
            try container.encode(lengthMin, forKey: .lengthMin)
            try container.encode(lengthMax, forKey: .lengthMax)
            try container.encode(successTolerance, forKey: .successTolerance)
            try container.encode(failureTolerance, forKey: .failureTolerance)
            try container.encode(nCandidates, forKey: .nCandidates)
        }
    }
}
