import Foundation

extension SpaceDimension {
    /// Whether `value` belongs to the dimension: right type, inside the support, and of the right shape.
    ///
    /// Real dimensions accept `.int` and `.double`; integer dimensions accept `.int` only; a categorical value must
    /// be one of the categories (an `.int` and a `.double` of equal value match, as in Python, but booleans only
    /// match booleans); a fidelity accepts any number in `[low, high]`. Precision is not checked.
    ///
    /// - Parameter value: the candidate value.
    /// - Returns: `true` when the value is a valid value of the dimension.
    public func contains(_ value: JSONValue) -> Bool {
        SpaceDimension.allElements(of: value, shape: shape[...], satisfy: containsScalar)
    }

    /// Whether a scalar value belongs to the dimension (shape ignored).
    func containsScalar(_ value: JSONValue) -> Bool {
        switch kind {
        case .real, .fidelity:
            guard let number = value.doubleValue, number.isFinite, let (low, high) = interval else { return false }
            return number >= low && number <= high
        case .integer:
            guard case .int(let number) = value, let (low, high) = interval else { return false }
            return Double(number) >= low && Double(number) <= high
        case .categorical:
            guard case .choices(let values, _) = prior else { return false }
            return values.contains { SpaceDimension.sameCategory($0, value) }
        }
    }

    /// Whether two categories are the same: equal values, or numbers of equal value (`1` and `1.0`).
    public static func sameCategory(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if lhs == rhs { return true }
        switch (lhs, rhs) {
        case (.int, .double), (.double, .int): return lhs.doubleValue == rhs.doubleValue
        default: return false
        }
    }

    /// Whether `value` is a nested array of `shape` (a scalar for `[]`) whose scalars all satisfy `predicate`.
    static func allElements(
        of value: JSONValue,
        shape: ArraySlice<Int>,
        satisfy predicate: (JSONValue) -> Bool
    ) -> Bool {
        guard let size = shape.first else {
            if case .array = value { return false }
            return predicate(value)
        }
        guard case .array(let items) = value, items.count == size else { return false }
        return items.allSatisfy { allElements(of: $0, shape: shape.dropFirst(), satisfy: predicate) }
    }

    /// The number of distinct values of the dimension.
    ///
    /// Integers: the integers of the support (`.infinity` for `normal`); categories: their count; a fidelity: 1
    /// (it does not multiply a space's size, as in Oríon). Reals are `.infinity`, except `loguniform` with a
    /// precision, which counts the decimals of `precision` significant digits in `[low, high]`, as Oríon does
    /// (`loguniform(1e-5, 1)` → 45001). With a shape, the count is raised to the number of elements.
    public var cardinality: Double {
        let scalar: Double
        switch (kind, prior) {
        case (.categorical, .choices(let values, _)):
            scalar = Double(values.count)
        case (.fidelity, _):
            return 1
        case (.integer, _):
            guard let (low, high) = interval, low.isFinite, high.isFinite else { return .infinity }
            scalar = high - low + 1
        case (.real, .logUniform(let low, let high)):
            guard let digits = precision, let count = SignificantDigits.count(from: low, to: high, digits: digits)
            else { return .infinity }
            scalar = count
        default:
            return .infinity
        }
        return elementCount == 1 ? scalar : pow(scalar, Double(elementCount))
    }

    /// The numeric support, both bounds inclusive; `nil` for a categorical dimension.
    ///
    /// `uniform`/`loguniform`: `(low, high)`, for an integer dimension the integers inside
    /// (`(ceil(low), floor(high))`); `normal`: `(-inf, inf)`; `randint(low, high)`: `(low, high - 1)`;
    /// `fidelity`: `(low, high)`; another scipy distribution: its support (infinite ends included), for a continuous
    /// family with `discrete=True` its ends rounded to the nearest integers.
    public var interval: (low: Double, high: Double)? {
        switch prior {
        case .uniform(let low, let high), .logUniform(let low, let high):
            return kind == .integer ? (low.rounded(.up), high.rounded(.down)) : (low, high)
        case .normal:
            return (-.infinity, .infinity)
        case .scipy(let distribution):
            let (low, high) = distribution.support
            // A continuous family with `discrete=True` rounds its draws to the nearest integer.
            if kind == .integer && !distribution.family.isDiscrete { return (low.rounded(), high.rounded()) }
            return (low, high)
        case .randint(let low, let high):
            return (Double(low), Double(high - 1))
        case .fidelity(let low, let high, _):
            return (low, high)
        case .choices:
            return nil
        }
    }
}
