import Foundation
import OrionNumerics

/// The first-order additive part of the GP's kernel (`gp`'s option `additive`): one term per dimension element.
///
/// `k(x, x') = s² [(1 - a) Π(x, x') + a (1/D) Σ_t k_t(x, x')]`, where `Π` is the product kernel of
/// ``KernelStructure`` (the ARD Matérn times the categories' overlap factor) and `k_t` is the same kernel restricted
/// to the coordinates of term `t`, sharing their lengthscales: the one-dimensional Matérn of a numeric coordinate,
/// the overlap factor of a categorical dimension under `categorical_kernel` (else the Matérn of its one-hot
/// coordinates). `D` terms, and the weight `a ∈ (0, 1)` fitted with the other hyperparameters by the marginal
/// likelihood (its logit is the last log-parameter). With `a` near 1, what the model learned of a coordinate's good
/// values in one region carries over to the others (an additive function); near 0 it is the product kernel
/// ([Duvenaud, Nickisch & Rasmussen, 2011, "Additive Gaussian processes"](https://arxiv.org/abs/1112.4394), its
/// first and D-th orders; [Kandasamy et al., 2015](https://arxiv.org/abs/1503.01673)). Each `k_t` is 1 at zero
/// distance, so `k(x, x) = s²`.
struct AdditiveTerms: Codable, Sendable, Hashable {
    /// Per coordinate, the index of its term.
    var terms: [Int]
    /// Per term, `true` when it is an overlap factor (a categorical dimension under the overlap kernel).
    var overlap: [Bool]
    /// The weight `a` of the additive part: a fitted hyperparameter (``GPHyperparameters/init(logVector:width:warped:structure:)``
    /// sets it; a configuration's value is ignored by the fit).
    var weight = 0.5

    /// The terms of the coordinates' `groups` (the coordinates of one dimension element: a numeric scalar, or the
    /// one-hot coordinates of a category), `overlap` per coordinate.
    init(groups: [Range<Int>], overlap: [Bool]) {
        var index: [Range<Int>: Int] = [:]
        var terms: [Int] = []
        var termOverlap: [Bool] = []
        for (coordinate, group) in groups.enumerated() {
            if let term = index[group] {
                terms.append(term)
            } else {
                index[group] = termOverlap.count
                terms.append(termOverlap.count)
                termOverlap.append(overlap[coordinate])
            }
        }
        self.terms = terms
        self.overlap = termOverlap
    }

    /// Terms given directly: `terms` per coordinate, `overlap` per term.
    init(terms: [Int], overlap: [Bool], weight: Double = 0.5) {
        self.terms = terms
        self.overlap = overlap
        self.weight = weight
    }

    /// The number of terms `D`.
    var count: Int { overlap.count }

    /// `log(a / (1 - a))`.
    static func logit(_ a: Double) -> Double { log(a / (1 - a)) }

    /// `1 / (1 + e^{-t})`.
    static func sigmoid(_ t: Double) -> Double { 1 / (1 + exp(-t)) }
}

/// The additive kernel (without the signal variance) of pairs of points, and its derivatives.
struct AdditivePairKernel {
    let width: Int
    let inverseSquared: [Double]
    /// Per coordinate, whether it is under the product's overlap factor.
    let categorical: [Bool]
    let terms: [Int]
    let overlapTerm: [Bool]
    let smoothness: MaternSmoothness
    let weight: Double
    /// `a / D`.
    let termWeight: Double
    private var termSums: [Double]
    private var termSlopes: [Double]
    /// After ``evaluate(_:_:)``, per coordinate `c`: the factor `q_c` with `∂k/∂log ℓ_c = q_c d_c² / ℓ_c²` and
    /// `∂k/∂x_c = -q_c d_c / ℓ_c²`, `d_c = x_c - x'_c`.
    private(set) var coefficients: [Double]

    /// The kernel of `structure` (which must have ``KernelStructure/additive``) with lengthscales `1/√inverseSquared`.
    init(_ structure: KernelStructure, inverseSquared: [Double], width: Int) {
        let additive =
            structure.additive
            ?? AdditiveTerms(terms: Array(0..<width), overlap: [Bool](repeating: false, count: width))
        self.width = width
        self.inverseSquared = inverseSquared
        categorical = (0..<width).map { structure.isCategorical($0) }
        terms = additive.terms
        overlapTerm = additive.overlap
        smoothness = structure.smoothness
        weight = additive.count > 0 ? additive.weight : 0
        termWeight = additive.count > 0 ? weight / Double(additive.count) : 0
        termSums = [Double](repeating: 0, count: additive.count)
        termSlopes = [Double](repeating: 0, count: additive.count)
        coefficients = [Double](repeating: 0, count: width)
    }

