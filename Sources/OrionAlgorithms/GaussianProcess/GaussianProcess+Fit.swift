import Foundation
import OrionNumerics

/// The priors and bounds of the hyperparameters, and their fit by maximum a-posteriori marginal likelihood.
///
/// Priors on the log-parameters, for inputs in the unit cube and standardized outputs: lengthscales log-normal
/// `N(√2 + ½ log w, 3)`, which scales with the dimension ([Hvarfner et al., 2024, "Vanilla Bayesian optimization
/// performs great in high dimensions"](https://arxiv.org/abs/2402.02229)); signal variance `log s² ~ N(0, 1)`;
/// noise variance `log σ² ~ N(-4, 1)` (BoTorch's defaults since 0.12), with σ² ≥ 10⁻⁶; the warping's
/// concentrations `log a, log b ~ N(0, 0.75)` in [log 0.1, log 10] (BoTorch's prior for its Kumaraswamy warping),
/// centred on the identity; with the additive kernel, the logit of its weight `logit a ~ N(0, 3)` in [-8, 8]
/// (centred on equal parts, as wide as the log-lengthscales' prior: the marginal likelihood decides).
///
/// The lengthscales' log-normal enters the MAP objective in one of two ways (``LengthscalePrior``): as the normal
/// density of `log ℓ` (the default), whose mode is `ℓ = e^μ ≈ 4.1 √w`, or as the log-normal density of `ℓ` itself, as
/// BoTorch's MAP fit does, whose mode is `ℓ = e^{μ - 3} ≈ 0.21 √w`: the density of `ℓ` is that of `log ℓ` divided by
/// `ℓ`, so `-log p` gains `log ℓ`.
struct GPPrior: Sendable {
    /// How the lengthscales' log-normal enters the objective.
    enum LengthscalePrior: String, Codable, Sendable, Hashable, CaseIterable {
        /// The normal density of `log ℓ`: mode `e^μ`.
        case logLengthscale = "log_lengthscale"
        /// The log-normal density of `ℓ`: mode `e^{μ - σ²}`.
        case lengthscale
    }

    /// The mean of each log-lengthscale.
    let lengthscaleMean: Double
    /// How the lengthscales' prior enters the objective.
    let lengthscalePrior: LengthscalePrior
    /// The variance of each log-lengthscale.
    let lengthscaleVariance = 3.0
    /// The mean and variance of the log signal variance.
    let signalMean = 0.0
    let signalVariance = 1.0
    /// The mean and variance of the log noise variance.
    let noiseMean = -4.0
    let noiseVariance = 1.0
    /// The variance of each log-concentration of the warping (mean 0).
    let warpingVariance = 0.75
    /// The mean and variance of the logit of the additive kernel's weight.
    let additiveMean = 0.0
    let additiveVariance = 3.0
    /// The mean and variance of the linear part's log-variance.
    let linearMean = LinearTerm.priorMean
    let linearVariance = LinearTerm.priorVariance
    /// Whether the log-parameters end with the logit of the additive kernel's weight.
    let additive: Bool
    /// Whether the log-parameters end with the linear part's log-variance (after the additive weight).
    let linear: Bool
    /// The number of input coordinates.
    let width: Int
    /// The warped coordinates.
    let warped: [Int]
    /// The bounds of the log-parameters.
    let lower: [Double]
    let upper: [Double]

    /// The prior for `width` input coordinates, of which `warped` are warped, the lengthscales' density taken as
    /// `lengthscalePrior` says, with the additive kernel's weight when `additive`.
    init(
        width: Int,
        warped: [Int] = [],
        lengthscalePrior: LengthscalePrior = .logLengthscale,
        additive: Bool = false,
        linear: Bool = false
    ) {
        self.width = width
        self.warped = warped
        self.lengthscalePrior = lengthscalePrior
        self.additive = additive
        self.linear = linear
        lengthscaleMean = 2.0.squareRoot() + 0.5 * log(Double(max(width, 1)))
        lower =
            Array(repeating: log(5e-3), count: width) + [log(1e-2), log(1e-6)]
            + Array(repeating: log(0.1), count: 2 * warped.count) + (additive ? [-8] : [])
            + (linear ? [LinearTerm.lowerLogVariance] : [])
        upper =
            Array(repeating: log(1e2), count: width) + [log(1e2), log(2)]
            + Array(repeating: log(10), count: 2 * warped.count) + (additive ? [8] : [])
            + (linear ? [LinearTerm.upperLogVariance] : [])
    }

