import Foundation
import OrionNumerics

/// The Gaussian process of PB2: a squared-exponential kernel over the hyperparameters (and the objective before
/// the step) that forgets with time, `k = v · exp(-‖x - x'‖² / ℓ) · (1 - ε)^(|t - t'| / 2)`.
///
/// [Parker-Holder et al., 2020](https://arxiv.org/abs/2002.02518), section 4 (the time-varying kernel of
/// [Bogunovic et al., 2016](https://arxiv.org/abs/1601.06650)). Inputs are `[t, x...]` with every coordinate in
/// `[0, 1]`; targets are standardized. The length scale `ℓ`, the forgetting rate `ε` and the noise are chosen on
/// a small grid by the log marginal likelihood (the variance `v` is 1 for standardized targets).
struct TimeVaryingGP {
    /// The inputs, `[t, x...]` each.
    let inputs: [[Double]]
    /// `ℓ`.
    let lengthScale: Double
    /// `ε`.
    let forgetting: Double
    /// The noise variance added to the diagonal.
    let noise: Double
    /// The factor of `K + noise·I`.
    let factor: Cholesky
    /// `(K + noise·I)⁻¹ y`.
    let weights: [Double]

    /// The kernel between two inputs.
    static func kernel(_ a: [Double], _ b: [Double], lengthScale: Double, forgetting: Double) -> Double {
        var squared = 0.0
        for i in 1..<a.count {
            let d = a[i] - b[i]
            squared += d * d
        }
        return exp(-squared / lengthScale) * pow(1 - forgetting, abs(a[0] - b[0]) / 2)
    }

    /// Fits the model with the best hyperparameters of the grid, or `nil` when no fit succeeds.
    ///
    /// - Parameters:
    ///   - inputs: `[t, x...]` per point.
    ///   - targets: one value per point, standardized.
    /// - Returns: the model of highest marginal likelihood.
    /// - Complexity: O(g · n³) for n points and g = 36 grid points.
    static func fit(inputs: [[Double]], targets: [Double]) -> TimeVaryingGP? {
        var best: (TimeVaryingGP, Double)?
        for lengthScale in [0.1, 0.3, 1, 3] {
            for forgetting in [0.05, 0.2, 0.5] {
                for noise in [1e-3, 1e-2, 1e-1] {
                    guard
                        let model = make(
                            inputs: inputs,
                            targets: targets,
                            lengthScale: lengthScale,
                            forgetting: forgetting,
                            noise: noise
                        )
                    else { continue }
                    var fit = 0.0
                    for (y, w) in zip(targets, model.weights) { fit += y * w }
                    let likelihood = -0.5 * fit - 0.5 * model.factor.logDeterminant
                    if best.map({ likelihood > $0.1 }) ?? true { best = (model, likelihood) }
                }
            }
        }
        return best?.0
    }

    /// The model with given hyperparameters, or `nil` when its kernel matrix cannot be factored.
    static func make(
        inputs: [[Double]],
        targets: [Double],
        lengthScale: Double,
        forgetting: Double,
        noise: Double
    ) -> TimeVaryingGP? {
        let n = inputs.count
        var matrix = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                let value = kernel(inputs[i], inputs[j], lengthScale: lengthScale, forgetting: forgetting)
                matrix[i * n + j] = value
                matrix[j * n + i] = value
            }
            matrix[i * n + i] += noise
        }
        guard let factor = try? Cholesky(matrix, size: n) else { return nil }
        return TimeVaryingGP(
            inputs: inputs,
            lengthScale: lengthScale,
            forgetting: forgetting,
            noise: noise,
            factor: factor,
            weights: factor.solve(targets)
        )
    }

    /// The same hyperparameters over other inputs (targets all 0): for the variance only.
    func refitted(inputs: [[Double]]) -> TimeVaryingGP? {
        Self.make(
            inputs: inputs,
            targets: Array(repeating: 0, count: inputs.count),
            lengthScale: lengthScale,
            forgetting: forgetting,
            noise: noise
        )
    }

    /// The posterior mean and standard deviation at `point`.
    func predict(_ point: [Double]) -> (mean: Double, sd: Double) {
        let k = inputs.map { Self.kernel($0, point, lengthScale: lengthScale, forgetting: forgetting) }
        var mean = 0.0
        for (a, b) in zip(k, weights) { mean += a * b }
        let v = Triangular.solveLower(factor.lower, size: factor.size, k)
        var explained = 0.0
        for value in v { explained += value * value }
        return (mean, max(0, 1 - explained).squareRoot())
    }
}
