import Foundation

/// The standard normal distribution's CDF and quantile, used by ``SpaceTransform`` for `normal` priors.
///
/// Both are symmetric by construction (`cdf(-z) == 1 - cdf(z)` up to rounding, `quantile(1 - p) == -quantile(p)`
/// exactly), and work in the lower half, where `erfc` keeps full relative precision.
enum StandardNormal {
    /// √2.
    private static let sqrt2 = 2.0.squareRoot()

    /// Φ(z), the probability that a standard normal draw is at most `z`.
    ///
    /// - Complexity: O(1).
    static func cdf(_ z: Double) -> Double {
        z < 0 ? 0.5 * erfc(-z / sqrt2) : 1 - 0.5 * erfc(z / sqrt2)
    }

    /// Φ⁻¹(p), the `z` with `cdf(z) == p`; `-inf` for `p <= 0`, `inf` for `p >= 1`, `nan` for `nan`.
    ///
    /// Acklam's rational approximation (relative error below 1.2e-9,
    /// <https://web.archive.org/web/20151030215612/http://home.online.no/~pjacklam/notes/invnorm/>), refined by
    /// one step of Halley's method on `erfc`, which brings it to a few units in the last place.
    ///
    /// - Complexity: O(1).
    static func quantile(_ p: Double) -> Double {
        if p.isNaN { return .nan }
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        // `1 - p` is exact for p in [0.5, 1] (Sterbenz), so the upper half mirrors the lower one exactly.
        if p > 0.5 { return -quantile(1 - p) }
        var x: Double
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            let numerator =
                ((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838) * q
                    - 2.549732539343734) * q + 4.374664141464968) * q + 2.938163982698783
            let denominator =
                (((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996) * q
                    + 3.754408661907416) * q + 1
            x = numerator / denominator
        } else {
            let q = p - 0.5
            let r = q * q
            let numerator =
                (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r
                    + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239) * q
            let denominator =
                ((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02)
                    * r + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1
            x = numerator / denominator
        }
        let error = 0.5 * erfc(-x / sqrt2) - p
        let step = error * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        if step.isFinite { x -= step / (1 + x * step / 2) }
        return x
    }
}
