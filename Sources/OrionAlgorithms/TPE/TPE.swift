import Foundation
import OrionCore

/// Tree-structured Parzen estimator (`tpe`): Bayesian optimization that models where good and bad trials lie.
///
/// After `n_initial_points` random trials, the completed trials are split by objective: the best `⌈gamma · n⌉`
/// make a density l(x), the others g(x), both Parzen estimators (``ParzenEstimator``) on the unit cube of
/// ``AlgorithmContext/transform``, where every prior is uniform. `n_ei_candidates` points are drawn from l(x) and
/// the one with the largest l(x)/g(x) (which maximizes expected improvement) is suggested
/// ([Bergstra et al., 2011](https://papers.nips.cc/paper/4443-algorithms-for-hyper-parameter-optimization)).
/// With `multivariate` (the default), each observation is one joint kernel over every coordinate
/// ([Falkner et al., 2018](https://arxiv.org/abs/1807.01774), Optuna's multivariate TPE); without it, each coordinate
/// has its own estimators and its own best candidate (Oríon's and hyperopt's TPE).
///
/// Every prior is supported: reals (`uniform`, `loguniform`, `normal`, through their CDF), integers (scored by the
/// probability of their cell), categories (weighted counts with a prior), `shape` (one coordinate per element);
/// a fidelity is always its upper bound. Trials without a result take part as Oríon's `parallel_strategy` says.
/// In a finite space of at most ``trackedCardinality`` configurations, a configuration already tried is never
/// suggested: after `max_retry` rounds of candidates that were all tried, an untried configuration is drawn at
/// random, and the algorithm is done once every configuration was tried (Oríon's TPE loops forever there).
///
/// - Complexity: O(c · n · w) per suggestion for c candidates, n observations and w coordinates; the state keeps
///   one vector per trial.
public struct TPE: Algorithm {
    /// `tpe`.
    public static let name = "tpe"

    /// Finite spaces up to this many configurations never get a configuration twice.
    public static let trackedCardinality = 100_000.0

    /// What the algorithm knows of one trial.
    struct Record: Codable, Hashable, Sendable {
        /// The trial's id.
        var id: String
        /// The trial's point in the unit cube.
        var vector: [Double]
        /// The trial's status.
        var status: TrialStatus
        /// The trial's objective, once completed.
        var objective: Double?
    }

    var options: Options
    var generator: SeededGenerator
    /// Every trial observed, in the order first observed.
    var records: [Record] = []
    /// The position of each trial in ``records`` (rebuilt when decoded).
    var positions: [String: Int] = [:]
    /// Renderings of the configurations suggested or observed; `nil` unless the space is small and finite.
    var seen: Set<String>?
    /// How trials without a result take part (parsed from ``Options/parallelStrategy``).
    let strategy: ParallelStrategy
    /// The records' bytes of the last save, so that the next one writes only what changed (``TPERecordsMemo``);
    /// shared by copies, never encoded.
    let recordsMemo = TPERecordsMemo()

    /// Creates a TPE.
    ///
    /// - Parameters:
    ///   - options: Oríon's options, checked.
    ///   - context: the search space (every prior is supported).
    /// - Throws: ``AlgorithmError`` `.invalidOption` for an invalid `parallel_strategy`.
    public init(options: Options, context: AlgorithmContext) throws {
        self.options = options
        strategy = try ParallelStrategy(options.parallelStrategy)
        generator = SeededGenerator(seed: options.seed)
        seen = context.space.cardinality <= Self.trackedCardinality ? [] : nil
    }

