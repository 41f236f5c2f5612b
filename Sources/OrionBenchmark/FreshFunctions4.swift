import Foundation

/// The closed-form functions of the fourth fresh set (``FreshProblems4``), written from their usual definitions
/// (McCormick, Schaffer N.2, Easom, Deb's function 3, Xin-She Yang's function 2, Pintér's function and the quartic:
/// [Jamil & Yang 2013](https://arxiv.org/abs/1308.4008) and [Surjanovic & Bingham](https://www.sfu.ca/~ssurjano/optimization.html);
/// the discus: the BBOB and CEC definitions, here shifted and turned by a fixed reflection instead of a random
/// rotation).
extension TestFunctions {
    /// McCormick: `sin(x + y) + (x − y)² − 1.5x + 2.5y + 1`; its one minimum, −√3/2 − π/3, is at
    /// (1/2 − π/3, −1/2 − π/3), where `x + y = −2π/3` and `x − y = 1`.
    public static func mccormick(_ x: Double, _ y: Double) -> Double {
        sin(x + y) + (x - y) * (x - y) - 1.5 * x + 2.5 * y + 1
    }

    /// McCormick's minimum, −√3/2 − π/3.
    public static let mccormickMinimum = -(3.0.squareRoot() / 2) - Double.pi / 3

    /// Schaffer N.2: `0.5 + (sin²(x² − y²) − 0.5) / (1 + 0.001 (x² + y²))²`; minimum 0 at the origin, ripples along
    /// the hyperbolas `x² − y² = kπ`.
    public static func schafferN2(_ x: Double, _ y: Double) -> Double {
        let ripple = sin(x * x - y * y)
        let damping = 1 + 0.001 * (x * x + y * y)
        return 0.5 + (ripple * ripple - 0.5) / (damping * damping)
    }

    /// Easom: `−cos x cos y exp(−((x − π)² + (y − π)²))`; flat (near 0) but for a hole of depth −1 at (π, π).
    public static func easom(_ x: Double, _ y: Double) -> Double {
        -cos(x) * cos(y) * exp(-((x - Double.pi) * (x - Double.pi) + (y - Double.pi) * (y - Double.pi)))
    }

    /// Deb's function 3: `−(1/d) Σᵢ sin⁶(5π (xᵢ^{3/4} − 0.05))` on [0, 1]ᵈ; separable, minimum −1 wherever every
    /// `xᵢ^{3/4}` is one of 0.15, 0.35, …, 0.95 (5ᵈ unevenly spaced global minima).
    public static func deb3(_ x: [Double]) -> Double {
        let total = x.reduce(0) { $0 + pow(sin(5 * Double.pi * (pow($1, 0.75) - 0.05)), 6) }
        return -total / Double(max(x.count, 1))
    }

    /// Xin-She Yang's function 2: `(Σ |xᵢ|) exp(−Σ sin(xᵢ²))`; non-smooth, non-separable, minimum 0 at the origin.
    public static func xinSheYang2(_ x: [Double]) -> Double {
        x.reduce(0) { $0 + abs($1) } * exp(-x.reduce(0) { $0 + sin($1 * $1) })
    }

    /// Pintér's function: with cyclic neighbours `x₀ = x_d`, `x_{d+1} = x₁`, `Aᵢ = x_{i−1} sin xᵢ + sin x_{i+1}` and
    /// `Bᵢ = x_{i−1}² − 2xᵢ + 3x_{i+1} − cos xᵢ + 1`, `Σᵢ i xᵢ² + Σᵢ 20 i sin² Aᵢ + Σᵢ i log₁₀(1 + i Bᵢ²)`;
    /// multimodal, non-separable, minimum 0 at the origin.
    public static func pinter(_ x: [Double]) -> Double {
        let d = x.count
        var total = 0.0
        for index in 0..<d {
            let i = Double(index + 1)
            let previous = x[(index + d - 1) % d]
            let next = x[(index + 1) % d]
            let a = previous * sin(x[index]) + sin(next)
            let b = previous * previous - 2 * x[index] + 3 * next - cos(x[index]) + 1
            total += i * x[index] * x[index] + 20 * i * sin(a) * sin(a) + i * log10(1 + i * b * b)
        }
        return total
    }

    /// Where ``quartic(_:)``'s minimum is.
    public static let quarticShift: [Double] = [0.5, -0.8, 0.3, -0.2, 0.9, -0.6]

    /// The quartic (De Jong's function 4 without its noise), shifted: `Σᵢ i (xᵢ − sᵢ)⁴` for i from 1; separable, a
    /// flat bottom (zero curvature at the minimum 0, at ``quarticShift``).
    public static func quartic(_ x: [Double]) -> Double {
        zip(x, quarticShift).enumerated().reduce(0) { total, item in
            let d = item.element.0 - item.element.1
            return total + Double(item.offset + 1) * d * d * d * d
        }
    }

    /// Where ``rotatedDiscus(_:)``'s minimum is.
    public static let rotatedDiscusShift: [Double] = [1.5, -2, 0.5, 3, -1, 2.5, -3.5, 0]

    /// The discus, shifted and turned: with `z = x − s` and `y = H z`, `H = I − 2vvᵀ/(vᵀv)` the reflection along
    /// `v = (1, …, 1)`, `10⁴ y₁² + Σ_{i > 1} yᵢ²`; ill-conditioned (condition 10⁴) along a direction that mixes every
    /// coordinate, minimum 0 at ``rotatedDiscusShift``.
    public static func rotatedDiscus(_ x: [Double]) -> Double {
        let z = zip(x, rotatedDiscusShift).map { $0 - $1 }
        let projection = 2 * z.reduce(0, +) / Double(max(z.count, 1))
        let y = z.map { $0 - projection }
        return 1e4 * y[0] * y[0] + y.dropFirst().reduce(0) { $0 + $1 * $1 }
    }
}
