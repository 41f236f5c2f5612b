import Foundation

/// The map from objective values to the GP's targets.
///
/// Standardize, a Yeo-Johnson power transform whose λ maximizes the normal likelihood ([Yeo & Johnson,
/// 2000](https://doi.org/10.1093/biomet/87.4.954)), then standardize again. It tames heavy tails (a few huge values, as on Rosenbrock) so that the GP's lengthscales
/// follow the bulk of the data; the map is increasing, so the best value stays the best.
struct OutputTransform: Sendable {
    /// The mean and standard deviation of the raw values.
    let mean: Double
    let scale: Double
    /// The power.
    let lambda: Double
    /// The mean and standard deviation after the power transform.
    let transformedMean: Double
    let transformedScale: Double

    /// Fits the transform to `values` (finite).
    init(fitting values: [Double]) {
        let (mean, scale) = Self.moments(values)
        self.mean = mean
        self.scale = scale
        let standardized = values.map { ($0 - mean) / scale }
        let lambda = values.count >= 4 ? Self.bestLambda(standardized) : 1
        self.lambda = lambda
        let (m, s) = Self.moments(standardized.map { Self.yeoJohnson($0, lambda: lambda) })
        transformedMean = m
        transformedScale = s
    }

    /// The target of a raw value.
    func callAsFunction(_ value: Double) -> Double {
        (Self.yeoJohnson((value - mean) / scale, lambda: lambda) - transformedMean) / transformedScale
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

    /// The λ in [-2, 2] maximizing the profile log-likelihood, by golden-section search.
    static func bestLambda(_ values: [Double]) -> Double {
        let n = Double(values.count)
        let jacobian = values.reduce(0) { $0 + (($1 >= 0) ? 1 : -1) * log1p(abs($1)) }
        func logLikelihood(_ lambda: Double) -> Double {
            let transformed = values.map { yeoJohnson($0, lambda: lambda) }
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
