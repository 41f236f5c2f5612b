import Foundation
import OrionNumerics

/// The hyperparameters of a ``GaussianProcess``: ARD Matérn-5/2 lengthscales, signal and noise variances, and the
/// input warping of some coordinates.
struct GPHyperparameters: Codable, Sendable, Hashable {
    /// One lengthscale per input coordinate.
    var lengthscales: [Double]
    /// The kernel's variance (outputs are standardized, so near 1).
    var signalVariance: Double
    /// The observation noise variance.
    var noiseVariance: Double
    /// The input warping (identity when it warps no coordinate).
    var warping = InputWarping(coordinates: [], a: [], b: [])
    /// Which coordinates are categorical (overlap kernel) or rounded integers; the plain Matérn by default.
    var structure = KernelStructure.numeric
    /// The variance `v` of the linear part (``LinearTerm``), `nil` without it.
    var linearVariance: Double?

    /// `v`, or ``LinearTerm/defaultVariance`` when none was set (a structure given the part after the fit).
    var linearPartVariance: Double { linearVariance ?? LinearTerm.defaultVariance }

    /// The log-parameters `[log ℓ₁ … log ℓ_w, log s², log σ², log a₁ … log a_k, log b₁ … log b_k]` that the
    /// marginal likelihood is optimized over (`a`, `b`: the warping's concentrations, k warped coordinates), and
    /// last, with the additive kernel, the logit of its weight (``AdditiveTerms/weight``), then, with the linear part,
    /// its log-variance.
    var logVector: [Double] {
        var vector =
            lengthscales.map(log) + [log(signalVariance), log(noiseVariance)] + warping.a.map(log) + warping.b.map(log)
        if let additive = structure.additive { vector.append(AdditiveTerms.logit(additive.weight)) }
        if structure.linear != nil { vector.append(log(linearPartVariance)) }
        return vector
    }

    /// The hyperparameters of a log-parameter vector for `width` coordinates, warping `warped`, with the kernel
    /// `structure`.
    init(logVector theta: [Double], width w: Int, warped: [Int], structure: KernelStructure = .numeric) {
        self.structure = structure
        let k = warped.count
        let extra = structure.additive == nil ? 0 : 1
        let linear = structure.linear == nil ? 0 : 1
        precondition(
            theta.count == w + 2 + 2 * k + extra + linear,
            "a log vector of \(theta.count) for \(w) coordinates, \(k) warped"
        )
        lengthscales = theta.prefix(w).map(exp)
        signalVariance = exp(theta[w])
        noiseVariance = exp(theta[w + 1])
        warping = InputWarping(
            coordinates: warped,
            a: theta[(w + 2)..<(w + 2 + k)].map(exp),
            b: theta[(w + 2 + k)..<(w + 2 + 2 * k)].map(exp)
        )
        if extra == 1 { self.structure.additive?.weight = AdditiveTerms.sigmoid(theta[w + 2 + 2 * k]) }
        if linear == 1 { linearVariance = exp(theta[w + 2 + 2 * k + extra]) }
    }

    init(lengthscales: [Double], signalVariance: Double, noiseVariance: Double) {
        self.lengthscales = lengthscales
        self.signalVariance = signalVariance
        self.noiseVariance = noiseVariance
    }
}

/// Input warping by the Kumaraswamy CDF `F(x) = 1 - (1 - xᵃ)ᵇ` per coordinate.
///
/// An increasing bijection of [0, 1] that stretches some regions of a coordinate and compresses others, so that a
/// stationary kernel fits a function whose variation is uneven (steep near one end, flat elsewhere); `a = b = 1` is
/// the identity ([Snoek et al., 2014, "Input warping for Bayesian optimization of non-stationary
/// functions"](https://arxiv.org/abs/1402.0929); HEBO, [Cowen-Rivers et al., 2022](https://arxiv.org/abs/2012.03826)).
struct InputWarping: Codable, Sendable, Hashable {
    /// The warped coordinates, increasing.
    var coordinates: [Int]
    /// The concentrations `a` and `b`, one of each per warped coordinate.
    var a: [Double]
    var b: [Double]

    /// Inputs are kept `ε` inside [0, 1], where the CDF and its derivatives are finite.
    static let epsilon = 1e-6

    /// `F(x)` for concentrations `a`, `b`.
    @inline(__always)
    static func cdf(_ x: Double, a: Double, b: Double) -> Double {
        let clamped = min(max(x, epsilon), 1 - epsilon)
        return 1 - pow(1 - pow(clamped, a), b)
    }

