import Foundation

/// A `scipy.stats` distribution used as a prior by name, as Oríon allows (`beta(2, 3)`, `gamma(2, scale=0.5)`,
/// `poisson(3)`): the families below, with scipy's shape parameters, `loc` and `scale` (discrete families have
/// `loc` only).
///
/// A value is `loc + scale * z` where `z` follows the family's standard form. Everything a search needs is computed
/// here: the support, the CDF and its inverse (so ``SpaceTransform`` maps the prior to `[0, 1]` through its CDF, as
/// for `normal`, and sampling is the quantile of a uniform draw). Families without a closed-form quantile are
/// inverted by bisection over the doubles (at most 64 CDF evaluations).
public struct ScipyDistribution: Hashable, Sendable {
    /// The supported families, named as in `scipy.stats`.
    public enum Family: String, Hashable, Sendable, CaseIterable {
        case beta, cauchy, chi2, expon, gamma
        case gumbelR = "gumbel_r"
        case halfcauchy, halfnorm, laplace, logistic, lognorm, pareto, t, triang, truncnorm
        case weibullMin = "weibull_min"
        case bernoulli, binom, geom, nbinom, poisson

        /// Whether values are integers (scipy's `rv_discrete`); such families have no `scale`.
        public var isDiscrete: Bool {
            switch self {
            case .bernoulli, .binom, .geom, .nbinom, .poisson: true
            default: false
            }
        }

        /// The names of the shape parameters, in scipy's positional order.
        public var shapeNames: [String] {
            switch self {
            case .beta: ["a", "b"]
            case .chi2, .t: ["df"]
            case .gamma: ["a"]
            case .lognorm: ["s"]
            case .pareto: ["b"]
            case .triang, .weibullMin: ["c"]
            case .truncnorm: ["a", "b"]
            case .bernoulli, .geom: ["p"]
            case .binom, .nbinom: ["n", "p"]
            case .poisson: ["mu"]
            case .cauchy, .expon, .gumbelR, .halfcauchy, .halfnorm, .laplace, .logistic: []
            }
        }

        /// The support of the standard form (`loc = 0`, `scale = 1`), bounds included where finite.
        func standardSupport(_ shapes: [Double]) -> (low: Double, high: Double) {
            switch self {
            case .beta, .triang: (0, 1)
            case .chi2, .expon, .gamma, .halfcauchy, .halfnorm, .lognorm, .weibullMin: (0, .infinity)
            case .pareto: (1, .infinity)
            case .truncnorm: (shapes[0], shapes[1])
            case .cauchy, .gumbelR, .laplace, .logistic, .t: (-.infinity, .infinity)
            case .bernoulli: (0, 1)
            case .binom: (0, shapes[0])
            case .geom: (1, .infinity)
            case .nbinom, .poisson: (0, .infinity)
            }
        }

        /// The largest shape parameter of the families computed through incomplete gamma and beta functions
        /// (10⁶): beyond, their series lose precision; such a distribution is close to a normal one anyway.
        static let largestShape = 1e6

