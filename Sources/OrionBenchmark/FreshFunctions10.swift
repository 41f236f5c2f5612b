import Foundation

/// The closed-form functions of the tenth fresh set (``FreshProblems10``): mixed spaces, written from their usual
/// definitions (the bird function, Zirilli: [Jamil & Yang 2013](https://arxiv.org/abs/1308.4008)) or for this set
/// (the training-like losses, the tables of offsets, the shifts and weights).
extension TestFunctions {
    /// A training-like loss of an SVM's kernel, C, γ and polynomial degree.
    ///
    /// With `c = log10(C)` and `g = log10(γ)`: `linear`, `0.3 + 0.05(c − 0.5)²`; `rbf`, `0.1[(c − 1.5)² + 0.8(g + 2)² −
    /// 0.6(c − 1.5)(g + 2)]`; `poly`, `0.15 + 0.05(degree − 3)² + 0.08(c − 1)² + 0.05(g + 1)²` (the degree matters only
    /// there). Minimum 0 at `rbf`, C = 10^1.5, γ = 10⁻²; `nil` for an unknown kernel.
    public static func kernelChoice(kernel: String, c: Double, gamma: Double, degree: Double) -> Double? {
        let a = log10(c)
        let g = log10(gamma)
        switch kernel {
        case "linear": return 0.3 + 0.05 * (a - 0.5) * (a - 0.5)
        case "rbf":
            let (u, v) = (a - 1.5, g + 2)
            return 0.1 * (u * u + 0.8 * v * v - 0.6 * u * v)
        case "poly":
            return 0.15 + 0.05 * (degree - 3) * (degree - 3) + 0.08 * (a - 1) * (a - 1) + 0.05 * (g + 1) * (g + 1)
        default: return nil
        }
    }

    /// The bird function: `sin x · e^{(1 − cos y)²} + cos y · e^{(1 − sin x)²} + (x − y)²`; on [−2π, 2π]² two minima of
    /// equal value, one at ``birdArgmin``.
    public static func bird(_ x: Double, _ y: Double) -> Double {
        let a = 1 - cos(y)
        let b = 1 - sin(x)
        return sin(x) * exp(a * a) + cos(y) * exp(b * b) + (x - y) * (x - y)
    }

    /// A minimizer of the bird function (scipy: Nelder-Mead from 3,000 uniform starts, then BFGS).
    public static let birdArgmin = [-1.582142179609566, -3.130246797760022]

    /// The offsets of ``birdMixed(_:_:count:variant:)``'s categories.
    static let birdOffsets: [String: Double] = ["p": 1.2, "q": 0, "r": 0.6]

    /// The bird function of two reals, plus `0.7|count − 5|` and the category's offset; minimum at ``birdArgmin``,
    /// count 5, category `q`; `nil` for an unknown category.
    public static func birdMixed(_ x: Double, _ y: Double, count: Double, variant: String) -> Double? {
        guard let offset = birdOffsets[variant] else { return nil }
        return bird(x, y) + 0.7 * abs(count - 5) + offset
    }

    /// The targets and weights of ``integerQuadratic(_:_:)``.
    static let integerQuadraticTargets: [Double] = [7, 2, 9, 4]
    static let integerQuadraticWeights: [Double] = [1, 0.7, 0.4, 0.2]

    /// A quadratic of four integers and a real: `Σ wᵢ(kᵢ − tᵢ)² + 0.4(k₁ − t₁)(k₂ − t₂) + 4(r − 0.37)²`; minimum 0 at
    /// `k = (7, 2, 9, 4)`, `r = 0.37`.
    public static func integerQuadratic(_ k: [Double], _ r: Double) -> Double {
        let d = zip(k, integerQuadraticTargets).map { $0 - $1 }
        let weighted = zip(d, integerQuadraticWeights).reduce(0) { $0 + $1.1 * $1.0 * $1.0 }
        return weighted + 0.4 * d[0] * d[1] + 4 * (r - 0.37) * (r - 0.37)
    }

    /// Each activation's best depth and base loss in ``layersLike(activation:layers:width:dropout:lr:)``.
    static let layersLikeActivations: [String: (depth: Double, base: Double)] = [
        "relu": (4, 0.02), "tanh": (3, 0.05), "gelu": (5, 0),
    ]

    /// A training-like loss of a network's activation, depth, width, dropout and learning rate.
    ///
    /// `base + 0.05(layers − depth)² + 0.03(log₂ width − 8)² + 2(dropout − 0.2 − 0.03 layers)² + 0.5(log10 lr + 2.5)²`
    /// with the activation's best depth and base: the best dropout grows with the depth. Minimum 0 at `gelu`, 5 layers,
    /// width 256, dropout 0.35, lr 10^−2.5; `nil` for an unknown activation.
    public static func layersLike(activation: String, layers: Double, width: Double, dropout: Double, lr: Double)
        -> Double?
    {
        guard let entry = layersLikeActivations[activation] else { return nil }
        let depth = layers - entry.depth
        let size = log2(width) - 8
        let drop = dropout - 0.2 - 0.03 * layers
        let rate = log10(lr) + 2.5
        return entry.base + 0.05 * depth * depth + 0.03 * size * size + 2 * drop * drop + 0.5 * rate * rate
    }

