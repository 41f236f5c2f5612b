import Foundation
import OrionNumerics

/// The hyperparameters of a ``GaussianProcess``: ARD Matérn-5/2 lengthscales, signal and noise variances.
struct GPHyperparameters: Codable, Sendable, Hashable {
    /// One lengthscale per input coordinate.
    var lengthscales: [Double]
    /// The kernel's variance (outputs are standardized, so near 1).
    var signalVariance: Double
    /// The observation noise variance.
    var noiseVariance: Double

    /// The log-parameters `[log ℓ₁ … log ℓ_w, log s², log σ²]` that the marginal likelihood is optimized over.
    var logVector: [Double] { lengthscales.map(log) + [log(signalVariance), log(noiseVariance)] }

    /// The hyperparameters of a log-parameter vector.
    init(logVector theta: [Double]) {
        let w = theta.count - 2
        lengthscales = theta.prefix(w).map(exp)
        signalVariance = exp(theta[w])
        noiseVariance = exp(theta[w + 1])
    }

    init(lengthscales: [Double], signalVariance: Double, noiseVariance: Double) {
        self.lengthscales = lengthscales
        self.signalVariance = signalVariance
        self.noiseVariance = noiseVariance
    }
}

/// A Gaussian-process regression model with a zero mean and an anisotropic Matérn-5/2 kernel plus noise, on inputs
/// in the unit cube: the posterior mean and variance (of the latent function), with their gradients in the input.
///
/// `k(x, x') = s² (1 + √5 r + 5r²/3) exp(-√5 r)`, `r² = Σⱼ (xⱼ - x'ⱼ)² / ℓⱼ²` ([Rasmussen & Williams, 2006,
/// ch. 4](http://gaussianprocess.org/gpml/chapters/RW4.pdf)).
struct GaussianProcess: Sendable {
    /// The training inputs, `count × width`, row-major.
    let inputs: [Double]
    /// The training targets.
    let targets: [Double]
    /// The number of training points.
    let count: Int
    /// The number of input coordinates.
    let width: Int
    /// The hyperparameters.
    let hyperparameters: GPHyperparameters
    /// The factor of `K + σ²I`.
    let cholesky: Cholesky
    /// `(K + σ²I)⁻¹ y`.
    let alpha: [Double]
    /// `1/ℓⱼ²`.
    let inverseSquaredLengthscales: [Double]

    static let sqrt5 = 5.0.squareRoot()

    /// Conditions the prior on `targets` at `inputs`.
    ///
    /// - Throws: ``NumericsError`` when the kernel matrix cannot be factored.
    init(inputs: [Double], width: Int, targets: [Double], hyperparameters: GPHyperparameters) throws(NumericsError) {
        let n = targets.count
        self.inputs = inputs
        self.targets = targets
        self.count = n
        self.width = width
        self.hyperparameters = hyperparameters
        inverseSquaredLengthscales = hyperparameters.lengthscales.map { 1 / ($0 * $0) }
        var matrix = Self.kernelMatrix(inputs, count: n, width: width, inverseSquaredLengthscales, hyperparameters)
        for i in 0..<n { matrix[i * n + i] += hyperparameters.noiseVariance }
        cholesky = try Cholesky(matrix, size: n)
        alpha = cholesky.solve(targets)
    }

    /// The Matérn-5/2 value of a squared scaled distance, without the signal variance.
    @inline(__always)
    static func matern(squaredDistance: Double) -> Double {
        let r = sqrt5 * squaredDistance.squareRoot()
        return (1 + r + r * r / 3) * exp(-r)
    }

    /// The noiseless kernel matrix of `inputs`.
    static func kernelMatrix(
        _ inputs: [Double],
        count n: Int,
        width w: Int,
        _ inverseSquared: [Double],
        _ hyperparameters: GPHyperparameters
    ) -> [Double] {
        var matrix = [Double](repeating: 0, count: n * n)
        let variance = hyperparameters.signalVariance
        inputs.withUnsafeBufferPointer { x in
            matrix.withUnsafeMutableBufferPointer { k in
                for i in 0..<n {
                    k[i * n + i] = variance
                    for j in 0..<i {
                        var squared = 0.0
                        for c in 0..<w {
                            let d = x[i * w + c] - x[j * w + c]
                            squared += d * d * inverseSquared[c]
                        }
                        let value = variance * matern(squaredDistance: squared)
                        k[i * n + j] = value
                        k[j * n + i] = value
                    }
                }
            }
        }
        return matrix
    }

