import Foundation

/// The closed-form functions of the sixth fresh set (``FreshProblems6``): mixed spaces, written from their usual
/// definitions (Booth, Matyas, Levy N.13, the rotated hyper-ellipsoid, Hosaki, Schwefel 2.22:
/// [Jamil & Yang 2013](https://arxiv.org/abs/1308.4008); Ackley: its usual form with a = 20, b = 0.2, c = 2π; the
/// pressure vessel: [Sandgren 1990](https://doi.org/10.1115/1.2912596), thicknesses in multiples of 0.0625 inch) and
/// for the selections, shifts and tables, values chosen for this set.
extension TestFunctions {
    /// Booth: `(x + 2y − 7)² + (2x + y − 5)²`; minimum 0 at (1, 3).
    public static func booth(_ x: Double, _ y: Double) -> Double {
        let a = x + 2 * y - 7
        let b = 2 * x + y - 5
        return a * a + b * b
    }

    /// Matyas: `0.26 (x² + y²) − 0.48 xy`; a flat valley along x = y, minimum 0 at the origin.
    public static func matyas(_ x: Double, _ y: Double) -> Double {
        0.26 * (x * x + y * y) - 0.48 * x * y
    }

    /// Levy N.13: `sin²(3πx) + (x − 1)² (1 + sin²(3πy)) + (y − 1)² (1 + sin²(2πy))`; multimodal, minimum 0 at (1, 1).
    public static func levy13(_ x: Double, _ y: Double) -> Double {
        let a = sin(3 * Double.pi * x)
        let b = sin(3 * Double.pi * y)
        let c = sin(2 * Double.pi * y)
        return a * a + (x - 1) * (x - 1) * (1 + b * b) + (y - 1) * (y - 1) * (1 + c * c)
    }

    /// The offset each function of ``functionChoice(_:x:y:)`` is raised by: Levy N.13's minimum is the lowest.
    static let functionChoiceOffsets: [String: Double] = ["booth": 0.5, "matyas": 0.25, "levy13": 0]

    /// A categorical selecting the function of two reals, as CoCaBO's Func2C does.
    ///
    /// Booth + 0.5, Matyas + 0.25 or Levy N.13; minimum 0 at `levy13`, (1, 1). `nil` for an unknown function name.
    public static func functionChoice(_ function: String, x: Double, y: Double) -> Double? {
        guard let offset = functionChoiceOffsets[function] else { return nil }
        switch function {
        case "booth": return booth(x, y) + offset
        case "matyas": return matyas(x, y) + offset
        default: return levy13(x, y) + offset
        }
    }

    /// The rotated hyper-ellipsoid: `Σᵢ (Σ_{j ≤ i} xⱼ)²`; non-separable, minimum 0 at the origin.
    public static func rotatedHyperEllipsoid(_ x: [Double]) -> Double {
        var partial = 0.0
        var total = 0.0
        for value in x {
            partial += value
            total += partial * partial
        }
        return total
    }

    /// The centres of ``ellipsoidVariant(_:x:)``'s seven variants, `v1` … `v7`.
    public static let ellipsoidVariantShifts: [[Double]] = [
        [1.5, -2, 0.5], [-1, 1, 2], [2.5, 0.5, -1.5], [-2, -1, 1], [0, 2.5, -2.5], [1, 1.5, 1.5], [-0.5, -2.5, -0.5],
    ]
    /// The offsets of the seven variants: `v4`'s is the lowest.
    static let ellipsoidVariantOffsets = [0.6, 0.3, 0.9, 0, 0.45, 1.2, 0.15]

