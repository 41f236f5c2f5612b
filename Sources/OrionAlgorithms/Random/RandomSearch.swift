import OrionCore

/// Random search: every point drawn independently from the priors of the space.
///
/// The baseline every other algorithm must beat, and Oríon's default (`random`). It ignores results; its only
/// state is the generator (seeded by the `seed` option, or once from the system's entropy when `seed` is null)
/// and, for small finite spaces, the points suggested so far, so that it draws without replacement and knows
/// when every point has been suggested ([Bergstra & Bengio, 2012](https://jmlr.org/papers/v13/bergstra12a.html)).
///
/// - Complexity: O(d) per suggestion for d dimensions; for a finite space of at most
///   ``RandomSearch/trackedCardinality`` points, O(cardinality) memory and expected O(cardinality · log
///   cardinality) draws to exhaust it.
public struct RandomSearch: Algorithm {
    /// `random`.
    public static let name = "random"

    /// `seed`: an integer, or null (the default) for a seed from the system's entropy.
    public static let defaultOptions: [String: JSONValue] = ["seed": .null]

    /// Finite spaces up to this many points are sampled without replacement.
    public static let trackedCardinality = 1000.0

    /// The options in effect (`seed` as configured, null included).
    public let configuration: [String: JSONValue]
    /// The search space.
    public let space: Space
    private var generator: SeededGenerator
    /// Renderings of the points suggested or observed so far; `nil` for large or infinite spaces.
    private var seen: Set<String>?

    /// Creates a random search.
    ///
    /// - Parameters:
    ///   - space: the search space; every prior is supported.
    ///   - options: `seed` (an integer or null).
    ///   - maxTrials: ignored.
    /// - Throws: ``AlgorithmError`` `.invalidOption` when `seed` is neither an integer nor null.
    public init(space: Space, options: [String: JSONValue], maxTrials: Int?) throws {
        let seed = options["seed"] ?? .null
        switch seed {
        case .null:
            generator = SeededGenerator()
        case .int(let value):
            generator = SeededGenerator(seed: UInt64(bitPattern: Int64(value)))
        default:
            throw AlgorithmError(
                .invalidOption,
                "random: option 'seed' must be an integer or null, not "
                    + seed.pythonRepr
            )
        }
        self.space = space
        self.configuration = ["seed": seed]
        self.seen = space.cardinality <= Self.trackedCardinality ? [] : nil
    }

    /// Draws up to `count` points from the priors.
    ///
    /// In a small finite space, points suggested or observed before are not drawn again, and fewer points (or
    /// none) are returned once the space is exhausted.
    ///
    /// - Parameter count: the number of points wanted.
    /// - Returns: the points.
    public mutating func suggest(count: Int) -> [[String: JSONValue]] {
        guard count > 0 else { return [] }
        guard var seen else { return (0..<count).map { _ in space.sample(using: &generator) } }
        defer { self.seen = seen }
        var points: [[String: JSONValue]] = []
        // Enough draws to find the last free point of the space with probability 1 - e^-20.
        let attemptsPerPoint = max(100, 20 * Int(space.cardinality))
        while points.count < count, Double(seen.count) < space.cardinality {
            var found = false
            for _ in 0..<attemptsPerPoint {
                let point = space.sample(using: &generator)
                if seen.insert(Self.key(space.params(from: point))).inserted {
                    points.append(point)
                    found = true
                    break
                }
            }
            if !found { break }
        }
        return points
    }

    /// Remembers the points of `trials` in a small finite space; results are ignored.
    ///
    /// - Parameter trials: trials whose status changed.
    public mutating func observe(_ trials: [Trial]) {
        guard seen != nil else { return }
        for trial in trials where space.contains(trial.values) {
            seen?.insert(Self.key(trial.params))
        }
    }

    /// `true` once every point of a small finite space has been suggested or observed.
    public var isDone: Bool {
        guard let seen else { return false }
        return Double(seen.count) >= space.cardinality
    }

    private static func key(_ params: [Trial.Param]) -> String {
        Trial.parametersRepresentation(params)
    }
}

extension RandomSearch {
    private enum CodingKeys: String, CodingKey {
        case configuration, space, generator, seen
    }

    /// Decodes the state written by ``encode(to:)``.
    ///
    /// - Throws: `DecodingError` when a member is missing or invalid.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        configuration = try container.decode([String: JSONValue].self, forKey: .configuration)
        space = try container.decode(Space.self, forKey: .space)
        generator = try container.decode(SeededGenerator.self, forKey: .generator)
        seen = try container.decodeIfPresent([String].self, forKey: .seen).map(Set.init)
    }

    /// Encodes the state; the seen points are sorted so that equal states give equal JSON.
    ///
    /// - Throws: `EncodingError` when a value cannot be encoded.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(configuration, forKey: .configuration)
        try container.encode(space, forKey: .space)
        try container.encode(generator, forKey: .generator)
        try container.encodeIfPresent(seen?.sorted(), forKey: .seen)
    }
}
