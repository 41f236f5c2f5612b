import Foundation

/// The closed-form functions of the fourteenth fresh set (``FreshProblems14``): mixed spaces, written from their usual
/// definitions (the egg crate, Bohachevsky's functions 1 and 3, the cube function: [Jamil & Yang
/// 2013](https://arxiv.org/abs/1308.4008)) or for this set (the training-like losses, the offsets, shifts and weights).
extension TestFunctions {
    /// A training-like loss of a model family, a log learning rate `l = log10 lr`, a log regularization
    /// `r = log10 reg` and an integer size `s`.
    ///
    /// `boosting`: `0.6(l + 1.3)² + 0.03(r + 3)² + 0.0004(s − 12)²`, good only in a narrow band of `l`; `forest`:
    /// `0.06 + 0.004(r + 1)² + 0.0003(s − 28)²` (no learning rate); `linear`: `0.12 + 0.02(r + 4)²` (a plateau, no
    /// learning rate or size); `neighbors`: `0.1 + 0.002(s − 5)²`. Minimum 0 at `boosting`, lr = 10^−1.3, reg = 10⁻³,
    /// size 12; `nil` for an unknown family.
    public static func modelFamily(family: String, lr: Double, reg: Double, size: Double) -> Double? {
        let (l, r, s) = (log10(lr), log10(reg), size)
        switch family {
        case "boosting": return 0.6 * (l + 1.3) * (l + 1.3) + 0.03 * (r + 3) * (r + 3) + 0.0004 * (s - 12) * (s - 12)
        case "forest": return 0.06 + 0.004 * (r + 1) * (r + 1) + 0.0003 * (s - 28) * (s - 28)
        case "linear": return 0.12 + 0.02 * (r + 4) * (r + 4)
        case "neighbors": return 0.1 + 0.002 * (s - 5) * (s - 5)
        default: return nil
        }
    }

    /// A training-like loss of an optimizer, a log learning rate `a = log10 lr`, a coefficient `β` (momentum's
    /// momentum, Adam's first moment), a log batch size `b = log2 batch` and Adam's integer warm-up `w`.
    ///
    /// The best `a` grows with `b`. `sgd`: `0.05 + 0.3(a + 1 − 0.15(b − 7))²`; `momentum`, with the effective rate
    /// `a − log10(1 − β)`: `0.02 + 0.3(a − log10(1 − β) + 1 − 0.15(b − 7))²`; `adam`: `0.25(a + 3.2 − 0.1(b − 7))² +
    /// 0.4(β − 0.9)² + 0.004(b − 7)² + 0.002(w − 4)²`. Minimum 0 at `adam`, lr = 10^−3.2, β = 0.9, batch 128, warm-up
    /// 4; `nil` for an unknown optimizer.
    public static func optimizerMomentum(
        optimizer: String,
        lr: Double,
        beta: Double,
        batch: Double,
        warmup: Double
    ) -> Double? {
        let (a, b) = (log10(lr), log2(batch))
        switch optimizer {
        case "sgd":
            let u = a + 1 - 0.15 * (b - 7)
            return 0.05 + 0.3 * u * u
        case "momentum":
            let u = a - log10(1 - beta) + 1 - 0.15 * (b - 7)
            return 0.02 + 0.3 * u * u
        case "adam":
            let u = a + 3.2 - 0.1 * (b - 7)
            return 0.25 * u * u + 0.4 * (beta - 0.9) * (beta - 0.9) + 0.004 * (b - 7) * (b - 7) + 0.002
                * (warmup - 4) * (warmup - 4)
        default: return nil
        }
    }

    /// The egg crate function: `x² + y² + 25(sin²x + sin²y)`; minimum 0 at the origin, local minima near every
    /// multiple of π.
    public static func eggCrate(_ x: Double, _ y: Double) -> Double {
        let (s, t) = (sin(x), sin(y))
        return x * x + y * y + 25 * (s * s + t * t)
    }

    /// Each label's shift of the egg crate and offset in ``eggCrateChoice(label:_:_:)``.
    static let eggCrateLabels: [String: (x: Double, y: Double, offset: Double)] = [
        "A": (1.0, -2.0, 0.3), "B": (-2.5, 0.5, 0), "C": (0, 3.0, 0.6), "D": (2.5, 2.5, 1.0),
    ]

    /// The egg crate moved by a label's shift, plus its offset; minimum 0 at `B`, (−2.5, 0.5); `nil` for an unknown
    /// label.
    public static func eggCrateChoice(label: String, _ x: Double, _ y: Double) -> Double? {
        guard let entry = eggCrateLabels[label] else { return nil }
        return eggCrate(x - entry.x, y - entry.y) + entry.offset
    }

    /// The cube function: `100(y − x³)² + (1 − x)²`; minimum 0 at (1, 1), a curved valley.
    public static func cube(_ x: Double, _ y: Double) -> Double {
        let u = y - x * x * x
        return 100 * u * u + (1 - x) * (1 - x)
    }

    /// Each mode's best integer and offset in ``coupledInteger(mode:k:_:_:)``.
    static let coupledIntegerModes: [String: (k: Double, offset: Double)] = [
        "a": (3, 0.4), "b": (7, 0), "c": (11, 0.2),
    ]

    /// The cube function of two reals plus `0.3(k − k*)²` and the offset, the best integer `k*` set by the mode;
    /// minimum 0 at `b`, k = 7, (1, 1); `nil` for an unknown mode.
    public static func coupledInteger(mode: String, k: Double, _ x: Double, _ y: Double) -> Double? {
        guard let entry = coupledIntegerModes[mode] else { return nil }
        return cube(x, y) + 0.3 * (k - entry.k) * (k - entry.k) + entry.offset
    }

