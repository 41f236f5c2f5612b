import Foundation

/// The additive kernel (``AdditivePairKernel``) of one point against a block of points at once: the same values to
/// the bit, without the per-pair overhead.
///
/// The block is stored coordinate by coordinate (``GaussianProcess/transposed(_:rows:width:)``), so each squared
/// scaled distance is computed once for the product's sum and its term's sum along contiguous rows (vectorized), each
/// sum still taken in increasing coordinate order from 0; the Matérn and overlap of each are then the same calls, and
/// the terms' values are summed in increasing term order, as ``AdditivePairKernel/evaluate(_:_:)`` does pair by pair.
/// The buffers are allocated once, for blocks of up to `capacity` points.
///
/// - Complexity: O(m (w + D)) per ``evaluate(_:columns:stride:count:slopes:)`` of `m` points, the `m (D + 1)`
///   exponentials dominating.
final class AdditiveRowKernel {
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
        categorical = (0..<width).map { structure.isCategorical($0) }
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
    }

    deinit {
        for pointer in [numeric, overlap, termSums, termSlopes, slopes, factors, sums, kernel, product, additive] {
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
        for t in 0..<termCount {
            let term = termSums + t * m
            let termSlope = termSlopes + t * m
            if overlapTerm[t] {
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
}
