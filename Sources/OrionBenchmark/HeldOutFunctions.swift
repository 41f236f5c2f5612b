import Foundation

/// The closed-form functions of the held-out problems (``HeldOutProblems``), from the usual definitions of the
/// virtual library of simulation experiments ([Surjanovic & Bingham](https://www.sfu.ca/~ssurjano/optimization.html)).
extension TestFunctions {
    /// Rastrigin: `10n + Σ (xᵢ² − 10 cos 2πxᵢ)`; minimum 0 at the origin.
    public static func rastrigin(_ x: [Double]) -> Double {
        x.reduce(10 * Double(x.count)) { $0 + $1 * $1 - 10 * cos(2 * Double.pi * $1) }
    }

    /// Griewank: `Σ xᵢ²/4000 − Π cos(xᵢ/√i) + 1`; minimum 0 at the origin.
    public static func griewank(_ x: [Double]) -> Double {
        var sum = 0.0
        var product = 1.0
        for (index, value) in x.enumerated() {
            sum += value * value / 4000
            product *= cos(value / Double(index + 1).squareRoot())
        }
        return sum - product + 1
    }

    /// Schwefel: `418.9829 n − Σ xᵢ sin √|xᵢ|`; minimum near 0 at xᵢ = 420.9687.
    public static func schwefel(_ x: [Double]) -> Double {
        x.reduce(418.9829 * Double(x.count)) { $0 - $1 * sin(abs($1).squareRoot()) }
    }

    /// The 1-D minimum of `−x sin √|x|` on [-500, 500] (at x = 420.968743696), computed with scipy.
    static let schwefelCoordinateMinimum = -418.9828872724328

    /// Michalewicz with steepness m = 10: `−Σ sin(xᵢ) sin²ᵐ(i xᵢ² / π)`.
    public static func michalewicz(_ x: [Double]) -> Double {
        var total = 0.0
        for (index, value) in x.enumerated() {
            total -= sin(value) * pow(sin(Double(index + 1) * value * value / Double.pi), 20)
        }
        return total
    }

    /// Six-hump camel: `(4 − 2.1x₁² + x₁⁴/3)x₁² + x₁x₂ + (−4 + 4x₂²)x₂²`; minimum −1.0316 at (±0.0898, ∓0.7127).
    public static func sixHumpCamel(_ x1: Double, _ x2: Double) -> Double {
        (4 - 2.1 * x1 * x1 + x1 * x1 * x1 * x1 / 3) * x1 * x1 + x1 * x2 + (-4 + 4 * x2 * x2) * x2 * x2
    }

    /// Goldstein-Price; minimum 3 at (0, −1).
    public static func goldsteinPrice(_ x1: Double, _ x2: Double) -> Double {
        let s = x1 + x2 + 1
        let a = 19 - 14 * x1 + 3 * x1 * x1 - 14 * x2 + 6 * x1 * x2 + 3 * x2 * x2
        let t = 2 * x1 - 3 * x2
        let b = 18 - 32 * x1 + 12 * x1 * x1 + 48 * x2 - 36 * x1 * x2 + 27 * x2 * x2
        return (1 + s * s * a) * (30 + t * t * b)
    }

    /// Zakharov: `Σ xᵢ² + (Σ ½ i xᵢ)² + (Σ ½ i xᵢ)⁴`; minimum 0 at the origin.
    public static func zakharov(_ x: [Double]) -> Double {
        var squares = 0.0
        var weighted = 0.0
        for (index, value) in x.enumerated() {
            squares += value * value
            weighted += 0.5 * Double(index + 1) * value
        }
        let w2 = weighted * weighted
        return squares + w2 + w2 * w2
    }

    /// Dixon-Price: `(x₁ − 1)² + Σᵢ₌₂ i (2xᵢ² − xᵢ₋₁)²`; minimum 0 at xᵢ = 2^−(2ⁱ−2)/2ⁱ.
    public static func dixonPrice(_ x: [Double]) -> Double {
        var total = (x[0] - 1) * (x[0] - 1)
        for i in 1..<x.count {
            let inner = 2 * x[i] * x[i] - x[i - 1]
            total += Double(i + 1) * inner * inner
        }
        return total
    }

    /// The minimizer of Dixon-Price in `n` dimensions.
    public static func dixonPriceMinimizer(_ n: Int) -> [Double] {
        (1...n).map { i in pow(2, -(pow(2, Double(i)) - 2) / pow(2, Double(i))) }
    }

