import Foundation

/// The closed-form functions of the fresh real-valued held-out problems (``HeldOutProblems``), written from their
/// usual definitions (the virtual library of simulation experiments, [Surjanovic &
/// Bingham](https://www.sfu.ca/~ssurjano/optimization.html), and [Jamil & Yang
/// 2013](https://arxiv.org/abs/1308.4008) for Alpine n.1).
extension TestFunctions {
    /// The wells `A` of Shekel's function (m = 10, 4 dimensions).
    static let shekelA: [[Double]] = [
        [4, 4, 4, 4], [1, 1, 1, 1], [8, 8, 8, 8], [6, 6, 6, 6], [3, 7, 3, 7],
        [2, 9, 2, 9], [5, 5, 3, 3], [8, 1, 8, 1], [6, 2, 6, 2], [7, 3.6, 7, 3.6],
    ]
    /// The widths `c` of Shekel's wells.
    static let shekelC: [Double] = [0.1, 0.2, 0.2, 0.4, 0.4, 0.6, 0.3, 0.7, 0.5, 0.5]

    /// Shekel (m = 10): `−Σᵢ 1 / (Σⱼ (xⱼ − Aᵢⱼ)² + cᵢ)`; `x` has 4 values; minimum −10.5364 near (4, 4, 4, 4).
    public static func shekel(_ x: [Double]) -> Double {
        var total = 0.0
        for (row, width) in zip(shekelA, shekelC) {
            var squared = width
            for (value, centre) in zip(x, row) { squared += (value - centre) * (value - centre) }
            total -= 1 / squared
        }
        return total
    }

    /// Powell: over each block of four `(a, b, c, d)`, `(a + 10b)² + 5(c − d)² + (b − 2c)⁴ + 10(a − d)⁴`; the count
    /// of values is a multiple of 4; minimum 0 at the origin.
    public static func powell(_ x: [Double]) -> Double {
        var total = 0.0
        for start in stride(from: 0, to: x.count - 3, by: 4) {
            let (a, b, c, d) = (x[start], x[start + 1], x[start + 2], x[start + 3])
            let first = a + 10 * b
            let second = c - d
            let third = (b - 2 * c) * (b - 2 * c)
            let fourth = (a - d) * (a - d)
            total += first * first + 5 * second * second + third * third + 10 * fourth * fourth
        }
        return total
    }

    /// Alpine n.1: `Σ |xᵢ sin xᵢ + 0.1 xᵢ|`; minimum 0 at the origin (and wherever every `xᵢ` is 0 or has
    /// `sin xᵢ = −0.1`).
    public static func alpine(_ x: [Double]) -> Double {
        x.reduce(0) { $0 + abs($1 * sin($1) + 0.1 * $1) }
    }

    /// Bukin n.6: `100 √|x₂ − 0.01 x₁²| + 0.01 |x₁ + 10|`; minimum 0 at (−10, 1).
    public static func bukin6(_ x1: Double, _ x2: Double) -> Double {
        100 * abs(x2 - 0.01 * x1 * x1).squareRoot() + 0.01 * abs(x1 + 10)
    }

    /// Colville; `x` has 4 values; minimum 0 at (1, 1, 1, 1).
    ///
    /// `100(x₁² − x₂)² + (x₁ − 1)² + (x₃ − 1)² + 90(x₃² − x₄)² + 10.1((x₂ − 1)² + (x₄ − 1)²)
    /// + 19.8(x₂ − 1)(x₄ − 1)`.
    public static func colville(_ x: [Double]) -> Double {
        let (x1, x2, x3, x4) = (x[0], x[1], x[2], x[3])
        let a = x1 * x1 - x2
        let b = x3 * x3 - x4
        return 100 * a * a + (x1 - 1) * (x1 - 1) + (x3 - 1) * (x3 - 1) + 90 * b * b
            + 10.1 * ((x2 - 1) * (x2 - 1) + (x4 - 1) * (x4 - 1)) + 19.8 * (x2 - 1) * (x4 - 1)
    }

    /// Trid: `Σ (xᵢ − 1)² − Σᵢ₌₂ xᵢ xᵢ₋₁`; in n dimensions minimum `−n(n + 4)(n − 1)/6` at `xᵢ = i(n + 1 − i)`.
    public static func trid(_ x: [Double]) -> Double {
        var total = 0.0
        for (index, value) in x.enumerated() {
            total += (value - 1) * (value - 1)
            if index > 0 { total -= value * x[index - 1] }
        }
        return total
    }

    /// Perm 0, d, β: `Σᵢ₌₁ᵈ (Σⱼ₌₁ᵈ (j + β)(xⱼⁱ − j⁻ⁱ))²`; minimum 0 at `xⱼ = 1/j`.
    public static func perm(_ x: [Double], beta: Double) -> Double {
        var total = 0.0
        for i in 1...x.count {
            var inner = 0.0
            for (index, value) in x.enumerated() {
                let j = Double(index + 1)
                inner += (j + beta) * (pow(value, Double(i)) - pow(j, -Double(i)))
            }
            total += inner * inner
        }
        return total
    }

    /// Cross-in-tray: `−10⁻⁴ (|sin x₁ sin x₂ exp(|100 − √(x₁² + x₂²)/π|)| + 1)^0.1`; minimum −2.06261 at
    /// (±1.34941, ±1.34941).
    public static func crossInTray(_ x1: Double, _ x2: Double) -> Double {
        let radius = (x1 * x1 + x2 * x2).squareRoot()
        let inner = abs(sin(x1) * sin(x2) * exp(abs(100 - radius / Double.pi)))
        return -1e-4 * pow(inner + 1, 0.1)
    }
}
