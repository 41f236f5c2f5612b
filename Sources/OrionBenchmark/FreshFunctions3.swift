import Foundation

/// The closed-form functions of the third fresh set (``FreshProblems3``), written from their usual definitions
/// (three-hump camel, Bohachevsky 2, sum squares and Qing: [Jamil & Yang 2013](https://arxiv.org/abs/1308.4008) and
/// [Surjanovic & Bingham](https://www.sfu.ca/~ssurjano/optimization.html); the double sum (Schwefel's problem 1.2)
/// and the sharp ridge: the CEC 2005 and BBOB definitions, unrotated and shifted; the deflected corrugated spring:
/// Jamil & Yang; Himmelblau's function), and three mixed-space tasks defined here.
extension TestFunctions {
    /// Three-hump camel: `2x² − 1.05x⁴ + x⁶/6 + xy + y²`; minimum 0 at the origin (two other local minima).
    public static func threeHumpCamel(_ x: Double, _ y: Double) -> Double {
        2 * x * x - 1.05 * pow(x, 4) + pow(x, 6) / 6 + x * y + y * y
    }

    /// Bohachevsky 2: `x² + 2y² − 0.3 cos(3πx) cos(4πy) + 0.3`; minimum 0 at the origin.
    public static func bohachevsky2(_ x: Double, _ y: Double) -> Double {
        x * x + 2 * y * y - 0.3 * cos(3 * Double.pi * x) * cos(4 * Double.pi * y) + 0.3
    }

    /// Where ``doubleSum(_:)``'s minimum is.
    public static let doubleSumShift: [Double] = [2, -3, 1, 4, -1.5]

    /// The double sum (Schwefel's problem 1.2), shifted: `Σᵢ (Σ_{j ≤ i} (xⱼ − sⱼ))²`; a rotated, ill-conditioned
    /// quadratic, minimum 0 at ``doubleSumShift``.
    public static func doubleSum(_ x: [Double]) -> Double {
        var partial = 0.0
        var total = 0.0
        for (value, shift) in zip(x, doubleSumShift) {
            partial += value - shift
            total += partial * partial
        }
        return total
    }

    /// Where ``sharpRidge(_:)``'s minimum is.
    public static let sharpRidgeShift: [Double] = [1, -2, 0.5, 3]

    /// The sharp ridge, shifted: `(x₁ − s₁)² + 100 √(Σ_{i > 1} (xᵢ − sᵢ)²)`; non-smooth on its ridge, minimum 0 at
    /// ``sharpRidgeShift``.
    public static func sharpRidge(_ x: [Double]) -> Double {
        let first = x[0] - sharpRidgeShift[0]
        let rest = zip(x.dropFirst(), sharpRidgeShift.dropFirst()).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return first * first + 100 * rest.squareRoot()
    }

    /// The deflected corrugated spring (α = 5, K = 5): with `r² = Σ (xᵢ − 5)²`, `0.1 r² − cos(5 r)`; rings of local
    /// minima around the global one, −1 at (5, …, 5).
    public static func corrugatedSpring(_ x: [Double]) -> Double {
        let squared = x.reduce(0) { $0 + ($1 - 5) * ($1 - 5) }
        return 0.1 * squared - cos(5 * squared.squareRoot())
    }

    /// Qing: `Σᵢ (xᵢ² − i)²` for i from 1; separable, minimum 0 at every `(±1, ±√2, …, ±√d)`.
    public static func qing(_ x: [Double]) -> Double {
        x.enumerated().reduce(0) { total, item in
            let term = item.element * item.element - Double(item.offset + 1)
            return total + term * term
        }
    }

    /// Where ``sumSquares(_:)``'s minimum is.
    public static let sumSquaresShift: [Double] = [1, -2, 3, -1, 2, -3]

