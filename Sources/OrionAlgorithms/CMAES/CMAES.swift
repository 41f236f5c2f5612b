import Foundation
import OrionCore

/// CMA-ES (`cmaes`): the covariance matrix adaptation evolution strategy, asynchronous, with restarts.
///
/// A (μ/μ_w, λ)-CMA-ES with cumulative step-size adaptation ([Hansen, 2016](https://arxiv.org/abs/1604.00772)) on
/// the numeric coordinates of ``AlgorithmContext/transform`` (the unit cube, where every prior is uniform), started
/// at the centre of the space (or at the best of `n_initial_points` random trials) with step size `sigma0`:
/// - bounds: a sample outside the cube is mirrored back into it, and the mirrored point is the one evaluated and
///   learned from;
/// - integers: the margin correction of CMA-ES with Margin ([Hamano et al., 2022](https://arxiv.org/abs/2205.13482))
///   keeps every integer coordinate able to move to a neighbour;
/// - categories are not in the normal: each categorical coordinate has its own categorical distribution, moved
///   towards the categories of the selected members every generation (as population-based incremental learning,
///   [Baluja, 1994](https://www.ri.cmu.edu/publications/population-based-incremental-learning-a-method-for-integrating-genetic-search-based-function-optimization-and-competitive-learning/)),
///   with a floor so that none is ruled out;
/// - a fidelity is always its upper bound.
///
/// Asynchronous: every suggestion is a fresh draw from the current distribution, so any number of workers get
/// points; a generation is told as soon as λ of its members have results (members still running when it ends are
/// not learned from). A draw whose configuration already has a result counts with that result without a new trial;
/// one whose configuration is running waits for that trial's result. A broken trial ranks last.
///
/// Restarts (`restart_strategy`): when the step size vanishes, C's condition number exceeds 10¹⁴, the objective is
/// flat over many generations, or a whole generation found nothing new, IPOP restarts from a random mean with twice
/// the population and BIPOP alternates that with small populations and smaller steps. In a finite space of at most
/// ``trackedCardinality`` configurations, it is done once every configuration was tried.
///
/// - Complexity: O(n²) per suggestion and O(λ n² + n³) per generation for n numeric coordinates.
public struct CMAES: Algorithm {
    /// `cmaes`.
    public static let name = "cmaes"

    /// Finite spaces up to this many configurations are done once every configuration was tried.
    public static let trackedCardinality = 100_000.0

    /// The objective a broken trial ranks with (the worst).
    static let brokenObjective = Double.greatestFiniteMagnitude

    /// A draw of the current generation.
    struct Member: Codable, Hashable, Sendable {
        /// The numeric coordinates, mirrored into the cube.
        var x: [Double]
        /// The categories of the categorical coordinates.
        var categories: [Int]
        /// The rendering of the decoded configuration.
        var key: String
        /// The result, once known.
        var objective: Double?
        /// Whether the draw was a configuration never tried before.
        var fresh: Bool
    }

    var options: Options
    var generator: SeededGenerator
    /// The search distribution; `nil` during the `n_initial_points` random trials.
    var distribution: SearchDistribution?
    /// The draws of the current generation.
    var members: [Member] = []
    /// The objective of every configuration with a result (broken: ``brokenObjective``).
    var results: [String: Double] = [:]
    /// Configurations suggested or running, without a result yet.
    var pending: Set<String> = []
    /// The best completed configuration's vector and objective.
    var best: Incumbent?
    /// Restart bookkeeping.
    var restarts = Restarts()
    /// The written results of the last save, shared by copies (neither encoded nor compared).
    let resultsMemo = SortedResultsMemo()

    private enum CodingKeys: String, CodingKey {
        case options, generator, distribution, members, results, pending, best, restarts
    }

