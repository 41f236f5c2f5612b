import Foundation

/// A box-bounded limited-memory quasi-Newton minimizer: projected L-BFGS with a backtracking Armijo line search
/// along the projected path.
///
/// Each iteration fixes the variables held at a bound by their gradient, takes the L-BFGS direction (two-loop
/// recursion, [Nocedal, 1980](https://doi.org/10.1090/S0025-5718-1980-0572855-7)) on the others, and backtracks
/// along `clip(x + t·d)` until the value decreases enough, in the spirit of L-BFGS-B ([Byrd et al.,
/// 1995](https://doi.org/10.1137/0916069)) without its Cauchy point. The objective returns its value and gradient;
/// a non-finite value counts as "too far" and makes the line search step back.
public struct BoundedLBFGS: Sendable {
    /// The outcome of a minimization.
    public struct Outcome: Sendable {
        /// The best point found, inside the bounds.
        public var x: [Double]
        /// Its value.
        public var value: Double
        /// Its gradient.
        public var gradient: [Double]
        /// The number of iterations (accepted steps).
        public var iterations: Int
        /// The number of objective evaluations.
        public var evaluations: Int
        /// Whether a tolerance was met (rather than an iteration limit or a failed line search).
        public var converged: Bool
    }

    /// The number of correction pairs kept.
    public var memory: Int
    /// The most iterations.
    public var maxIterations: Int
    /// Stops when every component of the projected gradient is below this in magnitude.
    public var gradientTolerance: Double
    /// Stops when an iteration decreases the value by less than this, relative to `max(|f|, 1)`.
    public var valueTolerance: Double

    /// Creates a minimizer.
    ///
    /// - Parameters:
    ///   - memory: the number of correction pairs kept.
    ///   - maxIterations: the most iterations.
    ///   - gradientTolerance: the projected-gradient tolerance.
    ///   - valueTolerance: the relative decrease tolerance.
    public init(
        memory: Int = 10,
        maxIterations: Int = 200,
        gradientTolerance: Double = 1e-6,
        valueTolerance: Double = 1e-12
    ) {
        self.memory = max(1, memory)
        self.maxIterations = max(1, maxIterations)
        self.gradientTolerance = gradientTolerance
        self.valueTolerance = valueTolerance
    }

    /// Minimizes `objective` inside `[lower, upper]` from `start`.
    ///
    /// - Parameters:
    ///   - start: the first point (clipped into the bounds).
    ///   - lower: the lower bounds, one per variable.
    ///   - upper: the upper bounds, one per variable, each ≥ its lower bound.
    ///   - objective: the value and gradient at a point.
    /// - Returns: the best point found.
    /// - Complexity: O(m·d) per iteration plus the evaluations, for m pairs and d variables.
    public func minimize(
        from start: [Double],
        lower: [Double],
        upper: [Double],
        _ objective: ([Double]) -> (value: Double, gradient: [Double])
    ) -> Outcome {
        let d = start.count
        precondition(lower.count == d && upper.count == d, "bounds do not match the start point")
        func clip(_ x: [Double]) -> [Double] {
            (0..<d).map { min(max(x[$0], lower[$0]), upper[$0]) }
        }
        var x = clip(start)
        var (value, gradient) = objective(x)
        var evaluations = 1
        var pairs: [(s: [Double], y: [Double], rho: Double)] = []
        var iterations = 0
        var converged = false
        guard value.isFinite else {
            return Outcome(x: x, value: value, gradient: gradient, iterations: 0, evaluations: 1, converged: false)
        }
        while iterations < maxIterations {
            var free = [Bool](repeating: true, count: d)
            var projectedNorm = 0.0
            for i in 0..<d {
                let atLower = x[i] <= lower[i] && gradient[i] > 0
                let atUpper = x[i] >= upper[i] && gradient[i] < 0
                if atLower || atUpper || lower[i] == upper[i] { free[i] = false }
                if free[i] { projectedNorm = max(projectedNorm, abs(gradient[i])) }
            }
            if projectedNorm < gradientTolerance {
                converged = true
                break
            }
            var direction = Self.twoLoop(gradient, pairs: pairs, free: free)
            var slope = 0.0
            for i in 0..<d where free[i] { slope += direction[i] * gradient[i] }
            if !(slope < 0) {
                pairs.removeAll()
                direction = (0..<d).map { free[$0] ? -gradient[$0] : 0 }
                slope = -direction.reduce(0) { $0 + $1 * $1 }
            }
            var step = pairs.isEmpty ? min(1, 1 / max(projectedNorm, 1e-12)) : 1.0
            var accepted: (x: [Double], value: Double, gradient: [Double])?
            for _ in 0..<40 {
                var candidate = x
                for i in 0..<d where free[i] { candidate[i] = x[i] + step * direction[i] }
                candidate = clip(candidate)
                var decrease = 0.0
                for i in 0..<d { decrease += gradient[i] * (candidate[i] - x[i]) }
                if candidate == x { break }
                let (candidateValue, candidateGradient) = objective(candidate)
                evaluations += 1
                if candidateValue.isFinite, candidateValue <= value + 1e-4 * min(decrease, 0) {
                    accepted = (candidate, candidateValue, candidateGradient)
                    break
                }
                step *= 0.5
            }
            guard let (next, nextValue, nextGradient) = accepted else {
                if pairs.isEmpty { break }
                pairs.removeAll()
                continue
            }
            iterations += 1
            let s = (0..<d).map { next[$0] - x[$0] }
            let y = (0..<d).map { nextGradient[$0] - gradient[$0] }
            let sy = zip(s, y).reduce(0) { $0 + $1.0 * $1.1 }
            let yy = y.reduce(0) { $0 + $1 * $1 }
            if sy > 1e-10 * yy, sy > 0 {
                pairs.append((s, y, 1 / sy))
                if pairs.count > memory { pairs.removeFirst() }
            }
            let change = value - nextValue
            (x, value, gradient) = (next, nextValue, nextGradient)
            if change <= valueTolerance * max(abs(value), 1) {
                converged = true
                break
            }
        }
        return Outcome(
            x: x,
            value: value,
            gradient: gradient,
            iterations: iterations,
            evaluations: evaluations,
            converged: converged
        )
    }

    /// `-H·g` on the free variables (zero on the others), by the two-loop recursion.
    private static func twoLoop(
        _ gradient: [Double],
        pairs: [(s: [Double], y: [Double], rho: Double)],
        free: [Bool]
    ) -> [Double] {
        let d = gradient.count
        var q = (0..<d).map { free[$0] ? gradient[$0] : 0 }
        var alphas = [Double](repeating: 0, count: pairs.count)
        for k in stride(from: pairs.count - 1, through: 0, by: -1) {
            var dot = 0.0
            for i in 0..<d where free[i] { dot += pairs[k].s[i] * q[i] }
            alphas[k] = pairs[k].rho * dot
            for i in 0..<d where free[i] { q[i] -= alphas[k] * pairs[k].y[i] }
        }
        if let last = pairs.last {
            let yy = last.y.reduce(0) { $0 + $1 * $1 }
            let gamma = yy > 0 ? 1 / (last.rho * yy) : 1
            for i in 0..<d { q[i] *= gamma }
        }
        for k in 0..<pairs.count {
            var dot = 0.0
            for i in 0..<d where free[i] { dot += pairs[k].y[i] * q[i] }
            let beta = pairs[k].rho * dot
            for i in 0..<d where free[i] { q[i] += (alphas[k] - beta) * pairs[k].s[i] }
        }
        return q.map { -$0 }
    }
}
