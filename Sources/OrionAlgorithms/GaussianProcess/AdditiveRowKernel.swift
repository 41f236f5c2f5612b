import Foundation

/// The additive kernel (``AdditivePairKernel``) of one point against a block of points at once, without the per-pair
/// overhead.
///
/// The block is stored coordinate by coordinate (``GaussianProcess/transposed(_:rows:width:)``), so each squared
/// scaled distance is computed once for the product's sum and its term's sum along contiguous rows (vectorized), each
/// sum still taken in increasing coordinate order from 0; the Matérn and overlap of each are then the same calls, and
/// the terms' values are summed in increasing term order, as ``AdditivePairKernel/evaluate(_:_:)`` does pair by pair.
/// The buffers are allocated once, for blocks of up to `capacity` points. Without ``prepare(columns:stride:count:)``
/// the values are those of ``AdditivePairKernel`` to the bit.
///
/// After it, the one-dimensional Matérn terms take their exponential as a product of per-point factors: with
/// `κ = √(2ν)/ℓ_c` and `u = x_c - ½`, `exp(-κ|x_c - y_c|) = exp(-κ u_x) · exp(κ u_y)` for `x_c ≥ y_c` (the factors
/// swapped otherwise), `2w(m + 1)` exponentials for the block instead of `m D`, and their scaled distance as
/// `κ|x_c - y_c|` (no square root); the product part keeps its own exponential per pair. A coordinate whose exponent
/// `κ|u|` exceeds ``factorLimit`` at the point or anywhere in the block takes its exponentials pair by pair (the
/// factors could overflow, or underflow to 0 · ∞). Bound, with `ε = 2⁻⁵³` and `T` = ``factorLimit``: each factor's
/// exponent is off by at most `Tε` from `u`'s rounding and `Tε` from the product, the common `κ` by `2.5ε` relatively
/// (`κ|d| ≤ 2T`), `exp` and the product of the two by `5ε`: `(9T + 5)ε`; the pair-by-pair `exp(-√(2ν) √(d²/ℓ²))` has
/// its argument off by about `6ε` of itself (`≤ 12Tε`) and `exp` by `2ε`; the polynomial factor `1 + a (+ a²/3)` by
/// `10ε`. So the term's value and slope differ from the pair-by-pair ones by a relative `(21T + 17)ε ≈ 6·10⁻¹³` at
/// most: rounding, not a different kernel.
///
/// - Complexity: O(m (w + D)) per ``evaluate(_:columns:stride:count:slopes:)`` of `m` points: `m` exponentials
///   after ``prepare(columns:stride:count:)`` on spaces of reals (each numeric term one coordinate), `m (D + 1)`
///   without.
final class AdditiveRowKernel {
    /// The largest exponent `κ|x_c - ½|` of a per-point factor: past it, pair-by-pair exponentials (covers the fit's
    /// lengthscales down to `5·10⁻³` on the unit cube, `κ ≤ √5 / 5·10⁻³ ≈ 447`).
    static let factorLimit = 256.0
    let width: Int
    let capacity: Int
    private let inverseSquared: [Double]
    private let categorical: [Bool]
    private let hasCategorical: Bool
    private let terms: [Int]
    private let overlapTerm: [Bool]
    private let smoothness: MaternSmoothness
    private let weight: Double
    private let termWeight: Double
    private let numeric: UnsafeMutablePointer<Double>
    private let overlap: UnsafeMutablePointer<Double>
    private let termSums: UnsafeMutablePointer<Double>
    private let termSlopes: UnsafeMutablePointer<Double>
    private let slopes: UnsafeMutablePointer<Double>
    private let factors: UnsafeMutablePointer<Double>
    private let sums: UnsafeMutablePointer<Double>
    /// Per coordinate, `κ = √(2ν)/ℓ_c` when it is a numeric coordinate alone in its Matérn term, else 0.
    private let rates: [Double]
    /// Per coordinate and point of the prepared block, at `c * capacity + j`: `exp(κ u_j)` and `exp(-κ u_j)`.
    private let rising: UnsafeMutablePointer<Double>
    private let falling: UnsafeMutablePointer<Double>
    /// Per coordinate, whether the prepared block's factors are used (`κ > 0` and within ``factorLimit``).
    private var factored: [Bool]
    /// The block ``prepare(columns:stride:count:)`` was given, `nil` before it.
    private var prepared: (columns: UnsafePointer<Double>, stride: Int, count: Int)?
    /// After ``evaluate(_:columns:stride:count:slopes:)``, per point `j`: the kernel `(1 - a) Π + a (1/D) Σ_t k_t`.
    let kernel: UnsafeMutablePointer<Double>
    /// Per point: the product part `Π`.
    let product: UnsafeMutablePointer<Double>
    /// Per point: the additive part `(1/D) Σ_t k_t`.
    let additive: UnsafeMutablePointer<Double>
    /// With `slopes`, per coordinate `c` and point `j`, at `c * count + j`: ``AdditivePairKernel/coefficients``.
    let coefficients: UnsafeMutablePointer<Double>

