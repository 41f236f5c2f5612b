import Foundation

/// The closed-form test functions behind the benchmark tasks, as plain functions of doubles.
///
/// Each follows the formula of `shared/bench/problems.json` (or of Oríon's `orion.benchmark.task` for those
/// tasks) term by term, in the same order of operations as the peers' reference implementation, so that values
/// agree to the last few bits.
public enum TestFunctions {
    /// Branin-Hoo: `(x2 − 5.1/(4π²)·x1² + 5/π·x1 − 6)² + 10·(1 − 1/(8π))·cos(x1) + 10`.
    public static func branin(_ x1: Double, _ x2: Double) -> Double {
        let b = 5.1 / (4 * Double.pi * Double.pi)
        let c = 5 / Double.pi
        let t = 1 / (8 * Double.pi)
        let inner = x2 - b * x1 * x1 + c * x1 - 6
        return inner * inner + 10 * (1 - t) * cos(x1) + 10
    }

    private static let hartmannAlpha = [1.0, 1.2, 3.0, 3.2]
    private static let hartmann3A: [[Double]] = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]]
    private static let hartmann3P: [[Double]] = [
        [0.3689, 0.1170, 0.2673], [0.4699, 0.4387, 0.7470], [0.1091, 0.8732, 0.5547], [0.0381, 0.5743, 0.8828],
    ]
    private static let hartmann6A: [[Double]] = [
        [10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14],
    ]
    private static let hartmann6P: [[Double]] = [
        [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
        [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
    ]

    private static func hartmann(_ x: [Double], _ a: [[Double]], _ p: [[Double]]) -> Double {
        var total = 0.0
        for i in 0..<4 {
            var exponent = 0.0
            for j in x.indices {
                let d = x[j] - p[i][j]
                exponent += a[i][j] * d * d
            }
            total += hartmannAlpha[i] * exp(-exponent)
        }
        return -total
    }

    /// Hartmann 3-D: `−Σ αᵢ exp(−Σⱼ Aᵢⱼ (xⱼ − Pᵢⱼ)²)`; `x` has 3 values.
    public static func hartmann3(_ x: [Double]) -> Double { hartmann(x, hartmann3A, hartmann3P) }

    /// Hartmann 6-D; `x` has 6 values.
    public static func hartmann6(_ x: [Double]) -> Double { hartmann(x, hartmann6A, hartmann6P) }

    /// Rosenbrock: `Σ 100·(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²`.
    public static func rosenbrock(_ x: [Double]) -> Double {
        var total = 0.0
        for i in 0..<(x.count - 1) {
            let valley = x[i + 1] - x[i] * x[i]
            total += 100 * valley * valley + (1 - x[i]) * (1 - x[i])
        }
        return total
    }

    /// Ackley: `−20·exp(−0.2·√mean(xᵢ²)) − exp(mean(cos 2πxᵢ)) + 20 + e`, clipped at 0 (rounding at the optimum).
    public static func ackley(_ x: [Double]) -> Double {
        let n = Double(x.count)
        let squares = x.reduce(0) { $0 + $1 * $1 } / n
        let cosines = x.reduce(0) { $0 + cos(2 * Double.pi * $1) } / n
        let value = -20 * exp(-0.2 * squares.squareRoot()) - exp(cosines) + 20 + M_E
        return max(value, 0)
    }

    /// Levy: with `wᵢ = 1 + (xᵢ − 1)/4`, `sin²(πw₁) + Σᵢ<ₙ (wᵢ − 1)²(1 + 10 sin²(πwᵢ + 1)) + (wₙ − 1)²(1 + sin²(2πwₙ))`.
    public static func levy(_ x: [Double]) -> Double {
        let w = x.map { 1 + ($0 - 1) / 4 }
        let first = sin(Double.pi * w[0])
        var total = first * first
        for i in 0..<(w.count - 1) {
            let s = sin(Double.pi * w[i] + 1)
            total += (w[i] - 1) * (w[i] - 1) * (1 + 10 * s * s)
        }
        let last = w[w.count - 1]
        let s = sin(2 * Double.pi * last)
        return total + (last - 1) * (last - 1) * (1 + s * s)
    }

    /// Styblinski-Tang: `0.5·Σ (xᵢ⁴ − 16xᵢ² + 5xᵢ)`.
    public static func styblinskiTang(_ x: [Double]) -> Double {
        0.5 * x.reduce(0) { $0 + $1 * $1 * $1 * $1 - 16 * $1 * $1 + 5 * $1 }
    }

    /// The shift `(s, t)` and offset `o` of each category of `mixed_cat_int`.
    public static let mixedShifts: [String: (s: Double, t: Double, o: Double)] = [
        "a": (1.0, -1.0, 0.5), "b": (-2.0, 1.5, 0.0), "c": (0.5, 3.0, 1.0),
    ]

    /// `mixed_cat_int`: `(x1 − s)² + 2(x2 − t)² + 1.5(1 − cos 2π(x1 − s)) + 0.5(k − 3)² + 0.25|k − 3||x2 − t| + o`.
    public static func mixedCatInt(
        _ x1: Double,
        _ x2: Double,
        _ k: Double,
        _ shift: (s: Double, t: Double, o: Double)
    ) -> Double {
        let dx = x1 - shift.s
        let dy = x2 - shift.t
        let dk = k - 3
        return dx * dx + 2 * dy * dy + 1.5 * (1 - cos(2 * Double.pi * dx)) + 0.5 * dk * dk + 0.25 * abs(dk) * abs(dy)
            + shift.o
    }

    /// `lr_like`: with `a = log10(lr) − log10(1 − momentum)`, `w = log10(weight_decay)`, `b = log2(batch_size)`,
    /// `0.2 + 0.5(a + 1.5)² + 5·max(0, a + 0.5)² + 0.1(w + 4 + 0.5(a + 1.5))² + 0.05(b − 6)²`.
    public static func lrLike(lr: Double, weightDecay: Double, momentum: Double, batchSize: Double) -> Double {
        let a = log10(lr) - log10(1 - momentum)
        let w = log10(weightDecay)
        let b = log2(batchSize)
        let over = max(0, a + 0.5)
        let decay = w + 4 + 0.5 * (a + 1.5)
        return 0.2 + 0.5 * (a + 1.5) * (a + 1.5) + 5 * over * over + 0.1 * decay * decay + 0.05 * (b - 6) * (b - 6)
    }
}

extension TestFunctions {
    /// Eggholder in any dimension, as Oríon sums it over consecutive pairs:
    /// `Σ −(xᵢ₊₁ + 47)·sin √|xᵢ/2 + xᵢ₊₁ + 47| − xᵢ·sin √|xᵢ − (xᵢ₊₁ + 47)|`.
    public static func eggholder(_ x: [Double]) -> Double {
        var total = 0.0
        for i in 0..<(x.count - 1) {
            let a = x[i]
            let b = x[i + 1] + 47
            total += -b * sin(abs(a / 2 + b).squareRoot()) - a * sin(abs(a - b).squareRoot())
        }
        return total
    }

    /// Carrom table: `−(1/30)·exp(2·|1 − √(x1² + x2²)/π|)·cos²(x1)·cos²(x2)`.
    public static func carromTable(_ x1: Double, _ x2: Double) -> Double {
        let c1 = cos(x1)
        let c2 = cos(x2)
        return -exp(2 * abs(1 - (x1 * x1 + x2 * x2).squareRoot() / Double.pi)) * c1 * c1 * c2 * c2 / 30
    }

    /// Oríon's Forrester: `(αx − 2)²·sin(βx − 4)` (the classic one is α = 6, β = 12).
    public static func forrester(_ x: Double, alpha: Double, beta: Double) -> Double {
        let a = alpha * x - 2
        return a * a * sin(beta * x - 4)
    }

    /// The minimum of a one-dimensional `function` on `[low, high]`: the best of 10,001 evenly spaced points,
    /// refined by golden-section search between its neighbours.
    public static func minimum(of function: (Double) -> Double, from low: Double, to high: Double) -> Double {
        let count = 10_000
        let step = (high - low) / Double(count)
        var bestIndex = 0
        var best = function(low)
        for index in 1...count {
            let value = function(low + Double(index) * step)
            if value < best {
                best = value
                bestIndex = index
            }
        }
        var a = max(low, low + Double(bestIndex - 1) * step)
        var b = min(high, low + Double(bestIndex + 1) * step)
        let ratio = (5.0.squareRoot() - 1) / 2
        for _ in 0..<100 {
            let c = b - ratio * (b - a)
            let d = a + ratio * (b - a)
            if function(c) < function(d) { b = d } else { a = c }
        }
        return min(best, function((a + b) / 2))
    }
}
