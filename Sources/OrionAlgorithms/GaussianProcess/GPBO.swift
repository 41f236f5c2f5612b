import Foundation
import OrionCore
import OrionNumerics

/// Gaussian-process Bayesian optimization (`gp`): a Matérn-5/2 GP fitted to the trials, and the next point where
/// the log expected improvement is highest.
///
/// Points live in the unit cube of ``SpaceTransform`` with one-hot categories; integers and categories are
/// optimized relaxed and snapped to their cells. The first `n_initial_points` suggestions come from a scrambled
/// Halton design. Then each suggestion fits the GP (outputs standardized and Yeo-Johnson transformed; ARD
/// lengthscales, signal and noise by maximum a-posteriori marginal likelihood, L-BFGS-B from the prior's centre,
/// the previous fit and random restarts; optionally a Kumaraswamy input warping fitted with them) and maximizes the
/// acquisition (log-EI, [Ament et al., 2023](https://arxiv.org/abs/2310.20708), UCB, or HEBO's portfolio `mace`: a
/// random point of the Pareto front of log-EI, log-PI and scheduled UCB) from many quasi-random points and
/// perturbations of the best trials, the best few refined by L-BFGS-B. Pending trials (reserved by other workers, or suggested earlier in the
/// same batch) enter the GP at their posterior mean (the kriging believer, [Ginsbourger et al.,
/// 2010](https://doi.org/10.1007/978-3-642-10701-6_6)), so parallel workers spread out. See docs/algorithms/gp.md.
///
/// - Complexity: per suggestion, O(r·i·n³) to fit (r restarts of at most i iterations, n ≤ 256 trials: beyond,
///   a subset of 200 is fitted) plus O(c·n²) for c candidates; the state holds every trial's vector.
public struct GPBO: Algorithm {
    /// The options of `gp`.
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy.
        public var seed: Int?
        /// `n_initial_points`: the quasi-random design before the GP takes over (default 10).
        public var nInitialPoints = 10
        /// `acq_func`: `log_ei` (log expected improvement, the default) or `ucb` (lower confidence bound).
        public var acqFunc = "log_ei"
        /// `kappa`: the exploration weight of `ucb` (default 1.96).
        public var kappa = 1.96
        /// `n_restarts_optimizer`: random restarts of the hyperparameter fit, besides the prior's centre and the
        /// previous fit, done once every five trials (default 1).
        public var nRestartsOptimizer = 1
        /// `n_candidates`: the quasi-random points the acquisition is evaluated at before refinement (default
        /// 2000; fewer when there are many trials, to bound the cost).
        public var nCandidates = 2000
        /// `input_warping`: warp each real and integer coordinate by a Kumaraswamy CDF fitted with the other
        /// hyperparameters (default true).
        public var inputWarping = false
        /// `categorical_kernel`: an overlap kernel on categories times the Matérn (default false).
        ///
        /// With it the acquisition is also refined within each category combination; `false`: the Matérn on the
        /// one-hot coordinates. No effect on a space without categories.
        public var categoricalKernel = false
        /// `round_integers`: the kernel sees equal-cell integers at their cell's integer (default false).
        ///
        /// No effect on a space without such integers.
        public var roundIntegers = false
        /// `matern_nu`: the smoothness of the Matérn kernel, 2.5 (the default) or 1.5 (rougher, HEBO's).
        public var maternNu = 2.5
        /// `lengthscale_prior`: how the dimension-scaled log-normal prior of the lengthscales enters the fit:
        /// `log_lengthscale` (the default: the normal density of `log ℓ`, mode `e^μ`) or `lengthscale` (the
        /// log-normal density of `ℓ`, mode `e^{μ-3}`, as BoTorch's MAP fit).
        public var lengthscalePrior = GPPrior.LengthscalePrior.logLengthscale.rawValue
        /// `trust_region`: every other suggestion maximizes the acquisition within a TuRBO-sized box around the
        /// trial of lowest posterior mean, instead of the whole cube (default false; `"v2"`: version 2, see
        /// `GPBO+TrustRegion.swift`; `"v3"`: version 2 with one box per category combination on a space with
        /// categories, see `GPBO+CombinationRegions.swift`; `"v4"`: version 3 with a later trigger on spaces of
        /// reals).
        public var trustRegion = false
        /// The version of the local phase `trust_region` turns on: 1 (`true`), 2 (`"v2"`, `"v2l"`), 3 (`"v3"`) or 4
        /// (`"v4"`).
        public var trustRegionVersion = 1
        /// `trust_region: "v2l"`: version 2 whose local suggestions, once its local phase has started, use a GP fitted
        /// on the trials nearest the box's centre (see `GPBO+NeighbourhoodModel.swift`).
        public var trustRegionNeighbourhood = false
        /// `additive`: add a first-order additive part to the kernel, `s²[(1 - a) Π + a (1/D) Σ_d k_d]` with one
        /// term per dimension element sharing the lengthscales and the weight `a` fitted with the other
        /// hyperparameters (default false; [Duvenaud et al., 2011](https://arxiv.org/abs/1112.4394)); `"global"`:
        /// that kernel for the global suggestions only, the product kernel for the local phase's (see
        /// `GPBO+LocalModel.swift`); `"alternate"`: as `"global"`, but every other global suggestion uses the
        /// product kernel fitted on every trial instead.
        public var additive = false
        /// With `additive`, whether only the global suggestions use the additive kernel (`"global"`, `"alternate"`).
        public var additiveGlobalOnly = false
        /// `additive: "alternate"`: the global suggestions alternate between the additive and the product kernel.
        public var additiveAlternate = false
        /// `linear_kernel`: add a linear part `v Σ_c (x_c - ½)(x'_c - ½)` over the numeric coordinates to the
        /// kernel, its variance `v` fitted with the other hyperparameters (default false; HEBO's kernel has one; see
        /// `GaussianProcess+Linear.swift`).
        public var linearKernel = false
        /// `refit_growth`: the fraction the completed trials grow by before a model's hyperparameters are refitted.
        ///
        /// Each refit also restarts from the prior's centre and random draws; in between, the posterior is on all
        /// the trials with the last fit's hyperparameters. Default 0: refitted at every suggestion, restarted once
        /// per five trials. See docs/algorithms/gp.md.
        public var refitGrowth = 0.0
        /// `output_transform`: the map from objectives to the GP's targets (see ``OutputTransform``):
        /// `"yeo_johnson"` (default) standardizes then applies Yeo-Johnson; `"box_cox"` applies Box-Cox to the values
        /// divided by their standard deviation, with 0 as the origin, when every value observed is positive (HEBO's
        /// transform), and `"yeo_johnson"`'s otherwise.
        public var outputTransform = OutputTransform.Kind.yeoJohnson.rawValue
        /// `prior_mean`: the GP's prior mean (see ``PriorMean``): `"mean"` (default), the mean of the targets;
        /// `"worst"`, the worst (largest) target observed, so that unexplored regions look as bad as the worst trial;
        /// `"quadratic"`, a convex quadratic trend over the numeric coordinates fitted to the targets (``GPTrend``).
        public var priorMean = PriorMean.mean.rawValue
        /// `final_exploit`: the fraction of the experiment's `max_trials` whose last suggestions exploit.
        ///
        /// Each is the minimizer of the posterior mean (see `GPBO+FinalExploit.swift`); 0 (default): none. At most
        /// 0.5.
        public var finalExploit = 0.0
        /// `category_exploration`: on a space with categories, every this many suggestions (counted by the trials
        /// before them, after the design) one searches a category combination drawn at random (see
        /// `GPBO+CategoryExploration.swift`); 0 (default): none.
        public var categoryExploration = 0