    /// A categorical of seven variants, each moving a rotated hyper-ellipsoid of three reals.
    ///
    /// Variants `v1` … `v7` move the hyper-ellipsoid (a quarter of it) to their own centre and add their own offset;
    /// minimum 0 at `v4`'s centre. `nil` for an unknown variant or a point that is not of three reals.
    public static func ellipsoidVariant(_ variant: String, x: [Double]) -> Double? {
        guard x.count == 3, variant.hasPrefix("v"), let number = Int(variant.dropFirst()), (1...7).contains(number)
        else { return nil }
        let shift = ellipsoidVariantShifts[number - 1]
        return rotatedHyperEllipsoid(zip(x, shift).map { $0 - $1 }) / 4 + ellipsoidVariantOffsets[number - 1]
    }

    /// Hosaki: `(1 − 8x + 7x² − 7x³/3 + x⁴/4) y² e^{−y}`; a local minimum at (1, 2), the global one at (4, 2).
    public static func hosaki(_ x: Double, _ y: Double) -> Double {
        let polynomial = 1 - 8 * x + 7 * x * x - 7.0 / 3 * x * x * x + x * x * x * x / 4
        return polynomial * y * y * exp(-y)
    }

    /// Hosaki's minimum, at (4, 2).
    public static let hosakiMinimum = hosaki(4, 2)

    /// The table of ``pairedChoices(_:_:y1:y2:)``: the offset of each pair (a, b); the best b differs with a.
    static let pairedTable: [String: [Double]] = [
        "a1": [0.8, 0.2, 1, 0.6], "a2": [0.4, 0.9, 0, 1.1], "a3": [0.3, 0.7, 0.5, 0.25],
    ]
    /// The centre of the first real under each a, and of the second under each b.
    static let pairedCentres: [String: Double] = [
        "a1": 1.5, "a2": -1, "a3": 0.5, "b1": -2, "b2": 0.5, "b3": 1.5, "b4": -0.5,
    ]

    /// Two interacting categoricals (a of 3, b of 4) and a coupled quadratic of two reals.
    ///
    /// An offset per pair from a table whose best b depends on a, plus the quadratic centred at (c(a), d(b));
    /// minimum 0 at (a2, b3), (−1, 1.5). `nil` for an unknown choice.
    public static func pairedChoices(_ a: String, _ b: String, y1: Double, y2: Double) -> Double? {
        guard let row = pairedTable[a], b.hasPrefix("b"), let column = Int(b.dropFirst()), (1...4).contains(column),
            let c = pairedCentres[a], let d = pairedCentres[b]
        else { return nil }
        let u = y1 - c
        let v = y2 - d
        return row[column - 1] + (u * u + v * v + 0.6 * u * v) / 2
    }

    /// The minimizer of ``schwefel222(_:)`` in the sixth fresh set: five integers and two reals.
    public static let schwefel222Shift: [Double] = [3, -2, 5, -7, 1, 2.5, -1.5]

    /// Schwefel 2.22, shifted: `Σ|zᵢ| + Π|zᵢ|` with `z = x − shift`; non-smooth, minimum 0 at the shift.
    public static func schwefel222(_ x: [Double]) -> Double {
        let z = zip(x, schwefel222Shift).map { abs($0 - $1) }
        return z.reduce(0, +) + z.reduce(1, *)
    }

    /// Each optimizer's loss floor, best log₁₀ learning rate (at batch 64) and momentum weight and optimum.
    static let optimizerTerms: [String: (base: Double, logRate: Double, weight: Double, momentum: Double)] = [
        "adam": (0, -3, 0.3, 0.9), "sgd": (0.05, -1.6, 0.8, 0.9), "rmsprop": (0.12, -3.4, 0.2, 0.6),
    ]

