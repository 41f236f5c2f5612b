import Foundation

/// The closed-form functions of the second fresh set (``FreshProblems``), written from their usual definitions
/// (cosine mixture, Salomon and drop-wave: [Jamil & Yang 2013](https://arxiv.org/abs/1308.4008); Beale:
/// [Surjanovic & Bingham](https://www.sfu.ca/~ssurjano/optimization.html); the ellipsoid and Weierstrass's
/// function: the CEC 2005 benchmark definitions), and three synthetic mixed-space tasks defined here.
extension TestFunctions {
    /// Cosine mixture: `Σ xᵢ² − 0.1 Σ cos(5π xᵢ)`; minimum `−0.1 d` at the origin.
    public static func cosineMixture(_ x: [Double]) -> Double {
        x.reduce(0) { $0 + $1 * $1 - 0.1 * cos(5 * Double.pi * $1) }
    }

    /// The ellipsoid of condition 10⁶ centred on (1, …, 1): `Σᵢ 10^(6 i / (d − 1)) (xᵢ − 1)²` for i from 0; minimum 0.
    public static func ellipsoid(_ x: [Double]) -> Double {
        let last = Double(max(x.count - 1, 1))
        return x.enumerated().reduce(0) { total, item in
            total + pow(10, 6 * Double(item.offset) / last) * (item.element - 1) * (item.element - 1)
        }
    }

    /// Beale: `(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²`; minimum 0 at (3, 0.5).
    public static func beale(_ x: Double, _ y: Double) -> Double {
        let first = 1.5 - x + x * y
        let second = 2.25 - x + x * y * y
        let third = 2.625 - x + x * y * y * y
        return first * first + second * second + third * third
    }

    /// Weierstrass's function (a = 0.5, b = 3, k up to 20): `Σᵢ Σₖ aᵏ cos(2π bᵏ (xᵢ + 0.5)) − d Σₖ aᵏ cos(π bᵏ)`;
    /// continuous, nowhere differentiable; minimum 0 at the origin.
    public static func weierstrass(_ x: [Double]) -> Double {
        var total = 0.0
        var offset = 0.0
        var a = 1.0
        var b = 1.0
        for _ in 0...20 {
            for value in x { total += a * cos(2 * Double.pi * b * (value + 0.5)) }
            offset += a * cos(Double.pi * b)
            a *= 0.5
            b *= 3
        }
        return total - Double(x.count) * offset
    }

    /// Drop-wave: `−(1 + cos(12 r)) / (0.5 r² + 2)` with `r² = x² + y²`; minimum −1 at the origin.
    public static func dropWave(_ x: Double, _ y: Double) -> Double {
        let squared = x * x + y * y
        return -(1 + cos(12 * squared.squareRoot())) / (0.5 * squared + 2)
    }

    /// A gradient-boosting-like task, its learning rate and number of trees on a narrow valley.
    ///
    /// With `u = log₁₀ learningRate` and `v = log₁₀ estimators`, a narrow valley `10 (u + v − 1.5)²` (the
    /// learning rate trades off against the number of trees) with a shallow slope along it `0.05 (u + 1.5)²`, the depth's optimum set by the booster (6 for `gbtree`, 8 for `dart`, ignored by
    /// `gblinear`), `0.5 (subsample − 0.8)²`, and an offset per booster (0, 0.05, 0.3); minimum 0 at `gbtree`,
    /// learning rate 10^−1.5, 1,000 trees, depth 6, subsample 0.8. `nil` for an unknown booster.
    public static func boostingLike(
        booster: String,
        learningRate: Double,
        estimators: Double,
        depth: Double,
        subsample: Double
    ) -> Double? {
        let (u, v) = (log10(learningRate), log10(estimators))
        let boosterTerm: Double
        switch booster {
        case "gbtree": boosterTerm = 0.02 * (depth - 6) * (depth - 6)
        case "dart": boosterTerm = 0.05 + 0.02 * (depth - 8) * (depth - 8)
        case "gblinear": boosterTerm = 0.3
        default: return nil
        }
        let valley = u + v - 1.5
        return 10 * valley * valley + 0.05 * (u + 1.5) * (u + 1.5) + boosterTerm
            + 0.5 * (subsample - 0.8) * (subsample - 0.8)
    }

    /// Where ``salomon(_:)``'s minimum is put: three reals, then two integers.
    public static let salomonShift: [Double] = [2.5, -1.5, 4, 3, -6]

    /// Salomon, shifted: with `r = ‖x − shift‖`, `1 − cos(2π r) + 0.1 r`; concentric rings of local minima,
    /// minimum 0 at ``salomonShift``.
    public static func salomon(_ x: [Double]) -> Double {
        let radius = zip(x, salomonShift).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        return 1 - cos(2 * Double.pi * radius) + 0.1 * radius
    }

    /// A deceptive categorical, its broad basins not the deepest.
    ///
    /// `wide` is a broad bowl of minimum 0.3, `smooth` a narrower one of minimum 0.1, and `sharp` a plateau at 1
    /// with one narrow well down to 0 at (0.15, 0.85, k = 15); `x`, `y` in [0, 1], `k` an integer. `nil` for an
    /// unknown kind.
    public static func deceptiveCategory(kind: String, x: Double, y: Double, k: Double) -> Double? {
        switch kind {
        case "wide":
            return 0.3 + 0.5 * ((x - 0.3) * (x - 0.3) + (y - 0.6) * (y - 0.6)) + 0.002 * (k - 10) * (k - 10)
        case "smooth":
            return 0.1 + 2 * ((x - 0.7) * (x - 0.7) + (y - 0.2) * (y - 0.2)) + 0.01 * (k - 5) * (k - 5)
        case "sharp":
            let squared = (x - 0.15) * (x - 0.15) + (y - 0.85) * (y - 0.85)
            return 1 - exp(-squared / 0.02 - (k - 15) * (k - 15) / 8)
        default:
            return nil
        }
    }
}