        /// The Matérn smoothnesses `matern_nu` accepts.
        public static let maternSmoothnesses: [Double] = [1.5, 2.5]

        /// The kernel's smoothness.
        var smoothness: MaternSmoothness { maternNu == 1.5 ? .threeHalves : .fiveHalves }

        /// The output transform's kind.
        var outputTransformKind: OutputTransform.Kind { OutputTransform.Kind(rawValue: outputTransform) ?? .yeoJohnson }

        /// The prior mean's kind.
        var priorMeanKind: PriorMean { PriorMean(rawValue: priorMean) ?? .mean }

        /// How the lengthscales' prior enters the fit.
        var lengthscalePriorKind: GPPrior.LengthscalePrior {
            GPPrior.LengthscalePrior(rawValue: lengthscalePrior) ?? .logLengthscale
        }

        /// The acquisition functions.
        public static let acquisitionFunctions = ["mace", "log_ei", "ucb"]

        /// The acquisitions `acq_func` scores candidates by.
        var acquisitions: [Acquisition] {
            switch acqFunc {
            case "ucb": return [.confidenceBound]
            case "log_ei": return [.logExpectedImprovement]
            default: return Acquisition.allCases
            }
        }

        /// Oríon's option names.
        public enum CodingKeys: String, CodingKey {
            case seed, kappa
            case nInitialPoints = "n_initial_points"
            case acqFunc = "acq_func"
            case nRestartsOptimizer = "n_restarts_optimizer"
            case nCandidates = "n_candidates"
            case inputWarping = "input_warping"
            case categoricalKernel = "categorical_kernel"
            case roundIntegers = "round_integers"
            case maternNu = "matern_nu"
            case lengthscalePrior = "lengthscale_prior"
            case trustRegion = "trust_region"
            case additive
            case linearKernel = "linear_kernel"
            case refitGrowth = "refit_growth"
            case outputTransform = "output_transform"
            case priorMean = "prior_mean"
            case finalExploit = "final_exploit"
            case categoryExploration = "category_exploration"
        }

