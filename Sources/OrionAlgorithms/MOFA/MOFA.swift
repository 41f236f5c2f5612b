import Foundation
import OrionCore

/// Orthogonal-array search (`mofa`): rounds of orthogonal Latin hypercube designs, each followed by a main-effect
/// analysis that shrinks the region of interest and fixes the dimensions that barely matter.
///
/// After Oríon's MOFA ([Nogueira et al., 2017, *Hyperparameter optimization via orthogonal arrays and
/// factorial analysis*](https://arxiv.org/abs/1709.00185)). Without a fidelity dimension, as in Oríon, rounds
/// follow each other until every coordinate is fixed (at most ``roundsWithoutFidelity``). With one, the rounds run
/// at its fidelities from `low` to `high` by `base` (`fidelity(1, 27, base=3)`: 1, 3, 9, 27). A round is a design of
/// `index · n_levels^strength` points (``OrthogonalDesign``) in the region of interest of the unit cube (the space
/// through `context.transform`); when every point has a result, each free coordinate's range is cut into
/// `n_levels` levels and the mean objective of the points at each level is its main effect. The new region keeps,
/// per coordinate, the best level widened by half a level on each side; a coordinate whose share of the
/// main-effect variance is below `threshold` is fixed at the centre of its best level. The search is done after
/// the last round, or when every coordinate is fixed (with a fidelity, once the configuration they make ran at
/// `high`). A point that is already a trial (an earlier round drew it)
/// takes that trial's result. Rounds are synchronous: a worker that
/// asks while a round still waits for results gets nothing.
///
/// - Complexity: O(n · d) per round for n design points and d coordinates.
public struct MOFA: Algorithm {
    /// The options of MOFA, Oríon's names and defaults.
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy.
        public var seed: Int?
        /// `index`: copies of the orthogonal array per round (1).
        public var index = 1
        /// `n_levels`: levels per dimension (5).
        public var nLevels = 5
        /// `strength`: 1 or 2 (2): a round has `index · n_levels^strength` points.
        public var strength = 2
        /// `threshold`: a dimension whose share of the main-effect variance is below it is fixed (0.1).
        public var threshold = 0.1

        /// Oríon's option names.
        public enum CodingKeys: String, CodingKey {
            /// `seed`.
            case seed
            /// `index`.
            case index
            /// `n_levels`.
            case nLevels = "n_levels"
            /// `strength`.
            case strength
            /// `threshold`.
            case threshold
        }

        /// The defaults: `seed: null, index: 1, n_levels: 5, strength: 2, threshold: 0.1`.
        public init() {}