    /// The kernel of `structure` (which must have ``KernelStructure/additive``) with lengthscales `1/√inverseSquared`,
    /// for blocks of up to `capacity` points.
    init(_ structure: KernelStructure, inverseSquared: [Double], width: Int, capacity: Int) {
        let additive =
            structure.additive
            ?? AdditiveTerms(terms: Array(0..<width), overlap: [Bool](repeating: false, count: width))
        self.width = width
        self.capacity = capacity
        self.inverseSquared = inverseSquared
        let categorical = (0..<width).map { structure.isCategorical($0) }
        self.categorical = categorical
        hasCategorical = categorical.contains(true)
        terms = additive.terms
        overlapTerm = additive.overlap
        smoothness = structure.smoothness
        weight = additive.count > 0 ? additive.weight : 0
        termWeight = additive.count > 0 ? weight / Double(additive.count) : 0
        let size = max(capacity, 1)
        let termCount = max(additive.count, 1)
        func buffer(_ count: Int) -> UnsafeMutablePointer<Double> {
            let pointer = UnsafeMutablePointer<Double>.allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
            return pointer
        }
        numeric = buffer(size)
        overlap = buffer(size)
        termSums = buffer(termCount * size)
        termSlopes = buffer(termCount * size)
        slopes = buffer(size)
        factors = buffer(size)
        sums = buffer(size)
        kernel = buffer(size)
        product = buffer(size)
        self.additive = buffer(size)
        coefficients = buffer(max(width, 1) * size)
        var termSizes = [Int](repeating: 0, count: additive.count)
        for term in additive.terms { termSizes[term] += 1 }
        let root = structure.smoothness == .threeHalves ? 3.0.squareRoot() : 5.0.squareRoot()
        rates = (0..<width).map { c in
            let term = additive.terms[c]
            let alone = !categorical[c] && !additive.overlap[term] && termSizes[term] == 1
            return alone ? root * inverseSquared[c].squareRoot() : 0
        }
        rising = buffer(max(width, 1) * size)
        falling = buffer(max(width, 1) * size)
        factored = [Bool](repeating: false, count: width)
    }

    /// Computes the per-point factors of the block that the next evaluations get as `columns` (the same pointer,
    /// stride and at most `count` points), for the one-dimensional Matérn terms.
    func prepare(columns: UnsafePointer<Double>, stride: Int, count m: Int) {
        precondition(m <= capacity, "AdditiveRowKernel: \(m) points for a capacity of \(capacity)")
        for c in 0..<width {
            let rate = rates[c]
            let row = columns + c * stride
            var largest = 0.0
            for j in 0..<m { largest = max(largest, abs(row[j] - 0.5)) }
            factored[c] = rate > 0 && rate * largest <= Self.factorLimit
            guard factored[c] else { continue }
            let (up, down) = (rising + c * capacity, falling + c * capacity)
            for j in 0..<m {
                let exponent = rate * (row[j] - 0.5)
                up[j] = exp(exponent)
                down[j] = exp(-exponent)
            }
        }
        prepared = (columns, stride, m)
    }

    deinit {
        for pointer in [
            numeric, overlap, termSums, termSlopes, slopes, factors, sums, kernel, product, additive, rising, falling,
        ] {
            pointer.deallocate()
        }
        coefficients.deallocate()
    }

