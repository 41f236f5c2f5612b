import OrionCore

extension CMAES {
    /// How CMA-ES restarts once a run has converged or stagnated.
    public enum RestartStrategy: String, Codable, Sendable, Hashable, CaseIterable {
        /// Never: the run continues (untried points are drawn at random once it stagnates).
        case none
        /// IPOP: restart from a random mean with the population doubled
        /// ([Auger & Hansen, 2005](https://doi.org/10.1109/CEC.2005.1554902)).
        case ipop
        /// BIPOP: alternate IPOP's growing populations with small ones of a random, smaller step size, whichever has
        /// used fewer evaluations ([Hansen, 2009](https://hal.inria.fr/inria-00382093)).
        case bipop
    }

    /// The options of CMA-ES.
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy.
        public var seed: Int?
        /// `sigma0` (0.2): the initial step size, as a fraction of each coordinate's range (the unit cube).
        public var sigma0 = 0.2
        /// `population_size` (null): λ, the points per generation; null for `4 + ⌊3 ln n⌋` in n coordinates.
        public var populationSize: Int?
        /// `restart_strategy` (`ipop`): `none`, `ipop` or `bipop`.
        public var restartStrategy = RestartStrategy.ipop
        /// `n_initial_points` (0): points drawn at random from the priors first; the best one becomes the first
        /// mean (the centre of the space when 0).
        public var nInitialPoints = 0

        /// The keys.
        public enum CodingKeys: String, CodingKey {
            /// `seed`.
            case seed
            /// `sigma0`.
            case sigma0
            /// `population_size`.
            case populationSize = "population_size"
            /// `restart_strategy`.
            case restartStrategy = "restart_strategy"
            /// `n_initial_points`.
            case nInitialPoints = "n_initial_points"
        }

        /// Every default.
        public init() {}

        /// Decodes and checks the options.
        ///
        /// - Throws: `DecodingError` for a value of the wrong type; ``AlgorithmError`` `.invalidOption` for a
        ///   `sigma0` outside `(0, 1]`, a `population_size` below 2, a negative `n_initial_points` or an unknown
        ///   restart strategy.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            seed = try container.decodeIfPresent(Int.self, forKey: .seed)
            sigma0 = try container.decodeIfPresent(Double.self, forKey: .sigma0) ?? sigma0
            populationSize = try container.decodeIfPresent(Int.self, forKey: .populationSize)
            nInitialPoints = try container.decodeIfPresent(Int.self, forKey: .nInitialPoints) ?? nInitialPoints
            let restart = try container.decodeIfPresent(String.self, forKey: .restartStrategy) ?? "ipop"
            guard let strategy = RestartStrategy(rawValue: restart.lowercased()) else {
                throw AlgorithmError(
                    .invalidOption,
                    "cmaes: option 'restart_strategy' must be one of none, ipop, bipop, not '\(restart)'"
                )
            }
            restartStrategy = strategy
            guard sigma0 > 0 && sigma0 <= 1 else {
                throw AlgorithmError(.invalidOption, "cmaes: option 'sigma0' must be a number in (0, 1], not \(sigma0)")
            }
            if let populationSize, populationSize < 2 {
                throw AlgorithmError(
                    .invalidOption,
                    "cmaes: option 'population_size' must be an integer >= 2 or null, not \(populationSize)"
                )
            }
            guard nInitialPoints >= 0 else {
                throw AlgorithmError(
                    .invalidOption,
                    "cmaes: option 'n_initial_points' must be an integer >= 0, not \(nInitialPoints)"
                )
            }
        }
    }
}
