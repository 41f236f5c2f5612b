import Foundation
import OrionCore

/// The numeric view a surrogate learns in: one feature per scalar of the search space, each in `[0, 1]`.
///
/// Features are the coordinates of the space's ``SpaceTransform`` (index-encoded categories, log scale for
/// `loguniform`, the CDF for `normal`), plus the fidelity, if any, on a log scale between its bounds (the transform
/// leaves it out). A dimension with a shape gives one feature per element, named `name[i]` (`name[i,j]`, ...) as
/// Oríon's flattened space names them. Features are in the space's order (by dimension name, then element).
public struct FeatureSpace: Sendable {
    /// One feature.
    public struct Feature: Sendable, Hashable {
        /// `name`, or `name[i,j]` for an element of a dimension with a shape.
        public var name: String
        /// The dimension it belongs to.
        public var dimension: SpaceDimension
        /// The element's row-major position inside the dimension's shape (0 for a scalar).
        public var element: Int
        /// The transform's coordinate, or `nil` for the fidelity.
        var coordinate: Int?
        /// The number of distinct values (integers or categories) when small enough to list, else `nil`.
        public var levels: Int?
    }

    /// The space.
    public let space: Space
    /// The features, in the space's order.
    public let features: [Feature]
    let transform: SpaceTransform

    /// Builds the features of `space`.
    ///
    /// - Parameter space: the search space.
    public init(space: Space) {
        self.space = space
        transform = SpaceTransform(space, categoricalEncoding: .index)
        var features: [Feature] = []
        var coordinates = transform.coordinates.enumerated().makeIterator()
        var pending = coordinates.next()
        for dimension in space.dimensions {
            if dimension.kind == .fidelity {
                features.append(Feature(name: dimension.name, dimension: dimension, element: 0, levels: nil))
                continue
            }
            while let (index, coordinate) = pending, coordinate.dimension == dimension.name {
                features.append(
                    Feature(
                        name: Self.elementName(dimension, coordinate.element),
                        dimension: dimension,
                        element: coordinate.element,
                        coordinate: index,
                        levels: coordinate.levels
                    )
                )
                pending = coordinates.next()
            }
        }
        self.features = features
    }

    /// The feature names, in order.
    public var names: [String] { features.map(\.name) }

    /// The index of the feature called `name`.
    ///
    /// - Parameter name: a feature name (`/lr`, `/w[1]`).
    /// - Returns: its index, or `nil`.
    public func index(of name: String) -> Int? { features.firstIndex { $0.name == name } }

    /// The features of `point`, or `nil` when it is not a point of the space.
    ///
    /// - Parameter point: a trial's parameters.
    /// - Returns: one value in `[0, 1]` per feature.
    public func encode(_ point: Parameters) -> [Double]? {
        guard let vector = try? transform.encode(point) else { return nil }
        return features.map { feature in
            if let coordinate = feature.coordinate { return vector[coordinate] }
            return Self.fidelityFeature(feature.dimension, point[feature.dimension.name]?.doubleValue)
        }
    }

    /// The value of feature `index` at position `u` of `[0, 1]`, in the dimension's own terms (a number, or a
    /// category).
    ///
    /// - Parameters:
    ///   - index: the feature.
    ///   - u: its position in `[0, 1]`.
    /// - Returns: the value a trial would have.
    public func value(of index: Int, at u: Double) -> JSONValue {
        let feature = features[index]
        guard let coordinate = feature.coordinate else {
            guard case .fidelity(let low, let high, _) = feature.dimension.prior else { return .null }
            let clipped = min(max(u, 0), 1)
            return .double(high > low ? low * pow(high / low, clipped) : low)
        }
        var vector = Array(repeating: 0.5, count: transform.width)
        vector[coordinate] = u
        let value = transform.decode(vector)[feature.dimension.name] ?? .null
        return Self.element(feature.element, of: value)
    }

    /// The value of feature `index` in `point` (an element of a value with a shape), if present.
    ///
    /// - Parameters:
    ///   - index: the feature.
    ///   - point: a trial's parameters.
    /// - Returns: the scalar value.
    public func value(of index: Int, in point: Parameters) -> JSONValue? {
        let feature = features[index]
        return point[feature.dimension.name].map { Self.element(feature.element, of: $0) }
    }

    /// `count` positions in `[0, 1]` spanning feature `index`: the centres of its cells when it has at most
    /// `count` integers or categories, else evenly spaced from 0 to 1.
    ///
    /// - Parameters:
    ///   - index: the feature.
    ///   - count: the number of positions wanted (at least 1).
    /// - Returns: increasing positions.
    public func grid(of index: Int, count: Int) -> [Double] {
        if let levels = features[index].levels, levels <= count {
            return (0..<levels).map { (Double($0) + 0.5) / Double(levels) }
        }
        guard count > 1 else { return [0.5] }
        return (0..<count).map { Double($0) / Double(count - 1) }
    }

    /// The fidelity's feature: its value on a log scale between the bounds (the upper bound when absent).
    static func fidelityFeature(_ dimension: SpaceDimension, _ value: Double?) -> Double {
        guard case .fidelity(let low, let high, _) = dimension.prior, high > low else { return 1 }
        guard let value, value > 0 else { return 1 }
        return min(max(log(value / low) / log(high / low), 0), 1)
    }

    /// The element at row-major position `element` of a nested array (the value itself for a scalar).
    static func element(_ element: Int, of value: JSONValue) -> JSONValue {
        guard case .array = value else { return value }
        var flat: [JSONValue] = []
        func flatten(_ value: JSONValue) {
            if case .array(let values) = value { values.forEach(flatten) } else { flat.append(value) }
        }
        flatten(value)
        return element < flat.count ? flat[element] : .null
    }

    /// `name` for a scalar, `name[i]` or `name[i,j]` for an element of a shaped dimension.
    static func elementName(_ dimension: SpaceDimension, _ element: Int) -> String {
        guard !dimension.shape.isEmpty else { return dimension.name }
        var indices: [Int] = []
        var rest = element
        for size in dimension.shape.reversed() {
            indices.append(rest % max(size, 1))
            rest /= max(size, 1)
        }
        return "\(dimension.name)[\(indices.reversed().map(String.init).joined(separator: ","))]"
    }
}