    /// Sum squares, shifted: `Σᵢ i (xᵢ − sᵢ)²` for i from 1; separable, minimum 0 at ``sumSquaresShift``.
    public static func sumSquares(_ x: [Double]) -> Double {
        zip(x, sumSquaresShift).enumerated().reduce(0) { total, item in
            let d = item.element.0 - item.element.1
            return total + Double(item.offset + 1) * d * d
        }
    }

    /// Himmelblau's function `(x² + y − 11)² + (x + y² − 7)²`: four minima of 0, at (3, 2) and three non-integer
    /// points.
    public static func himmelblau(_ x: Double, _ y: Double) -> Double {
        let first = x * x + y - 11
        let second = x + y * y - 7
        return first * first + second * second
    }

    /// Two Himmelblau functions of a real and an integer each, coupled: `H(x₁, k₁) + H(x₂, k₂) + 0.5 (x₁ − x₂)²`;
    /// with integer `k`, the one minimum of 0 is at x₁ = x₂ = 3, k₁ = k₂ = 2.
    public static func himmelblauMixed(x1: Double, x2: Double, k1: Double, k2: Double) -> Double {
        himmelblau(x1, k1) + himmelblau(x2, k2) + 0.5 * (x1 - x2) * (x1 - x2)
    }

    /// A random-forest-like task: a criterion, a log number of trees, a depth and a leaf size whose trade-off sets
    /// the best fraction of features.
    ///
    /// With `u = log₁₀ trees`, the capacity `c = log₂ depth − ½ log₂ leaf`, and per criterion a best capacity
    /// `c*` and an offset (`gini`: 3.5, 0; `entropy`: 3, 0.03; `log_loss`: 4, 0.08): `0.5 (u − log₁₀ 250)² +
    /// 0.3 (c − c*)² + 2 (features − 0.1 c)² + offset`; minimum 0 at `gini`, 250 trees, depth 16, leaf 2, features
    /// 0.35. `nil` for an unknown criterion.
    public static func forestLike(
        criterion: String,
        trees: Double,
        depth: Double,
        leaf: Double,
        features: Double
    ) -> Double? {
        let (best, offset): (Double, Double)
        switch criterion {
        case "gini": (best, offset) = (3.5, 0)
        case "entropy": (best, offset) = (3, 0.03)
        case "log_loss": (best, offset) = (4, 0.08)
        default: return nil
        }
        let u = log10(trees) - log10(250)
        let capacity = log2(depth) - 0.5 * log2(leaf)
        let share = features - 0.1 * capacity
        return 0.5 * u * u + 0.3 * (capacity - best) * (capacity - best) + 2 * share * share + offset
    }

    /// A category that rotates an ill-conditioned ellipse of two reals, and an integer.
    ///
    /// Category `r0`, `r1`, `r2` turns the ellipse `(u/0.1)² + v²` by 0, 60 or 120 degrees around its own centre
    /// ((0.5, −0.5), (−1, 1), (1, 0.5)) and adds an offset (0.05, 0, 0.1); the integer `k` in [0, 15] adds
    /// `0.01 (k − 7)²`. Minimum 0 at `r1`, (−1, 1), k = 7. `nil` for an unknown category.
    public static func rotatedCategory(kind: String, x: Double, y: Double, k: Double) -> Double? {
        let (angle, centre, offset): (Double, (Double, Double), Double)
        switch kind {
        case "r0": (angle, centre, offset) = (0, (0.5, -0.5), 0.05)
        case "r1": (angle, centre, offset) = (Double.pi / 3, (-1, 1), 0)
        case "r2": (angle, centre, offset) = (2 * Double.pi / 3, (1, 0.5), 0.1)
        default: return nil
        }
        let (dx, dy) = (x - centre.0, y - centre.1)
        let u = cos(angle) * dx + sin(angle) * dy
        let v = -sin(angle) * dx + cos(angle) * dy
        return (u / 0.1) * (u / 0.1) + v * v + offset + 0.01 * (k - 7) * (k - 7)
    }
}
