import Foundation

/// The linear part of the GP's kernel (`gp`'s option `linear_kernel`): `v Σ_c u_c u'_c` with `u = x - ½` on the
/// numeric coordinates (the one-hot coordinates of categories are left out).
///
/// Added to the kernel of ``KernelStructure`` (product or additive), it is the covariance of a random plane through
/// the cube's centre whose slopes have variance `v`: the posterior can follow a global trend far from the trials,
/// where a stationary Matérn alone falls back to the prior mean. HEBO's default kernel has such a part
/// ([Cowen-Rivers et al. 2022](https://arxiv.org/abs/2012.03826)). The variance's log is fitted with the other
/// hyperparameters (the last log-parameter, ``GPPrior/linearIndex``), prior `N(log 0.1, 2²)` in `[log 10⁻⁴,
/// log 10²]`. The coordinates are the raw unit-cube ones (equal-cell integers at their cell), not the warped ones: the
/// warping's gradient is unchanged. It is a dot product, so `k(x, x) = s² + v |u|²` and the prior variance grows
/// away from the centre.
struct LinearTerm: Codable, Sendable, Hashable {
    /// Per coordinate, whether it is in the linear part.
    var included: [Bool]

    /// Where `u = 0`: the cube's centre.
    static let center = 0.5
    /// The variance used when a hyperparameter set has none (never fitted).
    static let defaultVariance = 0.1
    /// The prior of the log-variance: mean and variance.
    static let priorMean = log(0.1)
    static let priorVariance = 4.0
    /// The bounds of the log-variance.
    static let lowerLogVariance = log(1e-4)
    static let upperLogVariance = log(1e2)

    /// The features `u` of `count` points (`points`, row-major, `width` wide): `x_c - ½` on the included coordinates,
    /// 0 elsewhere.
    func features(_ points: [Double], width w: Int) -> [Double] {
        var result = points
        for index in result.indices {
            result[index] = included[index % w] ? result[index] - Self.center : 0
        }
        return result
    }
}

extension GaussianProcess {
    /// Adds `v u_i · u_j` to every entry `(i, j)` of the `n × n` row-major `matrix`.
    static func addLinear(
        to matrix: inout [Double],
        features u: [Double],
        count n: Int,
        width w: Int,
        variance v: Double
    ) {
        for i in 0..<n {
            for j in 0...i {
                var dot = 0.0
                for c in 0..<w { dot += u[i * w + c] * u[j * w + c] }
                matrix[i * n + j] += v * dot
                if j != i { matrix[j * n + i] += v * dot }
            }
        }
    }

    /// Adds `v u_i · u'_j` to every entry `(i, j)` of the `n × m` row-major cross-covariances `result` between inputs
    /// of features `inputs` and points of features `points`.
    static func addLinearCross(
        to result: inout [Double],
        inputs u: [Double],
        count n: Int,
        points p: [Double],
        count m: Int,
        width w: Int,
        variance v: Double
    ) {
        for i in 0..<n {
            for j in 0..<m {
                var dot = 0.0
                for c in 0..<w { dot += u[i * w + c] * p[j * w + c] }
                result[i * m + j] += v * dot
            }
        }
    }

    /// `∂NLL/∂log v = ½ tr(W v U Uᵀ) = ½ v Σ_ij W_ij u_i · u_j`, from the lower triangle and the diagonal of
    /// `W = K⁻¹ - ααᵀ` (`n × n`, row-major).
    static func linearLogVarianceGradient(
        weights: [Double],
        features u: [Double],
        count n: Int,
        width w: Int,
        variance v: Double
    ) -> Double {
        var sum = 0.0
        for i in 0..<n {
            for j in 0...i {
                var dot = 0.0
                for c in 0..<w { dot += u[i * w + c] * u[j * w + c] }
                sum += (j == i ? 1 : 2) * weights[i * n + j] * dot
            }
        }
        return 0.5 * v * sum
    }

    /// Sets the linear part's entry of the marginal likelihood's `gradient` (``linearLogVarianceGradient(weights:
    /// features:count:width:variance:)``), when `prior` has one and `features` were computed.
    static func setLinearGradient(
        _ gradient: inout [Double],
        prior: GPPrior,
        weights: [Double],
        features: [Double]?,
        count n: Int,
        _ hyperparameters: GPHyperparameters
    ) {
        guard let index = prior.linearIndex, let features else { return }
        gradient[index] = linearLogVarianceGradient(
            weights: weights,
            features: features,
            count: n,
            width: prior.width,
            variance: hyperparameters.linearPartVariance
        )
    }

    /// The prior variances at `points` (`m × width`): `s²`, plus `v |u|²` with the linear part.
    func priorVariance(_ points: [Double], count m: Int) -> [Double] {
        let s2 = hyperparameters.signalVariance
        guard let linear = hyperparameters.structure.linear else { return Array(repeating: s2, count: m) }
        let w = width
        let u = linear.features(hyperparameters.structure.roundingQueries(points, width: w), width: w)
        let v = hyperparameters.linearPartVariance
        return (0..<m).map { j in
            var squared = 0.0
            for c in 0..<w { squared += u[j * w + c] * u[j * w + c] }
            return s2 + v * squared
        }
    }

    /// The linear part at the raw (rounded, unwarped) point `rawPoint`: adds `v u · u_i` to each `k[i]`, and returns
    /// the point's features, `v`, and the part's prior variance `v |u|²` (all zero without the part).
    func linearPart(_ rawPoint: [Double], into k: inout [Double]) -> (
        features: [Double], variance: Double, priorVariance: Double
    ) {
        guard let linear = hyperparameters.structure.linear else { return ([], 0, 0) }
        let w = width
        let u = linear.features(rawPoint, width: w)
        let v = hyperparameters.linearPartVariance
        for i in 0..<count {
            var dot = 0.0
            for c in 0..<w { dot += linearFeatures[i * w + c] * u[c] }
            k[i] += v * dot
        }
        var squared = 0.0
        for c in 0..<w { squared += u[c] * u[c] }
        return (u, v, v * squared)
    }

    /// The linear part's derivatives in the raw point of the posterior mean, `v Σ_i α_i u_i`, and of the variance,
    /// `2 v u - 2 v Σ_i c_i u_i` with `c = K⁻¹ k`; `nil` without the part.
    func linearGradient(
        _ part: (features: [Double], variance: Double, priorVariance: Double),
        alpha: [Double],
        solved: [Double]
    ) -> (dMean: [Double], dVariance: [Double])? {
        guard !part.features.isEmpty else { return nil }
        let w = width
        let v = part.variance
        var dMean = [Double](repeating: 0, count: w)
        var dVariance = part.features.map { 2 * v * $0 }
        for i in 0..<count {
            for c in 0..<w {
                let u = linearFeatures[i * w + c]
                dMean[c] += v * alpha[i] * u
                dVariance[c] -= 2 * v * solved[i] * u
            }
        }
        return (dMean, dVariance)
    }
}
