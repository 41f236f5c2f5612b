import Foundation

/// How one scalar of a dimension maps to and from `[0, 1]` (see ``SpaceTransform``).
enum ScalarCodec: Hashable, Sendable {
    /// A `uniform` real on `[low, high]`.
    case linear(low: Double, high: Double)
    /// A `loguniform` real on `[low, high]`, linear between the logs.
    case log(low: Double, high: Double, logLow: Double, logHigh: Double)
    /// A `normal` real, through the CDF.
    case normal(mean: Double, sd: Double)
    /// Integers `first...last` in equal cells (`uniform` with `discrete=True`, `randint`).
    case linearInteger(first: Int, last: Int)
    /// Integers `first...last`, `first >= 1`, integer `k` in `[log k, log(k + 1))` of `[log first, log(last + 1)]`
    /// (`loguniform`, `discrete=True`).
    case logInteger(first: Int, last: Int, logLow: Double, logHigh: Double)
    /// Integers rounded from a `normal` draw: `k` in the CDF cell of `[k - 0.5, k + 0.5]`.
    case normalInteger(mean: Double, sd: Double)
    /// A real of another scipy distribution, through its CDF.
    case distribution(ScipyDistribution)
    /// Integers of a discrete scipy family (`k` in the cell `[cdf(k - 1), cdf(k)]`), or of a continuous one with
    /// `discrete=True`, rounded like `normal` (`rounded`: the cell of `[k - 0.5, k + 0.5]`).
    case distributionInteger(ScipyDistribution, rounded: Bool)
    /// The index of one of `count` categories, in equal cells.
    case index(count: Int)
    /// One of `count` categories, one coordinate each.
    case oneHot(count: Int)
}

/// Encodes and decodes the values of one dimension (every element of its shape) at a fixed place in the vector.
struct DimensionCodec: Hashable, Sendable {
    /// The dimension.
    let dimension: SpaceDimension
    /// The map of each scalar of the dimension.
    let scalar: ScalarCodec
    /// The dimension's first coordinate in the vector.
    let offset: Int

    /// The largest integer magnitude handled, as the sampler clamps it (below `Int.max`).
    static let integerLimit = 9.0e18
    /// The smallest and largest CDF values a `normal` decodes, symmetric: ±8.2 standard deviations.
    static let normalTail = 0x1p-53

    /// The codec of `dimension` starting at coordinate `offset`; `nil` for a fidelity, which has no coordinate.
    init?(_ dimension: SpaceDimension, offset: Int, encoding: SpaceTransform.CategoricalEncoding) {
        let integer = dimension.kind == .integer
        func integers() -> (Int, Int) {
            let (low, high) = dimension.interval ?? (0, 0)
            let first = Int(min(max(low, -Self.integerLimit), Self.integerLimit))
            return (first, max(first, Int(min(max(high, -Self.integerLimit), Self.integerLimit))))
        }
        switch dimension.prior {
        case .fidelity:
            return nil
        case .choices(let values, _):
            scalar = encoding == .oneHot ? .oneHot(count: values.count) : .index(count: values.count)
        case .uniform(let low, let high):
            let (first, last) = integers()
            scalar = integer ? .linearInteger(first: first, last: last) : .linear(low: low, high: high)
        case .randint:
            let (first, last) = integers()
            scalar = .linearInteger(first: first, last: last)
        case .logUniform(let low, let high):
            let (first, last) = integers()
            if integer {
                let (first, last) = (max(first, 1), max(last, first, 1))
                let logs = (Foundation.log(Double(first)), Foundation.log(Double(last) + 1))
                scalar = .logInteger(first: first, last: last, logLow: logs.0, logHigh: logs.1)
            } else {
                scalar = .log(low: low, high: high, logLow: Foundation.log(low), logHigh: Foundation.log(high))
            }
        case .normal(let mean, let sd):
            scalar = integer ? .normalInteger(mean: mean, sd: sd) : .normal(mean: mean, sd: sd)
        case .scipy(let distribution):
            scalar =
                integer
                ? .distributionInteger(distribution, rounded: !distribution.family.isDiscrete)
                : .distribution(distribution)
        }
        self.dimension = dimension
        self.offset = offset
    }

    /// The number of coordinates of one scalar: the number of categories for one-hot, else 1.
    var scalarWidth: Int {
        if case .oneHot(let count) = scalar { return count }
        return 1
    }

    /// The descriptions of the dimension's coordinates, in vector order.
    var coordinates: [SpaceTransform.Coordinate] {
        let width = scalarWidth
        var oneHot = false
        if case .oneHot = scalar { oneHot = true }
        return (0..<dimension.elementCount).flatMap { element in
            let start = offset + element * width
            return (0..<width).map { position in
                SpaceTransform.Coordinate(
                    dimension: dimension.name,
                    element: element,
                    kind: dimension.kind,
                    scale: scale,
                    levels: levels,
                    group: start..<(start + width),
                    category: oneHot ? position : nil
                )
            }
        }
    }

    private var scale: SpaceTransform.Scale {
        switch scalar {
        case .log, .logInteger: .log
        case .normal, .normalInteger: .normal
        case .distribution, .distributionInteger: .distribution
        case .linear, .linearInteger, .index, .oneHot: .linear
        }
    }

    private var levels: Int? {
        switch scalar {
        case .linearInteger(let first, let last), .logInteger(let first, let last, _, _):
            let (span, overflow) = last.subtractingReportingOverflow(first)
            return overflow || span == .max ? nil : span + 1
        case .index(let count):
            return count
        case .linear, .log, .normal, .normalInteger, .distribution, .distributionInteger, .oneHot:
            return nil
        }
    }

    /// Appends the coordinates of `value`, a valid value of the dimension, to `vector`.
    func encode(_ value: JSONValue, into vector: inout [Double]) {
        var scalars: [JSONValue] = []
        scalars.reserveCapacity(dimension.elementCount)
        Self.flatten(value, into: &scalars)
        for scalarValue in scalars { encodeScalar(scalarValue, into: &vector) }
    }

    /// The dimension's value read from its coordinates in `vector`.
    func decode(_ vector: [Double]) -> JSONValue {
        let width = scalarWidth
        let scalars = (0..<dimension.elementCount).map { element in
            decodeScalar(vector, at: offset + element * width)
        }
        var cursor = 0
        return Self.nest(scalars, shape: dimension.shape[...], cursor: &cursor)
    }

    /// The value of a fidelity dimension: `fidelity` clipped to its bounds, or its upper bound.
    static func fidelityValue(of dimension: SpaceDimension, _ fidelity: Double?) -> JSONValue {
        guard let fidelity, !fidelity.isNaN, let (low, high) = dimension.interval else {
            return dimension.defaultValue ?? .null
        }
        return dimension.numberValue(min(max(fidelity, low), high), nil)
    }

    /// The scalars of a nested value, row-major.
    private static func flatten(_ value: JSONValue, into scalars: inout [JSONValue]) {
        if case .array(let items) = value {
            for item in items { flatten(item, into: &scalars) }
        } else {
            scalars.append(value)
        }
    }

    /// The nested value of `shape` holding `scalars` from `cursor` on, row-major.
    private static func nest(_ scalars: [JSONValue], shape: ArraySlice<Int>, cursor: inout Int) -> JSONValue {
        guard let size = shape.first else {
            defer { cursor += 1 }
            return scalars[cursor]
        }
        return .array((0..<size).map { _ in nest(scalars, shape: shape.dropFirst(), cursor: &cursor) })
    }
}
