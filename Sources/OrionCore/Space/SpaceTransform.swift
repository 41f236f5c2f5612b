/// The numeric view of a search space that model-based algorithms (TPE, GP-BO, CMA-ES, BOHB, DEHB) work in: a point
/// becomes a vector in the unit cube `[0, 1]^width`, and any vector becomes a valid point.
///
/// Every coordinate is the prior's CDF of one scalar (the probability integral transform), so a uniform draw in the
/// cube decodes to a draw from the priors:
///
/// - `uniform` reals are linear on `[low, high]`; `loguniform` reals linear in `log` space; `normal` reals go through
///   the normal CDF, so they still land in `[0, 1]` (decoded values lie within ±8.2 standard deviations); other
///   scipy distributions (`beta`, `gamma`, ...) through their own CDF, the same way.
/// - Integers cut `[0, 1]` into one cell per integer, laid out as sampling draws them (equal cells for `uniform`
///   and `randint`, log-width cells for `loguniform`, CDF cells for `normal` and scipy distributions); a decoded
///   coordinate takes the
///   integer of its cell, and an integer encodes to the centre of its cell, so rounding is the same every time.
/// - Categories: one coordinate cut into equal cells in list order (``CategoricalEncoding/index``), or one
///   coordinate per category, decoded by argmax (``CategoricalEncoding/oneHot``).
/// - A dimension with a `shape` has one coordinate (or one one-hot group) per element, row-major.
/// - A `fidelity` has no coordinate: decoding fills it with its upper bound, or the value the caller passes.
///
/// Decoding accepts any vector: coordinates are clipped to `[0, 1]` (`nan` reads as 0.5), integers rounded to their
/// cell, reals rounded to their dimension's `precision` as sampling does, so every decoded point is inside the
/// space. `decode(encode(p)) == p` for every point `decode` can return and every point the space samples, with two
/// limits of `Double`: `normal` reals with `precision=None` (and values beyond 8.2 standard deviations) come back
/// within a few units in the last place, and integer dimensions beyond about 2⁴⁸ integers (`loguniform` integers
/// above 10¹³, `normal` integers with a standard deviation above 10¹²) cannot give each integer a cell. A real with
/// more significant digits than its `precision` comes back rounded to it.
///
/// Dimensions are encoded in the space's order (by name); ``coordinates`` describes each coordinate.
public struct SpaceTransform: Hashable, Sendable {
    /// How a categorical scalar is encoded.
    public enum CategoricalEncoding: String, Hashable, Sendable, Codable, CaseIterable {
        /// One coordinate cut into equal cells, category `k` of `n` in `[k/n, (k+1)/n)`, encoded at the centre.
        case index
        /// One coordinate per category: the category's coordinate is 1, the others 0; decoding takes the argmax
        /// (the first category on ties).
        case oneHot = "one_hot"
    }

    /// How the values of a numeric coordinate are spread over `[0, 1]`.
    public enum Scale: String, Hashable, Sendable, Codable {
        /// Linear in the value (`uniform`, `randint`, and categorical coordinates).
        case linear
        /// Linear in the logarithm of the value (`loguniform`).
        case log
        /// The normal CDF of the value (`normal`).
        case normal
        /// The CDF of another scipy distribution (`beta(2, 3)`, `poisson(3)`, ...).
        case distribution
    }

    /// What one coordinate of the vector stands for.
    public struct Coordinate: Hashable, Sendable {
        /// The name of the dimension the coordinate belongs to.
        public var dimension: String
        /// The position of the scalar inside the dimension's shape, row-major; 0 for a scalar dimension.
        public var element: Int
        /// `real`, `integer` or `categorical` (a fidelity has no coordinate).
        public var kind: DimensionKind
        /// How values are spread over `[0, 1]`.
        public var scale: Scale
        /// The number of cells `[0, 1]` is cut into: the integers of the support, or the categories of an
        /// ``CategoricalEncoding/index`` coordinate; `nil` for reals, one-hot coordinates, `normal` integers and
        /// supports too large for `Int`.
        public var levels: Int?
        /// The coordinates that encode the same scalar: the one-hot group it belongs to, else just itself.
        public var group: Range<Int>
        /// For a one-hot coordinate, the index of its category in the prior's list; `nil` otherwise.
        public var category: Int?

        /// The coordinate's range in the encoded space: always `[0, 1]`.
        public var bounds: ClosedRange<Double> { 0...1 }
    }

    /// The space the transform was built from.
    public let space: Space
    /// How categorical scalars are encoded.
    public let categoricalEncoding: CategoricalEncoding
    /// What each coordinate of an encoded vector stands for, in vector order.
    public let coordinates: [Coordinate]
    /// The fidelity dimensions, which have no coordinate.
    public let fidelityNames: [String]
    /// One codec per dimension of the space, in the space's order; `nil` for a fidelity.
    let codecs: [DimensionCodec?]

    /// Builds the transform of `space`.
    ///
    /// - Parameters:
    ///   - space: the search space.
    ///   - categoricalEncoding: how categorical scalars are encoded (default ``CategoricalEncoding/index``).
    /// - Complexity: O(w) for a vector width of w.
    public init(_ space: Space, categoricalEncoding: CategoricalEncoding = .index) {
        var codecs: [DimensionCodec?] = []
        var coordinates: [Coordinate] = []
        for dimension in space.dimensions {
            let codec = DimensionCodec(dimension, offset: coordinates.count, encoding: categoricalEncoding)
            codecs.append(codec)
            coordinates += codec?.coordinates ?? []
        }
        self.space = space
        self.categoricalEncoding = categoricalEncoding
        self.coordinates = coordinates
        self.fidelityNames = space.dimensions.filter { $0.kind == .fidelity }.map(\.name)
        self.codecs = codecs
    }

