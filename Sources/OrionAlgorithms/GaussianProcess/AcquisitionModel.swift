import Foundation
import OrionNumerics

/// A fitted GP with its acquisition function: log expected improvement below the best target, or the lower
/// confidence bound, both to maximize.
struct AcquisitionModel: Sendable {
    /// The GP, pending points included at their believed values.
    var process: GaussianProcess
    /// The best (lowest) target observed.
    let best: Double
    /// The inputs of the best trials.
    let bestInputs: [[Double]]
    /// `log_ei` or `ucb`.
    let function: String
    /// The exploration weight of `ucb`.
    let kappa: Double

    /// The acquisition at each point (higher is better).
    func scores(_ points: [[Double]]) -> [Double] {
        let (mean, variance) = process.predict(points.flatMap { $0 }, count: points.count)
        return zip(mean, variance).map { score(mean: $0, sd: $1.squareRoot()) }
    }

    private func score(mean: Double, sd: Double) -> Double {
        function == "ucb" ? -(mean - kappa * sd) : Normal.logExpectedImprovement(mean: mean, sd: sd, best: best)
    }

    /// The acquisition at `point` and its gradient.
    func scoreWithGradient(_ point: [Double]) -> (Double, [Double]) {
        let (mean, variance, dMean, dVariance) = process.predictWithGradient(point)
        let sd = variance.squareRoot()
        let dSD = dVariance.map { $0 / (2 * sd) }
        if function == "ucb" {
            return (-(mean - kappa * sd), zip(dMean, dSD).map { -($0 - kappa * $1) })
        }
        let z = (best - mean) / sd
        let slope = Normal.logHDerivative(z)
        let value = log(sd) + Normal.logH(z)
        let gradient = zip(dMean, dSD).map { dm, ds in ds / sd + slope * (-dm - z * ds) / sd }
        return (value, gradient)
    }

    /// The model with `point` added as pending at its posterior mean (kriging believer); unchanged if the
    /// extended kernel matrix cannot be factored.
    func believing(_ point: [Double]) -> AcquisitionModel {
        let mean = process.predict(point, count: 1).mean[0]
        guard
            let extended = try? GaussianProcess(
                inputs: process.inputs + point,
                width: process.width,
                targets: process.targets + [mean],
                hyperparameters: process.hyperparameters
            )
        else { return self }
        var copy = self
        copy.process = extended
        return copy
    }
}
