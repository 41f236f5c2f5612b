import OrionCore

/// Grid search: the Cartesian product of a few values per dimension, walked in order.
///
/// Each dimension contributes `n_values` values (see ``GridSearch/values(of:count:)``): evenly spaced for
/// `uniform`, evenly spaced in log scale for `loguniform`, rounded and deduplicated for integers, every category
/// for `choices`, and only the upper bound for a `fidelity`. A dimension with a shape contributes one axis per
/// element. `normal` priors have no bounds and are rejected.
///
/// Unlike Oríon 0.2.7, which builds the grid before it knows `max_trials` and so always caps it at 10,000 points
/// (with `max_trials: 5`, Oríon runs the first five points of a 100-value axis, `0.0, 0.0101, ...`), the grid is
/// shrunk to fit the experiment's `max_trials` (10,000 when unlimited) by lowering the number of values of the
/// dimensions with the most values first, so the trials run cover the whole space.
///
/// Suggestions are deterministic; results are ignored. The algorithm is done when the grid is exhausted.
///
/// - Complexity: building is O(d · n · log n) for d dimensions of n values; a suggestion is O(d); the state holds
///   only the axes and a cursor, O(d · n).
public struct GridSearch: Algorithm {
    /// The options of grid search.
    public struct Options: AlgorithmOptions {
        /// `n_values`: the number of values per dimension, for all dimensions or per dimension (100 by default).
        public var nValues: ValueCounts = .all(GridSearch.defaultValueCount)

        private enum CodingKeys: String, CodingKey {
            case nValues = "n_values"
        }

        /// `n_values: 100`.
        public init() {}

        /// Options with `n_values`.
        ///
        /// - Parameter nValues: the number of values per dimension.
        public init(nValues: ValueCounts) {
            self.nValues = nValues
        }
    }

    /// `n_values`: one count for every dimension (`n_values: 10`), or counts by dimension name
    /// (`n_values: {lr: 10}`, dimensions not named get 100).
    public enum ValueCounts: Codable, Hashable, Sendable {
        /// The same count for every dimension.
        case all(Int)
        /// A count per dimension name (with or without the leading `/`).
        case perDimension([String: Int])

        /// Decodes a positive integer or a mapping from dimension names to positive integers.
        ///
        /// - Throws: ``AlgorithmError`` `.invalidOption` when a count is not a positive integer.
        public init(from decoder: any Decoder) throws {
            let value = try JSONValue(from: decoder)
            if let members = value.objectValue {
                var counts: [String: Int] = [:]
                for key in members.keys.sorted() {
                    counts[key] = try Self.positive(members[key] ?? .null, "n_values['\(key)']")
                }
                self = .perDimension(counts)
            } else if value.arrayValue != nil {
                throw AlgorithmError(
                    .invalidOption,
                    "gridsearch: n_values must be a positive integer or a mapping of dimension names to positive"
                        + " integers (n_values: {lr: 10}), not " + value.pythonRepr
                )
            } else {
                self = .all(try Self.positive(value, "n_values"))
            }
        }

