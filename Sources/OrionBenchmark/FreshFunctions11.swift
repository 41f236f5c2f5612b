import Foundation

/// The closed-form functions of the eleventh fresh set (``FreshProblems11``): spaces of reals, written from their usual
/// definitions (Trefethen's, Brent's, De Jong's fifth (Shekel's foxholes), Box and Betts', Vincent's, HGBat, Mishra's
/// second: [Jamil & Yang 2013](https://arxiv.org/abs/1308.4008); HGBat from the CEC 2014 suite) and, for the
/// training-like loss, values chosen for this set.
extension TestFunctions {
    /// Trefethen's function: `e^{sin 50x} + sin(60 e^y) + sin(70 sin x) + sin(sin 80y) − sin(10(x + y)) + (x² + y²)/4`,
    /// rough and densely multimodal (from Trefethen's "hundred-dollar, hundred-digit challenge").
    public static func trefethen(_ x: Double, _ y: Double) -> Double {
        exp(sin(50 * x)) + sin(60 * exp(y)) + sin(70 * sin(x)) + sin(sin(80 * y)) - sin(10 * (x + y))
            + (x * x + y * y) / 4
    }

    /// Trefethen's minimizer (scipy: Nelder-Mead from the best 200 points of a 1201² grid on [−2, 1] × [−1, 2]).
    public static let trefethenArgmin = [-0.024403079857283023, 0.2106124271050639]

    /// Brent's function: `(x + 10)² + (y + 10)² + e^{−x² − y²}`; on [−10, 10]² its minimum, e^−200, is at the corner
    /// (−10, −10).
    public static func brent(_ x: Double, _ y: Double) -> Double {
        (x + 10) * (x + 10) + (y + 10) * (y + 10) + exp(-x * x - y * y)
    }

    /// De Jong's fifth function (Shekel's foxholes): `1 / (0.002 + Σⱼ 1/(j + (x − aⱼ)⁶ + (y − bⱼ)⁶))` over the 25
    /// holes of the grid {−32, −16, 0, 16, 32}²; a plateau pierced by narrow wells of different depths.
    public static func deJong5(_ x: Double, _ y: Double) -> Double {
        let grid: [Double] = [-32, -16, 0, 16, 32]
        var sum = 0.0
        for (row, b) in grid.enumerated() {
            for (column, a) in grid.enumerated() {
                let j = Double(5 * row + column + 1)
                sum += 1 / (j + pow(x - a, 6) + pow(y - b, 6))
            }
        }
        return 1 / (0.002 + sum)
    }

    /// De Jong's fifth minimizer, in the well at (−32, −32) (scipy's Nelder-Mead from each well's centre).
    public static let deJong5Argmin = [-31.97833357139726, -31.978336789414364]

    /// Box and Betts' exponential quadratic sum: `Σᵢ₌₁¹⁰ (e^{−0.1 i x₁} − e^{−0.1 i x₂} − x₃ (e^{−0.1 i} − e^{−i}))²`;
    /// a curved narrow valley; minimum 0 at (1, 10, 1).
    public static func boxBetts(_ x: [Double]) -> Double {
        (1...10).reduce(0) { sum, index in
            let i = Double(index)
            let g = exp(-0.1 * i * x[0]) - exp(-0.1 * i * x[1]) - x[2] * (exp(-0.1 * i) - exp(-i))
            return sum + g * g
        }
    }

    /// Vincent's function: `−Σ sin(10 ln xᵢ)`; ripples whose period grows with `x`; minimum −d wherever every
    /// `10 ln xᵢ` is π/2 modulo 2π.
    public static func vincent(_ x: [Double]) -> Double {
        -x.reduce(0) { $0 + sin(10 * log($1)) }
    }

    /// HGBat: `|(Σxᵢ²)² − (Σxᵢ)²|^{1/2} + (Σxᵢ²/2 + Σxᵢ)/d + 1/2`; a non-smooth crease; minimum 0 at (−1, …, −1).
    public static func hgbat(_ x: [Double]) -> Double {
        let squares = x.reduce(0) { $0 + $1 * $1 }
        let sum = x.reduce(0, +)
        return abs(squares * squares - sum * sum).squareRoot() + (squares / 2 + sum) / Double(x.count) + 0.5
    }

    /// A training-like loss of SGD's learning rate, momentum, weight decay, batch size, warm-up fraction and label
    /// smoothing.
    ///
    /// With `b = log10(batch/64)` and `e = log10(lr/(1 − momentum)) + 1.3 − 0.8b` (the effective step against one that
    /// grows with the batch): `e²·(3 if e > 0 else 1) + 0.15 (log10 wd + 4)² + 4 (momentum − 0.9)² + 0.5 b²
    /// + 3 (warmup − 0.1)² (1 + e²) + 2 (smoothing − 0.05)²`; minimum 0 at lr 10^−2.3, momentum 0.9, wd 10⁻⁴, batch 64,
    /// warm-up 0.1, smoothing 0.05.
    public static func sgdLike(
        lr: Double,
        momentum: Double,
        wd: Double,
        batch: Double,
        warmup: Double,
        smoothing: Double
    ) -> Double {
        let b = log10(batch / 64)
        let e = log10(lr / (1 - momentum)) + 1.3 - 0.8 * b
        let w = log10(wd) + 4
        return e * e * (e > 0 ? 3 : 1) + 0.15 * w * w + 4 * (momentum - 0.9) * (momentum - 0.9) + 0.5 * b * b
            + 3 * (warmup - 0.1) * (warmup - 0.1) * (1 + e * e) + 2 * (smoothing - 0.05) * (smoothing - 0.05)
    }

    /// Mishra's second function: `(1 + t)^t` with `t = d − Σᵢ₌₁^{d−1} (xᵢ + xᵢ₊₁)/2`; increasing in every coordinate's
    /// direction towards 0, so on [0, 1]^d its minimum, 2, is at the corner (1, …, 1).
    public static func mishra2(_ x: [Double]) -> Double {
        let t = Double(x.count) - zip(x, x.dropFirst()).reduce(0) { $0 + ($1.0 + $1.1) / 2 }
        return pow(1 + t, t)
    }
}