    /// Encodes the state, the pending configurations sorted (a set has no order of its own: sorted, equal states
    /// give equal JSON, before and after decoding).
    ///
    /// - Throws: `EncodingError` when a value cannot be encoded.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(options, forKey: .options)
        try container.encode(generator, forKey: .generator)
        try container.encodeIfPresent(distribution, forKey: .distribution)
        try container.encode(members, forKey: .members)
        try container.encode(results, forKey: .results)
        try container.encode(pending.sorted(), forKey: .pending)
        try container.encodeIfPresent(best, forKey: .best)
        try container.encode(restarts, forKey: .restarts)
    }

    /// The best configuration seen.
    struct Incumbent: Codable, Hashable, Sendable {
        /// Its vector in the unit cube.
        var vector: [Double]
        /// Its objective.
        var objective: Double
    }

    /// What the restart strategies keep track of.
    struct Restarts: Codable, Hashable, Sendable {
        /// The number of large-population restarts (IPOP's doublings).
        var large = 0
        /// Evaluations spent in large-population runs.
        var largeBudget = 0
        /// Evaluations spent in small-population runs (BIPOP).
        var smallBudget = 0
        /// Whether the current run is a small-population one.
        var inSmallRegime = false
        /// The best objective of each recent generation, for the flat-objective test.
        var history: [Double] = []
    }

    /// Creates a CMA-ES.
    ///
    /// - Parameters:
    ///   - options: the options, checked.
    ///   - context: the search space (every prior is supported).
    public init(options: Options, context: AlgorithmContext) {
        self.options = options
        generator = SeededGenerator(seed: options.seed)
    }

    /// The layout of the transform's coordinates: numeric ones (with their integer cells) and categorical ones.
    struct Layout {
        /// The indices of the numeric coordinates.
        var numeric: [Int] = []
        /// The number of equal integer cells of each numeric coordinate, `nil` for reals.
        var cells: [Int?] = []
        /// The indices of the categorical coordinates.
        var categorical: [Int] = []
        /// The number of categories of each categorical coordinate.
        var categoryCounts: [Int] = []

        /// The layout of `transform`.
        init(_ transform: SpaceTransform) {
            for (index, coordinate) in transform.coordinates.enumerated() {
                if coordinate.kind == .categorical, let levels = coordinate.levels {
                    categorical.append(index)
                    categoryCounts.append(max(levels, 1))
                } else {
                    numeric.append(index)
                    cells.append(coordinate.kind == .integer ? coordinate.levels : nil)
                }
            }
        }

        /// The full vector of a draw.
        func vector(_ x: [Double], _ categories: [Int], width: Int) -> [Double] {
            var vector = Array(repeating: 0.5, count: width)
            for (value, index) in zip(x, numeric) { vector[index] = value }
            for (position, index) in categorical.enumerated() {
                vector[index] = (Double(categories[position]) + 0.5) / Double(categoryCounts[position])
            }
            return vector
        }
    }

    /// The default λ for `n` numeric coordinates: `4 + ⌊3 ln n⌋`.
    static func defaultPopulation(_ n: Int) -> Int { 4 + Int(3 * log(Double(max(n, 1)))) }

    /// Suggests up to `count` fresh draws of the current distribution (random points during the initial ones, and
    /// when draws keep landing on configurations already tried).
    ///
    /// - Parameters:
    ///   - count: the number of points wanted.
    ///   - context: the search space and its transform.
    /// - Returns: the suggestions (fewer once a small finite space is exhausted).
    public mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        let layout = Layout(context.transform)
        var suggestions: [Suggestion] = []
        var attempts = 0
        while suggestions.count < count && !isDone(context: context) {
            attempts += 1
            if results.count + pending.count < options.nInitialPoints || attempts > 50 * count + 50 {
                guard let point = randomPoint(context: context) else { break }
                suggestions.append(Suggestion(point))
                continue
            }
            if distribution == nil { start(layout: layout, fromBest: options.nInitialPoints > 0) }
            guard let distribution else { break }
            let draw = distribution.sample(using: &generator)
            let point = context.transform.decode(
                layout.vector(draw.x, draw.categories, width: context.transform.width)
            )
            let key = Self.key(point, context.space)
            if let objective = results[key] {
                members.append(
                    Member(x: draw.x, categories: draw.categories, key: key, objective: objective, fresh: false)
                )
                finishGenerationIfReady(layout: layout)
            } else if pending.contains(key) {
                members.append(Member(x: draw.x, categories: draw.categories, key: key, objective: nil, fresh: false))
            } else {
                pending.insert(key)
                members.append(Member(x: draw.x, categories: draw.categories, key: key, objective: nil, fresh: true))
                suggestions.append(Suggestion(point))
            }
        }
        return suggestions
    }

    /// Records results (matching the current generation's draws by configuration) and tells the generation once λ
    /// of its draws have results.
    ///
    /// - Parameters:
    ///   - trials: trials whose status changed.
    ///   - context: the search space and its transform.
    public mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        for trial in trials {
            let key = Self.key(trial.params, context.space)
            // A point off a `precision` grid (inserted, or inherited) matches no draw and is not a configuration
            // ``isDone`` counts: only the incumbent may learn from it.
            let counted = context.space.isOnGrid(trial.params)
            var objective: Double?
            switch trial.status {
            case .completed:
                objective = trial.objective.flatMap { $0.isFinite ? $0 : nil } ?? Self.brokenObjective
            case .broken:
                objective = results[key] ?? Self.brokenObjective
            default:
                if counted, results[key] == nil { pending.insert(key) }
            }
            guard let objective else { continue }
            if counted {
                results[key] = objective
                pending.remove(key)
                for index in members.indices where members[index].key == key && members[index].objective == nil {
                    members[index].objective = objective
                }
            }
            if trial.status == .completed, objective < (best?.objective ?? .infinity),
                let vector = try? context.transform.encode(trial.params)
            {
                best = Incumbent(vector: vector, objective: objective)
            }
        }
        finishGenerationIfReady(layout: Layout(context.transform))
    }

    /// `true` once every configuration of a small finite space was tried.
    ///
    /// - Parameter context: the search space.
    /// - Returns: whether the space is exhausted.
    public func isDone(context: AlgorithmContext) -> Bool {
        let cardinality = context.space.cardinality
        return cardinality <= Self.trackedCardinality && Double(results.count + pending.count) >= cardinality
    }

    /// The rendering of the configuration of `params`: its fidelity at the upper bound.
    static func key(_ params: Parameters, _ space: Space) -> String {
        space.configuration(of: params).representation
    }

    /// A point drawn from the priors whose configuration was never tried; `nil` when none is found.
    mutating func randomPoint(context: AlgorithmContext) -> Parameters? {
        let space = context.space
        let cardinality = space.cardinality
        let attempts = cardinality <= Self.trackedCardinality ? min(2_000_000, max(100, 20 * Int(cardinality))) : 100
        for _ in 0..<attempts {
            let point = space.sample(using: &generator)
            let key = Self.key(point, space)
            if results[key] == nil && !pending.contains(key) {
                pending.insert(key)
                return point
            }
        }
        return nil
    }
}