    /// A deterministic noise for `values`: `σ·|z|`, z standard normal from a hash of the values' bits, so the same
    /// point always gets the same noise and the noise never takes a value below the noiseless one.
    public static func halfNormalNoise(_ values: [Double], sigma: Double) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for value in values {
            var bits = value.bitPattern
            for _ in 0..<8 {
                hash ^= bits & 0xff
                hash &*= 0x0000_0100_0000_01b3
                bits >>= 8
            }
        }
        // Two uniforms from the hash (splitmix64 steps), then Box-Muller.
        func mix(_ seed: UInt64) -> UInt64 {
            var z = seed &+ 0x9e37_79b9_7f4a_7c15
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        let first = mix(hash)
        let u = (Double(first >> 11) + 0.5) / 9_007_199_254_740_992
        let v = Double(mix(first) >> 11) / 9_007_199_254_740_992
        return sigma * abs((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
    }

    /// The base costs of the categories `a` of ``categoricalHeavy``.
    static let heavyA: [String: Double] = ["adam": 0, "sgd": 0.6, "rmsprop": 0.3, "adagrad": 1.0]
    /// The real optimum of `x` for each category `a`.
    static let heavyShift: [String: Double] = ["adam": -1.2, "sgd": 2.0, "rmsprop": 0.5, "adagrad": -2.5]
    /// The interaction costs of `b` (rows) and `c` (columns) of ``categoricalHeavy``.
    static let heavyBC: [String: [String: Double]] = [
        "relu": ["none": 0.8, "batch": 0.0, "layer": 0.4],
        "tanh": ["none": 0.5, "batch": 0.9, "layer": 0.2],
        "gelu": ["none": 1.1, "batch": 0.3, "layer": 0.6],
        "sigmoid": ["none": 1.5, "batch": 1.2, "layer": 1.0],
    ]
    /// The integer optimum of `n` for each category `c`.
    static let heavyTarget: [String: Double] = ["none": 3, "batch": 11, "layer": 7]

    /// A categorical-heavy function of three categories, a real and an integer.
    ///
    /// Categories `a`, `b`, `c` (4, 4 and 3 of them), a real `x` whose optimum depends on `a`, an integer `n` whose
    /// optimum depends on `c`: `A[a] + BC[b][c] + (x − shift[a])²/4 + 0.05 (n − target[c])²`; minimum 0 at (adam,
    /// relu, batch, −1.2, 11). `nil` for an unknown category.
    public static func categoricalHeavy(a: String, b: String, c: String, x: Double, n: Double) -> Double? {
        guard let base = heavyA[a], let shift = heavyShift[a], let interaction = heavyBC[b]?[c],
            let target = heavyTarget[c]
        else { return nil }
        return base + interaction + (x - shift) * (x - shift) / 4 + 0.05 * (n - target) * (n - target)
    }

    /// The base cost, optimum of `log10 C` and of `log10 gamma` of each kernel of ``svmLike`` (no gamma for
    /// `linear`).
    static let svmKernels: [String: (base: Double, c: Double, gamma: Double?)] = [
        "linear": (0.08, -1, nil), "rbf": (0, 1.5, -2), "poly": (0.03, 0.5, -1), "sigmoid": (0.15, -0.5, -3),
    ]

    /// A support-vector-machine-like validation error.
    ///
    /// A categorical kernel moves the optimum of the log regularization `u = log10 C` and of the log kernel width
    /// `v = log10 gamma`, which only some kernels use; a polynomial degree `d` only `poly` uses:
    /// `base + 0.04(u − u*)² + [gamma] 0.06(v − v*)² + [rbf] 0.01(u − u*)(v − v*) + [poly] 0.02(d − 3)²`;
    /// minimum 0 at (rbf, C = 10^1.5, gamma = 10⁻², any degree). `nil` for an unknown kernel.
    public static func svmLike(kernel: String, c: Double, gamma: Double, degree: Double) -> Double? {
        guard let entry = svmKernels[kernel] else { return nil }
        let u = log10(c) - entry.c
        var value = entry.base + 0.04 * u * u
        if let target = entry.gamma {
            let v = log10(gamma) - target
            value += 0.06 * v * v
            if kernel == "rbf" { value += 0.01 * u * v }
        }
        if kernel == "poly" { value += 0.02 * (degree - 3) * (degree - 3) }
        return value
    }

    /// The base costs of ``mlpLike``, by activation then solver.
    static let mlpBase: [String: [String: Double]] = [
        "relu": ["adam": 0, "sgd": 0.12, "lbfgs": 0.2],
        "tanh": ["adam": 0.05, "sgd": 0.1, "lbfgs": 0.08],
        "logistic": ["adam": 0.15, "sgd": 0.3, "lbfgs": 0.12],
    ]
    /// The best number of hidden layers for each activation of ``mlpLike``.
    static let mlpLayers: [String: Double] = ["relu": 3, "tanh": 2, "logistic": 1]

    /// A multilayer-perceptron-like validation error.
    ///
    /// Two categoricals (activation, solver) whose pair sets a base cost, an integer number of layers `l` whose
    /// optimum depends on the activation, a log-integer width `h` whose optimum depends on the solver, and a
    /// log-real L2 penalty `alpha`:
    /// `base[act][solver] + 0.04(l − l*[act])² + 0.03(log2 h − (solver = lbfgs ? 5 : 6))² + 0.02(log10 alpha + 4)²`;
    /// minimum 0 at (relu, adam, 3 layers, width 64, alpha = 10⁻⁴). `nil` for an unknown category.
    public static func mlpLike(activation: String, solver: String, layers: Double, width: Double, alpha: Double)
        -> Double?
    {
        guard let base = mlpBase[activation]?[solver], let target = mlpLayers[activation] else { return nil }
        let h = log2(width) - (solver == "lbfgs" ? 5 : 6)
        let a = log10(alpha) + 4
        return base + 0.04 * (layers - target) * (layers - target) + 0.03 * h * h + 0.02 * a * a
    }

    /// An integer-only function of four integers: a tilted quadratic bowl with a coupling.
    ///
    /// `Σ wᵢ (kᵢ − tᵢ)² + 0.5 (k₁ − k₂ − 3)²` with t = (9, 6, 14, 2), w = (1, 0.5, 0.25, 2); minimum 0 at t.
    public static func integerBowl(_ k: [Double]) -> Double {
        let targets = [9.0, 6, 14, 2]
        let weights = [1.0, 0.5, 0.25, 2]
        var total = 0.0
        for i in 0..<4 { total += weights[i] * (k[i] - targets[i]) * (k[i] - targets[i]) }
        let coupling = k[0] - k[1] - 3
        return total + 0.5 * coupling * coupling
    }
}