    /// `dF/dx`.
    @inline(__always)
    static func density(_ x: Double, a: Double, b: Double) -> Double {
        let clamped = min(max(x, epsilon), 1 - epsilon)
        let power = pow(clamped, a)
        return a * b * power / clamped * pow(1 - power, b - 1)
    }

    /// `(∂F/∂log a, ∂F/∂log b)`.
    @inline(__always)
    static func logParameterDerivatives(_ x: Double, a: Double, b: Double) -> (Double, Double) {
        let clamped = min(max(x, epsilon), 1 - epsilon)
        let power = pow(clamped, a)
        let rest = pow(1 - power, b)
        let dA = a * b * rest / (1 - power) * power * log(clamped)
        let dB = -b * rest * log(1 - power)
        return (dA, dB)
    }

    /// Adds the derivatives with respect to the warping's log-parameters to a log-parameter gradient (their
    /// entries after the lengthscales, signal and noise: all `log a`, then all `log b`), by the chain rule from the
    /// gradient with respect to the warped inputs.
    ///
    /// - Parameters:
    ///   - gradient: the gradient with respect to the log-parameter vector, `width + 2 + 2k` entries or more.
    ///   - inputGradient: the gradient with respect to the warped inputs (`count × width`, row-major).
    ///   - rawInputs: the inputs before the warping.
    ///   - width: the coordinates per input.
    func addLogParameterGradient(
        to gradient: inout [Double],
        inputGradient: [Double],
        rawInputs: [Double],
        width: Int
    ) {
        let w = width
        let n = w > 0 ? rawInputs.count / w : 0
        let k = coordinates.count
        for (index, c) in coordinates.enumerated() {
            var dA = 0.0
            var dB = 0.0
            for i in 0..<n {
                let (fa, fb) = Self.logParameterDerivatives(rawInputs[i * w + c], a: a[index], b: b[index])
                dA += inputGradient[i * w + c] * fa
                dB += inputGradient[i * w + c] * fb
            }
            gradient[w + 2 + index] = dA
            gradient[w + 2 + k + index] = dB
        }
    }

    /// The inverse `F⁻¹(y) = (1 - (1 - y)^{1/b})^{1/a}`.
    static func inverse(_ y: Double, a: Double, b: Double) -> Double {
        pow(1 - pow(1 - min(max(y, 0), 1), 1 / b), 1 / a)
    }

    /// `points` (`count × width`, row-major) with the warped coordinates mapped through their CDF.
    func callAsFunction(_ points: [Double], width w: Int) -> [Double] {
        guard !coordinates.isEmpty else { return points }
        var result = points
        let count = w > 0 ? points.count / w : 0
        for (index, c) in coordinates.enumerated() {
            for p in 0..<count { result[p * w + c] = Self.cdf(points[p * w + c], a: a[index], b: b[index]) }
        }
        return result
    }
}

/// The smoothness ν of the Matérn kernel, 3/2 or 5/2.
///
/// Its sample paths are differentiable once (3/2) or twice (5/2). Matérn-3/2 is rougher: its correlation falls
/// faster at short distances, so the posterior near a cluster of trials stays less certain (HEBO's kernel, [Cowen-Rivers et al., 2022](https://arxiv.org/abs/2012.03826)).
enum MaternSmoothness: String, Codable, Sendable, Hashable, CaseIterable {
    /// ν = 3/2: `M(r) = (1 + √3 r) exp(-√3 r)`.
    case threeHalves = "1.5"
    /// ν = 5/2: `M(r) = (1 + √5 r + 5r²/3) exp(-√5 r)`.
    case fiveHalves = "2.5"

    /// `M` at a squared scaled distance `r²`, without the signal variance.
    @inline(__always)
    func value(squaredDistance: Double) -> Double {
        switch self {
        case .threeHalves:
            let a = 3.0.squareRoot() * squaredDistance.squareRoot()
            return (1 + a) * exp(-a)
        case .fiveHalves:
            let a = 5.0.squareRoot() * squaredDistance.squareRoot()
            return (1 + a + a * a / 3) * exp(-a)
        }
    }

    /// `M(r²)` and `g(r²) = -2 dM/d(r²)` (`3 exp(-√3 r)` for 3/2, `(5/3)(1 + √5 r) exp(-√5 r)` for 5/2): the
    /// derivative of `M` in a coordinate `c` is `-g (x_c - x'_c) / ℓ_c²`, in `log ℓ_c` it is `g (x_c - x'_c)² / ℓ_c²`.
    @inline(__always)
    func valueAndSlope(squaredDistance: Double) -> (value: Double, slope: Double) {
        switch self {
        case .threeHalves:
            let a = 3.0.squareRoot() * squaredDistance.squareRoot()
            let e = exp(-a)
            return ((1 + a) * e, 3 * e)
        case .fiveHalves:
            let a = 5.0.squareRoot() * squaredDistance.squareRoot()
            let e = exp(-a)
            return ((1 + a + a * a / 3) * e, (5.0 / 3.0) * (1 + a) * e)
        }
    }
}