    /// A training-like loss of a learning-rate schedule, a log learning rate `a = log10 lr`, a warm-up (integer
    /// steps, used by `cosine` only), a log weight decay `w = log10 wd` and a dropout `p`.
    ///
    /// `constant`: `0.15 + 0.2(a + 2.5)² + 0.01(w + 4)² + 0.3(p − 0.1)²`; `linear_decay`: `0.07 + 0.2(a + 2)² + 0.01(w
    /// + 4)² + 0.3(p − 0.2)²`; `cosine`: `0.15(a + 1.5)² + 0.002(warmup − 8)² + 0.02(w + 3)² + 0.3(p − 0.25)²`.
    /// Minimum 0 at `cosine`, lr = 10^−1.5, warm-up 8, wd = 10⁻³, dropout 0.25; `nil` for an unknown schedule.
    public static func scheduleWarmup(
        schedule: String,
        lr: Double,
        warmup: Double,
        wd: Double,
        dropout p: Double
    ) -> Double? {
        let (a, w) = (log10(lr), log10(wd))
        switch schedule {
        case "constant":
            return 0.15 + 0.2 * (a + 2.5) * (a + 2.5) + 0.01 * (w + 4) * (w + 4) + 0.3 * (p - 0.1) * (p - 0.1)
        case "linear_decay":
            return 0.07 + 0.2 * (a + 2) * (a + 2) + 0.01 * (w + 4) * (w + 4) + 0.3 * (p - 0.2) * (p - 0.2)
        case "cosine":
            return 0.15 * (a + 1.5) * (a + 1.5) + 0.002 * (warmup - 8) * (warmup - 8) + 0.02 * (w + 3) * (w + 3)
                + 0.3 * (p - 0.25) * (p - 0.25)
        default: return nil
        }
    }

    /// Bohachevsky's function 1 generalized to `n` coordinates; minimum 0 at the origin.
    ///
    /// `Σᵢ₌₁ⁿ⁻¹ xᵢ² + 2xᵢ₊₁² − 0.3 cos(3πxᵢ) − 0.4 cos(4πxᵢ₊₁) + 0.7`.
    public static func bohachevsky1(_ x: [Double]) -> Double {
        zip(x, x.dropFirst()).reduce(0) { sum, pair in
            let (u, v) = pair
            return sum + u * u + 2 * v * v - 0.3 * cos(3 * Double.pi * u) - 0.4 * cos(4 * Double.pi * v) + 0.7
        }
    }

    /// Each variant's offset in ``dominantCategory(variant:_:)``.
    static let dominantOffsets: [String: Double] = ["v1": 1.5, "v2": 0.8, "v3": 0, "v4": 2.0, "v5": 0.4]

    /// The centre of ``dominantCategory(variant:_:)``'s quadratic.
    static let dominantCentre: [Double] = [0.7, -1.1, 1.6]

    /// A rotated quadratic of three reals, condition 50, centred at (0.7, −1.1, 1.6), plus the variant's offset (`v3`
    /// best wherever the reals are): `d = x − c`, `u₁ = (d₁ + d₂ + d₃)/√3`, `u₂ = (d₁ − d₂)/√2`, `u₃ = (d₁ + d₂ −
    /// 2d₃)/√6`, `50u₁² + 5u₂² + u₃²`; minimum 0 at `v3` and the centre; `nil` for an unknown variant.
    public static func dominantCategory(variant: String, _ x: [Double]) -> Double? {
        guard let offset = dominantOffsets[variant], x.count == 3 else { return nil }
        let d = zip(x, dominantCentre).map { $0 - $1 }
        let u1 = (d[0] + d[1] + d[2]) / 3.0.squareRoot()
        let u2 = (d[0] - d[1]) / 2.0.squareRoot()
        let u3 = (d[0] + d[1] - 2 * d[2]) / 6.0.squareRoot()
        return 50 * u1 * u1 + 5 * u2 * u2 + u3 * u3 + offset
    }

    /// Bohachevsky's function 3: `x² + 2y² − 0.3 cos(3πx + 4πy) + 0.3`; minimum 0 at the origin.
    public static func bohachevsky3(_ x: Double, _ y: Double) -> Double {
        x * x + 2 * y * y - 0.3 * cos(3 * Double.pi * x + 4 * Double.pi * y) + 0.3
    }

    /// Three on/off flags moving Bohachevsky's function 3 and adding offsets.
    ///
    /// With `[f]` 1 when a flag is `on`: the shift is `(0.5[f1] − 0.8[f3], [f2])`, the offset `0.2(1 − [f1]) + 0.3(1 −
    /// [f2]) + 0.25[f3] − 0.2(1 − [f1])(1 − [f2])`. Minimum 0 at (on, on, off), (0.5, 1); `nil` for a value other than
    /// `on` or `off`.
    public static func flags(_ f1: String, _ f2: String, _ f3: String, _ x: Double, _ y: Double) -> Double? {
        func bit(_ flag: String) -> Double? { flag == "on" ? 1 : flag == "off" ? 0 : nil }
        guard let a = bit(f1), let b = bit(f2), let c = bit(f3) else { return nil }
        let offset = 0.2 * (1 - a) + 0.3 * (1 - b) + 0.25 * c - 0.2 * (1 - a) * (1 - b)
        return bohachevsky3(x - (0.5 * a - 0.8 * c), y - b) + offset
    }
}
