import Foundation

/// The closed-form functions of the twelfth fresh set (``FreshProblems12``): spaces of reals, written from their usual
/// definitions (Damavandi's, the periodic function (Price's second) and Trigonometric 2: [Jamil & Yang
/// 2013](https://arxiv.org/abs/1308.4008); the Gulf research problem and the helical valley: problems 11 and 7 of
/// Moré, Garbow & Hillstrom, ACM TOMS 7(1), 1981; Katsuura's from the CEC 2014 suite, neither shifted nor rotated;
/// the Hilbert quadratic: Schittkowski's problems 274–276 and Buckley's 19 (CUTE's HILBERTA); the arrow-head quartic:
/// CUTE's ARWHEAD, problem 55 of Conn, Gould, Lescrenier & Toint 1988). Every minimum is known in closed form.
extension TestFunctions {
    /// Damavandi's function: `(1 − |sin(π(x − 2)) sin(π(y − 2)) / (π²(x − 2)(y − 2))|⁵)(2 + (x − 7)² + 2(y − 7)²)`;
    /// deceptive: a wide basin around (7, 7) of value 2, and the minimum 0 in a narrow well at (2, 2), where the ratio
    /// takes its limit 1.
    public static func damavandi(_ x: Double, _ y: Double) -> Double {
        func sinc(_ t: Double) -> Double { t == 0 ? 1 : sin(Double.pi * t) / (Double.pi * t) }
        let ratio = abs(sinc(x - 2) * sinc(y - 2))
        return (1 - pow(ratio, 5)) * (2 + (x - 7) * (x - 7) + 2 * (y - 7) * (y - 7))
    }

    /// The periodic function (Price's second): `1 + sin²x + sin²y − 0.1 e^{−x² − y²}`; local minima of value almost 1
    /// on the grid (kπ, mπ), and the minimum 0.9 at (0, 0).
    public static func periodic(_ x: Double, _ y: Double) -> Double {
        let (sx, sy) = (sin(x), sin(y))
        return 1 + sx * sx + sy * sy - 0.1 * exp(-x * x - y * y)
    }

    /// The Gulf research and development problem: `Σᵢ₌₁⁹⁹ (e^{−|yᵢ − x₂|^{x₃} / x₁} − tᵢ)²` with `tᵢ = i/100` and
    /// `yᵢ = 25 + (−50 ln tᵢ)^{2/3}`; flat (Σ tᵢ² = 32.835) wherever the exponentials vanish; minimum 0 at
    /// (50, 25, 1.5).
    public static func gulfResearch(_ x: [Double]) -> Double {
        var sum = 0.0
        for index in 1...99 {
            let t = Double(index) / 100
            let y = 25 + pow(-50 * log(t), 2.0 / 3)
            let residual = exp(-pow(abs(y - x[1]), x[2]) / x[0]) - t
            sum += residual * residual
        }
        return sum
    }

    /// Fletcher and Powell's helical valley: `100((x₃ − 10θ)² + (r − 1)²) + x₃²` with `r = √(x₁² + x₂²)` and
    /// `2πθ = arctan(x₂/x₁)` (plus π where x₁ < 0), so `θ` is in [−1/4, 3/4); a valley winding around the x₃ axis;
    /// minimum 0 at (1, 0, 0).
    public static func helicalValley(_ x: [Double]) -> Double {
        var theta = atan2(x[1], x[0]) / (2 * Double.pi)
        if theta < -0.25 { theta += 1 }
        let radius = (x[0] * x[0] + x[1] * x[1]).squareRoot()
        let along = x[2] - 10 * theta
        return 100 * (along * along + (radius - 1) * (radius - 1)) + x[2] * x[2]
    }

    /// Katsuura's function: `(10/d²)(Πᵢ (1 + i Σⱼ₌₁³² |2ʲxᵢ − round(2ʲxᵢ)| / 2ʲ)^{10/d^1.2} − 1)`; continuous but
    /// nowhere differentiable, rugged at every scale; minimum 0 wherever every `2xᵢ` is an integer.
    public static func katsuura(_ x: [Double]) -> Double {
        let d = Double(x.count)
        var product = 1.0
        for (index, value) in x.enumerated() {
            var scale = 1.0
            var sum = 0.0
            for _ in 1...32 {
                scale *= 2
                let scaled = scale * value
                sum += abs(scaled - scaled.rounded()) / scale
            }
            product *= pow(1 + Double(index + 1) * sum, 10 / pow(d, 1.2))
        }
        return 10 / (d * d) * (product - 1)
    }

    /// The Hilbert quadratic: `Σᵢ Σⱼ xᵢ xⱼ / (i + j − 1)`, the form of the Hilbert matrix (condition 4.8·10⁵ in five
    /// dimensions); smooth, convex and ill-conditioned; minimum 0 at the origin.
    public static func hilbertQuadratic(_ x: [Double]) -> Double {
        var sum = 0.0
        for (i, xi) in x.enumerated() {
            for (j, xj) in x.enumerated() {
                sum += xi * xj / Double(i + j + 1)
            }
        }
        return sum
    }

    /// Trigonometric 2: `1 + Σ (8 sin²(7(xᵢ − 0.9)²) + 6 sin²(14(xᵢ − 0.9)²) + (xᵢ − 0.9)²)`; ripples, faster away
    /// from the minimum, on a bowl; minimum 1 at (0.9, …, 0.9).
    public static func trigonometric2(_ x: [Double]) -> Double {
        var sum = 1.0
        for value in x {
            let square = (value - 0.9) * (value - 0.9)
            let (slow, fast) = (sin(7 * square), sin(14 * square))
            sum += 8 * slow * slow + 6 * fast * fast + square
        }
        return sum
    }

    /// The arrow-head quartic (ARWHEAD): `Σᵢ₌₁^{d−1} ((xᵢ² + x_d²)² − 4xᵢ + 3)`; a smooth convex bowl coupling every
    /// coordinate to the last; minimum 0 at (1, …, 1, 0).
    public static func arwhead(_ x: [Double]) -> Double {
        let lastSquared = x[x.count - 1] * x[x.count - 1]
        var sum = 0.0
        for value in x.dropLast() {
            let pair = value * value + lastSquared
            sum += pair * pair - 4 * value + 3
        }
        return sum
    }
}
