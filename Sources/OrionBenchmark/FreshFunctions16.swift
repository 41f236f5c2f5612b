import Foundation

/// The closed-form functions of the sixteenth fresh set (``FreshProblems16``), written from their published
/// definitions (Büche-Rastrigin, BBOB f4, and the attractive sector, BBOB f6, with their oscillation `T_osz`: Hansen et
/// al. 2009, "Real-parameter black-box optimization benchmarking 2009: noiseless functions definitions", INRIA RR-6829;
/// Corana's function and the inverted cosine wave: [Jamil & Yang 2013](https://arxiv.org/abs/1308.4008); the
/// cigar-tablet: Hansen's `cigtab` in pycma) or for this set (the training-like losses, the shifts, rotation, offsets
/// and weights).
extension TestFunctions {
    /// The oscillation of BBOB 2009: `sign(y) exp(ŷ + 0.049(sin(c₁ŷ) + sin(c₂ŷ)))`, `ŷ = ln |y|`, (c₁, c₂) = (10, 7.9)
    /// for `y > 0`, (5.5, 3.1) otherwise; 0 at 0, strictly increasing.
    static func oscillation(_ y: Double) -> Double {
        guard y != 0 else { return 0 }
        let h = log(abs(y))
        let (c1, c2) = y > 0 ? (10.0, 7.9) : (5.5, 3.1)
        let value = exp(h + 0.049 * (sin(c1 * h) + sin(c2 * h)))
        return y > 0 ? value : -value
    }

    /// The best log₁₀ values of ``rotatedCigarTablet(_:)``'s six parameters.
    static let cigarTabletCentre: [Double] = [-0.5, -2.6, -1, 0.2, -3.2, -2]

    /// The Householder vector of ``rotatedCigarTablet(_:)``'s rotation.
    static let cigarTabletReflection: [Double] = [1, -2, 1, 3, -1, 2]

    /// The cigar-tablet (pycma's `cigtab`, its conditioning cut from 10⁸ to 10⁴) of six log-scaled parameters,
    /// shifted and rotated: with `v = log10 x − c`, `c` = (−0.5, −2.6, −1, 0.2, −3.2, −2), and `z = (I − 2wwᵀ/wᵀw)v`,
    /// `w` = (1, −2, 1, 3, −1, 2), `z₁² + 100(z₂² + … + z₅²) + 10⁴z₆²`; smooth, unimodal, ill-conditioned, minimum 0 at
    /// `x = 10^c`.
    public static func rotatedCigarTablet(_ x: [Double]) -> Double {
        let v = zip(x, cigarTabletCentre).map { log10($0) - $1 }
        let w = cigarTabletReflection
        let scale = 2 * zip(w, v).reduce(0) { $0 + $1.0 * $1.1 } / w.reduce(0) { $0 + $1 * $1 }
        let z = zip(v, w).map { $0 - scale * $1 }
        var sum = z[0] * z[0] + 1e4 * z[5] * z[5]
        for value in z[1...4] { sum += 100 * value * value }
        return sum
    }

    /// Where ``bucheRastrigin(_:)``'s minimum is.
    static let bucheRastriginCentre: [Double] = [1.6, -2.4, 0.8, 3.1, -1.3, 2.2, -3.4, 0.5]

    /// The Büche-Rastrigin function (BBOB f4) of eight reals, its optimum at (1.6, −2.4, 0.8, 3.1, −1.3, 2.2, −3.4,
    /// 0.5).
    ///
    /// With `zᵢ = sᵢ T_osz(xᵢ − x*ᵢ)`, `sᵢ = 10^(0.5(i − 1)/7)`, ten times that where `zᵢ > 0` and `i` is odd:
    /// `10(8 − Σ cos 2πzᵢ) + Σ zᵢ²` (BBOB's boundary penalty is 0 in the box [−5, 5]⁸ and left out); Rastrigin's
    /// ripples on an asymmetric bowl, minimum 0 at `x*`.
    public static func bucheRastrigin(_ x: [Double]) -> Double {
        var sum = 0.0
        for (i, (value, centre)) in zip(x, bucheRastriginCentre).enumerated() {
            let t = oscillation(value - centre)
            var s = pow(10, 0.5 * Double(i) / 7)
            if t > 0, i % 2 == 0 { s *= 10 }
            let z = s * t
            sum += 10 * (1 - cos(2 * Double.pi * z)) + z * z
        }
        return sum
    }

