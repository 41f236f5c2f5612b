/// A search space: dimensions sorted by name.
///
/// A space encodes as a JSON object from dimension name to canonical prior string (`{"/lr": "loguniform(1e-05,
/// 1)"}`), and decodes by parsing those strings, so that it round-trips exactly.
public struct Space: Hashable, Sendable {
    /// The dimensions, sorted by name.
    public private(set) var dimensions: [SpaceDimension]

    /// Creates a space from dimensions, sorting them by name.
    ///
    /// - Parameter dimensions: the dimensions; their names must be distinct.
    /// - Throws: ``SpaceError`` `duplicateDimension` when two dimensions share a name, `emptySpace` when there is
    ///   none.
    public init(dimensions: [SpaceDimension]) throws(SpaceError) {
        guard !dimensions.isEmpty else {
            throw SpaceError(
                .emptySpace,
                "the search space has no dimension; define at least one prior, e.g. "
                    + "--lr~'loguniform(1e-5, 1)'"
            )
        }
        let sorted = dimensions.sorted { $0.name < $1.name }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.name == next.name {
            throw SpaceError(
                .duplicateDimension,
                dimension: next.name,
                "defined twice; give each prior a distinct name"
            )
        }
        self.dimensions = sorted
    }

    /// Creates a space by parsing prior expressions.
    ///
    /// - Parameter priors: dimension name → prior expression, e.g. `["/lr": "loguniform(1e-5, 1)"]`.
    /// - Throws: ``SpaceError`` for the first (by name) expression that does not parse, or `emptySpace`.
    public init(priors: [String: String]) throws(SpaceError) {
        var dimensions: [SpaceDimension] = []
        for name in priors.keys.sorted() {
            guard let text = priors[name] else { continue }
            dimensions.append(try PriorExpression.parse(text, name: name))
        }
        try self.init(dimensions: dimensions)
    }

    /// The dimension called `name`, if any.
    public subscript(name: String) -> SpaceDimension? {
        dimensions.first { $0.name == name }
    }

    /// The dimension names, sorted.
    public var names: [String] { dimensions.map(\.name) }

    /// Dimension name → canonical prior string (see ``SpaceDimension/priorString``).
    public var priorStrings: [String: String] {
        Dictionary(uniqueKeysWithValues: dimensions.map { ($0.name, $0.priorString) })
    }

    /// The fidelity dimension, if the space has one.
    public var fidelity: SpaceDimension? { dimensions.first { $0.kind == .fidelity } }

    /// The number of distinct points: the product of the dimensions' cardinalities (`.infinity` when one is).
    public var cardinality: Double { dimensions.reduce(1.0) { $0 * $1.cardinality } }

    /// Draws a point: every dimension sampled from its prior, in name order.
    ///
    /// - Parameter rng: the source of randomness.
    /// - Returns: dimension name → value.
    public func sample(using rng: inout some RandomNumberGenerator) -> [String: JSONValue] {
        var point: [String: JSONValue] = [:]
        for dimension in dimensions { point[dimension.name] = dimension.sample(using: &rng) }
        return point
    }

    /// Whether `point` has exactly the space's dimension names, each value inside its dimension.
    ///
    /// - Parameter point: dimension name → value.
    /// - Returns: `true` when the point belongs to the space.
    public func contains(_ point: [String: JSONValue]) -> Bool {
        guard point.count == dimensions.count else { return false }
        return dimensions.allSatisfy { dimension in point[dimension.name].map(dimension.contains) ?? false }
    }

    /// The trial parameters for `point`, sorted by name, each with its dimension's kind.
    ///
    /// Names that are not dimensions of the space are left out.
    ///
    /// - Parameter point: dimension name → value.
    /// - Returns: the parameters in name order.
    public func params(from point: [String: JSONValue]) -> [Trial.Param] {
        dimensions.compactMap { dimension in
            point[dimension.name].map { Trial.Param(name: dimension.name, type: dimension.kind, value: $0) }
        }
    }
}

extension Space: Codable {
    /// Decodes `{name: prior expression}` by parsing each expression.
    public init(from decoder: any Decoder) throws {
        let priors = try decoder.singleValueContainer().decode([String: String].self)
        do {
            try self.init(priors: priors)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.message, underlyingError: error)
            )
        }
    }

    /// Encodes `{name: canonical prior string}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(priorStrings)
    }
}
