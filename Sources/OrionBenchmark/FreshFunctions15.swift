import Foundation

/// The closed-form functions of the fifteenth fresh set (``FreshProblems15``): mixed spaces, written from their usual
/// definitions (Ackley's function N.2 and Schwefel's function 2.20: [Jamil & Yang
/// 2013](https://arxiv.org/abs/1308.4008); Rastrigin and Griewank, ``rastrigin(_:)`` and ``griewank(_:)``) or for this
/// set (the training-like losses, the curved chain, the offsets, shifts and weights).
extension TestFunctions {
    /// A training-like loss of a linear model's penalty, a log inverse regularization `c = log10 C`, an elastic-net
    /// mixing ratio `r` (used by `elasticnet` only) and a log integer iteration count `t = log10 max_iter`.
    ///
    /// Every penalty adds `0.03(3 − t)`, so more iterations are always better (best at the bound 1,000). `l1`: `0.05 +
    /// 0.2(c − 0.5)²`; `l2`: `0.03 + 0.2(c + 1)²`; `elasticnet`, whose best `c` moves with the ratio from `l2`'s to
    /// `l1`'s: `0.2(c + 1 − 1.5r)² + 0.15(r − 0.35)²`. Minimum 0 at `elasticnet`, C = 10^−0.475, ratio 0.35, 1,000
    /// iterations; `nil` for an unknown penalty.
    public static func penaltyRatio(penalty: String, c: Double, ratio: Double, iterations: Double) -> Double? {
        let (a, t) = (log10(c), log10(iterations))
        let tail = 0.03 * (3 - t)
        switch penalty {
        case "l1": return 0.05 + 0.2 * (a - 0.5) * (a - 0.5) + tail
        case "l2": return 0.03 + 0.2 * (a + 1) * (a + 1) + tail
        case "elasticnet":
            let u = a + 1 - 1.5 * ratio
            return 0.2 * u * u + 0.15 * (ratio - 0.35) * (ratio - 0.35) + tail
        default: return nil
        }
    }

    /// A training-like loss of a tree ensemble's growth policy, a log learning rate `a = log10 lr`, a log integer
    /// number of rounds `b = log2 rounds`, an integer depth `d` and a subsample fraction `s`.
    ///
    /// The best `a` falls as `b` grows: both policies share `0.3(a + 1 + 0.25(b − 8))² + 0.003(b − 8)²`. `depthwise`
    /// adds `0.04 + 0.01(d − 6)² + 0.3(s − 0.8)²`; `leafwise` adds `0.006(d − 11)² + 0.3(s − 0.6)²`. Minimum 0 at
    /// `leafwise`, lr = 0.1, 256 rounds, depth 11, subsample 0.6; `nil` for an unknown policy.
    public static func boostedGrowth(
        growth: String,
        lr: Double,
        rounds: Double,
        depth: Double,
        subsample s: Double
    ) -> Double? {
        let (a, b) = (log10(lr), log2(rounds))
        let u = a + 1 + 0.25 * (b - 8)
        let common = 0.3 * u * u + 0.003 * (b - 8) * (b - 8)
        switch growth {
        case "depthwise": return common + 0.04 + 0.01 * (depth - 6) * (depth - 6) + 0.3 * (s - 0.8) * (s - 0.8)
        case "leafwise": return common + 0.006 * (depth - 11) * (depth - 11) + 0.3 * (s - 0.6) * (s - 0.6)
        default: return nil
        }
    }

    /// A training-like loss of a kernel ridge regression's kernel, a log bandwidth `g = log10 γ`, a log
    /// regularization `r = log10 α` and an integer degree (used by `poly` only).
    ///
    /// `rbf`: `0.08 + 0.15(g + 1)² + 0.02(r + 6)` (the least regularization best); `laplacian`: `0.05 + 0.2(g + 2.5)²
    /// + 0.02(r + 4)²`; `poly`, whose best `g` moves with `r`, the least regularization best: `0.2(g + 1.2 − 0.1(r +
    /// 6))² + 0.025(r + 6) + 0.02(degree − 3)²`. Minimum 0 at `poly`, γ = 10^−1.2, α = 10⁻⁶ (the lower bound), degree
    /// 3; `nil` for an unknown kernel.
    public static func kernelRidge(kernel: String, gamma: Double, alpha: Double, degree: Double) -> Double? {
        let (g, r) = (log10(gamma), log10(alpha))
        switch kernel {
        case "rbf": return 0.08 + 0.15 * (g + 1) * (g + 1) + 0.02 * (r + 6)
        case "laplacian": return 0.05 + 0.2 * (g + 2.5) * (g + 2.5) + 0.02 * (r + 4) * (r + 4)
        case "poly":
            let u = g + 1.2 - 0.1 * (r + 6)
            return 0.2 * u * u + 0.025 * (r + 6) + 0.02 * (degree - 3) * (degree - 3)
        default: return nil
        }
    }

