import Foundation

/// The standard normal distribution, accurate far in the tails, and the expected improvement built on it.
///
/// `cdf` and `logCDF` keep their relative accuracy for very negative arguments (where `1 - cdf(-z)` would round to
/// 0), and ``logH(_:)`` is the log of the expected improvement of a unit normal, finite and accurate for any `z`,
/// as in [Ament et al., 2023, "Unexpected improvements to expected improvement for Bayesian
/// optimization"](https://arxiv.org/abs/2310.20708).
public enum Normal {
    /// `log(√(2π))`.
    public static let logSqrtTwoPi = 0.918_938_533_204_672_8

    /// The density `φ(z) = exp(-z²/2) / √(2π)`.
    ///
    /// - Parameter z: the argument.
    /// - Returns: the density.
    public static func pdf(_ z: Double) -> Double { exp(-0.5 * z * z - logSqrtTwoPi) }

    /// `log φ(z)`.
    ///
    /// - Parameter z: the argument.
    /// - Returns: the log-density.
    public static func logPDF(_ z: Double) -> Double { -0.5 * z * z - logSqrtTwoPi }

    /// The distribution function `Φ(z)`, with full relative accuracy for negative `z` (down to underflow near -38).
    ///
    /// - Parameter z: the argument.
    /// - Returns: `Φ(z)`.
    public static func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// `log Φ(z)`, finite for every finite `z` (an asymptotic series below -37, where `Φ` underflows).
    ///
    /// - Parameter z: the argument.
    /// - Returns: `log Φ(z)`.
    public static func logCDF(_ z: Double) -> Double {
        if z > 5 { return -0.5 * erfc(z / 2.0.squareRoot()) }  // log(1 - q) ≈ -q for q < 3e-7
        if z > -37 { return log(cdf(z)) }
        // Φ(z) = φ(z)/|z| · (1 - 1/z² + 3/z⁴ - 15/z⁶ + ...), which converges fast for |z| ≥ 37.
        return logPDF(z) - log(-z) + log1p(millsSeries(z))
    }

    /// `Φ(z)/φ(z)` for `z < 0` times `|z|`, minus one: `-1/z² + 3/z⁴ - ...` (the asymptotic series), for
    /// `|z| ≥ 37`.
    private static func millsSeries(_ z: Double) -> Double {
        let inverseSquare = 1 / (z * z)
        var term = 1.0
        var sum = 0.0
        for k in 1...12 {
            term *= -Double(2 * k - 1) * inverseSquare
            sum += term
        }
        return sum
    }

    /// `h(z) = φ(z) + z Φ(z)`: the expected improvement `E[max(0, Z + z)]` of a unit normal `Z`.
    ///
    /// The expected improvement over `best` of a normal posterior of mean `μ` and standard deviation `σ`, when
    /// minimizing, is `σ h((best - μ)/σ)`.
    ///
    /// - Parameter z: the standardized improvement.
    /// - Returns: `h(z)`, which underflows to 0 below about -38 (use ``logH(_:)`` there).
    public static func h(_ z: Double) -> Double { exp(logH(z)) }

    /// `log h(z)`, finite and accurate for every finite `z`.
    ///
    /// For `z > -1`, directly; below, `h(z) = φ(z) (1 - |z| Φ(z)/φ(z))`, with the bracket from `erfc` down to -37
    /// and from its asymptotic series `1/z² - 3/z⁴ + 15/z⁶ - ...` beyond.
    ///
    /// - Parameter z: the standardized improvement.
    /// - Returns: `log h(z)`.
    public static func logH(_ z: Double) -> Double {
        if z > -1 { return log(pdf(z) + z * cdf(z)) }
        let bracket: Double
        if z > -37 {
            bracket = -expm1(log(-z) + log(cdf(z)) - logPDF(z))
        } else {
            bracket = -millsSeries(z)
        }
        return logPDF(z) + log(bracket)
    }

    /// The derivative of ``logH(_:)``: `Φ(z) / h(z)`.
    ///
    /// - Parameter z: the standardized improvement.
    /// - Returns: `d log h / dz`, positive.
    public static func logHDerivative(_ z: Double) -> Double {
        if z > -37 { return exp(logCDF(z) - logH(z)) }
        // Φ/h = (Φ/φ) / (1 - |z| Φ/φ), with |z| Φ/φ = 1 + S from the series: no difference of huge logs.
        let series = millsSeries(z)
        return (1 + series) / (-z * -series)
    }

    /// The log of the expected improvement over `best` of a normal of mean `mean` and standard deviation `sd`,
    /// when minimizing: `log(sd) + log h((best - mean)/sd)`.
    ///
    /// - Parameters:
    ///   - mean: the posterior mean.
    ///   - sd: the posterior standard deviation, positive.
    ///   - best: the value to improve on.
    /// - Returns: the log expected improvement (`-infinity` when `sd` is 0 and `mean ≥ best`).
    public static func logExpectedImprovement(mean: Double, sd: Double, best: Double) -> Double {
        guard sd > 0 else { return mean < best ? log(best - mean) : -.infinity }
        return log(sd) + logH((best - mean) / sd)
    }
}
