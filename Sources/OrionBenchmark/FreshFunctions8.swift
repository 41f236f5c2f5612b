import Foundation

/// The closed-form functions of the eighth fresh set (``FreshProblems8``): spaces of reals, written from their usual
/// definitions (Zettl, the exponential function: [Jamil & Yang 2013](https://arxiv.org/abs/1308.4008); the twisted
/// Gaussian: [Haario et al. 1999](https://doi.org/10.1007/s001800050022); Rosenbrock, Salomon; the composite
/// Griewank-Rosenbrock and Schaffer's F7: [Hansen et al. 2009, BBOB](https://hal.inria.fr/inria-00362633), without
/// their rotations and conditioning) and, for the shifts, rotation angles and weights, values chosen for this set.
extension TestFunctions {
    /// Zettl: `(x² + y² − 2x)² + x/4`; a valley along the circle of radius 1 around (1, 0), the minimum just left of
    /// it, at (``zettlArgmin``, 0).
    public static func zettl(_ x: Double, _ y: Double) -> Double {
        let circle = x * x + y * y - 2 * x
        return circle * circle + 0.25 * x
    }

    /// Zettl's minimizer along x (y = 0): the negative root of `4x³ − 12x² + 8x + 1/4` (numpy's `roots`).
    public static let zettlArgmin = -0.029895985050660392

    /// A smooth loss of a log-scaled regularization `alpha`, a log-scaled learning rate `lr` and a `dropout`.
    ///
    /// With `a = log10(alpha) + 2.5`, `b = log10(lr) + 2 − 0.4a` (the best learning rate grows with the
    /// regularization) and `c = dropout − 0.35`: `0.15a² + b² + 2c² + 0.3ac`, positive definite; minimum 0 at
    /// alpha 10^−2.5, lr 10⁻², dropout 0.35.
    public static func logRidge(alpha: Double, lr: Double, dropout: Double) -> Double {
        let a = log10(alpha) + 2.5
        let b = log10(lr) - (-2 + 0.4 * a)
        let c = dropout - 0.35
        return 0.15 * a * a + b * b + 2 * c * c + 0.3 * a * c
    }

    /// The twisted Gaussian (a banana) as a negative log density, in four coordinates.
    ///
    /// With `a = x₁ − 3` and `b = x₂ + 0.1a² − 10`: `a²/200 + b²/2 + ((x₃ − 1.5)² + (x₄ + 0.8)²)/2`; a parabolic
    /// valley `x₂ = 10 − 0.1a²`, long along x₁; minimum 0 at (3, 10, 1.5, −0.8). `x` has four coordinates.
    public static func twistedGaussian(_ x: [Double]) -> Double {
        let a = x[0] - 3
        let b = x[1] + 0.1 * a * a - 10
        let c = x[2] - 1.5
        let d = x[3] + 0.8
        return a * a / 200 + 0.5 * b * b + 0.5 * (c * c + d * d)
    }

    /// The shift (minimizer) of ``rotatedRosenbrock(_:)``.
    public static let rotatedRosenbrockShift = [0.7, -1.2, 0.4, 1.5, -0.5]
    /// The angles of the Givens rotations of ``rotatedRosenbrock(_:)``, in coordinates (1, 2), (2, 3), (3, 4), (4, 5).
    static let rotatedRosenbrockAngles = [0.5, -0.8, 1.1, 0.3]

    /// Rosenbrock in a rotated, shifted frame, in five coordinates.
    ///
    /// `y = x − s` is turned by Givens rotations of the angles ``rotatedRosenbrockAngles`` in coordinates (1, 2),
    /// then (2, 3), (3, 4) and (4, 5) (each `yᵢ ← cos θ yᵢ − sin θ yⱼ`, `yⱼ ← sin θ yᵢ + cos θ yⱼ`), `z = y + 1`, and
    /// `Σᵢ 100(zᵢ₊₁ − zᵢ²)² + (1 − zᵢ)²`: the curved valley runs diagonally to the axes; minimum 0 at the shift.
    public static func rotatedRosenbrock(_ x: [Double]) -> Double {
        var y = zip(x, rotatedRosenbrockShift).map { $0 - $1 }
        for (index, angle) in rotatedRosenbrockAngles.enumerated() {
            let (first, second) = (y[index], y[index + 1])
            y[index] = cos(angle) * first - sin(angle) * second
            y[index + 1] = sin(angle) * first + cos(angle) * second
        }
        let z = y.map { $0 + 1 }
        var total = 0.0
        for index in 0..<(z.count - 1) {
            let valley = z[index + 1] - z[index] * z[index]
            total += 100 * valley * valley + (1 - z[index]) * (1 - z[index])
        }
        return total
    }