/// A Gaussian-process regression model with a zero mean and an anisotropic Matérn kernel plus noise, on inputs in
/// the unit cube: the posterior mean and variance (of the latent function), with their gradients in the input.
///
/// `k(x, x') = s² (1 + √5 r + 5r²/3) exp(-√5 r)` (Matérn-5/2, the default) or `s² (1 + √3 r) exp(-√3 r)`
/// (Matérn-3/2, ``MaternSmoothness``), `r² = Σⱼ (xⱼ - x'ⱼ)² / ℓⱼ²` ([Rasmussen & Williams, 2006,
/// ch. 4](http://gaussianprocess.org/gpml/chapters/RW4.pdf)).
struct GaussianProcess: Sendable {
    /// The training inputs, `count × width`, row-major.
    let inputs: [Double]
    /// The training inputs after the input warping: what the kernel sees.
    let warpedInputs: [Double]
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
    /// The prior mean's trend (`prior_mean: "quadratic"`), `nil` for a zero mean; ``alpha`` is of the targets less it.
    let trend: GPTrend?
    /// The training inputs' features of the linear part (``LinearTerm/features(_:width:)``), empty without it.
    let linearFeatures: [Double]

    static let sqrt5 = 5.0.squareRoot()

    /// Conditions the prior on `targets` at `inputs`.
    ///
    /// - Parameters:
    ///   - inputs: the points, `targets.count × width`, row-major.
    ///   - width: the number of coordinates.
    ///   - targets: the values at the points.
    ///   - hyperparameters: the kernel's hyperparameters.
    ///   - trend: the prior mean's trend (a zero mean by default): the kernel models the targets less it.
    /// - Throws: ``NumericsError`` when the kernel matrix cannot be factored.
    init(
        inputs: [Double],
        width: Int,
        targets: [Double],
        hyperparameters: GPHyperparameters,
        trend: GPTrend? = nil
    ) throws(NumericsError) {
        let n = targets.count
        self.inputs = inputs
        self.targets = targets
        self.count = n
        self.width = width
        self.hyperparameters = hyperparameters
        self.trend = trend
        inverseSquaredLengthscales = hyperparameters.lengthscales.map { 1 / ($0 * $0) }
        warpedInputs = hyperparameters.warping(inputs, width: width)
        var matrix = Self.kernelMatrix(
            warpedInputs,
            count: n,
            width: width,
            inverseSquaredLengthscales,
            hyperparameters
        )
        if let linear = hyperparameters.structure.linear {
            linearFeatures = linear.features(
                hyperparameters.structure.roundingQueries(inputs, width: width),
                width: width
            )
            Self.addLinear(
                to: &matrix,
                features: linearFeatures,
                count: n,
                width: width,
                variance: hyperparameters.linearPartVariance
            )
        } else {
            linearFeatures = []
        }
        for i in 0..<n { matrix[i * n + i] += hyperparameters.noiseVariance }
        cholesky = try Cholesky(matrix, size: n)
        if let trend {
            let values = trend.values(hyperparameters.structure.roundingQueries(inputs, width: width), width: width)
            alpha = cholesky.solve(zip(targets, values).map { $0 - $1 })
        } else {
            alpha = cholesky.solve(targets)
        }
    }

    /// The Matérn-5/2 value of a squared scaled distance, without the signal variance.
    @inline(__always)
    static func matern(squaredDistance: Double) -> Double {
        MaternSmoothness.fiveHalves.value(squaredDistance: squaredDistance)
    }

    /// The noiseless kernel matrix of `inputs`.
    static func kernelMatrix(
        _ inputs: [Double],
        count n: Int,
        width w: Int,
        _ inverseSquared: [Double],
        _ hyperparameters: GPHyperparameters
    ) -> [Double] {
        if hyperparameters.structure.additive != nil {
            return additiveKernelMatrix(inputs, count: n, width: w, inverseSquared, hyperparameters)
        }
        var matrix = [Double](repeating: 0, count: n * n)
        let variance = hyperparameters.signalVariance
        let structure = hyperparameters.structure
        inputs.withUnsafeBufferPointer { x in
            matrix.withUnsafeMutableBufferPointer { k in
                var memo = OverlapMemo()
                for i in 0..<n {
                    k[i * n + i] = variance
                    for j in 0..<i {
                        let (squared, overlap) = structure.squaredDistances(x, i, x, j, width: w, inverseSquared)
                        let value =
                            variance * structure.smoothness.value(squaredDistance: squared)
                            * memo.factor(overlap)
                        k[i * n + j] = value
                        k[j * n + i] = value
                    }
                }
            }
        }
        return matrix
    }