    /// The cross-covariances between `points` (`m × width`) and the training inputs, `count × m`, row-major.
    func crossCovariance(_ points: [Double], count m: Int) -> [Double] {
        let n = count
        let w = width
        var result = [Double](repeating: 0, count: n * m)
        let variance = hyperparameters.signalVariance
        inputs.withUnsafeBufferPointer { x in
            points.withUnsafeBufferPointer { p in
                result.withUnsafeMutableBufferPointer { k in
                    for i in 0..<n {
                        for j in 0..<m {
                            var squared = 0.0
                            for c in 0..<w {
                                let d = x[i * w + c] - p[j * w + c]
                                squared += d * d * inverseSquaredLengthscales[c]
                            }
                            k[i * m + j] = variance * Self.matern(squaredDistance: squared)
                        }
                    }
                }
            }
        }
        return result
    }

    /// The posterior means and latent variances at `points` (`m × width`, row-major).
    ///
    /// - Complexity: O(n² m).
    func predict(_ points: [Double], count m: Int) -> (mean: [Double], variance: [Double]) {
        let n = count
        guard n > 0 else {
            return (Array(repeating: 0, count: m), Array(repeating: hyperparameters.signalVariance, count: m))
        }
        let cross = crossCovariance(points, count: m)
        var mean = [Double](repeating: 0, count: m)
        for i in 0..<n {
            let a = alpha[i]
            for j in 0..<m { mean[j] += cross[i * m + j] * a }
        }
        let v = Triangular.solveLower(cholesky.lower, size: n, cross, columns: m)
        var variance = [Double](repeating: hyperparameters.signalVariance, count: m)
        for i in 0..<n {
            for j in 0..<m { variance[j] -= v[i * m + j] * v[i * m + j] }
        }
        return (mean, variance.map { max($0, 1e-12 * hyperparameters.signalVariance) })
    }

    /// The posterior mean and latent variance at one point, with their gradients in the point.
    ///
    /// - Complexity: O(n² + n w).
    func predictWithGradient(_ point: [Double]) -> (
        mean: Double, variance: Double, dMean: [Double], dVariance: [Double]
    ) {
        let n = count
        let w = width
        let variance0 = hyperparameters.signalVariance
        var k = [Double](repeating: 0, count: n)
        // dk_i/dx_c = -s² (5/3)(1 + √5 r) e^{-√5 r} (x_c - x_ic) / ℓ_c²; `slope` holds the factor before (x_c - x_ic).
        var slope = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var squared = 0.0
            for c in 0..<w {
                let d = point[c] - inputs[i * w + c]
                squared += d * d * inverseSquaredLengthscales[c]
            }
            let r = Self.sqrt5 * squared.squareRoot()
            let e = exp(-r)
            k[i] = variance0 * (1 + r + r * r / 3) * e
            slope[i] = -variance0 * (5.0 / 3.0) * (1 + r) * e
        }
        var mean = 0.0
        for i in 0..<n { mean += k[i] * alpha[i] }
        let c = n > 0 ? cholesky.solve(k) : []
        var variance = variance0
        for i in 0..<n { variance -= k[i] * c[i] }
        var dMean = [Double](repeating: 0, count: w)
        var dVariance = [Double](repeating: 0, count: w)
        for i in 0..<n {
            let a = slope[i] * alpha[i]
            let b = -2 * slope[i] * c[i]
            for j in 0..<w {
                let d = (point[j] - inputs[i * w + j]) * inverseSquaredLengthscales[j]
                dMean[j] += a * d
                dVariance[j] += b * d
            }
        }
        let floor = 1e-12 * variance0
        if variance < floor {
            variance = floor
            dVariance = Array(repeating: 0, count: w)
        }
        return (mean, variance, dMean, dVariance)
    }
}