    /// Zirilli: `x⁴/4 − x²/2 + x/10 + y²/2`; two wells, the lower at (``zirilliArgmin``, 0).
    public static func zirilli(_ x: Double, _ y: Double) -> Double {
        0.25 * x * x * x * x - 0.5 * x * x + 0.1 * x + 0.5 * y * y
    }

    /// Zirilli's minimizer along x: the lowest root of `x³ − x + 0.1` (numpy's `roots`).
    public static let zirilliArgmin = -1.0466805318046022

    /// Zirilli of two reals as the category says.
    ///
    /// `plain`, itself; `flip`, mirrored in x, plus 0.05; `shift`, moved by (2, −1), plus 0.15. Minimum at `plain`,
    /// (``zirilliArgmin``, 0); `nil` for an unknown category.
    public static func zirilliChoice(_ x: Double, _ y: Double, variant: String) -> Double? {
        switch variant {
        case "plain": return zirilli(x, y)
        case "flip": return zirilli(-x, y) + 0.05
        case "shift": return zirilli(x - 2, y + 1) + 0.15
        default: return nil
        }
    }

    /// The integer and real targets of ``rippledInteger(_:_:)``.
    static let rippledIntegerTargets: [Double] = [2, -3]
    static let rippledRealTargets: [Double] = [0.7, -1.4]

    /// Two integers and two rippled reals: `Σ (nᵢ − aᵢ)²/4 + Σ [(xⱼ − bⱼ)² + 0.5(1 − cos 2π(xⱼ − bⱼ))]`; minimum 0 at
    /// `n = (2, −3)`, `x = (0.7, −1.4)`.
    public static func rippledInteger(_ n: [Double], _ x: [Double]) -> Double {
        let integers = zip(n, rippledIntegerTargets).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) / 4 }
        return zip(x, rippledRealTargets).reduce(integers) { sum, pair in
            let t = pair.0 - pair.1
            return sum + t * t + 0.5 * (1 - cos(2 * Double.pi * t))
        }
    }

    /// The labels and tables of ``chainChoices(_:_:_:_:_:)``: `first` × `middle` and `middle` × `last` offsets, and the
    /// real targets `first` and `last` set.
    static let chainFirst = ["u", "v", "w"]
    static let chainMiddle = ["h", "i", "j"]
    static let chainLast = ["r", "s", "t"]
    static let chainFirstMiddle: [[Double]] = [[0.4, 0.0, 0.9], [0.2, 0.6, 0.1], [0.8, 0.3, 0.5]]
    static let chainMiddleLast: [[Double]] = [[0.3, 0.7, 0.2], [0.0, 0.5, 0.4], [0.6, 0.1, 0.8]]
    static let chainFirstTarget: [Double] = [-1, 0.5, 2]
    static let chainLastTarget: [Double] = [1, -2, 0]

    /// Three categoricals in a chain and two reals: `T[first][middle] + U[middle][last] + (x₁ − p(first))² + (x₂ −
    /// q(last))²`; minimum 0 at (`u`, `i`, `r`), x = (−1, 1); `nil` for an unknown label.
    public static func chainChoices(_ first: String, _ middle: String, _ last: String, _ x1: Double, _ x2: Double)
        -> Double?
    {
        guard let a = chainFirst.firstIndex(of: first), let b = chainMiddle.firstIndex(of: middle),
            let c = chainLast.firstIndex(of: last)
        else { return nil }
        let u = x1 - chainFirstTarget[a]
        let v = x2 - chainLastTarget[c]
        return chainFirstMiddle[a][b] + chainMiddleLast[b][c] + u * u + v * v
    }

    /// The offsets of ``scheduleLike(schedule:lr:batchSize:epochs:momentum:)``'s schedules.
    static let scheduleOffsets: [String: Double] = ["constant": 0.05, "cosine": 0, "step": 0.02]

    /// A training-like loss whose best learning rate grows with the batch size.
    ///
    /// `(log10 lr − log10 lr*)² + 0.02(log₂ batch − 7)² + 0.5(epochs − 60)²/900 + 1.5(momentum − 0.9)²` plus the
    /// schedule's offset, with `lr* = 10⁻³ √(batch/32)`. Minimum 0 at `cosine`, batch 128, lr 2·10⁻³, 60 epochs,
    /// momentum 0.9; `nil` for an unknown schedule.
    public static func scheduleLike(schedule: String, lr: Double, batchSize: Double, epochs: Double, momentum: Double)
        -> Double?
    {
        guard let offset = scheduleOffsets[schedule] else { return nil }
        let rate = log10(lr) - (-3 + 0.5 * log10(batchSize / 32))
        let batch = log2(batchSize) - 7
        let epoch = epochs - 60
        let m = momentum - 0.9
        return offset + rate * rate + 0.02 * batch * batch + 0.5 * epoch * epoch / 900 + 1.5 * m * m
    }
}
