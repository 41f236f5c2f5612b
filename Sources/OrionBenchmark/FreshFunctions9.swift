import Foundation

/// The closed-form functions of the ninth fresh set (``FreshProblems9``): spaces of reals, written from their usual
/// definitions (Langermann, the Hölder table, the power sum, Csendes, Schwefel's 2.4 and 2.21: [Jamil &
/// Yang 2013](https://arxiv.org/abs/1308.4008); [Surjanovic & Bingham, the Virtual Library of Simulation
/// Experiments](https://www.sfu.ca/~ssurjano/optimization.html)) and, for the shifts and the training-like loss,
/// values chosen for this set.
extension TestFunctions {
    /// Langermann's centres and weights (m = 5, the usual 2-D ones).
    static let langermannCentres: [[Double]] = [[3, 5], [5, 2], [2, 1], [1, 4], [7, 9]]
    static let langermannWeights: [Double] = [1, 2, 5, 2, 3]

    /// Langermann: `Σᵢ cᵢ exp(−|x − Aᵢ|²/π) cos(π|x − Aᵢ|²)`, rings of ripples around five centres of different
    /// weights; on [0, 10]² its minimum is at ``langermannArgmin``.
    public static func langermann(_ x: [Double]) -> Double {
        zip(langermannCentres, langermannWeights).reduce(0) { sum, term in
            let squared = zip(x, term.0).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            return sum + term.1 * exp(-squared / Double.pi) * cos(Double.pi * squared)
        }
    }

    /// Langermann's minimizer on [0, 10]² (scipy: Nelder-Mead from 4,000 uniform starts, then BFGS).
    public static let langermannArgmin = [2.7934022083674463, 1.5972325026209038]

    /// The Hölder table: `−|sin x cos y exp(|1 − √(x² + y²)/π|)|`; four minima near the corners of [−10, 10]².
    public static func holderTable(_ x: Double, _ y: Double) -> Double {
        -abs(sin(x) * cos(y) * exp(abs(1 - (x * x + y * y).squareRoot() / Double.pi)))
    }

    /// One of the Hölder table's four minimizers (the others mirror it), by scipy's Nelder-Mead.
    public static let holderTableArgmin = [8.055023488554482, 9.664590019700372]

    /// The power sum's targets `b`: the power sums of (1, 2, 3, 4).
    static let powerSumTargets: [Double] = [10, 30, 100, 354]

    /// The power sum, `Σₖ (Σᵢ xᵢᵏ − bₖ)²` for k = 1…4.
    ///
    /// Minimum 0 at (1, 2, 3, 4) and its permutations, a badly conditioned polynomial. `x` has four coordinates.
    public static func powerSum(_ x: [Double]) -> Double {
        powerSumTargets.enumerated().reduce(0) { sum, target in
            let power = Double(target.offset + 1)
            let difference = x.reduce(0) { $0 + pow($1, power) } - target.element
            return sum + difference * difference
        }
    }

    /// The shift (minimizer) of ``shiftedCsendes(_:)``.
    public static let csendesShift = [0.3, -0.2, 0.45, -0.35, 0.1]

    /// Csendes, shifted: `Σ tᵢ⁶ (2 + sin(1/tᵢ))` with `t = x − s` (each term 0 at `tᵢ = 0`); minimum 0 at the shift, flat
    /// around it (sixth powers) with ever finer ripples towards it.
    public static func shiftedCsendes(_ x: [Double]) -> Double {
        zip(x, csendesShift).reduce(0) { sum, pair in
            let t = pair.0 - pair.1
            guard t != 0 else { return sum }
            return sum + pow(t, 6) * (2 + sin(1 / t))
        }
    }

    /// A training-like loss of an Adam optimizer's learning rate, β₁, ε and weight decay.
    ///
    /// With `a = log10(lr) + 3.2`, `b = (β₁ − 0.9)/0.1`, `e = log10(ε) + 8` and `w = log10(wd) + 4.5`:
    /// `a² + 0.8ab + 0.6b² + 0.02e² + 0.15w² + 0.5 max(0, a)³` (too large a learning rate costs more, ε barely matters);
    /// minimum 0 at lr 10^−3.2, β₁ 0.9, ε 10⁻⁸, wd 10^−4.5.
    public static func adamLike(lr: Double, beta1: Double, eps: Double, wd: Double) -> Double {
        let a = log10(lr) + 3.2
        let b = (beta1 - 0.9) / 0.1
        let e = log10(eps) + 8
        let w = log10(wd) + 4.5
        let steep = max(0, a)
        return a * a + 0.8 * a * b + 0.6 * b * b + 0.02 * e * e + 0.15 * w * w + 0.5 * steep * steep * steep
    }

    /// Schwefel's 2.4: `Σᵢ (xᵢ − 1)² + (x₁ − xᵢ²)²`; every coordinate coupled to the first; minimum 0 at (1, …, 1).
    public static func schwefel24(_ x: [Double]) -> Double {
        x.reduce(0) { sum, value in
            let coupling = x[0] - value * value
            return sum + (value - 1) * (value - 1) + coupling * coupling
        }
    }

    /// The shift (minimizer) of ``shiftedSchwefel221(_:)``.
    public static let schwefel221Shift = [3.1, -4.2, 1.7, 6.3, -2.5, -7.4, 0.8]

    /// Schwefel's 2.21, shifted: `maxᵢ |xᵢ − sᵢ|`; unimodal, not differentiable, only the worst coordinate counts;
    /// minimum 0 at the shift.
    public static func shiftedSchwefel221(_ x: [Double]) -> Double {
        zip(x, schwefel221Shift).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}