        /// What is wrong with `shapes` (scipy's own conditions, and the limits of this implementation): the index
        /// of the parameter at fault and why, or `nil` when they are valid.
        func problem(with shapes: [Double]) -> (index: Int, message: String)? {
            func positive(_ index: Int, most: Double = .infinity) -> (Int, String)? {
                if !(shapes[index] > 0) { return (index, "\(shapeNames[index]) must be > 0") }
                if shapes[index] > most {
                    return (
                        index, "\(shapeNames[index]) must be at most \(PythonFloat.repr(most)) here; use normal(...)"
                    )
                }
                return nil
            }
            func probability(_ index: Int, open: Bool, least: Double = 0) -> (Int, String)? {
                let p = shapes[index]
                let valid = open ? p > 0 && p <= 1 : p >= 0 && p <= 1
                if !valid { return (index, "p must lie in " + (open ? "(0, 1]" : "[0, 1]")) }
                if p < least { return (index, "p must be at least \(PythonFloat.repr(least)) here") }
                return nil
            }
            let most = Self.largestShape
            switch self {
            case .beta: return positive(0, most: most) ?? positive(1, most: most)
            case .gamma, .poisson: return positive(0, most: most)
            case .chi2: return positive(0, most: 2 * most)
            case .t:
                if shapes[0] < 0.5 { return (0, "df must be at least 0.5 here (heavier tails overflow doubles)") }
                return positive(0, most: most)
            case .lognorm, .pareto, .weibullMin: return positive(0)
            case .triang: return shapes[0] >= 0 && shapes[0] <= 1 ? nil : (0, "c must lie in [0, 1]")
            case .truncnorm:
                guard shapes[0] < shapes[1] else { return (1, "a must be less than b") }
                // Beyond about 37 standard deviations the normal CDF underflows: no mass left to spread.
                guard shapes[0] < 37, shapes[1] > -37 else {
                    return (0, "the interval [a, b] lies beyond 37 standard deviations; shift it with loc instead")
                }
                return nil
            case .bernoulli: return probability(0, open: false)
            case .geom: return probability(0, open: true, least: 1e-12)
            case .binom:
                guard shapes[0] >= 0, shapes[0] == shapes[0].rounded(), shapes[0] <= most else {
                    return (0, "n must be a whole number from 0 to \(PythonFloat.repr(most))")
                }
                return probability(1, open: false)
            case .nbinom: return positive(0, most: most) ?? probability(1, open: true, least: 1e-12)
            case .cauchy, .expon, .gumbelR, .halfcauchy, .halfnorm, .laplace, .logistic: return nil
            }
        }
    }

    /// The family.
    public var family: Family
    /// The shape parameters, in ``Family/shapeNames`` order.
    public var shapes: [Double]
    /// The shift of the standard form.
    public var loc: Double
    /// The stretch of the standard form, `> 0` (always 1 for a discrete family).
    public var scale: Double

    /// Creates a distribution; ``PriorExpression/parse(_:name:)`` checks the parameters of user input.
    ///
    /// - Parameters:
    ///   - family: the family.
    ///   - shapes: one value per name of ``Family/shapeNames``.
    ///   - loc: the shift (default 0).
    ///   - scale: the stretch (default 1; ignored for a discrete family).
    public init(_ family: Family, shapes: [Double], loc: Double = 0, scale: Double = 1) {
        self.family = family
        self.shapes = shapes
        self.loc = loc
        self.scale = family.isDiscrete ? 1 : scale
    }

    /// The smallest and largest values, bounds included where finite (`loc + scale * ` the standard support).
    public var support: (low: Double, high: Double) {
        let (low, high) = family.standardSupport(shapes)
        return (loc + scale * low, loc + scale * high)
    }