    /// Each basin's shift of Rastrigin's function and offset in ``rastriginBasins(basin:_:)``.
    static let rastriginBasinShifts: [String: (shift: [Double], offset: Double)] = [
        "a": ([1.2, -0.7, 2.1], 0), "b": ([-1.8, 1.5, 0.4], 0.5), "c": ([0.3, 2.6, -2.2], 1.2),
    ]

    /// Rastrigin's function of three reals moved by a basin's shift, plus its offset; minimum 0 at `a`, (1.2, −0.7,
    /// 2.1); `nil` for an unknown basin.
    public static func rastriginBasins(basin: String, _ x: [Double]) -> Double? {
        guard let entry = rastriginBasinShifts[basin], x.count == 3 else { return nil }
        return rastrigin(zip(x, entry.shift).map { $0 - $1 }) + entry.offset
    }

    /// Griewank's function of two reals and an integer, centred at (14, −9, 27): `griewank([x − 14, y + 9, k −
    /// 27])`; minimum 0 there, local minima along the integer about every 2π√3 ≈ 10.9.
    public static func griewankInteger(_ x: Double, _ y: Double, k: Double) -> Double {
        griewank([x - 14, y + 9, k - 27])
    }

    /// A curved, ill-conditioned chain of three reals and an integer whose best value lies beyond its bound:
    /// `(x₁ − 1.2)² + 50(x₂ − x₁²)² + 20(x₃ − x₁x₂)² + 0.02(8 − k)(12 − k)`.
    ///
    /// The chain's floor follows `x₂ = x₁²`, `x₃ = x₁x₂`; the integer's term falls towards `k = 10` and is 0 at `k =
    /// 8`, the upper bound of its space `[1, 8]`. Minimum 0 at (1.2, 1.44, 1.728), k = 8.
    public static func curvedChain(_ x1: Double, _ x2: Double, _ x3: Double, k: Double) -> Double {
        let (u, v) = (x2 - x1 * x1, x3 - x1 * x2)
        return (x1 - 1.2) * (x1 - 1.2) + 50 * u * u + 20 * v * v + 0.02 * (8 - k) * (12 - k)
    }

    /// Ackley's function N.2: `−200 exp(−0.02 √(x² + y²))`; minimum −200 at the origin, a cone.
    public static func ackleyN2(_ x: Double, _ y: Double) -> Double {
        -200 * exp(-0.02 * (x * x + y * y).squareRoot())
    }

    /// Each precision's offset in ``ackleyPrecision(precision:_:_:)``.
    static let ackleyPrecisionOffsets: [String: Double] = ["fp32": 0, "bf16": 4, "fp16": 9]

    /// Ackley's function N.2 centred at (−13, 21), plus a precision's offset; minimum −200 at `fp32`, (−13, 21);
    /// `nil` for an unknown precision.
    public static func ackleyPrecision(precision: String, _ x: Double, _ y: Double) -> Double? {
        guard let offset = ackleyPrecisionOffsets[precision] else { return nil }
        return ackleyN2(x + 13, y - 21) + offset
    }

    /// The centre of ``schwefel220Mixed(_:k1:k2:)``'s reals.
    static let schwefel220Centre: [Double] = [3.5, -6, 1.25, 7]

    /// The weights of ``schwefel220Mixed(_:k1:k2:)``'s reals.
    static let schwefel220Weights: [Double] = [1, 2, 0.5, 1.5]

    /// Schwefel's function 2.20 (`Σ |xᵢ|`) of four reals, weighted and centred at (3.5, −6, 1.25, 7), plus two
    /// integers' terms: `Σ wᵢ|xᵢ − cᵢ| + |k₁| + 0.8|k₂ − 9|`, `w` = (1, 2, 0.5, 1.5); a kink at the minimum, 0 at the
    /// centre, k₁ = 0 (the lower bound of its space), k₂ = 9.
    public static func schwefel220Mixed(_ x: [Double], k1: Double, k2: Double) -> Double {
        var sum = abs(k1) + 0.8 * abs(k2 - 9)
        for ((value, centre), weight) in zip(zip(x, schwefel220Centre), schwefel220Weights) {
            sum += weight * abs(value - centre)
        }
        return sum
    }
}