    /// A training-like loss of fine-tuning a pretrained model: a log learning rate `a = log10 lr`, a log weight decay
    /// `w = log10 wd` and a dropout `p`, the last two best at their lower bounds.
    ///
    /// `0.25(a + 3.5 + 0.3(w + 6) − 1.5p)² + 0.015(w + 6)(w + 9) + 0.8p(p + 0.3)`: the best learning rate moves with
    /// the weight decay and the dropout, and both regularizers' terms rise from 0 at the box's lower bounds (wd 10⁻⁶,
    /// dropout 0). Minimum 0 at lr = 10^−3.5, wd = 10⁻⁶, dropout 0.
    public static func pretrainedFinetune(lr: Double, wd: Double, dropout p: Double) -> Double {
        let (a, w) = (log10(lr), log10(wd))
        let u = a + 3.5 + 0.3 * (w + 6) - 1.5 * p
        return 0.25 * u * u + 0.015 * (w + 6) * (w + 9) + 0.8 * p * (p + 0.3)
    }

    /// Where ``corana(_:)``'s minimum is.
    static let coranaCentre: [Double] = [1.3, -2.2, 0.45, 3.05]

    /// The weights of ``corana(_:)``.
    static let coranaWeights: [Double] = [1, 1000, 10, 100]

    /// Corana's function of four reals, shifted to (1.3, −2.2, 0.45, 3.05).
    ///
    /// With `v = x − c`, `zᵢ = 0.2⌊|vᵢ/0.2| + 0.49999⌋ sign(vᵢ)` and `d` = (1, 1000, 10, 100): `Σ 0.15dᵢ(zᵢ −
    /// 0.05 sign(zᵢ))²` where `|vᵢ − zᵢ| < 0.05` (flat pockets on a grid of step 0.2), `dᵢvᵢ²` elsewhere; minimum 0 on
    /// the cube `|vᵢ| < 0.05`.
    public static func corana(_ x: [Double]) -> Double {
        var sum = 0.0
        for ((value, centre), d) in zip(zip(x, coranaCentre), coranaWeights) {
            let v = value - centre
            let sign: Double = v > 0 ? 1 : (v < 0 ? -1 : 0)
            let z = 0.2 * (abs(v / 0.2) + 0.49999).rounded(.down) * sign
            let zSign: Double = z > 0 ? 1 : (z < 0 ? -1 : 0)
            if abs(v - z) < 0.05 {
                let u = z - 0.05 * zSign
                sum += 0.15 * d * u * u
            } else {
                sum += d * v * v
            }
        }
        return sum
    }

    /// Each term scaling's offset, best log₁₀ C and best max_df in ``tfidfText(scaling:ngrams:minDF:maxDF:c:)``.
    static let tfidfScalings: [String: (offset: Double, logC: Double, maxDF: Double)] = [
        "raw": (0.04, 0.5, 0.6), "sublinear": (0, 1.2, 0.85), "binary": (0.02, -0.3, 0.5),
    ]

    /// A training-like loss of a TF-IDF text classifier: a term scaling, the longest n-gram `n`, a log integer minimum
    /// document frequency, a maximum document frequency `q` and a log inverse regularization `c = log10 C`.
    ///
    /// With `u = log₂ min_df − 1 − n/2` (longer n-grams want a higher frequency cut): `offset + 0.05(n − 2)² + 0.04u² +
    /// 0.15(c − c* − 0.3u)² + 0.5(q − q*)²`, the scaling setting the offset, the best `c*` and `q*` (`raw` 0.04, 0.5,
    /// 0.6; `sublinear` 0, 1.2, 0.85; `binary` 0.02, −0.3, 0.5). Minimum 0 at `sublinear`, bigrams, min_df 4, max_df
    /// 0.85, C = 10^1.2; `nil` for an unknown scaling.
    public static func tfidfText(scaling: String, ngrams n: Double, minDF: Double, maxDF q: Double, c: Double)
        -> Double?
    {
        guard let entry = tfidfScalings[scaling] else { return nil }
        let u = log2(minDF) - 1 - n / 2
        let rate = log10(c) - entry.logC - 0.3 * u
        return entry.offset + 0.05 * (n - 2) * (n - 2) + 0.04 * u * u + 0.15 * rate * rate
            + 0.5 * (q - entry.maxDF) * (q - entry.maxDF)
    }