    /// The index of the additive kernel's logit weight in the log-parameters, `nil` without it.
    var additiveIndex: Int? { additive ? width + 2 + 2 * warped.count : nil }

    /// The index of the linear part's log-variance in the log-parameters (the last), `nil` without it.
    var linearIndex: Int? { linear ? width + 2 + 2 * warped.count + (additive ? 1 : 0) : nil }

    /// The log-lengthscale at the mode of the objective's prior term: `μ`, or `μ - σ²` for the density of `ℓ`.
    var lengthscaleMode: Double {
        switch lengthscalePrior {
        case .logLengthscale: return lengthscaleMean
        case .lengthscale: return lengthscaleMean - lengthscaleVariance
        }
    }

    /// The prior's mode, clipped to the bounds: where the fit starts.
    var center: [Double] {
        let mode = min(max(lengthscaleMode, log(5e-3)), log(1e2))
        return Array(repeating: mode, count: width) + [signalMean, noiseMean]
            + Array(repeating: 0, count: 2 * warped.count) + (additive ? [additiveMean] : [])
            + (linear ? [linearMean] : [])
    }

    /// `-log p(θ)` up to a constant, and its gradient.
    func negativeLog(_ theta: [Double]) -> (Double, [Double]) {
        let w = width
        var value = 0.0
        var gradient = [Double](repeating: 0, count: theta.count)
        // The density of ℓ is that of log ℓ over ℓ: -log p gains log ℓ = θ_c.
        let jacobian = lengthscalePrior == .lengthscale ? 1.0 : 0.0
        for c in 0..<w {
            let d = theta[c] - lengthscaleMean
            value += 0.5 * d * d / lengthscaleVariance + jacobian * theta[c]
            gradient[c] = d / lengthscaleVariance + jacobian
        }
        let ds = theta[w] - signalMean
        value += 0.5 * ds * ds / signalVariance
        gradient[w] = ds / signalVariance
        let dn = theta[w + 1] - noiseMean
        value += 0.5 * dn * dn / noiseVariance
        gradient[w + 1] = dn / noiseVariance
        for index in (w + 2)..<(w + 2 + 2 * warped.count) {
            value += 0.5 * theta[index] * theta[index] / warpingVariance
            gradient[index] = theta[index] / warpingVariance
        }
        if let index = additiveIndex {
            let d = theta[index] - additiveMean
            value += 0.5 * d * d / additiveVariance
            gradient[index] = d / additiveVariance
        }
        if let index = linearIndex {
            let d = theta[index] - linearMean
            value += 0.5 * d * d / linearVariance
            gradient[index] = d / linearVariance
        }
        return (value, gradient)
    }
}

