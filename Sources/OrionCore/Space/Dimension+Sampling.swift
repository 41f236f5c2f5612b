import Foundation

extension Dimension {
    /// Draws a value from the prior.
    ///
    /// Reals are `.double`, rounded to ``precision`` significant digits without leaving the support; integers are
    /// `.int` (`uniform` inclusive of `high`, `randint` exclusive, `loguniform` log-uniform over the integers,
    /// `normal` rounded to the nearest integer); a category is drawn with its probability; a fidelity is always its
    /// upper bound. With a shape, every element is drawn independently into a nested `.array`.
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
                return .int(Int.random(in: Int(low.rounded(.up))...Int(high.rounded(.down)), using: &rng))
            }
            return .double(rounded(Double.random(in: low..<high, using: &rng), low, high))
        case .logUniform(let low, let high):
            if kind == .integer {
                let first = Int(low.rounded(.up))
                let last = Int(high.rounded(.down))
                let draw = exp(Double.random(in: log(Double(first))..<log(Double(last) + 1), using: &rng))
                return .int(min(max(Int(draw.rounded(.down)), first), last))
            }
            let draw = exp(Double.random(in: log(low)..<log(high), using: &rng))
            return .double(rounded(min(max(draw, low), high), low, high))
        case .normal(let mean, let sd):
            let draw = mean + sd * Dimension.standardNormal(using: &rng)
            if kind == .integer { return .int(Int(min(max(draw.rounded(), -9.0e15), 9.0e15))) }
            return .double(rounded(draw, -.infinity, .infinity))
        case .randint(let low, let high):
            return .int(Int.random(in: low..<high, using: &rng))
        case .choices(let values, let probabilities):
            return values[Dimension.categoryIndex(probabilities, using: &rng)]
        case .fidelity(_, let high, _):
            return numberValue(high, nil)
        }
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
