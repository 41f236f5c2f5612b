import Foundation

/// The closed-form functions of the seventh fresh set (``FreshProblems7``), written from their usual definitions:
/// Shubert, Alpine N.2, Brown, the exponential function and Chung-Reynolds ([Jamil & Yang
/// 2013](https://arxiv.org/abs/1308.4008)); HappyCat (Beyer & Finck, PPSN 2012), Lunacek's bi-Rastrigin and the different powers (the BBOB definitions of [Hansen et al.
/// 2009](https://hal.inria.fr/inria-00362633), not rotated); shifted by fixed vectors where the usual optimum would
/// be the centre of the box.
extension TestFunctions {
    /// Shubert: `Π_{i=1,2} Σ_{j=1}^{5} j cos((j + 1) xᵢ + j)`; 760 local minima on [−10, 10]², 18 of them global.
    public static func shubert(_ x: Double, _ y: Double) -> Double {
        func factor(_ v: Double) -> Double {
            (1...5).reduce(0) { total, j in
                let k = Double(j)
                return total + k * cos((k + 1) * v + k)
            }
        }
        return factor(x) * factor(y)
    }

    /// Where ``shubert(_:_:)`` reaches its minimum (one of the 18 global minima; scipy's BFGS from a grid of starts).
    public static let shubertArgmin: (x: Double, y: Double) = (-0.8003211050030635, -7.708313734582459)

    /// Shubert's minimum on [−10, 10]² (numpy at ``shubertArgmin``).
    public static let shubertMinimum = -186.73090883102387

    /// Alpine N.2, as a minimization: `−Π √xᵢ sin xᵢ` on [0, 10]ᵈ; multimodal, separable, the minimum
    /// `−2.8081311800070³…` at `xᵢ = 7.9170527…`, near a corner.
    public static func alpineN2(_ x: [Double]) -> Double {
        -x.reduce(1) { $0 * $1.squareRoot() * sin($1) }
    }

    /// Where each coordinate of ``alpineN2(_:)`` is best: the maximizer of `√t sin t` on [0, 10] (scipy's bounded
    /// Brent).
    public static let alpineN2Argmin = 7.917052721355292

    /// HappyCat (α = 1/8): `|‖x‖² − d|^{1/4} + (‖x‖²/2 + Σ xᵢ)/d + 1/2`; a non-smooth valley along the sphere
    /// `‖x‖² = d`, minimum 0 at (−1, …, −1).
    public static func happyCat(_ x: [Double]) -> Double {
        let d = Double(x.count)
        let squared = x.reduce(0) { $0 + $1 * $1 }
        return pow(abs(squared - d), 0.25) + (0.5 * squared + x.reduce(0, +)) / d + 0.5
    }

    /// Lunacek's bi-Rastrigin: `min(Σ (xᵢ − μ₀)², d + s Σ (xᵢ − μ₁)²) + 10 Σ (1 − cos 2π(xᵢ − μ₀))`, μ₀ = 2.5,
    /// `s = 1 − 1/(2√(d + 20) − 8.2)`, `μ₁ = −√((μ₀² − 1)/s)`; two funnels of Rastrigin ripples, the deeper (minimum 0)
    /// at (μ₀, …, μ₀), the wider around (μ₁, …, μ₁).
    public static func lunacek(_ x: [Double]) -> Double {
        let d = Double(x.count)
        let mu0 = 2.5
        let s = 1 - 1 / (2 * (d + 20).squareRoot() - 8.2)
        let mu1 = -((mu0 * mu0 - 1) / s).squareRoot()
        let near = x.reduce(0) { $0 + ($1 - mu0) * ($1 - mu0) }
        let far = d + s * x.reduce(0) { $0 + ($1 - mu1) * ($1 - mu1) }
        let ripples = x.reduce(0) { $0 + 1 - cos(2 * Double.pi * ($1 - mu0)) }
        return min(near, far) + 10 * ripples
    }

    /// Where ``exponentialLog(_:)``'s real coordinates (after the first) are best.
    public static let exponentialShift: [Double] = [0.3, -0.4, 0.25]

    /// The exponential function with a log-scaled first coordinate: with `z₁ = (log₁₀ x₁ + 2.5)/2` and
    /// `zᵢ = xᵢ − sᵢ` for the others (``exponentialShift``), `1 − exp(−Σ zᵢ²/2)`; smooth, unimodal, minimum 0 at
    /// `x₁ = 10^−2.5` and the shift.
    public static func exponentialLog(_ x: [Double]) -> Double {
        let first = (log10(x[0]) + 2.5) / 2
        let rest = zip(x.dropFirst(), exponentialShift).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return 1 - exp(-0.5 * (first * first + rest))
    }

    /// Brown: `Σ_{i<d} (xᵢ²)^{xᵢ₊₁² + 1} + (xᵢ₊₁²)^{xᵢ² + 1}`; unimodal, non-separable, flat near the minimum 0 at the
    /// origin and very steep far from it.
    public static func brown(_ x: [Double]) -> Double {
        zip(x, x.dropFirst()).reduce(0) { total, pair in
            let a = pair.0 * pair.0
            let b = pair.1 * pair.1
            return total + pow(a, b + 1) + pow(b, a + 1)
        }
    }

    /// Where ``differentPowers(_:)``'s minimum is.
    public static let differentPowersShift: [Double] = [1.5, -2, 0.5, 3, -1, 2.5, -3.5]

    /// The different powers, shifted: with `z = x − s`, `√(Σ |zᵢ|^{2 + 4(i−1)/(d−1)})`; unimodal, separable, the
    /// sensitivity to each coordinate falling from quadratic to the 6th power near the minimum 0 at the shift.
    public static func differentPowers(_ x: [Double]) -> Double {
        let d = Double(x.count)
        let sum = zip(x, differentPowersShift).enumerated().reduce(0) { total, item in
            let z = abs(item.element.0 - item.element.1)
            return total + pow(z, 2 + 4 * Double(item.offset) / (d - 1))
        }
        return sum.squareRoot()
    }

    /// Where ``chungReynolds(_:)``'s minimum is.
    public static let chungReynoldsShift: [Double] = [-1.5, 2, 0.5, -3, 1, 2.5, -0.5, 3.5]

    /// Chung-Reynolds, shifted: with `z = x − s`, `(Σ zᵢ²)²`; smooth, unimodal, flat at the minimum 0 at the shift.
    public static func chungReynolds(_ x: [Double]) -> Double {
        let squared = zip(x, chungReynoldsShift).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return squared * squared
    }
}