    /// The number of coordinates of an encoded vector.
    public var width: Int { coordinates.count }

    /// The vector of `point`, such as a trial's parameters.
    ///
    /// A dimension missing from the point takes its `default_value`; fidelity dimensions and names that are not
    /// dimensions of the space are ignored.
    ///
    /// - Parameter point: the parameters (`trial.params`).
    /// - Returns: ``width`` coordinates, each in `[0, 1]`.
    /// - Throws: ``SpaceError`` `outOfBounds` when a value is not a value of its dimension (wrong type, outside
    ///   the prior, wrong shape), `invalidArguments` when a dimension without a default value is missing.
    /// - Complexity: O(w + d log d) for a vector width of w and d dimensions; a real without `precision` may take
    ///   up to 64 evaluations of the decoding to find the coordinate that gives it back exactly.
    public func encode(_ point: Parameters) throws(SpaceError) -> [Double] {
        try encode(values: space.dimensions.map { point[$0.name] })
    }

    /// The vector of a point written by hand, dimension name → value (as the `Parameters` overload).
    ///
    /// A dimension missing from the point takes its `default_value`; fidelity dimensions and names that are not
    /// dimensions of the space are ignored.
    ///
    /// - Parameter point: dimension name → value.
    /// - Returns: ``width`` coordinates, each in `[0, 1]`.
    /// - Throws: ``SpaceError`` `outOfBounds` when a value is not a value of its dimension (wrong type, outside
    ///   the prior, wrong shape), `invalidArguments` when a dimension without a default value is missing.
    /// - Complexity: O(w) for a vector width of w; a real without `precision` may take up to 64 evaluations of
    ///   the decoding to find the coordinate that gives it back exactly.
    public func encode(_ point: [String: JSONValue]) throws(SpaceError) -> [Double] {
        try encode(values: space.dimensions.map { point[$0.name] })
    }

    /// The point of `vector`, inside the space.
    ///
    /// A vector whose length is not ``width`` is a programming error and stops the program.
    ///
    /// - Parameters:
    ///   - vector: ``width`` coordinates; any values (clipped to `[0, 1]`, `nan` read as 0.5).
    ///   - fidelity: the value of the fidelity dimensions, clipped to their bounds; `nil` for their upper bound.
    /// - Returns: the parameters, one per dimension of the space, ready to be a ``Suggestion``.
    /// - Complexity: O(w) for a vector width of w.
    public func decode(_ vector: [Double], fidelity: Double? = nil) -> Parameters {
        let values = decodeValues(vector, fidelity: fidelity)
        return Parameters(
            zip(space.dimensions, values).map { Trial.Param(name: $0.name, type: $0.kind, value: $1) }
        )
    }

    /// `vector` moved to the encoding of its decoded point: integers and categories to the centre of their cell,
    /// one-hot groups to 0/1, reals to their precision; the same as `encode(decode(vector))`.
    ///
    /// A vector whose length is not ``width`` is a programming error and stops the program.
    ///
    /// - Parameter vector: ``width`` coordinates; any values.
    /// - Returns: the snapped vector, each coordinate in `[0, 1]`.
    /// - Complexity: as ``encode(_:)``.
    public func snap(_ vector: [Double]) -> [Double] {
        precondition(vector.count == width, "a vector of \(vector.count) coordinates for a transform of \(width)")
        var result: [Double] = []
        result.reserveCapacity(width)
        // Dimension by dimension, as `encode(decode(vector))`; a scalar dimension skips the nesting of its value,
        // and a scalar real or integer the JSON value (model-based algorithms snap thousands of candidates per
        // suggestion). Each codec is used in place, not copied.
        for index in codecs.indices { codecs[index]?.snap(vector, into: &result) }
        return result
    }

    /// The vector of the values of the space's dimensions, in the space's order (`nil` for a missing value).
    func encode(values: [JSONValue?]) throws(SpaceError) -> [Double] {
        var vector: [Double] = []
        vector.reserveCapacity(width)
        for (codec, value) in zip(codecs, values) {
            guard let codec else { continue }
            let dimension = codec.dimension
            guard let value = value ?? dimension.defaultValue else {
                throw SpaceError(
                    .invalidArguments,
                    dimension: dimension.name,
                    "the point has no value for this dimension and it has no default_value; give a value"
                )
            }
            guard dimension.contains(value) else {
                throw SpaceError(
                    .outOfBounds,
                    dimension: dimension.name,
                    "\(value.pythonRepr) is not a value of \(dimension.priorWithoutDefault); give a value inside the "
                        + "prior, of the dimension's type and shape"
                )
            }
            codec.encode(value, into: &vector)
        }
        return vector
    }

    /// The values of the space's dimensions, in the space's order, decoded from `vector`.
    func decodeValues(_ vector: [Double], fidelity: Double?) -> [JSONValue] {
        precondition(vector.count == width, "a vector of \(vector.count) coordinates for a transform of \(width)")
        return zip(space.dimensions, codecs).map { dimension, codec in
            codec?.decode(vector) ?? DimensionCodec.fidelityValue(of: dimension, fidelity)
        }
    }
}

extension SpaceTransform: Codable {
    private enum CodingKeys: String, CodingKey {
        case space
        case categoricalEncoding = "categorical_encoding"
    }

    /// Decodes the space and the categorical encoding, and rebuilds the transform.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            try container.decode(Space.self, forKey: .space),
            categoricalEncoding: try container.decode(CategoricalEncoding.self, forKey: .categoricalEncoding)
        )
    }

    /// Encodes the space and the categorical encoding.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(space, forKey: .space)
        try container.encode(categoricalEncoding, forKey: .categoricalEncoding)
    }
}
