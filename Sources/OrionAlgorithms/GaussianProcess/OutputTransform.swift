import Foundation

/// The map from objective values to the GP's targets.
///
/// By default (``Kind/yeoJohnson``): standardize, a Yeo-Johnson power transform whose λ maximizes the normal
/// likelihood ([Yeo & Johnson, 2000](https://doi.org/10.1093/biomet/87.4.954)), then standardize again. It tames heavy
/// tails (a few huge values, as on Rosenbrock) so that the GP's lengthscales follow the bulk of the data; the map is
/// increasing, so the best value stays the best.
///
/// With ``Kind/boxCox``, when every value is positive: the values divided by their standard deviation (not centred,
/// so 0 stays the origin), a Box-Cox power transform whose λ maximizes the normal likelihood ([Box & Cox,
/// 1964](https://doi.org/10.1111/j.2517-6161.1964.tb00553.x)), then standardize, as HEBO does ([Cowen-Rivers et al.,
/// 2022](https://arxiv.org/abs/2012.03826), §4.1). For a positive objective (a loss, an error) a λ near 0 is a log
/// transform: the differences between the best values, small against the range of all values, are what the GP then
/// sees. Otherwise (a value at or below 0) it is the default's map.
struct OutputTransform: Sendable {
    /// Which transform.
    enum Kind: String, CaseIterable, Sendable {
        /// Standardize, Yeo-Johnson, standardize.
        case yeoJohnson = "yeo_johnson"
        /// Box-Cox of the values over their standard deviation when all are positive, else ``yeoJohnson``.
        case boxCox = "box_cox"
    }

    /// The mean (0 for Box-Cox) and standard deviation of the raw values.
    let mean: Double
    let scale: Double
    /// The power.
    let lambda: Double
    /// Whether the power transform is Box-Cox's (else Yeo-Johnson's).
    let usesBoxCox: Bool
    /// The mean and standard deviation after the power transform.
    let transformedMean: Double
    let transformedScale: Double

    /// Fits the transform to `values` (finite).
    init(fitting values: [Double], kind: Kind = .yeoJohnson) {
        var (mean, scale) = Self.moments(values)
        let usesBoxCox = kind == .boxCox && !values.isEmpty && values.allSatisfy { $0 > 0 }
        if usesBoxCox { mean = 0 }
        self.mean = mean
        self.scale = scale
        self.usesBoxCox = usesBoxCox
        let standardized = values.map { ($0 - mean) / scale }
        let lambda: Double
        if values.count < 4 {
            lambda = 1
        } else {
            lambda = usesBoxCox ? Self.bestBoxCoxLambda(standardized) : Self.bestLambda(standardized)
        }
        self.lambda = lambda
        let (m, s) = Self.moments(standardized.map { Self.power($0, lambda: lambda, boxCox: usesBoxCox) })
        transformedMean = m
        transformedScale = s
    }

    /// The target of a raw value.
    func callAsFunction(_ value: Double) -> Double {
        (Self.power((value - mean) / scale, lambda: lambda, boxCox: usesBoxCox) - transformedMean) / transformedScale
    }

    /// Box-Cox's or Yeo-Johnson's transform.
    static func power(_ x: Double, lambda: Double, boxCox: Bool) -> Double {
        boxCox ? Self.boxCox(x, lambda: lambda) : yeoJohnson(x, lambda: lambda)
    }

    /// The mean and the standard deviation (1 when the values are all equal).
    static func moments(_ values: [Double]) -> (Double, Double) {
        guard !values.isEmpty else { return (0, 1) }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        let sd = variance.squareRoot()
        return (mean, sd > 1e-12 * max(1, abs(mean)) ? sd : 1)
    }

    /// The Yeo-Johnson transform.
    static func yeoJohnson(_ x: Double, lambda: Double) -> Double {
        if x >= 0 {
            return abs(lambda) < 1e-8 ? log1p(x) : (pow(1 + x, lambda) - 1) / lambda
        }
        let mirrored = 2 - lambda
        return abs(mirrored) < 1e-8 ? -log1p(-x) : -(pow(1 - x, mirrored) - 1) / mirrored
    }

    /// The Box-Cox transform of a positive `x`.
    static func boxCox(_ x: Double, lambda: Double) -> Double {
        abs(lambda) < 1e-8 ? log(x) : (pow(x, lambda) - 1) / lambda
    }

    /// The λ in [-2, 2] maximizing Yeo-Johnson's profile log-likelihood, by golden-section search.
    static func bestLambda(_ values: [Double]) -> Double {
        let jacobian = values.reduce(0) { $0 + (($1 >= 0) ? 1 : -1) * log1p(abs($1)) }
        return bestLambda(values, jacobian: jacobian) { yeoJohnson($0, lambda: $1) }
    }

    /// The λ in [-2, 2] maximizing Box-Cox's profile log-likelihood for positive `values`, by golden-section search.
    static func bestBoxCoxLambda(_ values: [Double]) -> Double {
        let jacobian = values.reduce(0) { $0 + log($1) }
        return bestLambda(values, jacobian: jacobian) { boxCox($0, lambda: $1) }
    }

    /// The λ in [-2, 2] maximizing `-n/2 log σ²(λ) + (λ - 1) jacobian`, `σ²(λ)` the variance of the values
    /// transformed by `transform`, by golden-section search.
    private static func bestLambda(
        _ values: [Double],
        jacobian: Double,
        transform: (Double, Double) -> Double
    ) -> Double {
        let n = Double(values.count)
        func logLikelihood(_ lambda: Double) -> Double {
            let transformed = values.map { transform($0, lambda) }
            let mean = transformed.reduce(0, +) / n
            let variance = transformed.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
            guard variance > 0, variance.isFinite else { return -.infinity }
            return -0.5 * n * log(variance) + (lambda - 1) * jacobian
        }
        var (a, b) = (-2.0, 2.0)
        let ratio = (5.0.squareRoot() - 1) / 2
        var c = b - ratio * (b - a)
        var d = a + ratio * (b - a)
        var fc = logLikelihood(c)
        var fd = logLikelihood(d)
        for _ in 0..<40 {
            if fc > fd {
                (b, d, fd) = (d, c, fc)
                c = b - ratio * (b - a)
                fc = logLikelihood(c)
            } else {
                (a, c, fc) = (c, d, fd)
                d = a + ratio * (b - a)
                fd = logLikelihood(d)
            }
        }
        return (a + b) / 2
    }
}