    /// The noiseless kernel matrix of `inputs`, the same to the bit as ``kernelMatrix(_:count:width:_:_:)``, and
    /// what the marginal likelihood's gradient needs of each pair `j < i` (at `i * n + j`, row-major `n × n`): the
    /// Matérn value `M(r²)` and slope `g(r²)` (``MaternSmoothness/valueAndSlope(squaredDistance:)``), and the
    /// overlap factor (`factors` is empty when the kernel has no categorical coordinate: the factor is 1).
    ///
    /// One pass over the pairs instead of two: the gradient no longer recomputes the distances and exponentials.
    static func kernelMatrixAndSlopes(
        _ inputs: [Double],
        count n: Int,
        width w: Int,
        _ inverseSquared: [Double],
        _ hyperparameters: GPHyperparameters
    ) -> (matrix: [Double], values: [Double], slopes: [Double], factors: [Double]) {
        // Every entry of the matrix is written below (the pairs' values and slopes only below the diagonal).
        var matrix = GaussianProcess.unfilled(n * n)
        var values = [Double](repeating: 0, count: n * n)
        var slopes = [Double](repeating: 0, count: n * n)
        let structure = hyperparameters.structure
        let categorical = !structure.categorical.isEmpty
        var factors = [Double](repeating: 1, count: categorical ? n * n : 0)
        let variance = hyperparameters.signalVariance
        // The distances of row i to the rows before it, summed coordinate by coordinate along the transposed inputs
        // (contiguous, vectorized), each in increasing coordinate order from 0 as `squaredDistances` sums it. Each
        // row is computed apart: many trials share the rows among the cores (``Parallel``), row i costing i pairs.
        let isCategorical = (0..<w).map { structure.isCategorical($0) }
        let columns = Self.transposed(inputs, rows: n, width: w)
        let rows = Parallel.weightedParts(n, minimumWeight: Double(131_072 / (w + 8))) { Double($0) }
        columns.withUnsafeBufferPointer { columns in
            matrix.withUnsafeMutableBufferPointer { k in
                values.withUnsafeMutableBufferPointer { values in
                    slopes.withUnsafeMutableBufferPointer { slopes in
                        factors.withUnsafeMutableBufferPointer { factors in
                            guard let column = columns.baseAddress, let k = k.baseAddress,
                                let values = values.baseAddress, let slopes = slopes.baseAddress
                            else { return }
                            // An empty array's buffer may still have an address: only the flag counts.
                            let target = KernelRows(
                                column: SharedPointer(column),
                                matrix: SharedPointer(k),
                                values: SharedPointer(values),
                                slopes: SharedPointer(slopes),
                                factors: categorical ? factors.baseAddress.map(SharedPointer.init) : nil
                            )
                            Parallel.forEach(rows) { rows in
                                target.fill(
                                    rows,
                                    count: n,
                                    width: w,
                                    inverseSquared,
                                    isCategorical: isCategorical,
                                    structure: structure,
                                    variance: variance
                                )
                            }
                        }
                    }
                }
            }
        }
        return (matrix, values, slopes, factors)
    }

    /// The scaled squared distances of one point to the first `count` points of a block stored coordinate by
    /// coordinate (`column[c * stride + j]`): numeric coordinates summed into `numeric[j]`, categorical ones into
    /// `overlap[j]` (into `numeric` without it), each sum from 0 in increasing coordinate order, along contiguous rows
    /// (vectorized).
    ///
    /// - Parameters:
    ///   - point: the point's coordinate `c`.
    ///   - column: the block, `width × stride`.
    ///   - stride: the distance between two coordinates of the block.
    ///   - count: the points of the block to measure.
    ///   - w: the number of coordinates.
    ///   - inverseSquared: `1/ℓ_c²` per coordinate.
    ///   - categorical: whether each coordinate is categorical.
    ///   - numeric: the numeric sums, `count` of them.
    ///   - overlap: the categorical sums; `nil` when the kernel has no categories.
    @inline(__always)
    static func squaredDistances(
        from point: (Int) -> Double,
        to column: UnsafePointer<Double>,
        stride: Int,
        count: Int,
        width w: Int,
        _ inverseSquared: [Double],
        categorical: [Bool],
        numeric: UnsafeMutablePointer<Double>,
        overlap: UnsafeMutablePointer<Double>?
    ) {
        for j in 0..<count { numeric[j] = 0 }
        if let overlap { for j in 0..<count { overlap[j] = 0 } }
        for c in 0..<w {
            let (xc, scale) = (point(c), inverseSquared[c])
            let row = column + c * stride
            let sums = categorical[c] ? overlap ?? numeric : numeric
            for j in 0..<count {
                let d = xc - row[j]
                sums[j] += d * d * scale
            }
        }
    }