    /// The kernel between the `width` coordinates at `x` and at `y`, its product part `Π` and its additive part
    /// `(1/D) Σ_t k_t`; sets ``coefficients``.
    mutating func evaluate(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> (
        kernel: Double, product: Double, additive: Double
    ) {
        var numeric = 0.0
        var overlapSum = 0.0
        for t in termSums.indices { termSums[t] = 0 }
        for c in 0..<width {
            let d = x[c] - y[c]
            let q = d * d * inverseSquared[c]
            termSums[terms[c]] += q
            if categorical[c] { overlapSum += q } else { numeric += q }
        }
        let (matern, slope) = smoothness.valueAndSlope(squaredDistance: numeric)
        let factor = KernelStructure.overlap(overlapSum)
        let product = matern * factor
        var sum = 0.0
        for t in termSums.indices {
            if overlapTerm[t] {
                let value = KernelStructure.overlap(termSums[t])
                termSlopes[t] = value
                sum += value
            } else {
                let (value, termSlope) = smoothness.valueAndSlope(squaredDistance: termSums[t])
                termSlopes[t] = termSlope
                sum += value
            }
        }
        let additive = termSums.isEmpty ? product : sum / Double(termSums.count)
        for c in 0..<width {
            coefficients[c] =
                (1 - weight) * (categorical[c] ? product : slope * factor) + termWeight * termSlopes[terms[c]]
        }
        return ((1 - weight) * product + weight * additive, product, additive)
    }
}

extension GaussianProcess {
    /// ``kernelMatrix(_:count:width:_:_:)`` with the additive kernel.
    static func additiveKernelMatrix(
        _ inputs: [Double],
        count n: Int,
        width w: Int,
        _ inverseSquared: [Double],
        _ hyperparameters: GPHyperparameters
    ) -> [Double] {
        let variance = hyperparameters.signalVariance
        var matrix = [Double](repeating: 0, count: n * n)
        for i in 0..<n { matrix[i * n + i] = variance }
        var kernel = AdditivePairKernel(hyperparameters.structure, inverseSquared: inverseSquared, width: w)
        inputs.withUnsafeBufferPointer { x in
            guard let base = x.baseAddress, w > 0 else { return }
            for i in 0..<n {
                for j in 0..<i {
                    let value = variance * kernel.evaluate(base + i * w, base + j * w).kernel
                    matrix[i * n + j] = value
                    matrix[j * n + i] = value
                }
            }
        }
        return matrix
    }

    /// ``crossCovariance(_:count:_:count:width:_:variance:structure:into:)`` with the additive kernel.
    static func additiveCrossCovariance(
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
        guard w > 0 else {
            for index in 0..<(n * m) { result[index] = variance }
            return
        }
        // Row by row (``AdditiveRowKernel``), the one-dimensional terms' exponentials from per-point factors.
        let kernel = AdditiveRowKernel(structure, inverseSquared: inverseSquared, width: w, capacity: m)
        let columns = Self.transposed(points, rows: m, width: w)
        inputs.withUnsafeBufferPointer { x in
            columns.withUnsafeBufferPointer { p in
                result.withUnsafeMutableBufferPointer { out in
                    guard let xBase = x.baseAddress, let pBase = p.baseAddress, let target = out.baseAddress else {
                        return
                    }
                    kernel.prepare(columns: pBase, stride: m, count: m)
                    for i in 0..<n {
                        kernel.evaluate(xBase + i * w, columns: pBase, stride: m, count: m, slopes: false)
                        let row = target + i * m
                        for j in 0..<m { row[j] = variance * kernel.kernel[j] }
                    }
                }
            }
        }
    }

