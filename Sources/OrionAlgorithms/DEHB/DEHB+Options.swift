import OrionCore

extension DEHB {
    /// How a mutant vector is made from the donors (DE's `strategy/differences`).
    public enum MutationStrategy: String, Codable, Sendable, CaseIterable {
        /// `rand1`: r1 + F (r2 − r3).
        case rand1
        /// `rand2`: r1 + F (r2 − r3) + F (r4 − r5).
        case rand2
        /// `rand2dir`: r1 + F/2 (r1 − r2 − r3).
        case rand2dir
        /// `best1`: best + F (r1 − r2).
        case best1
        /// `best2`: best + F (r1 − r2) + F (r3 − r4).
        case best2
        /// `currenttobest1`: target + F (best − target) + F (r1 − r2).
        case currenttobest1
        /// `randtobest1`: r1 + F (best − r1) + F (r2 − r3).
        case randtobest1

        /// How many distinct random donors the strategy needs.
        var donors: Int {
            switch self {
            case .rand1, .rand2dir, .randtobest1: 3
            case .rand2: 5
            case .best1, .currenttobest1: 2
            case .best2: 4
            }
        }
    }

    /// How the mutant and the target are crossed.
    public enum CrossoverStrategy: String, Codable, Sendable, CaseIterable {
        /// `bin`: each coordinate from the mutant with probability `crossover_prob`, at least one.
        case bin
        /// `exp`: a run of consecutive coordinates from the mutant, from a random start, continued with probability
        /// `crossover_prob`.
        case exp
    }

    /// What happens to a coordinate of a child outside the unit cube.
    public enum BoundaryFix: String, Codable, Sendable, CaseIterable {
        /// `random`: drawn again uniformly.
        case random
        /// `clip`: set to `min_clip` below 0, `max_clip` above 1 (default 0 and 1).
        case clip
    }

    /// The options of DEHB, Oríon's names and defaults.
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy.
        public var seed: Int?
        /// `mutation_factor`: F, the scale of the donors' differences, in (0, 2].
        public var mutationFactor = 0.5
        /// `crossover_prob`: CR, in [0, 1].
        public var crossoverProb = 0.5
        /// `mutation_strategy`: `rand1` (the default), `rand2`, `rand2dir`, `best1`, `best2`, `currenttobest1`,
        /// `randtobest1`.
        public var mutationStrategy = MutationStrategy.rand1
        /// `crossover_strategy`: `bin` (the default) or `exp`.
        public var crossoverStrategy = CrossoverStrategy.bin
        /// `boundary_fix_type`: `random` (the default) or `clip`.
        public var boundaryFixType = BoundaryFix.random
        /// `min_clip`: with `clip`, where a coordinate below the unit cube goes; null (the default) for 0.
        public var minClip: Double?
        /// `max_clip`: with `clip`, where a coordinate above the unit cube goes; null (the default) for 1.
        public var maxClip: Double?
        /// `max_age`: how many selections a member of a subpopulation survives before any child replaces it; null
        /// (the default, Oríon's `inf`) for no limit.
        public var maxAge: Int?

        /// Oríon's option names.
        public enum CodingKeys: String, CodingKey {
            /// `seed`.
            case seed
            /// `mutation_factor`.
            case mutationFactor = "mutation_factor"
            /// `crossover_prob`.
            case crossoverProb = "crossover_prob"
            /// `mutation_strategy`.
            case mutationStrategy = "mutation_strategy"
            /// `crossover_strategy`.
            case crossoverStrategy = "crossover_strategy"
            /// `boundary_fix_type`.
            case boundaryFixType = "boundary_fix_type"
            /// `min_clip`.
            case minClip = "min_clip"
            /// `max_clip`.
            case maxClip = "max_clip"
            /// `max_age`.
            case maxAge = "max_age"
        }

        /// `max_age`: null is Oríon's `inf`.
        public static let unlimitedCounts: Set<String> = ["max_age"]

        /// Oríon's defaults.
        public init() {}

        /// Decodes the options and checks them.
        ///
        /// - Throws: `DecodingError` for a value of the wrong type, ``AlgorithmError`` for one out of range or an
        ///   unknown strategy (naming the valid ones).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            seed = try container.decodeIfPresent(Int.self, forKey: .seed)
            mutationFactor = try container.decodeIfPresent(Double.self, forKey: .mutationFactor) ?? mutationFactor
            crossoverProb = try container.decodeIfPresent(Double.self, forKey: .crossoverProb) ?? crossoverProb
            mutationStrategy = try Self.choice(container, .mutationStrategy, default: mutationStrategy)
            crossoverStrategy = try Self.choice(container, .crossoverStrategy, default: crossoverStrategy)
            boundaryFixType = try Self.choice(container, .boundaryFixType, default: boundaryFixType)
            minClip = try container.decodeIfPresent(Double.self, forKey: .minClip)
            maxClip = try container.decodeIfPresent(Double.self, forKey: .maxClip)
            maxAge = try container.decodeUnlimitedCount(forKey: .maxAge)
            try check(
                mutationFactor > 0 && mutationFactor <= 2,
                "mutation_factor",
                "a number in (0, 2]",
                .double(mutationFactor)
            )
            try check(
                crossoverProb >= 0 && crossoverProb <= 1,
                "crossover_prob",
                "a number in [0, 1]",
                .double(crossoverProb)
            )
            let low = minClip ?? 0
            let high = maxClip ?? 1
            try check((0...1).contains(low), "min_clip", "a number in [0, 1] or null", .double(low))
            try check((0...1).contains(high), "max_clip", "a number in [0, 1] or null", .double(high))
            try check(low < high, "max_clip", "larger than min_clip (\(low))", .double(high))
            if let maxAge { try check(maxAge >= 1, "max_age", "an integer >= 1 or null", .int(maxAge)) }
        }

        /// A string option among `T`'s cases; an unknown one is an ``AlgorithmError`` naming the valid ones.
        private static func choice<T: RawRepresentable & CaseIterable>(
            _ container: KeyedDecodingContainer<CodingKeys>,
            _ key: CodingKeys,
            default fallback: T
        ) throws -> T where T.RawValue == String {
            guard let raw = try container.decodeIfPresent(String.self, forKey: key) else { return fallback }
            guard let value = T(rawValue: raw.lowercased()) else {
                let valid = T.allCases.map(\.rawValue).joined(separator: ", ")
                throw AlgorithmError(
                    .invalidOption,
                    "dehb: option '\(key.rawValue)' must be one of \(valid), not '\(raw)'"
                )
            }
            return value
        }

        private func check(_ condition: Bool, _ key: String, _ expected: String, _ value: JSONValue) throws {
            guard condition else {
                throw AlgorithmError(
                    .invalidOption,
                    "dehb: option '\(key)' must be \(expected), not \(value.pythonRepr)"
                )
            }
        }
    }
}
