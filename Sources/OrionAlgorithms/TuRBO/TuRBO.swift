import Foundation
import OrionCore
import OrionNumerics

/// Trust-region Bayesian optimization (`turbo`): TuRBO-1 of [Eriksson et al., 2019, "Scalable global optimization
/// via local Bayesian optimization"](https://arxiv.org/abs/1910.01739).
///
/// A local GP (the model of `gp`: ARD Matérn-5/2, standardized and Yeo-Johnson transformed outputs, MAP
/// hyperparameters) is fitted to the trials of the current run only, and the next point is chosen inside a box
/// around the run's best trial: a hyper-rectangle of side `length` (in the unit cube of ``SpaceTransform``, one-hot
/// categories), stretched along each coordinate in proportion to the GP's lengthscale (normalized to a geometric
/// mean of 1). Candidates are the incumbent with a random subset of its coordinates (each with probability
/// `min(1, 20/d)`) replaced by quasi-random values in the box, scored by log expected improvement; the best few are
/// refined by L-BFGS-B inside the box. After `success_tolerance` consecutive improvements the box doubles (up to
/// `length_max`); after `failure_tolerance` consecutive non-improvements it halves; once it is smaller than
/// `length_min` the run restarts from a fresh quasi-random design, forgetting the old trials' model (they stay
/// known, so they are not suggested again). Pending trials of the run enter the GP at their posterior mean, so
/// parallel workers spread out inside the box.
///
/// - Complexity: per suggestion, O(i·n³) to fit the hyperparameters (i marginal-likelihood evaluations, n the
///   run's trials) plus O(c·n²) to score c candidates; the state holds every trial's vector.
public struct TuRBO: Algorithm {
    /// `turbo`.
    public static let name = "turbo"

    /// What the algorithm knows of one trial.
    struct Record: Codable, Sendable, Hashable {
        /// How a trial counts.
        enum Kind: String, Codable, Sendable {
            /// Completed with a finite objective.
            case completed
            /// New, reserved, suspended or interrupted.
            case pending
            /// Broken, or completed without a finite objective.
            case failed
        }

        var id: String
        var vector: [Double]
        var kind: Kind
        var objective: Double?
        /// The run (trust region) the trial belongs to: the one current when it was first observed.
        var run: Int
    }

    /// The trust region of the current run.
    struct Region: Codable, Sendable, Hashable {
        /// The run's number, from 0.
        var run = 0
        /// The side of the box, in the unit cube.
        var length: Double
        /// Consecutive improvements and non-improvements since the last change of `length`.
        var successes = 0
        var failures = 0
        /// The best objective of the run.
        var best: Double?
        /// The run's completed trials so far.
        var completed = 0
        /// The design points suggested in this run.
        var designSuggested = 0
    }

    var options: Options
    var generator: SeededGenerator
    /// The seed of the design's scrambling.
    var designSeed: UInt64
    /// The design points suggested so far, over every run (restarts continue the sequence).
    var designIndex = 0
    /// The trials, in the order first observed.
    var records: [Record] = []
    /// The current run's trust region.
    var region: Region
    /// The last fitted log-hyperparameters, the warm start of the next fit.
    var lastFit: [Double]?
    /// The position of each trial id in ``records`` (rebuilt when decoding).
    var positions: [String: Int] = [:]

    /// Creates the algorithm.
    ///
    /// - Parameters:
    ///   - options: the options.
    ///   - context: the search space (every prior is supported).
    public init(options: Options, context: AlgorithmContext) {
        self.options = options
        generator = SeededGenerator(seed: options.seed)
        designSeed = generator.next()
        region = Region(length: options.lengthInit)
    }

    /// The unit-cube view the algorithm works in: one-hot categories.
    static func transform(_ context: AlgorithmContext) -> SpaceTransform {
        context.transform.categoricalEncoding == .oneHot
            ? context.transform : SpaceTransform(context.space, categoricalEncoding: .oneHot)
    }

    /// The design size of a run for a vector width of `width`.
    func initialPoints(width: Int) -> Int { options.nInitialPoints ?? min(max(2 * width, 5), 30) }

    /// The number of consecutive non-improvements that halves the box.
    func failureTolerance(width: Int) -> Int { options.failureTolerance ?? max(4, width) }

    /// Learns the trials' statuses and objectives, and moves the trust region on each new result of the run.
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
            let position = positions[trial.id]
            let previous = position.map { records[$0] }
            let record = Record(
                id: trial.id,
                vector: vector,
                kind: kind,
                objective: kind == .completed ? objective : nil,
                run: previous?.run ?? region.run
            )
            if let position {
                records[position] = record
            } else {
                positions[trial.id] = records.count
                records.append(record)
            }
            if kind == .completed, previous?.kind != .completed, record.run == region.run, let objective {
                learn(objective, width: transform.width)
            } else if kind == .failed, previous?.kind != .failed, record.run == region.run, region.best != nil,
                isInFailingRegion(record)
            {
                // A failed trial in a failing region is no improvement: the region shrinks on it as on a poor
                // result, instead of suggesting there forever (probe hC3: 62 broken trials in a row). A failure
                // spread over the space is not counted: it shrank the region for nothing (probe hC5).
                learn(.infinity, width: transform.width)
            }
        }
    }

    /// Whether a failed record of the current run lies in a failing region among the run's observed trials
    /// (``FailingRegion``).
    private func isInFailingRegion(_ record: Record) -> Bool {
        let observed = records.filter { $0.run == region.run && $0.kind != .pending }
        return FailingRegion.contains([record.vector], among: observed.map { ($0.vector, $0.kind == .failed) })[0]
    }

    /// Counts a new result of the current run: a success when it improves on the run's best by more than 10⁻³ of
    /// its magnitude (results of the design only set the best), and resizes or restarts the region.
    mutating func learn(_ objective: Double, width: Int) {
        region.completed += 1
        guard let best = region.best else {
            region.best = objective
            return
        }
        region.best = min(best, objective)
        guard region.completed > initialPoints(width: width) else { return }
        if objective < best - 1e-3 * abs(best) {
            region.successes += 1
            region.failures = 0
        } else {
            region.failures += 1
            region.successes = 0
        }
        if region.successes >= options.successTolerance {
            region.length = min(2 * region.length, options.lengthMax)
            region.successes = 0
        } else if region.failures >= failureTolerance(width: width) {
            region.length /= 2
            region.failures = 0
        }
        if region.length < options.lengthMin {
            region = Region(run: region.run + 1, length: options.lengthInit)
            lastFit = nil
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
}

extension TuRBO {
    private enum CodingKeys: String, CodingKey {
        case options, generator, records, region
        case designSeed = "design_seed"
        case designIndex = "design_index"
        case lastFit = "last_fit"
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
        region = try container.decode(Region.self, forKey: .region)
        lastFit = try container.decodeIfPresent([Double].self, forKey: .lastFit)
        for (position, record) in records.enumerated() { positions[record.id] = position }
    }

    /// Encodes the options, the generator, the trials, the trust region and the last fit.
    ///
    /// - Throws: `EncodingError` when a value cannot be encoded.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(options, forKey: .options)
        try container.encode(generator, forKey: .generator)
        try container.encode(designSeed, forKey: .designSeed)
        try container.encode(designIndex, forKey: .designIndex)
        try container.encode(records, forKey: .records)
        try container.encode(region, forKey: .region)
        try container.encodeIfPresent(lastFit, forKey: .lastFit)
    }
}