        /// Encodes the integer or the mapping.
        ///
        /// - Throws: `EncodingError` from the encoder.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .all(let count): try container.encode(count)
            case .perDimension(let counts): try container.encode(counts)
            }
        }

        private static func positive(_ value: JSONValue, _ what: String) throws -> Int {
            guard let count = value.intValue, count >= 1, value.boolValue == nil else {
                throw AlgorithmError(
                    .invalidOption,
                    "gridsearch: \(what) must be a positive integer, not " + value.pythonRepr
                )
            }
            return count
        }
    }

    /// `gridsearch`.
    public static let name = "gridsearch"

    /// `true`: the grid is fitted to `max_trials`, so a new `max_trials` builds it again (the points already
    /// tried are skipped).
    public static let plansForBudget = true

    /// The number of values per dimension when `n_values` does not say.
    public static let defaultValueCount = 100

    /// The most values `n_values` may ask of one dimension: more could not fit any budget, and would take minutes
    /// to build.
    public static let maximumValueCount = 100_000

    /// The grid's size limit when the experiment has no `max_trials` (Oríon's cap).
    public static let defaultBudget = 10_000

    /// The values of one dimension on the grid.
    struct Axis: Codable, Hashable, Sendable {
        /// The dimension's name.
        var name: String
        /// The dimension's kind.
        var kind: DimensionKind
        /// The dimension's shape; each element takes any of ``values``.
        var shape: [Int]
        /// The values of one element.
        var values: [JSONValue]
    }

    /// The axes, in the space's (name) order.
    var axes: [Axis]
    /// The number of grid points (`Int.max` when larger).
    public let size: Int
    /// The index of the next grid point to suggest.
    public private(set) var cursor: Int

    /// Builds the grid for the space, shrunk to at most `max_trials` points when possible.
    ///
    /// - Parameters:
    ///   - options: `n_values`.
    ///   - context: the search space (`normal` priors are not supported) and the budget: the grid is shrunk to
    ///     `max_trials` (to 10,000 points when unlimited).
    /// - Throws: ``AlgorithmError`` `.unsupportedSpace` for a `normal` prior or a dimension without values,
    ///   `.invalidOption` when `n_values` names no dimension, `.tooLarge` when it asks more than
    ///   ``maximumValueCount`` values of a dimension.
    public init(options: Options, context: AlgorithmContext) throws {
        let space = context.space
        let requested = try Self.requestedCounts(options.nValues, space: space)
        try Self.checkLimit(requested, space: space)
        let budget = max(1, context.maxTrials ?? Self.defaultBudget)
        let counts = try Self.fittedCounts(space: space, requested: requested, budget: budget)
        var axes: [Axis] = []
        for (dimension, count) in zip(space.dimensions, counts) {
            let values = try Self.values(of: dimension, count: count)
            guard !values.isEmpty else {
                throw AlgorithmError(
                    .unsupportedSpace,
                    "gridsearch: dimension '\(dimension.name)' (\(dimension.priorString)) has no value to put "
                        + "on the grid"
                )
            }
            axes.append(Axis(name: dimension.name, kind: dimension.kind, shape: dimension.shape, values: values))
        }
        self.axes = axes
        self.size = Self.size(of: axes)
        self.cursor = 0
    }

    /// The next `count` grid points, in product order (the last dimension varies fastest).
    ///
    /// - Parameters:
    ///   - count: the number of points wanted.
    ///   - context: ignored: the grid was built for the space.
    /// - Returns: up to `count` points; none once the grid is exhausted.
    public mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        guard count > 0, cursor < size else { return [] }
        let end = cursor + min(count, size - cursor)
        let points = (cursor..<end).map { Suggestion(point(at: $0)) }
        cursor = end
        return points
    }

    /// Does nothing: the grid does not depend on results.
    ///
    /// - Parameters:
    ///   - trials: ignored.
    ///   - context: ignored.
    public mutating func observe(_ trials: [Trial], context: AlgorithmContext) {}

    /// `true` once every grid point has been suggested.
    ///
    /// - Parameter context: ignored.
    /// - Returns: whether the grid is exhausted.
    public func isDone(context: AlgorithmContext) -> Bool { cursor >= size }

    /// The grid point of rank `index` in product order.
    ///
    /// - Parameter index: in `0..<size`.
    /// - Returns: one parameter per axis (a nested array for a dimension with a shape).
    func point(at index: Int) -> Parameters {
        var remainder = index
        var digits: [[Int]] = Array(repeating: [], count: axes.count)
        for (position, axis) in axes.enumerated().reversed() {
            let elements = axis.shape.reduce(1, *)
            var axisDigits = Array(repeating: 0, count: elements)
            for element in (0..<elements).reversed() {
                axisDigits[element] = remainder % axis.values.count
                remainder /= axis.values.count
            }
            digits[position] = axisDigits
        }
        return Parameters(
            zip(axes, digits).map { axis, axisDigits in
                let flat = axisDigits.map { axis.values[$0] }
                return Trial.Param(
                    name: axis.name,
                    type: axis.kind,
                    value: Self.nest(flat[...], shape: axis.shape[...])
                )
            }
        )
    }

    /// The flat values `flat` as nested arrays of `shape` (the single value for a scalar).
    private static func nest(_ flat: ArraySlice<JSONValue>, shape: ArraySlice<Int>) -> JSONValue {
        guard let size = shape.first else { return flat.first ?? .null }
        let inner = shape.dropFirst().reduce(1, *)
        return .array(
            (0..<size).map { item in
                let start = flat.startIndex + item * inner
                return nest(flat[start..<(start + inner)], shape: shape.dropFirst())
            }
        )
    }

    /// The number of points of the product of `axes`, `Int.max` when larger.
    static func size(of axes: [Axis]) -> Int {
        var total = 1
        for axis in axes {
            for _ in 0..<axis.shape.reduce(1, *) {
                let (product, overflow) = total.multipliedReportingOverflow(by: axis.values.count)
                if overflow { return Int.max }
                total = product
            }
        }
        return total
    }
}

extension GridSearch {
    private enum CodingKeys: String, CodingKey {
        case axes, size, cursor
    }

    /// Decodes the state written by ``encode(to:)``, or by an earlier version (which also stored its options: they
    /// are ignored); real values stored as integral JSON numbers stay reals.
    ///
    /// - Throws: `DecodingError` when a member is missing or invalid.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        axes = try container.decode([Axis].self, forKey: .axes).map { axis in
            guard axis.kind == .real else { return axis }
            var real = axis
            real.values = axis.values.map { $0.promotingIntegersToDoubles() }
            return real
        }
        size = try container.decode(Int.self, forKey: .size)
        cursor = try container.decode(Int.self, forKey: .cursor)
    }

    /// Encodes the axes and the cursor.
    ///
    /// - Throws: `EncodingError` when a value cannot be encoded.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(axes, forKey: .axes)
        try container.encode(size, forKey: .size)
        try container.encode(cursor, forKey: .cursor)
    }
}
