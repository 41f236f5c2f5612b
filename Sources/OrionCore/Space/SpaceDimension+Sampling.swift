import Foundation

extension SpaceDimension {
    /// Draws a value from the prior.
    ///
    /// Reals are `.double`, rounded to ``precision`` significant digits without leaving the support; integers are
    /// `.int` (`uniform` inclusive of `high`, `randint` exclusive, `loguniform` log-uniform over the integers,
    /// `normal` and continuous scipy distributions rounded to the nearest integer, discrete scipy families as they
    /// are); a category is drawn with its probability; a fidelity is always its upper bound. With a shape, every
    /// element is drawn independently into a nested `.array`.
    ///
    /// - Parameter rng: the source of randomness.
    /// - Returns: a value of the dimension's kind and shape.
    public func sample(using rng: inout some RandomNumberGenerator) -> JSONValue {
        sample(shape: shape[...], using: &rng)
    }

    private func sample<G: RandomNumberGenerator>(shape: ArraySlice<Int>, using rng: inout G) -> JSONValue {
        guard let size = shape.first else { return sampleScalar(using: &rng) }
        var items: [JSONValue] = []
        items.reserveCapacity(size)
        for _ in 0..<size { items.append(sample(shape: shape.dropFirst(), using: &rng)) }
        return .array(items)
    }

    private func sampleScalar<G: RandomNumberGenerator>(using rng: inout G) -> JSONValue {
        switch prior {
        case .uniform(let low, let high):
            if kind == .integer {
                let (first, last) = integerBounds(low, high)
                return .int(Int.random(in: first...max(first, last), using: &rng))
            }
            return .double(rounded(SpaceDimension.uniform(low, high, using: &rng), low, high))
        case .logUniform(let low, let high):
            if kind == .integer {
                let (first, last) = integerBounds(low, high)
                let logs = (log(Double(max(first, 1))), log(Double(max(last, first, 1)) + 1))
                let draw = exp(SpaceDimension.uniform(logs.0, logs.1, using: &rng)).rounded(.down)
                return .int(min(max(Int(exactly: draw) ?? last, first), last))
            }
            let draw = exp(SpaceDimension.uniform(log(low), log(high), using: &rng))
            return .double(rounded(min(max(draw, low), high), low, high))
        case .normal(let mean, let sd):
            let draw = mean + sd * SpaceDimension.standardNormal(using: &rng)
            let finite = min(max(draw, -Double.greatestFiniteMagnitude), Double.greatestFiniteMagnitude)
            if kind == .integer { return .int(SpaceDimension.clampedInt(finite.rounded())) }
            return .double(rounded(finite, -.infinity, .infinity))
        case .randint(let low, let high):
            return .int(high > low ? Int.random(in: low..<high, using: &rng) : low)
        case .scipy(let distribution):
            // The quantile of a uniform draw, as the space transform decodes a coordinate.
            let unit = Double.random(in: 0..<1, using: &rng)
            if kind == .integer {
                let rounded = !distribution.family.isDiscrete
                return .int(DimensionCodec.integerValue(distribution, rounded: rounded, unit: unit, interval))
            }
            return .double(applyingPrecision(DimensionCodec.distributionValue(distribution, unit)))
        case .choices(let values, let probabilities):
            guard !values.isEmpty else { return .null }
            return values[min(SpaceDimension.categoryIndex(probabilities, using: &rng), values.count - 1)]
        case .fidelity(_, let high, _):
            return numberValue(high, nil)
        }
    }

    /// The first and last integers of `[low, high]`, clamped to `Int`'s range (the prior parser refuses bounds
    /// beyond it, so only dimensions built directly are ever clamped).
    private func integerBounds(_ low: Double, _ high: Double) -> (Int, Int) {
        (SpaceDimension.clampedInt(low.rounded(.up)), SpaceDimension.clampedInt(high.rounded(.down)))
    }

    /// An integral double as an `Int`, clamped to `Int`'s range.
    private static func clampedInt(_ value: Double) -> Int {
        Int(min(max(value, -0x1p63), 0x1p63.nextDown))
    }

    /// A uniform draw in `[low, high]` that works for any finite bounds, however far apart; `low` when they meet.
    static func uniform<G: RandomNumberGenerator>(_ low: Double, _ high: Double, using rng: inout G) -> Double {
        guard low < high else { return low }
        let unit = Double.random(in: 0..<1, using: &rng)
        let width = high - low
        let draw = width.isFinite ? low + width * unit : low * (1 - unit) + high * unit
        return min(max(draw, low), high)
    }

    /// `value` rounded to the dimension's ``precision`` as sampling does, without leaving the interval.
    ///
    /// Algorithms that compute real values themselves (grids, model-based proposals) use it so that their values
    /// look like sampled ones. Rounding follows numpy's `format_float_scientific(value, precision=N-1)`; when that
    /// would cross a bound, the neighbouring `N`-digit value inside is used, or `value` itself when there is none.
    /// Dimensions that are not `real`, or have no precision, return `value` unchanged.
    ///
    /// - Parameter value: a value inside the dimension's interval.
    /// - Returns: the rounded value.
    public func applyingPrecision(_ value: Double) -> Double {
        guard kind == .real, let (low, high) = interval else { return value }
        return rounded(value, low, high)
    }

    /// `value` rounded to the dimension's precision, kept in `[low, high]`.
    private func rounded(_ value: Double, _ low: Double, _ high: Double) -> Double {
        guard let digits = precision else { return value }
        return SignificantDigits.round(value, digits: digits, inside: low, high)
    }

    /// A standard normal draw (Box–Muller, cosine branch; two uniforms per draw).
    static func standardNormal<G: RandomNumberGenerator>(using rng: inout G) -> Double {
        let radius = 1 - Double.random(in: 0..<1, using: &rng)  // in (0, 1], so the log is finite
        let angle = Double.random(in: 0..<1, using: &rng)
        return (-2 * log(radius)).squareRoot() * cos(2 * Double.pi * angle)
    }

    /// An index drawn with the given probabilities (exactly uniform when they are all equal).
    static func categoryIndex<G: RandomNumberGenerator>(_ probabilities: [Double], using rng: inout G) -> Int {
        guard !probabilities.isEmpty else { return 0 }
        if probabilities == Prior.uniformProbabilities(count: probabilities.count) {
            return Int.random(in: 0..<probabilities.count, using: &rng)
        }
        let total = probabilities.reduce(0, +)
        let target = Double.random(in: 0..<1, using: &rng) * total
        var cumulative = 0.0
        for (index, probability) in probabilities.enumerated() {
            cumulative += probability
            if target < cumulative { return index }
        }
        return probabilities.lastIndex { $0 > 0 } ?? 0
    }
}