    /// The centre and the weights of ``ellipticSalomon(_:)``.
    public static let ellipticSalomonCentre = [1.2, -0.6, 2.1, -1.7]
    static let ellipticSalomonWeights = [1.0, 3, 0.5, 2]

    /// Salomon's function of a weighted distance, in four coordinates.
    ///
    /// `r = √(Σᵢ wᵢ (xᵢ − cᵢ)²)` with the weights (1, 3, 0.5, 2), and `1 − cos(2πr) + 0.1r`: a funnel of elliptic
    /// ripples; minimum 0 at the centre.
    public static func ellipticSalomon(_ x: [Double]) -> Double {
        var squares = 0.0
        for index in x.indices {
            let d = x[index] - ellipticSalomonCentre[index]
            squares += ellipticSalomonWeights[index] * d * d
        }
        let r = squares.squareRoot()
        return 1 - cos(2 * Double.pi * r) + 0.1 * r
    }

    /// The shift (minimizer) of ``griewankRosenbrock(_:)``.
    public static let griewankRosenbrockShift = [0.5, -0.4, 0.9, -1.1, 0.2]

    /// The composite Griewank-Rosenbrock (BBOB's F8F2, without rotation), in five coordinates.
    ///
    /// With `z = x − s + 1` and `tᵢ = 100(zᵢ² − zᵢ₊₁)² + (1 − zᵢ)²`: `Σᵢ (tᵢ/4000 − cos tᵢ)/(n − 1) + 1`; Rosenbrock's
    /// valley under Griewank's ripples; minimum 0 at the shift.
    public static func griewankRosenbrock(_ x: [Double]) -> Double {
        let z = zip(x, griewankRosenbrockShift).map { $0 - $1 + 1 }
        var total = 0.0
        for index in 0..<(z.count - 1) {
            let valley = z[index] * z[index] - z[index + 1]
            let t = 100 * valley * valley + (1 - z[index]) * (1 - z[index])
            total += t / 4000 - cos(t)
        }
        return total / Double(z.count - 1) + 1
    }

    /// The shift (minimizer) of ``schafferF7(_:)``.
    public static let schafferF7Shift = [1.1, -2.0, 0.3, 2.4, -0.9, -1.6]

    /// Schaffer's F7 (BBOB's, without rotation and conditioning), shifted, in six coordinates.
    ///
    /// With `z = x − s` and `sᵢ = √(zᵢ² + zᵢ₊₁²)`: `(Σᵢ (√sᵢ + √sᵢ sin²(50 sᵢ^0.2)) / (n − 1))²`; a funnel with
    /// ripples that get finer towards its bottom; minimum 0 at the shift.
    public static func schafferF7(_ x: [Double]) -> Double {
        let z = zip(x, schafferF7Shift).map { $0 - $1 }
        var total = 0.0
        for index in 0..<(z.count - 1) {
            let s = (z[index] * z[index] + z[index + 1] * z[index + 1]).squareRoot()
            let ripple = sin(50 * pow(s, 0.2))
            total += s.squareRoot() * (1 + ripple * ripple)
        }
        let mean = total / Double(z.count - 1)
        return mean * mean
    }

    /// The centre (minimizer) of ``shiftedExponential(_:)``.
    public static let shiftedExponentialCentre = [0.3, -0.5, 0.1, 0.6, -0.2, -0.7, 0.45, 0.05]

    /// The exponential function, shifted, in eight coordinates: `1 − exp(−½ Σᵢ (xᵢ − cᵢ)²)`; smooth, unimodal;
    /// minimum 0 at the centre.
    public static func shiftedExponential(_ x: [Double]) -> Double {
        var squares = 0.0
        for index in x.indices {
            let d = x[index] - shiftedExponentialCentre[index]
            squares += d * d
        }
        return 1 - exp(-0.5 * squares)
    }
}