    /// Suggests up to `count` points: random ones until `n_initial_points` trials are completed, then the best
    /// candidates of the model; points suggested earlier in the same call count as trials without a result.
    ///
    /// - Parameters:
    ///   - count: the number of points wanted.
    ///   - context: the search space and its transform.
    /// - Returns: the suggestions (fewer once a small finite space is exhausted).
    public mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        var suggestions: [Suggestion] = []
        var batch: [[Double]] = []
        while suggestions.count < count {
            let completed = records.reduce(0) { $0 + ($1.objective == nil ? 0 : 1) }
            let next =
                completed < options.nInitialPoints || context.transform.width == 0
                ? randomPoint(context: context)
                : modelPoint(context: context, batch: batch)
            guard let point = next else { break }
            suggestions.append(Suggestion(point))
            if let vector = try? context.transform.encode(point) { batch.append(vector) }
        }
        return suggestions
    }

    /// An objective as the model ranks it: a non-finite one (NaN, +inf or -inf: a diverged run) is the largest
    /// finite value, so that it ranks last, as `gp` and `cmaes` rank failures, and the state stays writable as JSON.
    ///
    /// Before, -inf ranked first and NaN was no result at all: a region reporting -inf drew 77% of the trials, one
    /// reporting NaN about twice the share of a region where the script exits non-zero (probe hC3).
    static func rankable(_ objective: Double) -> Double {
        objective.isFinite ? objective : .greatestFiniteMagnitude
    }

    /// Records the trials' points, statuses and objectives.
    ///
    /// - Parameters:
    ///   - trials: trials whose status changed (out-of-space trials are ignored).
    ///   - context: the search space and its transform.
    public mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        for trial in trials {
            guard let vector = try? context.transform.encode(trial.params) else { continue }
            let objective = trial.status == .completed ? trial.objective.map(Self.rankable) : nil
            let record = Record(id: trial.id, vector: vector, status: trial.status, objective: objective)
            if let position = positions[trial.id] {
                records[position] = record
            } else {
                positions[trial.id] = records.count
                records.append(record)
            }
            // A point off a `precision` grid is not one of the configurations the space counts.
            if seen != nil, context.space.isOnGrid(trial.params) { seen?.insert(Self.key(trial.params, context.space)) }
        }
    }

    /// `true` once every configuration of a small finite space was suggested or observed.
    ///
    /// - Parameter context: the search space.
    /// - Returns: whether the space is exhausted.
    public func isDone(context: AlgorithmContext) -> Bool {
        guard let seen else { return false }
        return Double(seen.count) >= context.space.cardinality
    }

    /// The rendering of the configuration of `params`: its fidelity at the upper bound.
    static func key(_ params: Parameters, _ space: Space) -> String {
        space.configuration(of: params).representation
    }

    /// Marks `point` as suggested; `false` when its configuration was already tried.
    mutating func claim(_ point: Parameters, _ space: Space) -> Bool {
        guard seen != nil else { return true }
        return seen?.insert(Self.key(point, space)).inserted ?? true
    }

    /// A point drawn from the priors, untried in a small finite space; `nil` when none is found.
    mutating func randomPoint(context: AlgorithmContext) -> Parameters? {
        let space = context.space
        guard seen != nil else { return space.sample(using: &generator) }
        // Enough draws to find the last free point of the space with probability 1 - e^-20.
        let attempts = min(2_000_000, max(100, 20 * Int(space.cardinality)))
        for _ in 0..<attempts where !isDone(context: context) {
            let point = space.sample(using: &generator)
            if claim(point, space) { return point }
        }
        return nil
    }
}

extension TPE {
    private enum CodingKeys: String, CodingKey {
        case options, generator, records, seen
    }

    /// Decodes the state written by ``encode(to:)``.
    ///
    /// - Throws: `DecodingError` when a member is missing or invalid, ``AlgorithmError`` for invalid options.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        options = try container.decode(Options.self, forKey: .options)
        strategy = try ParallelStrategy(options.parallelStrategy)
        generator = try container.decode(SeededGenerator.self, forKey: .generator)
        records = try container.decode([Record].self, forKey: .records)
        seen = try container.decodeIfPresent([String].self, forKey: .seen).map(Set.init)
        for (position, record) in records.enumerated() { positions[record.id] = position }
    }

    /// Encodes the options, the generator, the records and the sorted tried configurations.
    ///
    /// - Throws: `EncodingError` when a value cannot be encoded.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(options, forKey: .options)
        try container.encode(generator, forKey: .generator)
        try container.encode(records, forKey: .records)
        try container.encodeIfPresent(seen?.sorted(), forKey: .seen)
    }
}
