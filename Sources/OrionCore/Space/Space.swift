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
    ///
    /// - Complexity: O(log d) for d dimensions.
    public subscript(name: String) -> SpaceDimension? {
        var low = 0
        var high = dimensions.count
        while low < high {
            let middle = (low + high) / 2
            let current = dimensions[middle].name
            if current == name { return dimensions[middle] }
            if current < name { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// The dimension names, sorted.
    public var names: [String] { dimensions.map(\.name) }

    /// Dimension name → canonical prior string (see ``SpaceDimension/priorString``).
    public var priorStrings: [String: String] {
        Dictionary(uniqueKeysWithValues: dimensions.map { ($0.name, $0.priorString) })
    }

    /// The fidelity dimension, if the space has one.
    public var fidelity: SpaceDimension? { dimensions.first { $0.kind == .fidelity } }

    /// The number of distinct configurations: the product of the dimensions' cardinalities (`.infinity` when one
    /// is).
    ///
    /// The fidelity dimension counts for 1: the same configuration at several fidelities is one configuration, so
    /// a finite space searched by a multi-fidelity algorithm is not exhausted after its first rung.
    public var cardinality: Double { dimensions.reduce(1.0) { $0 * $1.cardinality } }

    /// Draws a point: every dimension sampled from its prior, in name order (a fidelity at its upper bound).
    ///
    /// - Parameter rng: the source of randomness.
    /// - Returns: the parameters, one per dimension.
    public func sample(using rng: inout some RandomNumberGenerator) -> Parameters {
        Parameters(
            dimensions.map { Trial.Param(name: $0.name, type: $0.kind, value: $0.sample(using: &rng)) }
        )
    }

    /// Whether `point` has exactly the space's dimensions, each value inside its dimension and of its kind.
    ///
    /// - Parameter point: the parameters.
    /// - Returns: `true` when the point belongs to the space.
    public func contains(_ point: Parameters) -> Bool {
        guard point.count == dimensions.count else { return false }
        return zip(dimensions, point).allSatisfy { dimension, param in
            dimension.name == param.name && dimension.kind == param.type && dimension.contains(param.value)
        }
    }

    /// Whether `point` is one of the configurations ``cardinality`` counts: it belongs to the space and each of its
    /// reals with a `precision` is on that precision's grid, as sampling writes it.
    ///
    /// `orion insert` and a parent version without the precision give points off the grid: members of the space,
    /// but not among its finitely many configurations, so an algorithm that counts the configurations tried must
    /// leave them out (ten inserted `1.5`, `2.5`, ... ended `loguniform(1, 10, precision=1)` as done for `tpe`,
    /// `cmaes` and `gp` with none of its ten values tried).
    ///
    /// - Parameter point: the parameters.
    /// - Returns: `true` when the point is a configuration of the space.
    public func isOnGrid(_ point: Parameters) -> Bool {
        contains(point)
            && zip(dimensions, point).allSatisfy { dimension, param in
                dimension.kind != .real || dimension.precision == nil
                    || SpaceDimension.allElements(of: param.value, shape: dimension.shape[...]) { value in
                        value.doubleValue.map { dimension.applyingPrecision($0) == $0 } ?? false
                    }
            }
    }

    /// The trial parameters for `point`, sorted by name, each with its dimension's kind.
    ///
    /// Names that are not dimensions of the space are left out.
    ///
    /// - Parameter point: dimension name → value.
    /// - Returns: the parameters in name order.
    public func params(from point: [String: JSONValue]) -> Parameters {
        Parameters(
            dimensions.compactMap { dimension in
                point[dimension.name].map { Trial.Param(name: dimension.name, type: dimension.kind, value: $0) }
            }
        )
    }

    /// The same configuration with its fidelity (if the space has one) set to the fidelity's upper bound, the
    /// value random sampling gives: two trials of one configuration at different fidelities have the same key.
    ///
    /// - Parameter point: parameters of this space.
    /// - Returns: `point`, its fidelity value replaced.
    public func configuration(of point: Parameters) -> Parameters {
        guard let fidelity else { return point }
        var generator = SeededGenerator(seed: 0)
        return point.replacing(fidelity.name, with: fidelity.sample(using: &generator))
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
