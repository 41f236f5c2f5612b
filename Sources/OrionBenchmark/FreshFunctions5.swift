import Foundation

/// The closed-form functions of the fifth fresh set (``FreshProblems5``), written from their usual definitions
/// (Leon, Bartels-Conn, Wolfe, the step function 2, the quintic, Sargan and the stretched V sine wave:
/// [Jamil & Yang 2013](https://arxiv.org/abs/1308.4008); the bent cigar: the CEC 2017 definition, here shifted by a
/// fixed vector instead of a random one and not rotated).
extension TestFunctions {
    /// Leon: `100 (y − x³)² + (1 − x)²`, a curved valley along `y = x³`; minimum 0 at (1, 1).
    public static func leon(_ x: Double, _ y: Double) -> Double {
        let valley = y - x * x * x
        return 100 * valley * valley + (1 - x) * (1 - x)
    }

    /// Bartels-Conn: `|x² + y² + xy| + |sin x| + |cos y|`; non-smooth, non-separable, minimum 1 at the origin.
    public static func bartelsConn(_ x: Double, _ y: Double) -> Double {
        abs(x * x + y * y + x * y) + abs(sin(x)) + abs(cos(y))
    }

    /// Wolfe: `(4/3) (x² + y² − xy)^{3/4} + z` on [0, 2]³; minimum 0 at the corner (0, 0, 0).
    public static func wolfe(_ x: Double, _ y: Double, _ z: Double) -> Double {
        4.0 / 3 * pow(x * x + y * y - x * y, 0.75) + z
    }

    /// The step function 2: `Σᵢ ⌊xᵢ + 1/2⌋²`; flat cells (plateaus), separable, minimum 0 on [−1/2, 1/2)ᵈ.
    public static func step2(_ x: [Double]) -> Double {
        x.reduce(0) { total, value in
            let cell = (value + 0.5).rounded(.down)
            return total + cell * cell
        }
    }

    /// The quintic: `Σᵢ |xᵢ⁵ − 3xᵢ⁴ + 4xᵢ³ + 2xᵢ² − 10xᵢ − 4|`; separable, non-smooth at its minima, minimum 0 wherever
    /// every `xᵢ` is −1 or 2 (2ᵈ global minima).
    public static func quintic(_ x: [Double]) -> Double {
        x.reduce(0) { total, v in
            total + abs(((((v - 3) * v + 4) * v + 2) * v - 10) * v - 4)
        }
    }

    /// Sargan: `Σᵢ (xᵢ² + 0.4 Σ_{j≠i} xᵢxⱼ)`, a coupled quadratic (`0.6‖x‖² + 0.4 (Σ xᵢ)²`); minimum 0 at the origin.
    public static func sargan(_ x: [Double]) -> Double {
        let sum = x.reduce(0, +)
        return x.reduce(0) { total, v in total + v * v + 0.4 * v * (sum - v) }
    }

    /// The stretched V sine wave: `Σ_{i<d} (xᵢ² + xᵢ₊₁²)^{1/4} (sin²(50 (xᵢ² + xᵢ₊₁²)^{1/10}) + 0.1)`; coupled
    /// neighbours, ripples, a cusp at the minimum 0 at the origin.
    public static func stretchedVSineWave(_ x: [Double]) -> Double {
        zip(x, x.dropFirst()).reduce(0) { total, pair in
            let radius = pair.0 * pair.0 + pair.1 * pair.1
            let ripple = sin(50 * pow(radius, 0.1))
            return total + pow(radius, 0.25) * (ripple * ripple + 0.1)
        }
    }

    /// Where ``bentCigar(_:)``'s minimum is.
    public static let bentCigarShift: [Double] = [1, -2, 0.5, 2.5, -1.5, 3, -0.5, 1.5]

    /// The bent cigar, shifted: with `z = x − s`, `z₁² + 10⁶ Σ_{i>1} zᵢ²`; separable, ill-conditioned (condition
    /// 10⁶: only the first coordinate is cheap to get wrong), minimum 0 at ``bentCigarShift``.
    public static func bentCigar(_ x: [Double]) -> Double {
        let z = zip(x, bentCigarShift).map { $0 - $1 }
        return z[0] * z[0] + 1e6 * z.dropFirst().reduce(0) { $0 + $1 * $1 }
    }
}