        /// The defaults.
        public init() {}

        /// Decodes and checks the options.
        ///
        /// - Throws: ``AlgorithmError`` `.invalidOption` for a count below its minimum or an unknown `acq_func`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            seed = try container.decodeIfPresent(Int.self, forKey: .seed)
            nInitialPoints = try container.decodeIfPresent(Int.self, forKey: .nInitialPoints) ?? nInitialPoints
            acqFunc = try container.decodeIfPresent(String.self, forKey: .acqFunc) ?? acqFunc
            kappa = try container.decodeIfPresent(Double.self, forKey: .kappa) ?? kappa
            nRestartsOptimizer =
                try container.decodeIfPresent(Int.self, forKey: .nRestartsOptimizer) ?? nRestartsOptimizer
            nCandidates = try container.decodeIfPresent(Int.self, forKey: .nCandidates) ?? nCandidates
            inputWarping = try container.decodeIfPresent(Bool.self, forKey: .inputWarping) ?? inputWarping
            categoricalKernel =
                try container.decodeIfPresent(Bool.self, forKey: .categoricalKernel) ?? categoricalKernel
            roundIntegers = try container.decodeIfPresent(Bool.self, forKey: .roundIntegers) ?? roundIntegers
            maternNu = try container.decodeIfPresent(Double.self, forKey: .maternNu) ?? maternNu
            lengthscalePrior =
                try container.decodeIfPresent(String.self, forKey: .lengthscalePrior) ?? lengthscalePrior
            (trustRegion, trustRegionVersion, trustRegionNeighbourhood) =
                try Self.decodeTrustRegion(container) ?? (trustRegion, trustRegionVersion, trustRegionNeighbourhood)
            (additive, additiveGlobalOnly, additiveAlternate) =
                try Self.decodeAdditive(container) ?? (additive, additiveGlobalOnly, additiveAlternate)
            linearKernel = try container.decodeIfPresent(Bool.self, forKey: .linearKernel) ?? linearKernel
            refitGrowth = try container.decodeIfPresent(Double.self, forKey: .refitGrowth) ?? refitGrowth
            outputTransform =
                try container.decodeIfPresent(String.self, forKey: .outputTransform) ?? outputTransform
            priorMean = try container.decodeIfPresent(String.self, forKey: .priorMean) ?? priorMean
            finalExploit = try container.decodeIfPresent(Double.self, forKey: .finalExploit) ?? finalExploit
            categoryExploration =
                try container.decodeIfPresent(Int.self, forKey: .categoryExploration) ?? categoryExploration
            guard categoryExploration >= 0 else {
                throw AlgorithmError(
                    .invalidOption,
                    "gp: option 'category_exploration' must be an integer ≥ 0 (0: none), not \(categoryExploration)"
                )
            }
            guard finalExploit >= 0, finalExploit <= 0.5 else {
                throw AlgorithmError(.invalidOption, "gp: option 'final_exploit' must be between 0 and 0.5")
            }
            guard nInitialPoints >= 1 else {
                throw AlgorithmError(.invalidOption, "gp: option 'n_initial_points' must be at least 1")
            }
            guard Self.acquisitionFunctions.contains(acqFunc) else {
                throw AlgorithmError(
                    .invalidOption,
                    "gp: option 'acq_func' must be one of \(Self.acquisitionFunctions.joined(separator: ", ")), "
                        + "not '\(acqFunc)'"
                )
            }
            guard kappa >= 0, kappa.isFinite else {
                throw AlgorithmError(.invalidOption, "gp: option 'kappa' must be a finite number ≥ 0")
            }
            guard nRestartsOptimizer >= 0 else {
                throw AlgorithmError(.invalidOption, "gp: option 'n_restarts_optimizer' must be at least 0")
            }
            guard nCandidates >= 1 else {
                throw AlgorithmError(.invalidOption, "gp: option 'n_candidates' must be at least 1")
            }
            guard refitGrowth >= 0, refitGrowth.isFinite else {
                throw AlgorithmError(
                    .invalidOption,
                    "gp: option 'refit_growth' must be a finite number ≥ 0 (0: refit at every suggestion), "
                        + "not \(refitGrowth)"
                )
            }
            guard Self.maternSmoothnesses.contains(maternNu) else {
                throw AlgorithmError(.invalidOption, "gp: option 'matern_nu' must be 1.5 or 2.5, not \(maternNu)")
            }
            guard OutputTransform.Kind(rawValue: outputTransform) != nil else {
                throw AlgorithmError(
                    .invalidOption,
                    "gp: option 'output_transform' must be one of "
                        + OutputTransform.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                        + ", not '\(outputTransform)'"
                )
            }
            guard PriorMean(rawValue: priorMean) != nil else {
                throw AlgorithmError(
                    .invalidOption,
                    "gp: option 'prior_mean' must be one of "
                        + PriorMean.allCases.map(\.rawValue).joined(separator: ", ") + ", not '\(priorMean)'"
                )
            }
            guard GPPrior.LengthscalePrior(rawValue: lengthscalePrior) != nil else {
                throw AlgorithmError(
                    .invalidOption,
                    "gp: option 'lengthscale_prior' must be one of "
                        + GPPrior.LengthscalePrior.allCases.map(\.rawValue).joined(separator: ", ")
                        + ", not '\(lengthscalePrior)'"
                )
            }
        }

        /// Encodes every option (a null seed as `null`).
        ///
        /// - Throws: `EncodingError` when a value cannot be encoded.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(seed, forKey: .seed)
            try container.encode(nInitialPoints, forKey: .nInitialPoints)
            try container.encode(acqFunc, forKey: .acqFunc)
            try container.encode(kappa, forKey: .kappa)
            try container.encode(nRestartsOptimizer, forKey: .nRestartsOptimizer)
            try container.encode(nCandidates, forKey: .nCandidates)
            try container.encode(inputWarping, forKey: .inputWarping)
            try container.encode(categoricalKernel, forKey: .categoricalKernel)
            try container.encode(roundIntegers, forKey: .roundIntegers)
            try container.encode(maternNu, forKey: .maternNu)
            try container.encode(lengthscalePrior, forKey: .lengthscalePrior)
            try encodeTrustRegion(&container)
            try encodeAdditive(&container)
            try container.encode(linearKernel, forKey: .linearKernel)
            try container.encode(refitGrowth, forKey: .refitGrowth)
            try container.encode(outputTransform, forKey: .outputTransform)
            try container.encode(priorMean, forKey: .priorMean)
            try container.encode(finalExploit, forKey: .finalExploit)
            try container.encode(categoryExploration, forKey: .categoryExploration)
        }
    }

    /// What the algorithm knows of one trial.
    struct Record: Codable, Sendable, Hashable {
        /// How a trial counts.
        enum Kind: String, Codable, Sendable {
            /// Completed with a finite objective: a training point.
            case completed
            /// New, reserved, suspended or interrupted: a point being evaluated.
            case pending
            /// Broken, or completed without a finite objective: kept out of the suggestions, and a training point at
            /// the worst completed objective when it lies in a failing region (``GPBO/learnedRecords(_:)``).
            case failed
        }

        var id: String
        var vector: [Double]
        var kind: Kind
        var objective: Double?
    }

    /// `gp`.
    public static let name = "gp"

    /// The trials fitted at most; beyond, a subset of the best and a spread of the others.
    static let fitLimit = 200
    /// The completed trials a model conditions on at most (``modelledTrials(_:)``).
    ///
    /// Beyond, the best half of them and a spread of the others. A suggestion on 1,000 trials in 6 dimensions takes
    /// well under a second.
    static let observationLimit = 1000
    /// The hyperparameter fit restarts from the prior (not only from the previous fit) once per this many trials.
    static let restartPeriod = 5
    /// The candidates of each acquisition that are snapped and compete for the suggestion in a space of reals:
    /// the best ones that snap to this many distinct cells not seen yet (every candidate otherwise).
    static let snapLimit = 128

    var options: Options
    var generator: SeededGenerator
    /// The seed of the design's scrambling.
    var designSeed: UInt64
    /// The design points suggested so far.
    var designIndex = 0
    /// The trials, in the order first observed.
    var records: [Record] = []
    /// The last fitted log-hyperparameters, the warm start of the next fit (with `additive: "global"`, of the
    /// global suggestions' additive model).
    var lastFit: [Double]?
    /// With `additive: "global"`, the last fitted log-hyperparameters of the local phase's product model; `nil`
    /// before its first fit (and in a state written before the option existed).
    var lastLocalFit: [Double]?
    /// With `refit_growth`, the completed trials ``lastFit`` was fitted on; `nil` without the option or before.
    var lastFitCount: Int?
    /// With `refit_growth`, the completed trials ``lastLocalFit`` was fitted on; `nil` without the option or before.
    var lastLocalFitCount: Int?
    /// The completed trials when `trust_region: "v2"`'s (or `"v3"`'s) local phase started; `nil` before.
    var localPhaseFrom: Int?
    /// The position of each trial id in ``records`` (rebuilt when decoding).
    var positions: [String: Int] = [:]
    /// The failed trials the models of one ``suggest(count:context:)`` believe as no improvement (set there, see
    /// ``unlearnedFailures(_:learned:transform:)``; not part of the state).
    var unlearnedFailures: [[Double]] = []

    /// Creates the algorithm.
    ///
    /// - Parameters:
    ///   - options: the options.
    ///   - context: the search space (every prior is supported).
    public init(options: Options, context: AlgorithmContext) {
        self.options = options
        generator = SeededGenerator(seed: options.seed)
        designSeed = generator.next()
    }

    /// Learns the trials' statuses and objectives.
    ///
    /// - Parameters:
    ///   - trials: trials whose status changed.
    ///   - context: the search space.
    public mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        let transform = Self.transform(context)
        for trial in trials {
            guard let vector = try? transform.encode(trial.params) else { continue }
            let kind: Record.Kind
            var objective: Double?
            switch trial.status {
            case .completed:
                objective = trial.objective
                kind = objective?.isFinite == true ? .completed : .failed
            case .broken:
                kind = .failed
            case .new, .reserved, .suspended, .interrupted:
                kind = .pending
            }
            let record = Record(
                id: trial.id,
                vector: vector,
                kind: kind,
                objective: kind == .completed ? objective : nil
            )
            if let position = positions[trial.id] {
                records[position] = record
            } else {
                positions[trial.id] = records.count
                records.append(record)
            }
        }
    }

    /// `true` when the space is finite and every configuration has been observed.
    ///
    /// - Parameter context: the search space.
    /// - Returns: whether the space is exhausted.
    public func isDone(context: AlgorithmContext) -> Bool {
        let cardinality = context.space.cardinality
        guard cardinality.isFinite, cardinality <= Double(records.count) else { return false }
        // A point off a `precision` grid (inserted, or inherited) is not one of the configurations counted.
        let transform = Self.transform(context)
        return Double(Set(records.lazy.map(\.vector).filter { transform.snap($0) == $0 }).count) >= cardinality
    }

    /// The unit-cube view the algorithm works in: one-hot categories.
    static func transform(_ context: AlgorithmContext) -> SpaceTransform {
        context.transform.categoricalEncoding == .oneHot
            ? context.transform : SpaceTransform(context.space, categoricalEncoding: .oneHot)
    }
}