    /// A training-like loss of an optimizer, a learning rate, a weight decay, a momentum and a batch size.
    ///
    /// Per optimizer a floor, a best log learning rate that grows by 0.3 per doubling of the batch size (the linear
    /// scaling rule, damped), a weight decay best at 10⁻⁴ and a momentum term; a mild preference for a batch of 64.
    /// Minimum 0 at adam, lr 10⁻³, weight decay 10⁻⁴, momentum 0.9, batch 64. `nil` for an unknown optimizer.
    public static func optimizerLike(
        optimizer: String,
        lr: Double,
        weightDecay: Double,
        momentum: Double,
        batchSize: Double
    ) -> Double? {
        guard let terms = optimizerTerms[optimizer] else { return nil }
        let rate = log10(lr)
        let decay = log10(weightDecay)
        let batch = log2(batchSize)
        let target = terms.logRate + 0.3 * (batch - 6)
        let rateTerm = 0.25 * (rate - target) * (rate - target)
        let decayTerm = 0.03 * (decay + 4) * (decay + 4)
        let momentumTerm = terms.weight * (momentum - terms.momentum) * (momentum - terms.momentum)
        return terms.base + rateTerm + decayTerm + momentumTerm + 0.01 * (batch - 6) * (batch - 6)
    }

    /// The pressure vessel design cost with its constraints as a penalty: shell and head thicknesses `ts`, `th`
    /// (inches), inner radius `r` and length `l` of the cylinder.
    ///
    /// Cost `0.6224 ts r l + 1.7781 th r² + 3.1661 ts² l + 19.84 ts² r`; constraints `0.0193 r ≤ ts`,
    /// `0.00954 r ≤ th`, a volume `π r² l + 4/3 π r³ ≥ 1 296 000` and `l ≤ 240`, each violation added as
    /// 10⁵ × the thickness shortfall (inches) and 10⁶ × the relative shortfall of the volume or excess of the length:
    /// exact penalties, larger than the constraints' multipliers, so the penalized minimum is the constrained one.
    public static func pressureVessel(ts: Double, th: Double, r: Double, l: Double) -> Double {
        let cost = 0.6224 * ts * r * l + 1.7781 * th * r * r + 3.1661 * ts * ts * l + 19.84 * ts * ts * r
        let shell = max(0, 0.0193 * r - ts)
        let head = max(0, 0.00954 * r - th)
        let volume = max(0, (1_296_000 - Double.pi * r * r * l - 4.0 / 3 * Double.pi * r * r * r) / 1_296_000)
        let length = max(0, (l - 240) / 240)
        return cost + 1e5 * (shell + head) + 1e6 * (volume + length)
    }

    /// The pressure vessel's minimizer with thicknesses in multiples of 0.0625 inch: ts = 13 × 0.0625,
    /// th = 7 × 0.0625, the radius where the shell constraint is active and the length where the volume is.
    public static let pressureVesselArgmin: (ts: Double, th: Double, r: Double, l: Double) = {
        let r = 0.8125 / 0.0193
        return (0.8125, 0.4375, r, (1_296_000 - 4.0 / 3 * Double.pi * r * r * r) / (Double.pi * r * r))
    }()

    /// The labels' values in ``ackleyLabels(_:_:_:x:)``: each categorical of five unordered labels stands for one of
    /// −2 … 2 in its own order.
    static let ackleyLabelValues: [[String: Double]] = [
        ["a": 1, "b": -2, "c": 0, "d": 2, "e": -1],
        ["a": -1, "b": 0, "c": 2, "d": -2, "e": 1],
        ["a": 2, "b": 1, "c": -1, "d": 0, "e": -2],
    ]

    /// Ackley on six coordinates: three reals and three categoricals of five labels.
    ///
    /// Each label stands for a value in −2 … 2 (an Ackley-cC-like problem, as in CoCaBO's); minimum 0 at the
    /// origin: labels c, b, d. `nil` for an unknown label.
    public static func ackleyLabels(_ labels: [String], x: [Double]) -> Double? {
        guard labels.count == 3 else { return nil }
        var values = x
        for (index, label) in labels.enumerated() {
            guard let value = ackleyLabelValues[index][label] else { return nil }
            values.append(value)
        }
        let d = Double(values.count)
        let squares = values.reduce(0) { $0 + $1 * $1 }
        let cosines = values.reduce(0) { $0 + cos(2 * Double.pi * $1) }
        return -20 * exp(-0.2 * (squares / d).squareRoot()) - exp(cosines / d) + 20 + M_E
    }
}
