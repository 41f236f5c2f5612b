import Foundation

/// The closed-form functions of the thirteenth fresh set (``FreshProblems13``): spaces of reals, written from their
/// usual definitions (Freudenstein and Roth's, Biggs's EXP6 and Brown's almost-linear function: problems 2, 18 and 27
/// of Moré, Garbow & Hillstrom, ACM TOMS 7(1), 1981; Ripple 1, the W-wavy function and Miele and Cantrell's: [Jamil &
/// Yang 2013](https://arxiv.org/abs/1308.4008); the nondiagonal quartic: CUTE's NONDQUAR, problem 57 of Conn, Gould,
/// Lescrenier & Toint 1988; CUTE's LIARWHD, from Li 1990, a simplified NONDIA). Every minimum is known in closed form.
extension TestFunctions {
    /// Freudenstein and Roth's function: `(x − 13 + ((5 − y)y − 2)y)² + (x − 29 + ((y + 1)y − 14)y)²`; a curved valley
    /// with a local minimum of 48.98 near (11.41, −0.8968); minimum 0 at (5, 4).
    public static func freudensteinRoth(_ x: Double, _ y: Double) -> Double {
        let first = x - 13 + ((5 - y) * y - 2) * y
        let second = x - 29 + ((y + 1) * y - 14) * y
        return first * first + second * second
    }

    /// Ripple 1: `−Σ e^{−2 ln 2 ((xᵢ − 0.1)/0.8)²} (sin⁶(5πxᵢ) + 0.1 cos²(500πxᵢ))`; slow ripples with fast, shallow
    /// ones on top, under a bump centred on 0.1; each term is at least −1.1, so the minimum is −1.1·d at (0.1, …, 0.1).
    public static func ripple1(_ x: [Double]) -> Double {
        var sum = 0.0
        for value in x {
            let scaled = (value - 0.1) / 0.8
            let envelope = exp(-2 * log(2.0) * scaled * scaled)
            let fast = cos(500 * Double.pi * value)
            sum -= envelope * (pow(sin(5 * Double.pi * value), 6) + 0.1 * fast * fast)
        }
        return sum
    }

    /// The W-wavy function: `1 − (1/d) Σ cos(10xᵢ) e^{−xᵢ²/2}`; flat (almost 1) far from the origin, with ripples
    /// deepening towards it; each product is at most 1, reached only at 0, so the minimum is 0 at the origin.
    public static func wavy(_ x: [Double]) -> Double {
        var sum = 0.0
        for value in x {
            sum += cos(10 * value) * exp(-value * value / 2)
        }
        return 1 - sum / Double(x.count)
    }

    /// Brown's almost-linear function: `Σᵢ₌₁^{d−1} (xᵢ + Σⱼ xⱼ − (d + 1))² + (Πⱼ xⱼ − 1)²`; non-separable, minimum 0
    /// at (1, …, 1) and, in three dimensions, at (α, α, 4 − 3α) for α = (1 ± √13)/6, the roots of 3α² − α − 1.
    public static func brownAlmostLinear(_ x: [Double]) -> Double {
        let total = x.reduce(0, +)
        let target = Double(x.count + 1)
        var sum = 0.0
        for value in x.dropLast() {
            let residual = value + total - target
            sum += residual * residual
        }
        let last = x.reduce(1, *) - 1
        return sum + last * last
    }

    /// Miele and Cantrell's function: `(e^{−x₁} − x₂)⁴ + 100(x₂ − x₃)⁶ + tan⁴(x₃ − x₄) + x₁⁸`; high powers make it
    /// nearly flat around the minimum 0 at (0, 1, 1, 1), the only one while |x₃ − x₄| < π.
    public static func mieleCantrell(_ x: [Double]) -> Double {
        let first = exp(-x[0]) - x[1]
        let second = x[1] - x[2]
        let third = tan(x[2] - x[3])
        let (squared, cubed, tangentSquared) = (first * first, second * second * second, third * third)
        return squared * squared + 100 * cubed * cubed + tangentSquared * tangentSquared + pow(x[0], 8)
    }

    /// The nondiagonal quartic (NONDQUAR): `(x₁ − x₂)² + (x_{d−1} − x_d)² + Σᵢ₌₁^{d−2} (xᵢ + xᵢ₊₁ + x_d)⁴`;
    /// non-separable, its Hessian singular at the minimum; minimum 0 at the origin, the only zero of its linear groups.
    public static func nondquar(_ x: [Double]) -> Double {
        let count = x.count
        let first = x[0] - x[1]
        let last = x[count - 2] - x[count - 1]
        var sum = first * first + last * last
        for index in 0..<(count - 2) {
            let group = x[index] + x[index + 1] + x[count - 1]
            let squared = group * group
            sum += squared * squared
        }
        return sum
    }

    /// Biggs's EXP6: `Σᵢ₌₁¹³ (x₃e^{−tᵢx₁} − x₄e^{−tᵢx₂} + x₆e^{−tᵢx₅} − yᵢ)²` with `tᵢ = i/10` and
    /// `yᵢ = e^{−tᵢ} − 5e^{−10tᵢ} + 3e^{−4tᵢ}`; a non-separable fit of three exponentials; minimum 0 at
    /// (1, 10, 1, 5, 4, 3) and at (4, 10, 3, 5, 1, 1), its terms swapped.
    public static func biggsExp6(_ x: [Double]) -> Double {
        var sum = 0.0
        for index in 1...13 {
            let t = Double(index) / 10
            let y = exp(-t) - 5 * exp(-10 * t) + 3 * exp(-4 * t)
            let residual = x[2] * exp(-t * x[0]) - x[3] * exp(-t * x[1]) + x[5] * exp(-t * x[4]) - y
            sum += residual * residual
        }
        return sum
    }

    /// LIARWHD: `Σᵢ (4(xᵢ² − x₁)² + (xᵢ − 1)²)`; every coordinate in a parabolic valley set by the first;
    /// minimum 0 at (1, …, 1).
    public static func liarwhd(_ x: [Double]) -> Double {
        var sum = 0.0
        for value in x {
            let valley = value * value - x[0]
            sum += 4 * valley * valley + (value - 1) * (value - 1)
        }
        return sum
    }
}
