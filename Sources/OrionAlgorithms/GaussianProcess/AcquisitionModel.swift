import Foundation
import OrionNumerics

/// One acquisition function, to maximize, for a minimized objective.
enum Acquisition: Int, CaseIterable, Sendable {
    /// `log E[max(0, best - f)]`, kept finite far from the incumbent ([Ament et al.,
    /// 2023](https://arxiv.org/abs/2310.20708)).
    case logExpectedImprovement
    /// `log P(f < best)`.
    case logProbabilityOfImprovement
    /// `-(μ - κσ)`: the negated lower confidence bound.
    case confidenceBound
}

/// A fitted GP with its acquisition functions (log-EI, log-PI and the confidence bound), all to maximize.
///
/// With the `mace` portfolio, a candidate is scored by all three and the next point is drawn from their Pareto
/// front ([Lyu et al., 2018](https://proceedings.mlr.press/v80/lyu18a.html); HEBO, [Cowen-Rivers et al.,
/// 2022](https://arxiv.org/abs/2012.03826)).
struct AcquisitionModel: Sendable {
    /// The GP, pending points included at their believed values.
    var process: GaussianProcess
    /// The best (lowest) target observed.
    let best: Double
    /// The inputs of the best trials.
    let bestInputs: [[Double]]
    /// The acquisitions scored: one for `log_ei` or `ucb`, all three for `mace`.
    let functions: [Acquisition]
    /// The exploration weight of the confidence bound.
    let kappa: Double

    /// The acquisitions of ``functions`` at each point: `scores[f][p]` for function `f` at point `p`.
    func scores(_ points: [[Double]]) -> [[Double]] {
        let (mean, variance) = process.predict(points.flatMap { $0 }, count: points.count)
        return functions.map { function in
            zip(mean, variance).map { score(function, mean: $0, sd: $1.squareRoot()) }
        }
    }

    /// One acquisition at a posterior mean and standard deviation.
    func score(_ function: Acquisition, mean: Double, sd: Double) -> Double {
        switch function {
        case .logExpectedImprovement: return Normal.logExpectedImprovement(mean: mean, sd: sd, best: best)
        case .logProbabilityOfImprovement: return Normal.logCDF((best - mean) / sd)
        case .confidenceBound: return -(mean - kappa * sd)
        }
    }

    /// One acquisition at `point` and its gradient.
    func scoreWithGradient(_ function: Acquisition, _ point: [Double]) -> (Double, [Double]) {
        let (mean, variance, dMean, dVariance) = process.predictWithGradient(point)
        let sd = variance.squareRoot()
        let dSD = dVariance.map { $0 / (2 * sd) }
        let z = (best - mean) / sd
        switch function {
        case .confidenceBound:
            return (-(mean - kappa * sd), zip(dMean, dSD).map { -($0 - kappa * $1) })
        case .logExpectedImprovement:
            let slope = Normal.logHDerivative(z)
            let value = log(sd) + Normal.logH(z)
            let gradient = zip(dMean, dSD).map { dm, ds in ds / sd + slope * (-dm - z * ds) / sd }
            return (value, gradient)
        case .logProbabilityOfImprovement:
            let value = Normal.logCDF(z)
            let slope = exp(Normal.logPDF(z) - value)
            return (value, zip(dMean, dSD).map { dm, ds in slope * (-dm - z * ds) / sd })
        }
    }

    /// Local maxima of the acquisitions: an L-BFGS-B run within `lower`…`upper` from each start, maximizing the
    /// start's acquisition; the end points whose value is finite, in the order of the starts.
    ///
    /// The runs are independent, so they share the machine's cores (``Parallel``) with the same result as one after
    /// the other.
    func refine(
        _ starts: [(function: Acquisition, point: [Double])],
        lower: [Double],
        upper: [Double],
        minimizer: BoundedLBFGS
    ) -> [[Double]] {
        let outcomes = Parallel.map(starts.count) { index in
            let (function, point) = starts[index]
            return minimizer.minimize(from: point, lower: lower, upper: upper) { x in
                let (value, gradient) = scoreWithGradient(function, x)
                return (-value, gradient.map { -$0 })
            }
        }
        return outcomes.filter { $0.value.isFinite }.map(\.x)
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
                hyperparameters: process.hyperparameters,
                trend: process.trend
            )
        else { return self }
        var copy = self
        copy.process = extended
        return copy
    }

    /// The UCB weight of GP-UCB's schedule, as HEBO uses it in MACE: `√(2υ log(t^{d/2+2} π² / 3δ))` with υ = ½,
    /// δ = 0.1, after `t` observations in `d` dimensions ([Srinivas et al., 2010](https://arxiv.org/abs/0912.3995)).
    static func scheduledKappa(observations t: Int, dimensions d: Int) -> Double {
        let logTerm = (Double(d) / 2 + 2) * log(Double(max(t, 1))) + log(Double.pi * Double.pi / (3 * 0.1))
        return max(logTerm, 0).squareRoot()
    }

    /// The indices of the Pareto front, in increasing order.
    ///
    /// A point is on the front when no other point dominates it (at least as good in every score, better in one);
    /// of equal points one is kept. `scores[f][p]` as ``scores(_:)`` returns them. Points with a non-finite score
    /// are left out unless every point has one.
    static func paretoFront(_ scores: [[Double]]) -> [Int] {
        guard let first = scores.first else { return [] }
        let count = first.count
        let finite = (0..<count).filter { p in scores.allSatisfy { $0[p].isFinite } }
        let pool = finite.isEmpty ? Array(0..<count) : finite
        // By the first score, best first (ties by the others): a point can only be dominated by one before it.
        let order = pool.sorted { a, b in
            for row in scores where row[a] != row[b] { return row[a] > row[b] }
            return a < b
        }
        var front: [Int] = []
        for p in order {
            let dominated = front.contains { q in
                var strictly = false
                for row in scores {
                    if row[q] < row[p] { return false }
                    if row[q] > row[p] { strictly = true }
                }
                return strictly
            }
            let duplicate = front.contains { q in scores.allSatisfy { $0[q] == $0[p] } }
            if !dominated && !duplicate { front.append(p) }
        }
        return front.sorted()
    }
}