    /// ``predictWithGradient(_:)`` with the additive kernel.
    func additivePredictWithGradient(_ unroundedPoint: [Double]) -> (
        mean: Double, variance: Double, dMean: [Double], dVariance: [Double]
    ) {
        let warping = hyperparameters.warping
        let structure = hyperparameters.structure
        let rawPoint = structure.roundingQueries(unroundedPoint, width: width)
        let point = warping(rawPoint, width: width)
        let n = count
        let w = width
        let variance0 = hyperparameters.signalVariance
        var kernel = AdditivePairKernel(structure, inverseSquared: inverseSquaredLengthscales, width: w)
        var k = [Double](repeating: 0, count: n)
        // ∂k_i/∂x_c = -s² q_ic (x_c - x_ic) / ℓ_c².
        var dk = [Double](repeating: 0, count: n * w)
        point.withUnsafeBufferPointer { p in
            warpedInputs.withUnsafeBufferPointer { x in
                guard let pBase = p.baseAddress, let xBase = x.baseAddress, w > 0 else { return }
                for i in 0..<n {
                    k[i] = variance0 * kernel.evaluate(pBase, xBase + i * w).kernel
                    for c in 0..<w {
                        dk[i * w + c] =
                            -variance0 * kernel.coefficients[c] * (p[c] - x[i * w + c]) * inverseSquaredLengthscales[c]
                    }
                }
            }
        }
        let linear = linearPart(rawPoint, into: &k)
        var mean = 0.0
        for i in 0..<n { mean += k[i] * alpha[i] }
        let solved = n > 0 ? cholesky.solve(k) : []
        var variance = variance0 + linear.priorVariance
        for i in 0..<n { variance -= k[i] * solved[i] }
        var dMean = [Double](repeating: 0, count: w)
        var dVariance = [Double](repeating: 0, count: w)
        for i in 0..<n {
            for c in 0..<w {
                dMean[c] += dk[i * w + c] * alpha[i]
                dVariance[c] -= 2 * dk[i * w + c] * solved[i]
            }
        }
        return finishedGradient(
            mean: mean,
            variance: variance,
            dMean: dMean,
            dVariance: dVariance,
            rawPoint: rawPoint,
            signalVariance: variance0,
            linear: linearGradient(linear, alpha: alpha, solved: solved)
        )
    }

