import OrionCore

/// Random search spaces for property tests of algorithms and space transforms.
///
/// Spaces are written as prior expressions and parsed, so they are valid by the parser's rules. They cover every
/// prior kind (`uniform`, `loguniform` and `normal`, real and `discrete=True`, `randint`, `choices` as a list or
/// with probabilities, at most one `fidelity`), with `precision` (including `None` and 1 digit), `shape`,
/// `default_value`, negative ranges, tiny ranges (no `precision`-digit value inside), huge ranges (up to ±10¹²
/// integers, ±10³⁰⁰ reals, 24 decades of `loguniform`), single-integer ranges and one-choice categoricals.
public enum RandomSpaces {
    /// A random space with dimensions named `/d0`, `/d1`, ...
    ///
    /// - Parameters:
    ///   - dimensions: how many dimensions to draw from.
    ///   - rng: the source of randomness; the same seed gives the same space.
    /// - Returns: the space.
    /// - Throws: `SpaceError` if the parser rejects a generated expression (a bug in the generator or the parser).
    public static func space(
        dimensions: ClosedRange<Int> = 1...6,
        using rng: inout some RandomNumberGenerator
    ) throws -> Space {
        var result: [SpaceDimension] = []
        var hasFidelity = false
        for index in 0..<Int.random(in: dimensions, using: &rng) {
            let dimension = try self.dimension(named: "/d\(index)", allowFidelity: !hasFidelity, using: &rng)
            hasFidelity = hasFidelity || dimension.kind == .fidelity
            result.append(dimension)
        }
        return try Space(dimensions: result)
    }

    /// A random dimension, sometimes with a `default_value` drawn from its prior.
    ///
    /// - Parameters:
    ///   - name: the dimension's name, such as `/x`.
    ///   - allowFidelity: whether the dimension may be a `fidelity`.
    ///   - rng: the source of randomness.
    /// - Returns: the dimension, parsed from its canonical prior string.
    /// - Throws: `SpaceError` if the parser rejects a generated expression (a bug).
    public static func dimension(
        named name: String,
        allowFidelity: Bool = true,
        using rng: inout some RandomNumberGenerator
    ) throws -> SpaceDimension {
        var dimension = try PriorExpression.parse(expression(allowFidelity: allowFidelity, using: &rng), name: name)
        if dimension.kind != .fidelity && Int.random(in: 0..<4, using: &rng) == 0 {
            dimension.defaultValue = dimension.sample(using: &rng)
        }
        return try PriorExpression.parse(dimension.priorString, name: name)
    }

    /// A random prior expression without `default_value`.
    ///
    /// - Parameters:
    ///   - allowFidelity: whether the expression may be a `fidelity`.
    ///   - rng: the source of randomness.
    /// - Returns: the expression, e.g. `uniform(-3.5, 2, precision=2, shape=3)`.
    public static func expression(allowFidelity: Bool = true, using rng: inout some RandomNumberGenerator) -> String {
        let shape = [nil, nil, nil, "shape=3", "shape=(2, 2)"].randomElement(using: &rng, default: nil)
        let precision = [nil, nil, "precision=None", "precision=1", "precision=2", "precision=6", "precision=12"]
            .randomElement(using: &rng, default: nil)
        let kinds = allowFidelity ? 10 : 9
        switch Int.random(in: 0..<kinds, using: &rng) {
        case 0, 1:
            let (low, high) = realRange(using: &rng)
            return call("uniform", [number(low), number(high), precision, shape])
        case 2:
            let (low, high) = logRange(using: &rng)
            return call("loguniform", [number(low), number(high), precision, shape])
        case 3:
            let mean = [0, 1000, -3.25, Double(Int.random(in: -100...100, using: &rng))]
                .randomElement(using: &rng, default: 0)
            let sd = [1, 0.001, 2.5, 1e6].randomElement(using: &rng, default: 1)
            return call("normal", [number(mean), number(sd), precision, shape])
        case 4:
            let (low, high) = integerRange(using: &rng)
            return call("uniform", [number(low), number(high), "discrete=True", shape])
        case 5:
            if Int.random(in: 0..<5, using: &rng) == 0 {
                return call("loguniform", ["3.5", "4.5", "discrete=True", shape])
            }
            let low: Double = [1, 1, 2, 37].randomElement(using: &rng, default: 1)
            let high: Double = low * [2, 10, 1000, 1e12].randomElement(using: &rng, default: 10)
            return call("loguniform", [number(low), number(high), "discrete=True", shape])
        case 6:
            let mean = [0, 7.5, -1000].randomElement(using: &rng, default: 0)
            let sd = [0.3, 1, 50, 1e6].randomElement(using: &rng, default: 1)
            return call("normal", [number(mean), number(sd), "discrete=True", shape])
        case 7:
            let low = Int.random(in: -1000...1000, using: &rng)
            let count = [1, 2, 5, 1_000_000].randomElement(using: &rng, default: 2)
            return call("randint", [String(low), String(low + count), shape])
        case 8:
            return choices(shape: shape, using: &rng)
        default:
            let low = Int.random(in: 1...10, using: &rng)
            let high = low * (Int.random(in: 1...30, using: &rng))
            return call("fidelity", [String(low), String(high), "base=\(Int.random(in: 1...4, using: &rng))"])
        }
    }

