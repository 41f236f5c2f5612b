import Foundation

/// The regularized incomplete gamma and beta functions, which give the CDFs of the gamma, chi-squared, beta,
/// Student's t, Poisson, binomial and negative binomial distributions (``ScipyDistribution``).
///
/// Both use the classical expansions: a power series where it converges fast, else a continued fraction evaluated
/// with the modified Lentz method (Press et al., *Numerical Recipes*, 3rd ed., §6.2 and §6.4; DLMF 8.7.1, 8.9.2,
/// 8.17.22). Relative error is a few units in the last place for moderate parameters, about 1e-12 for parameters
/// near 10⁶; each evaluation takes O(√a) terms at worst.
enum SpecialFunctions {
    /// The relative size of the last term kept, and how close to 1 a continued fraction's last factor must come:
    /// two units in the last place (a factor may alternate between the doubles on either side of 1, never equal to it).
    private static let epsilon = 0x1p-51
    /// A floor that keeps Lentz's method away from a division by zero.
    private static let tiny = 0x1p-1000
    /// The most terms summed before giving up (reached only for parameters beyond about 10⁹).
    private static let maxTerms = 100_000

    /// P(a, x) = γ(a, x) / Γ(a), the probability that a gamma(a) draw is at most `x`; `a > 0`.
    ///
    /// - Parameters:
    ///   - a: the shape, `> 0`.
    ///   - x: the point.
    /// - Returns: a value in `[0, 1]`; 0 for `x <= 0`.
    static func lowerGamma(_ a: Double, _ x: Double) -> Double {
        if x.isNaN || a.isNaN { return .nan }
        if x <= 0 { return 0 }
        if x == .infinity { return 1 }
        return x < a + 1 ? gammaSeries(a, x) : 1 - gammaFraction(a, x)
    }

    /// Q(a, x) = 1 − P(a, x), computed directly so that it keeps its precision where P is close to 1.
    ///
    /// - Parameters:
    ///   - a: the shape, `> 0`.
    ///   - x: the point.
    /// - Returns: a value in `[0, 1]`; 1 for `x <= 0`.
    static func upperGamma(_ a: Double, _ x: Double) -> Double {
        if x.isNaN || a.isNaN { return .nan }
        if x <= 0 { return 1 }
        if x == .infinity { return 0 }
        return x < a + 1 ? 1 - gammaSeries(a, x) : gammaFraction(a, x)
    }

    /// `x^a e^(−x) / Γ(a)`, the factor in front of both expansions, computed in logs.
    private static func gammaPrefactor(_ a: Double, _ x: Double) -> Double {
        exp(a * log(x) - x - lgamma(a))
    }

    /// P(a, x) by its series Σ xⁿ / (a (a+1) … (a+n)), for `x < a + 1`.
    private static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var denominator = a
        var term = 1 / a
        var sum = term
        for _ in 0..<maxTerms {
            denominator += 1
            term *= x / denominator
            sum += term
            if abs(term) < abs(sum) * epsilon { break }
        }
        return min(max(sum * gammaPrefactor(a, x), 0), 1)
    }

    /// Q(a, x) by its continued fraction, for `x >= a + 1`.
    private static func gammaFraction(_ a: Double, _ x: Double) -> Double {
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var result = d
        for step in 1...maxTerms {
            let numerator = -Double(step) * (Double(step) - a)
            b += 2
            d = numerator * d + b
            if abs(d) < tiny { d = tiny }
            c = b + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let factor = d * c
            result *= factor
            if abs(factor - 1) < epsilon { break }
        }
        return min(max(result * gammaPrefactor(a, x), 0), 1)
    }

    /// I_x(a, b), the probability that a beta(a, b) draw is at most `x`; `a, b > 0`.
    ///
    /// - Parameters:
    ///   - a: the first shape, `> 0`.
    ///   - b: the second shape, `> 0`.
    ///   - x: the point.
    /// - Returns: a value in `[0, 1]`; 0 for `x <= 0`, 1 for `x >= 1`.
    static func incompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
        if x.isNaN || a.isNaN || b.isNaN { return .nan }
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        // The fraction converges fast below the mean (a + 1) / (a + b + 2); above it, use I_x(a, b) = 1 − I_{1−x}(b, a).
        if x < (a + 1) / (a + b + 2) { return min(max(betaPrefactor(a, b, x) * betaFraction(a, b, x) / a, 0), 1) }
        return min(max(1 - betaPrefactor(b, a, 1 - x) * betaFraction(b, a, 1 - x) / b, 0), 1)
    }

    /// 1 − I_x(a, b) = I_{1−x}(b, a), computed without the subtraction where it would lose precision.
    ///
    /// - Parameters:
    ///   - a: the first shape, `> 0`.
    ///   - b: the second shape, `> 0`.
    ///   - x: the point.
    /// - Returns: a value in `[0, 1]`.
    static func incompleteBetaComplement(_ a: Double, _ b: Double, _ x: Double) -> Double {
        if x.isNaN || a.isNaN || b.isNaN { return .nan }
        if x <= 0 { return 1 }
        if x >= 1 { return 0 }
        return incompleteBeta(b, a, 1 - x)
    }

    /// `x^a (1−x)^b / (a B(a, b))` without the `1 / a`: the factor in front of the fraction, in logs.
    private static func betaPrefactor(_ a: Double, _ b: Double, _ x: Double) -> Double {
        exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x))
    }

    /// The continued fraction of I_x(a, b) (DLMF 8.17.22), by the modified Lentz method.
    private static func betaFraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for step in 1...maxTerms {
            let m = Double(step)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let factor = d * c
            result *= factor
            if abs(factor - 1) < epsilon { break }
        }
        return result
    }

    /// The largest double in `[low, high]` whose image under the non-decreasing `f` is below `target`, or `low`.
    ///
    /// Bisects over the bit patterns of the non-negative doubles, so it ends at adjacent doubles after at most 64
    /// evaluations whatever the scale (`high` may be `.greatestFiniteMagnitude`). Used to invert CDFs that have no
    /// closed-form quantile.
    ///
    /// - Parameters:
    ///   - target: the value to reach.
    ///   - low: the lower end, `>= 0`.
    ///   - high: the upper end, `>= low`, finite.
    ///   - f: a non-decreasing function.
    /// - Returns: the first double of `[low, high]` where `f` reaches `target` (`high` if it never does).
    static func firstReaching(_ target: Double, low: Double, high: Double, _ f: (Double) -> Double) -> Double {
        var below = low.bitPattern
        var above = high.bitPattern
        if f(low) >= target { return low }
        if f(high) < target { return high }
        while above - below > 1 {
            let middle = below + (above - below) / 2
            if f(Double(bitPattern: middle)) >= target { above = middle } else { below = middle }
        }
        return Double(bitPattern: above)
    }
}