    /// An array of `count` doubles left as the allocator gives them, for a caller that writes every entry before
    /// reading it (zeroing large matrices first is a pass over memory of its own).
    static func unfilled(_ count: Int) -> [Double] {
        guard count > 0 else { return [] }
        return [Double](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// The cross-covariances between `points` (`m × width`) and the training inputs, `count × m`, row-major.
    func crossCovariance(_ rawPoints: [Double], count m: Int) -> [Double] {
        let structure = hyperparameters.structure
        let points = hyperparameters.warping(structure.roundingQueries(rawPoints, width: width), width: width)
        let inputs = warpedInputs
        let n = count
        let w = width
        // Every entry is written below: the result (n × m, millions of entries for large pools) is not zeroed first.
        var result = GaussianProcess.unfilled(n * m)
        let variance = hyperparameters.signalVariance
        Self.crossCovariance(
            inputs,
            count: n,
            points,
            count: m,
            width: w,
            inverseSquaredLengthscales,
            variance: variance,
            structure: structure,
            into: &result
        )
        if let linear = structure.linear {
            Self.addLinearCross(
                to: &result,
                inputs: linearFeatures,
                count: n,
                points: linear.features(structure.roundingQueries(rawPoints, width: w), width: w),
                count: m,
                width: w,
                variance: hyperparameters.linearPartVariance
            )
        }
        return result
    }

    /// The kernel between each of `n` inputs and `m` points (both row-major, `width` wide), `n × m` row-major into
    /// `result`: `variance · M(r²) · exp(-½ o)` with `r²` and `o` the numeric and categorical squared scaled distances
    /// of ``KernelStructure/squaredDistances(_:_:_:_:width:_:)``.
    ///
    /// The same to the bit as that function pair by pair, faster: the points are transposed so that the distances of
    /// one input to all the points are summed coordinate by coordinate along contiguous rows (vectorized), each
    /// still summed in increasing coordinate order from 0; the Matérn and overlap of each are then the same calls.
    static func crossCovariance(
        _ inputs: [Double],
        count n: Int,
        _ points: [Double],
        count m: Int,
        width w: Int,
        _ inverseSquared: [Double],
        variance: Double,
        structure: KernelStructure,
        into result: inout [Double]
    ) {
        guard n > 0, m > 0 else { return }
        if structure.additive != nil {
            additiveCrossCovariance(
                inputs,
                count: n,
                points,
                count: m,
                width: w,
                inverseSquared,
                variance: variance,
                structure: structure,
                into: &result
            )
            return
        }
        let categorical = (0..<w).map { structure.isCategorical($0) }
        let overlaps = categorical.contains(true)
        let columns = Self.transposed(points, rows: m, width: w)
        var numericSums = [Double](repeating: 0, count: m)
        var overlapSums = [Double](repeating: 0, count: overlaps ? m : 0)
        var memo = OverlapMemo()
        columns.withUnsafeBufferPointer { columns in
            numericSums.withUnsafeMutableBufferPointer { numericSums in
                overlapSums.withUnsafeMutableBufferPointer { overlapSums in
                    result.withUnsafeMutableBufferPointer { k in
                        guard let column = columns.baseAddress, let numeric = numericSums.baseAddress,
                            let out = k.baseAddress
                        else { return }
                        // An empty array's buffer may still have an address: only the flag says there is one.
                        let overlap = overlaps ? overlapSums.baseAddress : nil
                        for i in 0..<n {
                            Self.squaredDistances(
                                from: { inputs[i * w + $0] },
                                to: column,
                                stride: m,
                                count: m,
                                width: w,
                                inverseSquared,
                                categorical: categorical,
                                numeric: numeric,
                                overlap: overlap
                            )
                            let target = out + i * m
                            if let overlap {
                                for j in 0..<m {
                                    target[j] =
                                        variance * structure.smoothness.value(squaredDistance: numeric[j])
                                        * memo.factor(overlap[j])
                                }
                            } else {
                                // The overlap factor of a zero categorical distance is 1.
                                for j in 0..<m {
                                    target[j] = variance * structure.smoothness.value(squaredDistance: numeric[j])
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The posterior means and latent variances at `points` (`m × width`, row-major).
    ///
    /// Many points are cut into contiguous parts predicted on the machine's cores (``Parallel``): each point's
    /// mean and variance are computed by the same arithmetic whatever the part, so the result is the same to the bit.
    ///
    /// - Complexity: O(n² m).
    func predict(_ points: [Double], count m: Int) -> (mean: [Double], variance: [Double]) {
        // A part is worth a thread from about 10⁵ multiply-adds (each point costs about n (n + w)).
        let parts = Parallel.parts(m, minimumPart: max(32, 262_144 / max(1, count * (count + width))))
        guard parts > 1 else { return withTrend(predictPart(points, count: m), points) }
        let w = width
        let results = Parallel.map(parts) { part in
            let range = Parallel.range(part, of: parts, count: m)
            return predictPart(Array(points[(range.lowerBound * w)..<(range.upperBound * w)]), count: range.count)
        }
        return withTrend((results.flatMap(\.mean), results.flatMap(\.variance)), points)
    }

    /// `prediction` with the trend's values at `points` added to its means (unchanged without a trend).
    private func withTrend(_ prediction: (mean: [Double], variance: [Double]), _ points: [Double]) -> (
        mean: [Double], variance: [Double]
    ) {
        guard let trend else { return prediction }
        let values = trend.values(structureRounded(points), width: width)
        return (zip(prediction.mean, values).map { $0 + $1 }, prediction.variance)
    }

    /// `points` with equal-cell integers moved to their cell, as the kernel sees them (the trend is evaluated there
    /// too, so that the posterior at a relaxed point is the posterior at the integer that will be evaluated).
    private func structureRounded(_ points: [Double]) -> [Double] {
        hyperparameters.structure.roundingQueries(points, width: width)
    }

    /// ``predict(_:count:)`` on the calling thread.
    private func predictPart(_ points: [Double], count m: Int) -> (mean: [Double], variance: [Double]) {
        let n = count
        let priorVariance = self.priorVariance(points, count: m)
        guard n > 0 else { return (Array(repeating: 0, count: m), priorVariance) }
        let cross = crossCovariance(points, count: m)
        var mean = [Double](repeating: 0, count: m)
        for i in 0..<n {
            let a = alpha[i]
            for j in 0..<m { mean[j] += cross[i * m + j] * a }
        }
        let v = Triangular.solveLower(cholesky.lower, size: n, cross, columns: m)
        var variance = priorVariance
        for i in 0..<n {
            for j in 0..<m { variance[j] -= v[i * m + j] * v[i * m + j] }
        }
        return (mean, variance.map { max($0, 1e-12 * hyperparameters.signalVariance) })
    }

    /// The posterior mean and latent variance at one point, with their gradients in the point.
    ///
    /// - Complexity: O(n² + n w).
    func predictWithGradient(_ unroundedPoint: [Double]) -> (
        mean: Double, variance: Double, dMean: [Double], dVariance: [Double]
    ) {
        var result =
            hyperparameters.structure.additive != nil
            ? additivePredictWithGradient(unroundedPoint) : productPredictWithGradient(unroundedPoint)
        guard let trend else { return result }
        let point = structureRounded(unroundedPoint)
        result.mean += trend.value(point, at: 0)
        var slope = [Double](repeating: 0, count: width)
        trend.addGradient(at: point, to: &slope)
        hyperparameters.structure.zeroRounded(&slope)
        for j in 0..<width { result.dMean[j] += slope[j] }
        return result
    }

    /// ``predictWithGradient(_:)`` of the product kernel, without the trend.
    private func productPredictWithGradient(_ unroundedPoint: [Double]) -> (
        mean: Double, variance: Double, dMean: [Double], dVariance: [Double]
    ) {
        let warping = hyperparameters.warping
        let structure = hyperparameters.structure
        let rawPoint = structure.roundingQueries(unroundedPoint, width: width)
        let point = warping(rawPoint, width: width)
        let inputs = warpedInputs
        let n = count
        let w = width
        let variance0 = hyperparameters.signalVariance
        var k = [Double](repeating: 0, count: n)
        // dk_i/dx_c = -s² g(r²) (x_c - x_ic) / ℓ_c² with g = -2 dM/dr² (`MaternSmoothness.valueAndSlope`); `slope`
        // holds the factor before (x_c - x_ic). With the overlap kernel, the factor of a categorical coordinate is -k_i
        // instead (`overlapSlope`).
        var slope = [Double](repeating: 0, count: n)
        var overlapSlope = [Double](repeating: 0, count: structure.categorical.isEmpty ? 0 : n)
        point.withUnsafeBufferPointer { p in
            inputs.withUnsafeBufferPointer { x in
                var memo = OverlapMemo()
                for i in 0..<n {
                    let (squared, overlap) = structure.squaredDistances(
                        p,
                        0,
                        x,
                        i,
                        width: w,
                        inverseSquaredLengthscales
                    )
                    let (value, g) = structure.smoothness.valueAndSlope(squaredDistance: squared)
                    let factor = memo.factor(overlap)
                    k[i] = variance0 * value * factor
                    slope[i] = -variance0 * g * factor
                    if !overlapSlope.isEmpty { overlapSlope[i] = -k[i] }
                }
            }
        }
        let linear = linearPart(rawPoint, into: &k)
        var mean = 0.0
        for i in 0..<n { mean += k[i] * alpha[i] }
        let c = n > 0 ? cholesky.solve(k) : []
        var variance = variance0 + linear.priorVariance
        for i in 0..<n { variance -= k[i] * c[i] }
        var dMean = [Double](repeating: 0, count: w)
        var dVariance = [Double](repeating: 0, count: w)
        for i in 0..<n {
            let a = slope[i] * alpha[i]
            let b = -2 * slope[i] * c[i]
            for j in 0..<w {
                let d = (point[j] - inputs[i * w + j]) * inverseSquaredLengthscales[j]
                if structure.isCategorical(j) {
                    dMean[j] += overlapSlope[i] * alpha[i] * d
                    dVariance[j] -= 2 * overlapSlope[i] * c[i] * d
                } else {
                    dMean[j] += a * d
                    dVariance[j] += b * d
                }
            }
        }
        return finishedGradient(
            mean: mean,
            variance: variance,
            dMean: dMean,
            dVariance: dVariance,
            rawPoint: rawPoint,
            signalVariance: variance0,
            linear: linearGradient(linear, alpha: alpha, solved: c)
        )
    }

    /// The end of ``predictWithGradient(_:)``: no derivative along rounded coordinates, the warping's chain rule
    /// (derivatives with respect to the raw point), and the variance floored at `1e-12` of the signal variance (its
    /// derivative zero there).
    func finishedGradient(
        mean: Double,
        variance: Double,
        dMean: [Double],
        dVariance: [Double],
        rawPoint: [Double],
        signalVariance: Double,
        linear: (dMean: [Double], dVariance: [Double])? = nil
    ) -> (mean: Double, variance: Double, dMean: [Double], dVariance: [Double]) {
        var (variance, dMean, dVariance) = (variance, dMean, dVariance)
        let structure = hyperparameters.structure
        let warping = hyperparameters.warping
        for (index, c) in warping.coordinates.enumerated() {
            let slope = InputWarping.density(rawPoint[c], a: warping.a[index], b: warping.b[index])
            dMean[c] *= slope
            dVariance[c] *= slope
        }
        // The linear part sees the raw point: its derivatives are added after the warping's chain rule.
        if let linear {
            for c in dMean.indices {
                dMean[c] += linear.dMean[c]
                dVariance[c] += linear.dVariance[c]
            }
        }
        structure.zeroRounded(&dMean)
        structure.zeroRounded(&dVariance)
        let floor = 1e-12 * signalVariance
        if variance < floor {
            variance = floor
            dVariance = Array(repeating: 0, count: dVariance.count)
        }
        return (mean, variance, dMean, dVariance)
    }
}

extension KernelStructure {
    /// The squared scaled distances of the Matérn part (`numeric`) and of the overlap part (`categorical`) between
    /// rows `i` of `x` and `j` of `y`.
    @inline(__always)
    func squaredDistances(
        _ x: UnsafeBufferPointer<Double>,
        _ i: Int,
        _ y: UnsafeBufferPointer<Double>,
        _ j: Int,
        width w: Int,
        _ inverseSquared: [Double]
    ) -> (numeric: Double, categorical: Double) {
        var numeric = 0.0
        if categorical.isEmpty {
            for c in 0..<w {
                let d = x[i * w + c] - y[j * w + c]
                numeric += d * d * inverseSquared[c]
            }
            return (numeric, 0)
        }
        var overlap = 0.0
        for c in 0..<w {
            let d = x[i * w + c] - y[j * w + c]
            if categorical[c] { overlap += d * d * inverseSquared[c] } else { numeric += d * d * inverseSquared[c] }
        }
        return (numeric, overlap)
    }

    /// The overlap factor `exp(-½ Σ_{c ∈ C} …)` of a categorical squared distance.
    @inline(__always)
    static func overlap(_ squared: Double) -> Double { squared == 0 ? 1 : exp(-0.5 * squared) }
}

/// The overlap factors ``KernelStructure/overlap(_:)`` already computed, by the bits of their categorical squared
/// distance: the same values without their exponentials.
///
/// Between one-hot vectors (the trials, and snapped candidates) the categorical distance takes only a few values, one
/// per pair of categories, so most factors of the kernel matrix and of the snapped candidates' cross-covariances
/// repeat; a relaxed candidate's misses cost a hash and a comparison. Direct-mapped, 64 slots, allocated at the first non-zero distance.
struct OverlapMemo {
    private var keys: [UInt64] = []
    private var values: [Double] = []

    /// `KernelStructure.overlap(squared)`, the same to the bit.
    @inline(__always)
    mutating func factor(_ squared: Double) -> Double {
        // A zero distance (either sign) is 1 without an exponential, and the empty slots' key, 0, is never looked up.
        guard squared != 0 else { return 1 }
        if keys.isEmpty {
            keys = [UInt64](repeating: 0, count: 64)
            values = [Double](repeating: 1, count: 64)
        }
        let bits = squared.bitPattern
        let slot = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> 58)
        return keys.withUnsafeMutableBufferPointer { keys in
            values.withUnsafeMutableBufferPointer { values in
                if keys[slot] == bits { return values[slot] }
                let value = KernelStructure.overlap(squared)
                keys[slot] = bits
                values[slot] = value
                return value
            }
        }
    }
}

extension GaussianProcess {
    /// `rows × width` row-major values as `width × rows`: each coordinate's values contiguous, for the kernels'
    /// coordinate-by-coordinate sums.
    static func transposed(_ values: [Double], rows: Int, width: Int) -> [Double] {
        var columns = [Double](repeating: 0, count: rows * width)
        for j in 0..<rows { for c in 0..<width { columns[c * rows + j] = values[j * width + c] } }
        return columns
    }
}

/// Where ``GaussianProcess/kernelMatrixAndSlopes(_:count:width:_:_:)`` writes, shared by the parts of its rows.
private struct KernelRows: Sendable {
    /// The inputs, transposed (`width × n`).
    let column: SharedPointer
    /// The kernel matrix, and below its diagonal the Matérn's values and slopes and the overlap factors.
    let matrix: SharedPointer
    let values: SharedPointer
    let slopes: SharedPointer
    let factors: SharedPointer?

    /// Rows `rows` of the kernel matrix (each row `i`: the diagonal and the pairs `j < i`, written at `(i, j)` and
    /// `(j, i)`), with their own distance sums and overlap memo.
    func fill(
        _ rows: Range<Int>,
        count n: Int,
        width w: Int,
        _ inverseSquared: [Double],
        isCategorical: [Bool],
        structure: KernelStructure,
        variance: Double
    ) {
        let (column, k, values, slopes) = (column.base, matrix.mutable, values.mutable, slopes.mutable)
        let factors = factors?.mutable
        var numericSums = [Double](repeating: 0, count: n)
        var overlapSums = [Double](repeating: 0, count: factors == nil ? 0 : n)
        var memo = OverlapMemo()
        numericSums.withUnsafeMutableBufferPointer { numericSums in
            overlapSums.withUnsafeMutableBufferPointer { overlapSums in
                guard let numeric = numericSums.baseAddress else { return }
                let overlap = factors == nil ? nil : overlapSums.baseAddress
                for i in rows {
                    k[i * n + i] = variance
                    GaussianProcess.squaredDistances(
                        from: { column[$0 * n + i] },
                        to: column,
                        stride: n,
                        count: i,
                        width: w,
                        inverseSquared,
                        categorical: isCategorical,
                        numeric: numeric,
                        overlap: overlap
                    )
                    for j in 0..<i {
                        let (value, slope) = structure.smoothness.valueAndSlope(squaredDistance: numeric[j])
                        let factor = overlap.map { memo.factor($0[j]) } ?? 1
                        let entry = variance * value * factor
                        k[i * n + j] = entry
                        k[j * n + i] = entry
                        values[i * n + j] = value
                        slopes[i * n + j] = slope
                        if let factors { factors[i * n + j] = factor }
                    }
                }
            }
        }
    }
}