    /// A training-like loss of data augmentation: an integer number of operations `o` best at its lower bound 1, an
    /// integer magnitude `m`, a mixup weight, a label smoothing, a log integer number of epochs `e = log₂(epochs/100)`
    /// and a log learning rate `a = log10 lr`.
    ///
    /// With the total regularization `r = om/30 + 1.5 mixup + 4 smoothing`: `0.5(r − 1.2 − 0.5e)² + 0.03e² + 0.02(o² −
    /// 1) + 0.3(mixup − 0.2)² + 3(smoothing − 0.1)² + 0.2(a + 2.8 + 0.2(r − 1.2))²`; the magnitude, the operations, the
    /// mixup and the smoothing trade off along a ridge. Minimum 0 at 1 operation, magnitude 15, mixup 0.2, smoothing
    /// 0.1, 100 epochs, lr = 10^−2.8.
    public static func augmentMix(
        operations o: Double,
        magnitude m: Double,
        mixup: Double,
        smoothing: Double,
        epochs: Double,
        lr: Double
    ) -> Double {
        let (e, a) = (log2(epochs / 100), log10(lr))
        let r = o * m / 30 + 1.5 * mixup + 4 * smoothing
        let (ridge, rate) = (r - 1.2 - 0.5 * e, a + 2.8 + 0.2 * (r - 1.2))
        return 0.5 * ridge * ridge + 0.03 * e * e + 0.02 * (o * o - 1) + 0.3 * (mixup - 0.2) * (mixup - 0.2)
            + 3 * (smoothing - 0.1) * (smoothing - 0.1) + 0.2 * rate * rate
    }

    /// Each sector's optimum and offset in ``attractiveSector(sector:_:_:)``.
    static let attractiveSectors: [String: (centre: [Double], offset: Double)] = [
        "a": ([-2.6, 1.9], 1), "b": ([2.2, -1.4], 0), "c": ([0.7, 3.3], 0.4),
    ]

    /// The attractive sector (BBOB f6, without its rotations) of two reals, its optimum and an offset set by a sector
    /// of 3.
    ///
    /// With `zᵢ = λᵢ(xᵢ − x*ᵢ)`, λ = (1, √10), `sᵢ = 100` where `zᵢx*ᵢ > 0` else 1: `T_osz(Σ (sᵢzᵢ)²)^0.9 + offset`,
    /// a cone 100 times steeper on the side away from the origin. Minimum 0 at `b`, (2.2, −1.4); `nil` for an unknown
    /// sector.
    public static func attractiveSector(sector: String, _ x1: Double, _ x2: Double) -> Double? {
        guard let entry = attractiveSectors[sector] else { return nil }
        var sum = 0.0
        for (i, (value, centre)) in zip([x1, x2], entry.centre).enumerated() {
            let z = (i == 0 ? 1 : 10.0.squareRoot()) * (value - centre)
            let s = z * centre > 0 ? 100.0 : 1
            sum += s * s * z * z
        }
        return pow(oscillation(sum), 0.9) + entry.offset
    }

    /// The inverted cosine wave: `−Σᵢ exp(−qᵢ/8) cos(4√qᵢ)`, `qᵢ = xᵢ² + xᵢ₊₁² + 0.5xᵢxᵢ₊₁`; rings around a well,
    /// minimum −(n − 1) at the origin.
    public static func invertedCosineWave(_ x: [Double]) -> Double {
        var sum = 0.0
        for i in 0..<(x.count - 1) {
            let q = x[i] * x[i] + x[i + 1] * x[i + 1] + 0.5 * x[i] * x[i + 1]
            sum -= exp(-q / 8) * cos(4 * q.squareRoot())
        }
        return sum
    }

    /// The inverted cosine wave of three reals and an integer, centred at (1.4, −2.1, 0.7, 3); minimum −3 there.
    public static func cosineWaveInteger(_ x1: Double, _ x2: Double, _ x3: Double, k: Double) -> Double {
        invertedCosineWave([x1 - 1.4, x2 + 2.1, x3 - 0.7, k - 3])
    }
}