    /// ``negativeLogPosterior(_:inputs:width:targets:prior:structure:)`` with the additive kernel (its last
    /// log-parameter is the logit of the weight `a`: `∂K/∂logit a = s² a (1 - a) (additive - product)`).
    static func additiveNegativeLogPosterior(
        _ theta: [Double],
        inputs rawInputs: [Double],
        width w: Int,
        targets: [Double],
        prior: GPPrior,
        structure: KernelStructure
    ) -> (Double, [Double]) {
        let n = targets.count
        let hyper = GPHyperparameters(logVector: theta, width: w, warped: prior.warped, structure: structure)
        let warping = hyper.warping
        let inputs = warping(rawInputs, width: w)
        let inverseSquared = hyper.lengthscales.map { 1 / ($0 * $0) }
        let s2 = hyper.signalVariance
        let a = hyper.structure.additive?.weight ?? 0
        let pairs = n * (n - 1) / 2
        // Per row i, its pairs j < i from `i(i-1)/2`: `additive - product` for the weight's derivative, and per
        // coordinate c (at `i(i-1)/2 · w + c · i + j`) the coefficient of the lengthscales' and inputs' derivatives.
        // Row by row (``AdditiveRowKernel``), the one-dimensional terms' exponentials from per-point factors.
        var coefficients = [Double](repeating: 0, count: pairs * w)
        var differences = [Double](repeating: 0, count: pairs)
        var matrix = [Double](repeating: 0, count: n * n)
        let columns = transposed(inputs, rows: n, width: w)
        // Each row is computed apart, by a kernel of its part's own: many trials share the rows among the cores
        // (``Parallel``), row i costing i pairs.
        let rows = Parallel.weightedParts(n, minimumWeight: Double(131_072 / (w + 8))) { Double($0) }
        let structure = hyper.structure
        inputs.withUnsafeBufferPointer { x in
            columns.withUnsafeBufferPointer { columns in
                matrix.withUnsafeMutableBufferPointer { matrix in
                    differences.withUnsafeMutableBufferPointer { differences in
                        coefficients.withUnsafeMutableBufferPointer { coefficients in
                            guard let inputBase = x.baseAddress, let columnBase = columns.baseAddress, w > 0,
                                let matrixBase = matrix.baseAddress
                            else { return }
                            // Without pairs (n = 1) the two arrays are empty: nothing is written to them.
                            let (points, transposed, shared) = (
                                SharedPointer(inputBase), SharedPointer(columnBase), SharedPointer(matrixBase)
                            )
                            let pairTargets = differences.baseAddress.flatMap { differenceBase in
                                coefficients.baseAddress.map { (SharedPointer(differenceBase), SharedPointer($0)) }
                            }
                            Parallel.forEach(rows) { rows in
                                guard let (sharedDifferences, sharedCoefficients) = pairTargets else { return }
                                let kernel = AdditiveRowKernel(
                                    structure,
                                    inverseSquared: inverseSquared,
                                    width: w,
                                    capacity: n
                                )
                                kernel.prepare(columns: transposed.base, stride: n, count: n)
                                let (matrix, differences, coefficients) = (
                                    shared.mutable, sharedDifferences.mutable, sharedCoefficients.mutable
                                )
                                for i in rows where i >= 1 {
                                    kernel.evaluate(
                                        points.base + i * w,
                                        columns: transposed.base,
                                        stride: n,
                                        count: i,
                                        slopes: true
                                    )
                                    let start = i * (i - 1) / 2
                                    for j in 0..<i {
                                        let value = kernel.kernel[j]
                                        matrix[i * n + j] = s2 * value
                                        matrix[j * n + i] = s2 * value
                                        differences[start + j] = kernel.additive[j] - kernel.product[j]
                                    }
                                    for index in 0..<(i * w) {
                                        coefficients[start * w + index] = kernel.coefficients[index]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for i in 0..<n { matrix[i * n + i] = s2 + hyper.noiseVariance }
        // With the linear part, a copy: the traces below read the additive kernel's own entries in `matrix`.
        let linearFeatures = structure.linear?.features(structure.roundingQueries(rawInputs, width: w), width: w)
        var full = matrix
        if let linearFeatures {
            addLinear(
                to: &full,
                features: linearFeatures,
                count: n,
                width: w,
                variance: hyper.linearPartVariance
            )
        }
        guard let cholesky = try? Cholesky(full, size: n, maxJitter: 1e-6) else {
            return (.infinity, Array(repeating: 0, count: theta.count))
        }
        let alpha = cholesky.solve(targets)
        var value = 0.5 * cholesky.logDeterminant + 0.5 * Double(n) * log(2 * Double.pi)
        for i in 0..<n { value += 0.5 * targets[i] * alpha[i] }
        // W = K⁻¹ - ααᵀ; dNLL/dθ = ½ tr(W ∂K/∂θ).
        var weights = cholesky.inverse()
        for i in 0..<n { for j in 0...i { weights[i * n + j] -= alpha[i] * alpha[j] } }
        var gradient = [Double](repeating: 0, count: theta.count)
        var signalTrace = 0.0
        var noiseTrace = 0.0
        var weightTrace = 0.0
        var lengthscaleSums = [Double](repeating: 0, count: w)
        let warps = !warping.coordinates.isEmpty
        let warped = Set(warping.coordinates)
        var inputGradient = [Double](repeating: 0, count: warps ? n * w : 0)
        // Every sum below takes its terms in the order of the pairs (i, then j < i), as one pass over the pairs would.
        var pairWeights = [Double](repeating: 0, count: n)
        for i in 0..<n {
            noiseTrace += weights[i * n + i]
            signalTrace += weights[i * n + i] * s2
            let start = i * (i - 1) / 2
            for j in 0..<i {
                let pairWeight = 2 * weights[i * n + j]  // both triangles
                pairWeights[j] = pairWeight
                signalTrace += pairWeight * matrix[i * n + j]
                weightTrace += pairWeight * s2 * differences[start + j]
            }
            for c in 0..<w {
                let scale = inverseSquared[c]
                let row = start * w + c * i
                var sum = lengthscaleSums[c]
                for j in 0..<i {
                    let d = inputs[i * w + c] - inputs[j * w + c]
                    sum += pairWeights[j] * s2 * coefficients[row + j] * d * d * scale
                }
                lengthscaleSums[c] = sum
                guard warped.contains(c) else { continue }
                for j in 0..<i {
                    let h = 0.5 * pairWeights[j] * s2 * coefficients[row + j]
                    let d = (inputs[i * w + c] - inputs[j * w + c]) * scale
                    inputGradient[i * w + c] -= h * d
                    inputGradient[j * w + c] += h * d
                }
            }
        }
        for c in 0..<w { gradient[c] = 0.5 * lengthscaleSums[c] }
        gradient[w] = 0.5 * signalTrace
        gradient[w + 1] = 0.5 * hyper.noiseVariance * noiseTrace
        warping.addLogParameterGradient(to: &gradient, inputGradient: inputGradient, rawInputs: rawInputs, width: w)
        if let index = prior.additiveIndex { gradient[index] = 0.5 * weightTrace * a * (1 - a) }
        setLinearGradient(&gradient, prior: prior, weights: weights, features: linearFeatures, count: n, hyper)
        let (priorValue, priorGradient) = prior.negativeLog(theta)
        return (value + priorValue, zip(gradient, priorGradient).map(+))
    }
}