    /// The probability that a draw is at most `x`.
    ///
    /// - Parameter x: the point.
    /// - Returns: a value in `[0, 1]`.
    public func cdf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        let z = (x - loc) / scale
        return family.isDiscrete ? discreteCDF(z.rounded(.down)) : continuousCDF(z)
    }

    /// The smallest value whose CDF reaches `p`: the quantile, for `p` in `[0, 1]` (clipped).
    ///
    /// For a discrete family, the smallest integer `k` with `cdf(k) >= p`. Values beyond `Double`'s range are
    /// clipped to it.
    ///
    /// - Parameter p: the probability.
    /// - Returns: a value of the support (infinite only at an infinite end for `p` of 0 or 1).
    public func quantile(_ p: Double) -> Double {
        let p = p.isNaN ? 0.5 : min(max(p, 0), 1)
        let z = family.isDiscrete ? discreteQuantile(p) : continuousQuantile(p)
        let value = loc + scale * z
        return value.isNaN ? loc : value
    }

    // MARK: The standard forms

    /// The CDF of the standard form at `z`.
    private func continuousCDF(_ z: Double) -> Double {
        let (low, high) = family.standardSupport(shapes)
        if z <= low { return 0 }
        if z >= high { return 1 }
        switch family {
        case .beta: return SpecialFunctions.incompleteBeta(shapes[0], shapes[1], z)
        case .cauchy: return 0.5 + atan(z) / Double.pi
        case .chi2: return SpecialFunctions.lowerGamma(shapes[0] / 2, z / 2)
        case .expon: return -expm1(-z)
        case .gamma: return SpecialFunctions.lowerGamma(shapes[0], z)
        case .gumbelR: return exp(-exp(-z))
        case .halfcauchy: return 2 * atan(z) / Double.pi
        case .halfnorm: return erf(z / 2.0.squareRoot())
        case .laplace: return z < 0 ? 0.5 * exp(z) : 1 - 0.5 * exp(-z)
        case .logistic: return z < 0 ? exp(z) / (1 + exp(z)) : 1 / (1 + exp(-z))
        case .lognorm: return StandardNormal.cdf(log(z) / shapes[0])
        case .pareto: return -expm1(-shapes[0] * log(z))
        case .t: return z < 0 ? tTail(-z) : 1 - tTail(z)
        case .triang:
            let c = shapes[0]
            return z < c ? z * z / c : 1 - (1 - z) * (1 - z) / (1 - c)
        case .truncnorm:
            return truncatedNormalCDF(z)
        case .weibullMin: return -expm1(-pow(z, shapes[0]))
        case .bernoulli, .binom, .geom, .nbinom, .poisson: return 0
        }
    }

    /// The quantile of the standard form at `p` in `[0, 1]`.
    private func continuousQuantile(_ p: Double) -> Double {
        let (low, high) = family.standardSupport(shapes)
        if p <= 0 { return low }
        if p >= 1 { return high }
        switch family {
        // tan(π(p − ½)) = −cot(πp): exact in both tails, where p − ½ would round.
        case .cauchy: return p < 0.5 ? -1 / tan(Double.pi * p) : 1 / tan(Double.pi * (1 - p))
        case .expon: return -log1p(-p)
        case .gumbelR: return -log(-log(p))
        case .halfcauchy: return tan(Double.pi * p / 2)
        case .halfnorm:
            // The upper half from the tail beyond, (1 − p) / 2, exact; (1 + p) / 2 would round to 1 near p = 1.
            if p >= 0.5 { return -StandardNormal.quantile((1 - p) / 2) }
            // Φ⁻¹((1 + p) / 2) loses p's digits below 1e-16 when added to 1; two Newton steps on erf restore them.
            var z = StandardNormal.quantile((1 + p) / 2)
            for _ in 0..<2 where z > 0 && z.isFinite {
                z -= (erf(z / 2.0.squareRoot()) - p) / ((2 / Double.pi).squareRoot() * exp(-z * z / 2))
            }
            return max(z, 0)
        case .laplace: return p < 0.5 ? log(2 * p) : -log(2 * (1 - p))
        case .logistic: return log(p) - log1p(-p)
        case .lognorm: return exp(shapes[0] * StandardNormal.quantile(p))
        case .pareto: return exp(-log1p(-p) / shapes[0])
        case .triang:
            let c = shapes[0]
            return p < c ? (c * p).squareRoot() : 1 - ((1 - c) * (1 - p)).squareRoot()
        case .truncnorm: return truncatedNormalQuantile(p)
        case .weibullMin: return pow(-log1p(-p), 1 / shapes[0])
        case .t:
            // Symmetric: find |z| from the tail beyond it, min(p, 1 − p) (exact for p >= ½), decreasing in |z|.
            if p == 0.5 { return 0 }
            let tail = min(p, 1 - p)
            let z = SpecialFunctions.firstReaching(-tail, low: 0, high: .greatestFiniteMagnitude) { -tTail($0) }
            return p < 0.5 ? -z : z
        case .beta:
            return SpecialFunctions.firstReaching(p, low: 0, high: 1, continuousCDF)
        case .chi2, .gamma:
            return SpecialFunctions.firstReaching(p, low: 0, high: .greatestFiniteMagnitude, continuousCDF)
        case .bernoulli, .binom, .geom, .nbinom, .poisson: return 0
        }
    }

    /// The probability that Student's t is beyond `z >= 0`: ½ I_{df/(df+z²)}(df/2, ½), or near 0, where
    /// `df / (df + z²)` rounds to 1, ½ (1 − I_{z²/(df+z²)}(½, df/2)).
    private func tTail(_ z: Double) -> Double {
        let df = shapes[0]
        let ratio = z / df.squareRoot()  // z² / df without overflowing z²
        if ratio < 1 {
            let x = ratio * ratio / (1 + ratio * ratio)
            return 0.5 * SpecialFunctions.incompleteBetaComplement(0.5, df / 2, x)
        }
        let inverse = 1 / ratio
        return 0.5 * SpecialFunctions.incompleteBeta(df / 2, 0.5, inverse * inverse / (1 + inverse * inverse))
    }

    /// The truncated normal's CDF on `[a, b]`, in the tail that keeps precision (upper tails when `a >= 0`).
    private func truncatedNormalCDF(_ z: Double) -> Double {
        let (a, b) = (shapes[0], shapes[1])
        if a >= 0 {
            let (upperA, upperB) = (StandardNormal.cdf(-a), StandardNormal.cdf(-b))
            return min(max((upperA - StandardNormal.cdf(-z)) / (upperA - upperB), 0), 1)
        }
        let (lowerA, lowerB) = (StandardNormal.cdf(a), StandardNormal.cdf(b))
        return min(max((StandardNormal.cdf(z) - lowerA) / (lowerB - lowerA), 0), 1)
    }

    private func truncatedNormalQuantile(_ p: Double) -> Double {
        let (a, b) = (shapes[0], shapes[1])
        let z: Double
        if a >= 0 {
            let (upperA, upperB) = (StandardNormal.cdf(-a), StandardNormal.cdf(-b))
            z = -StandardNormal.quantile(upperA - p * (upperA - upperB))
        } else {
            let (lowerA, lowerB) = (StandardNormal.cdf(a), StandardNormal.cdf(b))
            z = StandardNormal.quantile(lowerA + p * (lowerB - lowerA))
        }
        return min(max(z, a), b)
    }

    /// P(Z <= k) of the standard discrete form at the integer `k`.
    private func discreteCDF(_ k: Double) -> Double {
        let (low, high) = family.standardSupport(shapes)
        if k < low { return 0 }
        if k >= high { return 1 }
        switch family {
        case .bernoulli: return 1 - shapes[0]
        case .binom: return SpecialFunctions.incompleteBetaComplement(k + 1, shapes[0] - k, shapes[1])
        case .geom: return -expm1(k * log1p(-shapes[0]))
        case .nbinom: return SpecialFunctions.incompleteBeta(shapes[0], k + 1, shapes[1])
        case .poisson: return SpecialFunctions.upperGamma(k + 1, shapes[0])
        default: return 0
        }
    }

    /// The smallest integer `k` of the standard discrete form with `P(Z <= k) >= p`, for `p` in `(0, 1)`.
    ///
    /// Gallops up from the lower end of the support (1, 2, 4, ... steps), then bisects over the integers: O(log k)
    /// CDF evaluations. Values stop at ``integerLimit``, where doubles still hold every integer.
    private func discreteQuantile(_ p: Double) -> Double {
        let (low, high) = family.standardSupport(shapes)
        if p <= 0 { return low }
        if p >= 1 && high.isFinite { return high }
        let first = Int(low)
        let limit = Int(min(high, Self.integerLimit))
        if discreteCDF(low) >= p { return low }
        var below = first  // cdf(below) < p
        var step = 1
        var above = min(first + step, limit)
        while discreteCDF(Double(above)) < p && above < limit {
            below = above
            step *= 2
            above = first + step < limit ? first + step : limit
        }
        while above - below > 1 {
            let middle = below + (above - below) / 2
            if discreteCDF(Double(middle)) >= p { above = middle } else { below = middle }
        }
        return Double(above)
    }

    /// The largest value a discrete quantile reaches: 2⁵³, below which doubles hold every integer.
    static let integerLimit = 0x1p53

    /// The largest magnitude of a decoded or sampled real: values beyond are clipped (heavy tails such as
    /// `pareto(0.01)` reach `Double`'s range at the clipped CDF ends).
    static let valueLimit = 1e300
}