extension GPBO {
    private enum CodingKeys: String, CodingKey {
        case options, generator, records
        case designSeed = "design_seed"
        case designIndex = "design_index"
        case lastFit = "last_fit"
        case lastLocalFit = "last_local_fit"
        case lastFitCount = "last_fit_count"
        case lastLocalFitCount = "last_local_fit_count"
        case localPhaseFrom = "local_phase_from"
    }

    /// Decodes the state written by ``encode(to:)``.
    ///
    /// - Throws: `DecodingError` when a member is missing or invalid.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        options = try container.decode(Options.self, forKey: .options)
        generator = try container.decode(SeededGenerator.self, forKey: .generator)
        designSeed = try container.decode(UInt64.self, forKey: .designSeed)
        designIndex = try container.decode(Int.self, forKey: .designIndex)
        records = try container.decode([Record].self, forKey: .records)
        lastFit = try container.decodeIfPresent([Double].self, forKey: .lastFit)
        lastLocalFit = try container.decodeIfPresent([Double].self, forKey: .lastLocalFit)
        lastFitCount = try container.decodeIfPresent(Int.self, forKey: .lastFitCount)
        lastLocalFitCount = try container.decodeIfPresent(Int.self, forKey: .lastLocalFitCount)
        localPhaseFrom = try container.decodeIfPresent(Int.self, forKey: .localPhaseFrom)
        for (position, record) in records.enumerated() { positions[record.id] = position }
    }

    /// Encodes the options, the generators, the trials' vectors and the last fit.
    ///
    /// - Throws: `EncodingError` when a value cannot be encoded.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(options, forKey: .options)
        try container.encode(generator, forKey: .generator)
        try container.encode(designSeed, forKey: .designSeed)
        try container.encode(designIndex, forKey: .designIndex)
        try container.encode(records, forKey: .records)
        try container.encodeIfPresent(lastFit, forKey: .lastFit)
        try container.encodeIfPresent(lastLocalFit, forKey: .lastLocalFit)
        try container.encodeIfPresent(lastFitCount, forKey: .lastFitCount)
        try container.encodeIfPresent(lastLocalFitCount, forKey: .lastLocalFitCount)
        try container.encodeIfPresent(localPhaseFrom, forKey: .localPhaseFrom)
    }
}
