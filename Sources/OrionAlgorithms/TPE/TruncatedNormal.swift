import Foundation

/// A normal distribution truncated to `[0, 1]`, the kernel of a Parzen estimator on one coordinate of the unit cube.
///
/// Private to TPE: a normal cdf of its own until `OrionNumerics` has one (numerically safe in both tails, through
/// `erfc`).
struct TruncatedNormal: Hashable, Sendable {
    /// The mean, in `[0, 1]`.
    var mean: Double
    /// The standard deviation, positive.
    var sd: Double

    /// √2.
    private static let sqrt2 = 2.0.squareRoot()
    /// log √(2π).
    private static let logSqrt2Pi = 0.5 * log(2 * Double.pi)
    /// The smallest probability mass a log is taken of, so that a far cell scores very low but finite.
    static let massFloor = 1e-300

    /// Φ(b) − Φ(a) for the standard normal, `a <= b`, computed in the tail where it keeps its precision.
    static func standardMass(from a: Double, to b: Double) -> Double {
        if a >= 0 { return 0.5 * (erfc(a / sqrt2) - erfc(b / sqrt2)) }
        if b <= 0 { return 0.5 * (erfc(-b / sqrt2) - erfc(-a / sqrt2)) }
        return 1 - 0.5 * erfc(-a / sqrt2) - 0.5 * erfc(b / sqrt2)
    }

    /// The mass of the untruncated normal inside `[0, 1]`.
    var normalizer: Double { Self.standardMass(from: -mean / sd, to: (1 - mean) / sd) }

    /// The log density at `x` in `[0, 1]`.
    ///
    /// - Parameters:
    ///   - x: the point.
    ///   - logNormalizer: `log(normalizer)`, computed once per kernel.
    /// - Returns: the log density.
    func logDensity(_ x: Double, logNormalizer: Double) -> Double {
        let z = (x - mean) / sd
        return -0.5 * z * z - log(sd) - Self.logSqrt2Pi - logNormalizer
    }

    /// The log of the probability of the cell `[low, high]` inside `[0, 1]`.
    ///
    /// - Parameters:
    ///   - low: the cell's lower end.
    ///   - high: the cell's upper end.
    ///   - logNormalizer: `log(normalizer)`.
    /// - Returns: the log probability, at least `log(massFloor)`.
    func logMass(from low: Double, to high: Double, logNormalizer: Double) -> Double {
        let mass = Self.standardMass(from: (low - mean) / sd, to: (high - mean) / sd)
        return log(max(mass, Self.massFloor)) - logNormalizer
    }

    /// A draw inside `[0, 1]`, by rejection from the normal (accepts at least a third of the draws, since the
    /// mean lies in `[0, 1]` and the deviation is at most 1); clipped after 200 rejections.
    ///
    /// - Parameter rng: the random source.
    /// - Returns: the draw.
    func sample(using rng: inout some RandomNumberGenerator) -> Double {
        var x = mean
        for _ in 0..<200 {
            x = mean + sd * Self.standardNormal(using: &rng)
            if x >= 0 && x <= 1 { return x }
        }
        return min(max(x, 0), 1)
    }

    /// A standard normal draw (Box–Muller).
    static func standardNormal(using rng: inout some RandomNumberGenerator) -> Double {
        let u = Double.random(in: Double.leastNormalMagnitude..<1, using: &rng)
        let v = Double.random(in: 0..<1, using: &rng)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
