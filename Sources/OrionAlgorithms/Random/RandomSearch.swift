import OrionCore

/// Random search: every point drawn independently from the priors of the space.
///
/// The baseline every other algorithm must beat, and Oríon's default (`random`). It ignores results; its only
/// state is the generator (seeded by the `seed` option, or once from the system's entropy when `seed` is null)
/// and, for small finite spaces, the configurations suggested or observed so far, so that it draws without
/// replacement and knows when every configuration has been tried
/// ([Bergstra & Bengio, 2012](https://jmlr.org/papers/v13/bergstra12a.html)). In a larger finite space it draws
/// with replacement (repeats are dropped by the driver) until 95% of a window of draws repeat trials; it then walks
/// the configurations it has not given, each once in a pseudo-random order (``Walk``), and is done at the walk's
/// end. A configuration ignores the fidelity: random search always samples a fidelity at its upper bound, and a
/// trial observed at a lower fidelity counts as its configuration.
///
/// - Complexity: O(d) per suggestion for d dimensions; for a finite space of at most
///   ``RandomSearch/trackedCardinality`` configurations, O(cardinality) memory and expected O(cardinality · log
///   cardinality) draws to exhaust it.
public struct RandomSearch: Algorithm {
    /// The options of random search.
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy.
        public var seed: Int?

        /// `seed: null`.
        public init() {}

        /// Options with a seed.
        ///
        /// - Parameter seed: the seed, or `nil` for one from the system's entropy.
        public init(seed: Int?) {
            self.seed = seed
        }
    }

    /// `random`.
    public static let name = "random"

    /// Finite spaces up to this many configurations are sampled without replacement.
    public static let trackedCardinality = 1000.0

    /// The draws a window counts before random search judges whether a larger finite space is nearly full.
    static let walkWindow = 100

    private var generator: SeededGenerator
    /// Renderings of the configurations suggested or observed so far; `nil` for large or infinite spaces.
    private var seen: Set<String>?
    /// The draws of the current window in a larger finite space, until the walk starts; `nil` otherwise.
    private var misses: Misses?
    /// The walk over a nearly full larger finite space, once started.
    private var walk: Walk?

    /// Creates a random search.
    ///
    /// - Parameters:
    ///   - options: `seed`.
    ///   - context: the search space (every prior is supported).
    public init(options: Options, context: AlgorithmContext) {
        generator = SeededGenerator(seed: options.seed)
        seen = context.space.cardinality <= Self.trackedCardinality ? [] : nil
        misses = seen == nil && context.space.cardinality.isFinite ? Misses() : nil
    }

    /// Draws up to `count` points from the priors.
    ///
    /// In a small finite space, configurations suggested or observed before are not drawn again, and fewer
    /// points (or none) are returned once the space is exhausted.
    ///
    /// - Parameters:
    ///   - count: the number of points wanted.
    ///   - context: the search space.
    /// - Returns: the suggestions, without parents.
    public mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        guard count > 0 else { return [] }
        let space = context.space
        guard var seen else {
            if walk != nil { return suggestWalking(count: count, space: space) }
            misses?.drawn += count
            return (0..<count).map { _ in Suggestion(space.sample(using: &generator)) }
        }
        defer { self.seen = seen }
        var suggestions: [Suggestion] = []
        // Enough draws to find the last free point of the space with probability 1 - e^-20.
        let attemptsPerPoint = max(100, 20 * Int(space.cardinality))
        while suggestions.count < count, Double(seen.count) < space.cardinality {
            var found = false
            for _ in 0..<attemptsPerPoint {
                let point = space.sample(using: &generator)
                if seen.insert(Self.key(point, space)).inserted {
                    suggestions.append(Suggestion(point))
                    found = true
                    break
                }
            }
            if !found { break }
        }
        return suggestions
    }

    /// The next `count` configurations of the walk (fewer at its end).
    private mutating func suggestWalking(count: Int, space: Space) -> [Suggestion] {
        var suggestions: [Suggestion] = []
        while suggestions.count < count, let point = walk?.next(in: space) { suggestions.append(Suggestion(point)) }
        return suggestions
    }

    /// Counts repeats in a larger finite space, and starts the walk once 95% of a window of draws were repeats.
    ///
    /// - Parameters:
    ///   - suggestions: the suggestions that were already trials.
    ///   - context: the search space.
    public mutating func dropped(_ suggestions: [Suggestion], context: AlgorithmContext) {
        guard var window = misses, walk == nil else { return }
        window.dropped += suggestions.count
        if window.drawn >= Self.walkWindow {
            if 20 * window.dropped >= 19 * window.drawn {
                walk = Walk(space: context.space, using: &generator)
            }
            // A space that cannot be walked keeps drawing: count a new window.
            window = Misses()
        }
        misses = walk == nil ? window : nil
    }

    /// Remembers the configurations of `trials` in a small finite space; results are ignored.
    ///
    /// - Parameters:
    ///   - trials: trials whose status changed.
    ///   - context: the search space.
    public mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        guard seen != nil else { return }
        for trial in trials where context.space.isOnGrid(trial.params) {
            seen?.insert(Self.key(trial.params, context.space))
        }
    }

    /// `true` once every configuration of a small finite space has been suggested or observed, or once the walk of
    /// a larger one has given its last configuration.
    ///
    /// - Parameter context: the search space.
    /// - Returns: whether the space is exhausted.
    public func isDone(context: AlgorithmContext) -> Bool {
        if let walk { return walk.isOver }
        guard let seen else { return false }
        return Double(seen.count) >= context.space.cardinality
    }

    /// The rendering of the configuration of `params`: its fidelity at the upper bound, as sampled.
    private static func key(_ params: Parameters, _ space: Space) -> String {
        space.configuration(of: params).representation
    }
}

extension RandomSearch {
    private enum CodingKeys: String, CodingKey {
        case generator, seen, misses, walk
    }

    /// Decodes the state written by ``encode(to:)``, or by an earlier version (which also stored its options and
    /// the space: they are ignored).
    ///
    /// - Throws: `DecodingError` when a member is missing or invalid.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        generator = try container.decode(SeededGenerator.self, forKey: .generator)
        seen = try container.decodeIfPresent([String].self, forKey: .seen).map(Set.init)
        misses = try container.decodeIfPresent(Misses.self, forKey: .misses)
        walk = try container.decodeIfPresent(Walk.self, forKey: .walk)
    }

    /// Encodes the state; the seen configurations are sorted so that equal states give equal JSON.
    ///
    /// - Throws: `EncodingError` when a value cannot be encoded.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(generator, forKey: .generator)
        try container.encodeIfPresent(seen?.sorted(), forKey: .seen)
        try container.encodeIfPresent(misses, forKey: .misses)
        try container.encodeIfPresent(walk, forKey: .walk)
    }
}