        /// Decodes the options (the registry fills the defaults).
        ///
        /// - Throws: `DecodingError` for a value of the wrong type.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            seed = try container.decodeIfPresent(Int.self, forKey: .seed)
            index = try container.decodeIfPresent(Int.self, forKey: .index) ?? 1
            nLevels = try container.decodeIfPresent(Int.self, forKey: .nLevels) ?? 5
            strength = try container.decodeIfPresent(Int.self, forKey: .strength) ?? 2
            threshold = try container.decodeIfPresent(Double.self, forKey: .threshold) ?? 0.1
        }

        /// Encodes every option, a null seed included.
        ///
        /// - Throws: `EncodingError` when a value cannot be encoded.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(seed, forKey: .seed)
            try container.encode(index, forKey: .index)
            try container.encode(nLevels, forKey: .nLevels)
            try container.encode(strength, forKey: .strength)
            try container.encode(threshold, forKey: .threshold)
        }
    }

    /// `mofa`.
    public static let name = "mofa"

    /// `true`: it fills brackets (rungs, populations) with the trials it observes.
    public static let schedulesFidelity = true

    /// The most rounds in a space without a fidelity: each round shrinks a free coordinate's range to
    /// `2 / n_levels` of it, so after 10 rounds of the default 5 levels it is 10⁻⁴ of the prior, Oríon's default
    /// precision.
    public static let roundsWithoutFidelity = 10

    private var generator: SeededGenerator
    private let options: Options
    /// The fidelity of each round (`nil` in a space without a fidelity).
    private let fidelities: [Double?]
    /// The round under way (`fidelities.count` once done).
    private var round = 0
    /// The region of interest: per coordinate of the unit cube, its lower bound and width.
    private var lower: [Double]
    private var width: [Double]
    /// Per coordinate, its value once fixed.
    private var fixed: [Double?]
    /// The round's design: each point's levels (free coordinates only, in order) and its parameters' rendering.
    private var designLevels: [[Int]] = []
    private var designKeys: [String] = []
    private var designPoints: [Parameters] = []
    /// The keys of the round's points already suggested, and the results received (by key).
    private var suggested: Set<String> = []
    private var results: [String: Double] = [:]
    private var failed: Set<String> = []
    /// The results of the earlier rounds' points, by key, and the keys of those that failed (`nil` in a state saved
    /// before they existed), so that a point the driver does not register again, being a trial already, still gets
    /// its result.
    private var earlier: [String: Double]?
    private var earlierFailed: Set<String>?

    /// Creates a MOFA search.
    ///
    /// - Parameters:
    ///   - options: `seed`, `index`, `n_levels`, `strength`, `threshold`.
    ///   - context: the search space: with a fidelity, exactly one, `fidelity(low, high, base)`; with base 1 every
    ///     round runs at `high`.
    /// - Throws: ``AlgorithmError`` `.unsupportedSpace` for several fidelities,
    ///   `.invalidOption` for options out of range.
    public init(options: Options, context: AlgorithmContext) throws {
        var fidelities: [Double?] = Array(repeating: nil, count: Self.roundsWithoutFidelity)
        let fidelityPriors = context.space.dimensions.filter { $0.kind == .fidelity }.map(\.prior)
        if fidelityPriors.count == 1, case .fidelity(_, let high, let base) = fidelityPriors[0], base < 2 {
            // Linear levels (`base=1`) give no ladder of fidelities: the rounds run as without a fidelity, each at
            // the highest, as Oríon's MOFA runs every trial (it refused such a space).
            fidelities = Array(repeating: high, count: Self.roundsWithoutFidelity)
        } else if !fidelityPriors.isEmpty {
            let (low, high, base) = try SuccessiveHalving.fidelity(of: context.space, algorithm: Self.name)
            fidelities = try ASHA.budgets(low: low, high: high, base: base, numRungs: nil)
        }
        guard options.index >= 1 else {
            throw AlgorithmError(.invalidOption, "mofa: option 'index' must be at least 1, not \(options.index)")
        }
        guard options.nLevels >= 2 else {
            throw AlgorithmError(.invalidOption, "mofa: option 'n_levels' must be at least 2, not \(options.nLevels)")
        }
        guard options.strength == 1 || options.strength == 2 else {
            throw AlgorithmError(.invalidOption, "mofa: option 'strength' must be 1 or 2, not \(options.strength)")
        }
        guard (0...1).contains(options.threshold) else {
            throw AlgorithmError(
                .invalidOption,
                "mofa: option 'threshold' must be between 0 and 1, not \(options.threshold)"
            )
        }
        self.options = options
        self.fidelities = fidelities
        earlier = [:]
        earlierFailed = []
        generator = options.seed.map { SeededGenerator(seed: UInt64(bitPattern: Int64($0))) } ?? SeededGenerator()
        let width = context.transform.width
        lower = Array(repeating: 0, count: width)
        self.width = Array(repeating: 1, count: width)
        fixed = Array(repeating: nil, count: width)
        if free.isEmpty, climbs {
            // Nothing to search but the fidelity: the one configuration runs at `high` only.
            round = fidelities.count - 1
        }
        startRound(context: context)
    }

    /// Whether the rounds climb a ladder of fidelities (a fidelity with `base >= 2` and more than one level).
    private var climbs: Bool {
        guard let first = fidelities.first ?? nil, let last = fidelities.last ?? nil else { return false }
        return first != last
    }

    /// The coordinates not fixed yet.
    private var free: [Int] { fixed.indices.filter { fixed[$0] == nil } }

    private mutating func startRound(context: AlgorithmContext) {
        let free = self.free
        if free.isEmpty {
            // Every coordinate fixed: the round is the one configuration they make.
            designLevels = [[]]
            designPoints = [context.transform.decode(fixed.map { $0 ?? 0.5 }, fidelity: fidelities[round])]
            designKeys = designPoints.map(\.representation)
            takeEarlierResults()
            return
        }
        let levels = OrthogonalDesign.levels(
            columns: max(free.count, 1),
            levels: options.nLevels,
            strength: options.strength,
            index: options.index,
            using: &generator
        )
        let unit = OrthogonalDesign.points(levels, count: options.nLevels, using: &generator)
        designLevels = levels
        designPoints = unit.map { row in
            var vector = fixed.map { $0 ?? 0.5 }
            for (position, coordinate) in free.enumerated() {
                vector[coordinate] = lower[coordinate] + row[position] * width[coordinate]
            }
            return context.transform.decode(vector, fidelity: fidelities[round])
        }
        designKeys = designPoints.map(\.representation)
        takeEarlierResults()
    }

    /// Starts the round's bookkeeping, with the results its points have as trials of earlier rounds.
    private mutating func takeEarlierResults() {
        suggested = []
        results = [:]
        failed = []
        for key in designKeys {
            if let value = earlier?[key] {
                results[key] = value
            } else if earlierFailed?.contains(key) == true {
                failed.insert(key)
            } else {
                continue
            }
            suggested.insert(key)
        }
    }

    /// Whether every point of the round has a result or failed.
    private var roundIsComplete: Bool {
        designKeys.allSatisfy { results[$0] != nil || failed.contains($0) }
    }

    /// Up to `count` points of the round's design not suggested yet; none while the round waits for results.
    ///
    /// - Parameters:
    ///   - count: the most suggestions wanted.
    ///   - context: the search space.
    /// - Returns: the suggestions, without parents.
    public mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        guard round < fidelities.count else { return [] }
        var suggestions: [Suggestion] = []
        for (key, point) in zip(designKeys, designPoints) where suggestions.count < count {
            if suggested.insert(key).inserted { suggestions.append(Suggestion(point)) }
        }
        return suggestions
    }

    /// Records the results of the round's points; analyses the round once every point has one.
    ///
    /// - Parameters:
    ///   - trials: trials whose status changed.
    ///   - context: the search space.
    public mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        guard round < fidelities.count else { return }
        let keys = Set(designKeys)
        for trial in trials {
            let key = trial.params.representation
            guard keys.contains(key) else {
                // A point of a later round, observed before that round starts (a search rebuilt from the trials
                // observes them all at once): its result waits in `earlier` for the round's design to take it.
                record(trial, key: key)
                continue
            }
            // A point the driver did not register again because it already is a trial counts as suggested.
            suggested.insert(key)
            switch trial.status {
            case .completed:
                // A NaN or infinite objective never ranks (and the state's JSON cannot hold it): a failure.
                if let value = trial.objective, value.isFinite { results[key] = value } else { failed.insert(key) }
            case .broken:
                failed.insert(key)
            default:
                break
            }
        }
        // A round whose points all were trials already is complete at once: analyse it too.
        while round < fidelities.count, roundIsComplete {
            analyse()
            for key in designKeys {
                if let value = results[key] { earlier?[key] = value } else { earlierFailed?.insert(key) }
            }
            round += 1
            if round < fidelities.count, free.isEmpty, climbs {
                // Every coordinate is fixed below the top of the ladder: the configuration they make runs once at
                // `high`, so that the search ends with a trial at full fidelity (it ended at the round's fidelity,
                // the lowest when a round fixed them all, as in a space of many equally important dimensions).
                round = fidelities.count - 1
                startRound(context: context)
            } else if round < fidelities.count, !free.isEmpty {
                startRound(context: context)
            } else {
                round = fidelities.count
            }
        }
    }

    /// Keeps the outcome of a finished trial that is not a point of the round under way.
    private mutating func record(_ trial: Trial, key: String) {
        switch trial.status {
        case .completed:
            if let value = trial.objective, value.isFinite {
                earlier?[key] = value
            } else {
                earlierFailed?.insert(key)
            }
        case .broken:
            earlierFailed?.insert(key)
        default:
            break
        }
    }

    /// The main-effect analysis of the round: shrink the region to the best levels, fix the unimportant coordinates.
    private mutating func analyse() {
        let free = self.free
        let levels = options.nLevels
        var means: [[Double]] = []
        for position in free.indices {
            var sums = Array(repeating: 0.0, count: levels)
            var counts = Array(repeating: 0, count: levels)
            for (row, key) in designKeys.enumerated() {
                guard let value = results[key], value.isFinite else { continue }
                let level = designLevels[row][position]
                sums[level] += value
                counts[level] += 1
            }
            means.append((0..<levels).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : .infinity })
        }
        let variances = means.map { row -> Double in
            let finite = row.filter(\.isFinite)
            guard finite.count > 1 else { return 0 }
            let mean = finite.reduce(0, +) / Double(finite.count)
            return finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count)
        }
        let total = variances.reduce(0, +)
        for (position, coordinate) in free.enumerated() {
            guard let best = means[position].indices.min(by: { means[position][$0] < means[position][$1] }),
                means[position][best].isFinite
            else { continue }
            let step = width[coordinate] / Double(levels)
            let centre = lower[coordinate] + (Double(best) + 0.5) * step
            if total > 0, variances[position] / total < options.threshold {
                fixed[coordinate] = centre
                continue
            }
            let newLower = max(lower[coordinate], centre - step)
            let newUpper = min(lower[coordinate] + width[coordinate], centre + step)
            lower[coordinate] = newLower
            width[coordinate] = newUpper - newLower
        }
    }

    /// `true` after the last round, or once every coordinate is fixed.
    ///
    /// - Parameter context: the search space.
    /// - Returns: whether the search is over.
    public func isDone(context: AlgorithmContext) -> Bool { round >= fidelities.count }
}