    /// The kernel between the `width` coordinates at `x` and the first `m` points of `columns` (coordinate `c` of
    /// point `j` at `c * stride + j`) into ``kernel``, ``product`` and ``additive``; with `slopes`, also
    /// ``coefficients``.
    func evaluate(_ x: UnsafePointer<Double>, columns: UnsafePointer<Double>, stride: Int, count m: Int, slopes: Bool) {
        precondition(m <= capacity, "AdditiveRowKernel: \(m) points for a capacity of \(capacity)")
        guard m > 0 else { return }
        let termCount = overlapTerm.count
        numeric.update(repeating: 0, count: m)
        if hasCategorical { overlap.update(repeating: 0, count: m) }
        termSums.update(repeating: 0, count: termCount * m)
        for c in 0..<width {
            let (xc, scale) = (x[c], inverseSquared[c])
            let row = columns + c * stride
            let total = categorical[c] ? overlap : numeric
            let term = termSums + terms[c] * m
            for j in 0..<m {
                let d = xc - row[j]
                let q = d * d * scale
                total[j] += q
                term[j] += q
            }
        }
        // The product part: the Matérn of the numeric distance times the overlap factor (1 at a zero distance).
        for j in 0..<m {
            let factor = hasCategorical ? KernelStructure.overlap(overlap[j]) : 1
            if slopes {
                let (value, slope) = smoothness.valueAndSlope(squaredDistance: numeric[j])
                product[j] = value * factor
                self.slopes[j] = slope
            } else {
                product[j] = smoothness.value(squaredDistance: numeric[j]) * factor
            }
            factors[j] = factor
        }
        // The terms, summed in increasing term order.
        sums.update(repeating: 0, count: m)
        // The coordinates whose term takes the prepared block's factors at this point.
        var factoredTerm = [Int](repeating: -1, count: termCount)
        if let prepared, prepared.columns == columns, prepared.stride == stride, m <= prepared.count {
            for c in 0..<width where factored[c] && rates[c] * abs(x[c] - 0.5) <= Self.factorLimit {
                factoredTerm[terms[c]] = c
            }
        }
        for t in 0..<termCount {
            let term = termSums + t * m
            let termSlope = termSlopes + t * m
            if factoredTerm[t] >= 0 {
                let c = factoredTerm[t]
                let rate = rates[c]
                let exponent = rate * (x[c] - 0.5)
                let (xc, xUp, xDown) = (x[c], exp(exponent), exp(-exponent))
                let (row, up, down) = (columns + c * stride, rising + c * capacity, falling + c * capacity)
                // exp(-κ|x_c - y_c|) from the factors, the scaled distance as κ|x_c - y_c| (no square root). One
                // loop per smoothness, without branches.
                switch smoothness {
                case .threeHalves:
                    for j in 0..<m {
                        let (rise, fall, d) = (up[j], down[j], xc - row[j])
                        let e = d >= 0 ? xDown * rise : xUp * fall
                        let (value, slope) = Self.matern(.threeHalves, scaled: rate * abs(d), exponential: e)
                        termSlope[j] = slope
                        sums[j] += value
                    }
                case .fiveHalves:
                    for j in 0..<m {
                        let (rise, fall, d) = (up[j], down[j], xc - row[j])
                        let e = d >= 0 ? xDown * rise : xUp * fall
                        let (value, slope) = Self.matern(.fiveHalves, scaled: rate * abs(d), exponential: e)
                        termSlope[j] = slope
                        sums[j] += value
                    }
                }
            } else if overlapTerm[t] {
                for j in 0..<m {
                    let value = KernelStructure.overlap(term[j])
                    termSlope[j] = value
                    sums[j] += value
                }
            } else if slopes {
                for j in 0..<m {
                    let (value, slope) = smoothness.valueAndSlope(squaredDistance: term[j])
                    termSlope[j] = slope
                    sums[j] += value
                }
            } else {
                for j in 0..<m { sums[j] += smoothness.value(squaredDistance: term[j]) }
            }
        }
        let complement = 1 - weight
        for j in 0..<m {
            let additiveValue = termCount == 0 ? product[j] : sums[j] / Double(termCount)
            additive[j] = additiveValue
            kernel[j] = complement * product[j] + weight * additiveValue
        }
        guard slopes else { return }
        for c in 0..<width {
            let coefficient = coefficients + c * m
            let termSlope = termSlopes + terms[c] * m
            if categorical[c] {
                for j in 0..<m { coefficient[j] = complement * product[j] + termWeight * termSlope[j] }
            } else {
                for j in 0..<m {
                    coefficient[j] = complement * (self.slopes[j] * factors[j]) + termWeight * termSlope[j]
                }
            }
        }
    }

    /// ``MaternSmoothness/valueAndSlope(squaredDistance:)`` at the scaled distance `a = √(2ν) r` with `exp(-a)`
    /// given.
    @inline(__always)
    static func matern(_ smoothness: MaternSmoothness, scaled a: Double, exponential e: Double) -> (Double, Double) {
        switch smoothness {
        case .threeHalves: return ((1 + a) * e, 3 * e)
        case .fiveHalves: return ((1 + a + a * a / 3) * e, (5.0 / 3.0) * (1 + a) * e)
        }
    }
}