    /// Bounds of a real `uniform`: ordinary, negative, straddling zero, tiny or huge.
    private static func realRange(using rng: inout some RandomNumberGenerator) -> (Double, Double) {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return (0, 1)
        case 1: return (-5, 10)
        case 2: return (-7.25, -0.5)
        case 3:
            let low = Double(Int.random(in: -1000...1000, using: &rng)) / 7
            return (low, low + abs(low) * 1e-9 + 1e-12)
        case 4: return (-1e300, 1e300)
        default:
            let low = Double.random(in: -100...100, using: &rng)
            return (low, low + Double.random(in: 0.001...1000, using: &rng))
        }
    }

    /// Bounds of a real `loguniform`: up to 24 decades, or a tiny ratio.
    private static func logRange(using rng: inout some RandomNumberGenerator) -> (Double, Double) {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return (1e-5, 1)
        case 1: return (1e-12, 1e12)
        case 2: return (3, 3.0001)
        default:
            let low = Double.random(in: 0.001...10, using: &rng)
            return (low, low * Double.random(in: 1.5...1e4, using: &rng))
        }
    }

    /// Bounds of a `uniform(..., discrete=True)`: integral or not, negative, a single integer, or ±10¹².
    private static func integerRange(using rng: inout some RandomNumberGenerator) -> (Double, Double) {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return (0, 10)
        case 1: return (-20.5, -3.25)
        case 2: return (3.5, 4.5)
        case 3: return (-1e12, 1e12)
        default:
            let low = Double(Int.random(in: -50...50, using: &rng))
            return (low, low + Double(Int.random(in: 1...500, using: &rng)))
        }
    }

    /// A `choices` expression: one to five categories of mixed types, as a list or with probabilities.
    private static func choices(shape: String?, using rng: inout some RandomNumberGenerator) -> String {
        let pool = ["'a'", "'b'", "1", "2.5", "True", "None", "'x y'", "-3"].shuffled(using: &rng)
        let categories = Array(pool.prefix(Int.random(in: 1...5, using: &rng)))
        guard Bool.random(using: &rng) else {
            return call("choices", ["[" + categories.joined(separator: ", ") + "]", shape])
        }
        var weights = categories.map { _ in Int.random(in: 0...4, using: &rng) }
        weights[0] = max(weights[0], 1)
        let total = Double(weights.reduce(0, +))
        let entries = zip(categories, weights).map { "\($0): \(PythonFloat.repr(Double($1) / total))" }
        return call("choices", ["{" + entries.joined(separator: ", ") + "}", shape])
    }

    private static func call(_ prior: String, _ arguments: [String?]) -> String {
        prior + "(" + arguments.compactMap { $0 }.joined(separator: ", ") + ")"
    }

    private static func number(_ value: Double) -> String {
        if let integer = Int(exactly: value), abs(value) < 1e15 { return String(integer) }
        return PythonFloat.repr(value)
    }
}

extension Array {
    fileprivate func randomElement(using rng: inout some RandomNumberGenerator, default fallback: Element) -> Element {
        randomElement(using: &rng) ?? fallback
    }
}