extension GaussianProcess {
    /// The negative log marginal likelihood plus the negative log prior at log-parameters `theta`, and its
    /// gradient; `+infinity` when the kernel matrix cannot be factored.
    ///
    /// - Complexity: O(n³) (the Cholesky factor and the inverse) plus O(n² w).
    static func negativeLogPosterior(
        _ theta: [Double],
        inputs: [Double],
        width w: Int,
        targets: [Double],
        prior: GPPrior,
        structure: KernelStructure = .numeric
    ) -> (Double, [Double]) {
        if structure.additive != nil {
            return additiveNegativeLogPosterior(
                theta,
                inputs: inputs,
                width: w,
                targets: targets,
                prior: prior,
                structure: structure
            )
        }
        let n = targets.count
        let hyper = GPHyperparameters(logVector: theta, width: w, warped: prior.warped, structure: structure)
        let warping = hyper.warping
        let rawInputs = inputs
        let inputs = warping(rawInputs, width: w)
        let inverseSquared = hyper.lengthscales.map { 1 / ($0 * $0) }
        // The pairs' Matérn values and slopes are kept from the kernel matrix for the gradient below.
        // Taken apart so that the matrix has no other reference: adding the noise does not copy it.
        let (kernel, pairValues, pairSlopes, pairFactors) = kernelMatrixAndSlopes(
            inputs,
            count: n,
            width: w,
            inverseSquared,
            hyper
        )
        var matrix = consume kernel
        let linearFeatures = structure.linear?.features(structure.roundingQueries(rawInputs, width: w), width: w)
        if let linearFeatures {
            addLinear(
                to: &matrix,
                features: linearFeatures,
                count: n,
                width: w,
                variance: hyper.linearPartVariance
            )
        }
        for i in 0..<n { matrix[i * n + i] += hyper.noiseVariance }
        guard let cholesky = try? Cholesky(matrix, size: n, maxJitter: 1e-6) else {
            return (.infinity, Array(repeating: 0, count: theta.count))
        }
        let alpha = cholesky.solve(targets)
        var value = 0.5 * cholesky.logDeterminant + 0.5 * Double(n) * log(2 * Double.pi)
        for i in 0..<n { value += 0.5 * targets[i] * alpha[i] }
        // W = K⁻¹ - ααᵀ; dNLL/dθ = ½ tr(W ∂K/∂θ).
        // Only the lower triangle and the diagonal of W are read below.
        var weights = cholesky.inverse()
        weights.withUnsafeMutableBufferPointer { weight in
            for i in 0..<n { for j in 0...i { weight[i * n + j] -= alpha[i] * alpha[j] } }
        }
        var gradient = [Double](repeating: 0, count: theta.count)
        let s2 = hyper.signalVariance
        var signalTrace = 0.0
        var noiseTrace = 0.0
        var lengthscaleSums = [Double](repeating: 0, count: w)
        // ∂NLL/∂x'ᵢ꜀ at the warped inputs, for the warping's gradient.
        let warps = !warping.coordinates.isEmpty
        var inputGradient = [Double](repeating: 0, count: warps ? n * w : 0)
        // Per coordinate: does the overlap kernel (not the Matérn) carry its lengthscale.
        let categorical = (0..<w).map { !structure.categorical.isEmpty && structure.categorical[$0] }
        let overlaps = !pairFactors.isEmpty
        let inverseSquaredBuffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(w, 1))
        let categoricalBuffer = UnsafeMutableBufferPointer<Bool>.allocate(capacity: max(w, 1))
        defer {
            inverseSquaredBuffer.deallocate()
            categoricalBuffer.deallocate()
        }
        for c in 0..<w {
            inverseSquaredBuffer[c] = inverseSquared[c]
            categoricalBuffer[c] = categorical[c]
        }
        inputs.withUnsafeBufferPointer { x in
            weights.withUnsafeBufferPointer { weight in
                lengthscaleSums.withUnsafeMutableBufferPointer { sums in
                    pairValues.withUnsafeBufferPointer { values in
                        pairSlopes.withUnsafeBufferPointer { slopes in
                            pairFactors.withUnsafeBufferPointer { factors in
                                // `nil` only without coordinates (then there are no lengthscales to sum).
                                let xBase = w > 0 ? x.baseAddress : nil
                                let (sumsBase, scales, isCategorical) = (
                                    sums.baseAddress, inverseSquaredBuffer.baseAddress,
                                    categoricalBuffer.baseAddress
                                )
                                for i in 0..<n {
                                    noiseTrace += weight[i * n + i]
                                    signalTrace += weight[i * n + i] * s2
                                    for j in 0..<i {
                                        let factor = overlaps ? factors[i * n + j] : 1
                                        let pairWeight = 2 * weight[i * n + j]  // both triangles
                                        let kernel = pairWeight * s2 * values[i * n + j] * factor
                                        signalTrace += kernel
                                        let g = pairWeight * s2 * slopes[i * n + j] * factor
                                        // Row pointers: no bounds checks in the pair loop's inner loop.
                                        if let xBase, let sumsBase, let scales, let isCategorical {
                                            let (rowI, rowJ) = (xBase + i * w, xBase + j * w)
                                            for c in 0..<w {
                                                let d = rowI[c] - rowJ[c]
                                                // ∂k/∂log ℓ_c: the Matérn's `g d²/ℓ²`, or the overlap's `k d²/ℓ²`.
                                                sumsBase[c] += (isCategorical[c] ? kernel : g) * d * d * scales[c]
                                            }
                                        }
                                        if warps {
                                            let h = 0.5 * g
                                            for c in warping.coordinates {
                                                let d = (x[i * w + c] - x[j * w + c]) * inverseSquared[c]
                                                inputGradient[i * w + c] -= h * d
                                                inputGradient[j * w + c] += h * d
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for c in 0..<w { gradient[c] = 0.5 * lengthscaleSums[c] }
        gradient[w] = 0.5 * signalTrace
        gradient[w + 1] = 0.5 * hyper.noiseVariance * noiseTrace
        warping.addLogParameterGradient(to: &gradient, inputGradient: inputGradient, rawInputs: rawInputs, width: w)
        setLinearGradient(&gradient, prior: prior, weights: weights, features: linearFeatures, count: n, hyper)
        let (priorValue, priorGradient) = prior.negativeLog(theta)
        return (value + priorValue, zip(gradient, priorGradient).map(+))
    }

    /// The MAP hyperparameters for `targets` at `inputs`: the best of L-BFGS-B runs from each of `starts` (log
    /// vectors; the prior's centre when empty).
    static func fitHyperparameters(
        inputs: [Double],
        width: Int,
        targets: [Double],
        warped: [Int] = [],
        structure: KernelStructure = .numeric,
        lengthscalePrior: GPPrior.LengthscalePrior = .logLengthscale,
        starts: [[Double]],
        maxIterations: Int
    ) -> GPHyperparameters {
        let prior = GPPrior(
            width: width,
            warped: warped,
            lengthscalePrior: lengthscalePrior,
            additive: structure.additive != nil,
            linear: structure.linear != nil
        )
        let minimizer = BoundedLBFGS(maxIterations: maxIterations, gradientTolerance: 1e-5, valueTolerance: 1e-9)
        // The runs from the several starts are independent: they share the machine's cores (``Parallel``), and the
        // best is taken in the order of the starts, as one after the other would.
        let starts = starts.isEmpty ? [prior.center] : starts
        let outcomes = Parallel.map(starts.count) { index in
            minimizer.minimize(from: starts[index], lower: prior.lower, upper: prior.upper) { theta in
                negativeLogPosterior(
                    theta,
                    inputs: inputs,
                    width: width,
                    targets: targets,
                    prior: prior,
                    structure: structure
                )
            }
        }
        var best: (value: Double, theta: [Double]) = (.infinity, prior.center)
        for outcome in outcomes where outcome.value < best.value { best = (outcome.value, outcome.x) }
        return GPHyperparameters(logVector: best.theta, width: width, warped: warped, structure: structure)
    }
}

/// The constant prior mean of the GP, in target units (`gp`'s option `prior_mean`).
///
/// The hyperparameters are fitted to the targets as they are (standardized, so a zero mean); the posterior is then
/// computed about this constant. Far from the data the posterior mean returns to it, so it sets how promising an
/// unexplored region looks to the acquisition.
enum PriorMean: String, CaseIterable, Sendable {
    /// The mean of the targets (0: they are standardized), the usual choice.
    case mean
    /// The largest target: the worst value observed. Unexplored regions are expected to be as bad as the worst
    /// trial, so the acquisition explores them only where the uncertainty is large against that gap ([De Ath,
    /// Fieldsend & Everson, 2020, "What do you mean? The role of the mean function in Bayesian
    /// optimisation"](https://arxiv.org/abs/2004.08349): the best of eight mean functions on their synthetic
    /// problems of five or more dimensions).
    case worst
    /// A convex quadratic trend over the numeric coordinates fitted to the targets (``GPTrend``): unexplored regions
    /// are expected to follow the trials' overall bowl or slope, so the acquisition is not drawn to the box's corners
    /// merely because they are far from every trial.
    case quadratic

    /// The constant for `targets` (0 for none; the quadratic's constant is part of its trend).
    func constant(_ targets: [Double]) -> Double {
        switch self {
        case .mean, .quadratic: 0
        case .worst: targets.max() ?? 0
        }
    }
}

/// One fit of the GP to observed values, the step `gp` and `turbo` share: the ``OutputTransform`` of the values,
/// the MAP hyperparameters (best of L-BFGS-B runs from the given starts, on a subset of the trials if asked), the
/// posterior on all the trials, and the pending points entered at its posterior mean (kriging believer,
/// [Ginsbourger et al., 2010](https://doi.org/10.1007/978-3-642-10701-6_6)).
struct GPFit: Sendable {
    /// The targets: the values after the output transform, less the prior mean's constant, in their order.
    let targets: [Double]
    /// The fitted hyperparameters.
    let hyperparameters: GPHyperparameters
    /// The posterior given the targets and the pending points at their believed values.
    ///
    /// `nil` when the kernel matrix of the trials cannot be factored; without the pending points when theirs cannot.
    let process: GaussianProcess?

    /// Fits the GP.
    ///
    /// - Parameters:
    ///   - inputs: the trials' points in the unit cube, `values.count × width`, row-major.
    ///   - width: the number of coordinates.
    ///   - values: the trials' finite objective values.
    ///   - pending: the pending points, `k × width`, row-major, each believed at the posterior mean.
    ///   - failed: failed points left out of the targets, `k × width`, row-major, each believed at the posterior mean or
    ///     the best target, whichever is worse: a failed trial is no improvement.
    ///   - warped: the coordinates with input warping.
    ///   - structure: which coordinates the kernel treats as categories (none by default).
    ///   - lengthscalePrior: how the lengthscales' prior enters the fit (the density of `log ℓ` by default).
    ///   - starts: the log-hyperparameter vectors the fit starts from (the prior's centre when empty).
    ///   - maxIterations: the most L-BFGS-B iterations per start.
    ///   - subset: the indices of the trials the hyperparameters are fitted on, given the targets (all by default).
    ///   - outputTransform: the kind of ``OutputTransform`` (standardize then Yeo-Johnson by default).
    ///   - priorMean: the GP's prior mean (the targets' mean by default).
    ///   - trendCoordinates: the numeric coordinates of `prior_mean: "quadratic"`'s trend.
    ///   - fixed: hyperparameters to use instead of fitting them (`starts`, `maxIterations` and `subset` unused).
    init(
        inputs: [Double],
        width: Int,
        values: [Double],
        pending: [Double] = [],
        failed: [Double] = [],
        warped: [Int] = [],
        structure: KernelStructure = .numeric,
        lengthscalePrior: GPPrior.LengthscalePrior = .logLengthscale,
        starts: [[Double]],
        maxIterations: Int,
        subset: ([Double]) -> [Int] = { Array($0.indices) },
        outputTransform: OutputTransform.Kind = .yeoJohnson,
        priorMean: PriorMean = .mean,
        trendCoordinates: [Int] = [],
        fixed: GPHyperparameters? = nil
    ) {
        let w = width
        let output = OutputTransform(fitting: values, kind: outputTransform)
        let standardized = values.map { output($0) }
        // The posterior is about the prior mean's constant: subtracting it from the targets is the same.
        let constant = priorMean.constant(standardized)
        let targets = constant == 0 ? standardized : standardized.map { $0 - constant }
        self.targets = targets
        // With a trend the kernel's hyperparameters are fitted to what the trend leaves. The trend is fitted and read
        // where the kernel sees the points (equal-cell integers at their cell), as in the posterior.
        let seen = priorMean == .quadratic ? structure.roundingQueries(inputs, width: w) : inputs
        let trend =
            priorMean == .quadratic
            ? GPTrend(inputs: seen, width: w, targets: targets, coordinates: trendCoordinates) : nil
        let fittedTargets = trend.map { zip(targets, $0.values(seen, width: w)).map { $0 - $1 } } ?? standardized
        let hyper: GPHyperparameters
        if let fixed {
            hyper = fixed
        } else {
            let indices = subset(targets)
            hyper = GaussianProcess.fitHyperparameters(
                inputs: indices.flatMap { inputs[($0 * w)..<($0 * w + w)] },
                width: w,
                targets: indices.map { fittedTargets[$0] },
                warped: warped,
                structure: structure,
                lengthscalePrior: lengthscalePrior,
                starts: starts,
                maxIterations: maxIterations
            )
        }
        hyperparameters = hyper
        guard
            let base = try? GaussianProcess(
                inputs: inputs,
                width: w,
                targets: targets,
                hyperparameters: hyper,
                trend: trend
            )
        else {
            process = nil
            return
        }
        let count = w > 0 ? pending.count / w : 0
        let failedCount = w > 0 ? failed.count / w : 0
        guard count + failedCount > 0 else {
            process = base
            return
        }
        let means = count > 0 ? base.predict(pending, count: count).mean : []
        let best = targets.min() ?? 0
        let failedMeans = failedCount > 0 ? base.predict(failed, count: failedCount).mean.map { max($0, best) } : []
        process =
            (try? GaussianProcess(
                inputs: inputs + pending + failed,
                width: w,
                targets: targets + means + failedMeans,
                hyperparameters: hyper,
                trend: trend
            )) ?? base
    }
}
