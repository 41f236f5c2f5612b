import Foundation

/// The Cholesky factor `L` of a symmetric positive definite matrix `A + jitter·I = L Lᵀ`, and the solves and
/// log-determinant that use it.
///
/// Matrices are `[Double]` in row-major order. When `A` is only positive semi-definite in floating point (a kernel
/// matrix of nearly equal points), ``init(_:size:maxJitter:)`` adds a growing multiple of the mean diagonal until
/// the factorization succeeds: the jitter used is kept in ``jitter``.
public struct Cholesky: Sendable {
    /// The order of the matrix.
    public let size: Int
    /// The lower-triangular factor, row-major; the strict upper triangle is zero.
    public let lower: [Double]
    /// The amount added to the diagonal to make the factorization succeed (0 when none was needed).
    public let jitter: Double

    /// Factors `matrix`, adding jitter to its diagonal when needed.
    ///
    /// The jitter starts at 10⁻¹⁰ of the mean diagonal and grows tenfold up to `maxJitter` times it.
    ///
    /// - Parameters:
    ///   - matrix: a symmetric `size × size` matrix, row-major (only the lower triangle is read).
    ///   - size: its order.
    ///   - maxJitter: the largest jitter tried, relative to the mean diagonal.
    /// - Throws: ``NumericsError`` `.invalidArgument` when the matrix has the wrong size or a non-finite value,
    ///   `.notPositiveDefinite` when even the largest jitter does not make it positive definite.
    /// - Complexity: O(n³/3) per attempt.
    public init(_ matrix: [Double], size: Int, maxJitter: Double = 1e-2) throws(NumericsError) {
        guard size >= 0, matrix.count == size * size else {
            throw NumericsError(
                .invalidArgument,
                "a \(size)×\(size) matrix needs \(size * size) entries, not \(matrix.count)"
            )
        }
        var trace = 0.0
        for i in 0..<size { trace += matrix[i * size + i] }
        guard trace.isFinite, matrix.allSatisfy(\.isFinite) else {
            throw NumericsError(.invalidArgument, "the matrix has a non-finite entry; check its inputs")
        }
        let scale = size > 0 ? max(abs(trace) / Double(size), .leastNormalMagnitude) : 1
        var jitter = 0.0
        while true {
            if let factor = Self.factor(matrix, size: size, jitter: jitter) {
                self.size = size
                self.lower = factor
                self.jitter = jitter
                return
            }
            jitter = jitter == 0 ? 1e-10 * scale : jitter * 10
            if jitter > maxJitter * scale * (1 + 1e-9) {
                throw NumericsError(
                    .notPositiveDefinite,
                    "the matrix is not positive definite even with a jitter of \(maxJitter) times its mean diagonal"
                )
            }
        }
    }

    /// The factor of `matrix + jitter·I`, or `nil` when a pivot is not positive.
    private static func factor(_ matrix: [Double], size n: Int, jitter: Double) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        let ok = l.withUnsafeMutableBufferPointer { l -> Bool in
            matrix.withUnsafeBufferPointer { a -> Bool in
                let view = UnsafeBufferPointer(l)
                // Row by row (Cholesky–Banachiewicz): each entry is a dot product of two contiguous row prefixes.
                // Four rows at a time: their entries left of the first one's diagonal need only the rows above, so
                // each row `j` is read once for the four, and the four rows' chains of dependent divisions overlap;
                // the small triangle inside the block follows entry by entry. Every entry is computed as one row at a
                // time computes it (same dot product, same operations), so the factor is the same to the bit.
                var i = 0
                while i < n {
                    let rows = min(4, n - i)
                    let rowI = i * n
                    if rows == 4 {
                        for j in 0..<i {
                            let rowJ = j * n
                            let sums = dot4(view, rowI, n, view, rowJ, count: j)
                            let pivot = l[rowJ + j]
                            l[rowI + j] = (a[rowI + j] - sums.0) / pivot
                            l[rowI + n + j] = (a[rowI + n + j] - sums.1) / pivot
                            l[rowI + 2 * n + j] = (a[rowI + 2 * n + j] - sums.2) / pivot
                            l[rowI + 3 * n + j] = (a[rowI + 3 * n + j] - sums.3) / pivot
                        }
                    } else {
                        for r in 0..<rows {
                            let row = rowI + r * n
                            for j in 0..<i {
                                let rowJ = j * n
                                let sum = a[row + j] - dot(view, row, view, rowJ, count: j)
                                l[row + j] = sum / l[rowJ + j]
                            }
                        }
                    }
                    for r in 0..<rows {
                        let k = i + r
                        let rowK = k * n
                        for j in i..<k {
                            let rowJ = j * n
                            let sum = a[rowK + j] - dot(view, rowK, view, rowJ, count: j)
                            l[rowK + j] = sum / l[rowJ + j]
                        }
                        let diagonal = a[rowK + k] + jitter - dot(view, rowK, view, rowK, count: k)
                        guard diagonal > 0, diagonal.isFinite else { return false }
                        l[rowK + k] = diagonal.squareRoot()
                    }
                    i += rows
                }
                return true
            }
        }
        return ok ? l : nil
    }

    /// `log det(A + jitter·I)`: twice the sum of the logs of the factor's diagonal.
    public var logDeterminant: Double {
        var sum = 0.0
        for i in 0..<size { sum += Foundation.log(lower[i * size + i]) }
        return 2 * sum
    }

    /// The solution `x` of `(A + jitter·I) x = b`.
    ///
    /// - Parameter b: a vector of ``size`` entries.
    /// - Returns: `x`.
    /// - Complexity: O(n²).
    public func solve(_ b: [Double]) -> [Double] {
        Triangular.solveLowerTransposed(lower, size: size, Triangular.solveLower(lower, size: size, b))
    }

    /// The inverse of `A + jitter·I`, row-major.
    ///
    /// - Returns: the `size × size` inverse.
    /// - Complexity: O(n³).
    public func inverse() -> [Double] {
        let n = size
        // M = L⁻¹ row by row (each row a combination of the rows above: contiguous), then A⁻¹ = Mᵀ M, both O(n³/6).
        // Entry (a, b) of A⁻¹ (b ≤ a) is Σ_{k ≥ a} M_ka M_kb, summed in increasing k; it is computed a row of A⁻¹ at
        // a time, which stays in the L1 cache while the rows of M stream past, four rows of M per pass. Every entry
        // of both steps gets its terms in the same order and the same operations as one term per pass over the
        // whole triangle, so the result is the same to the bit, only faster.
        var m = [Double](repeating: 0, count: n * n)
        var result = [Double](repeating: 0, count: n * n)
        lower.withUnsafeBufferPointer { l in
            m.withUnsafeMutableBufferPointer { m in
                guard let base = m.baseAddress else { return }
                for i in 0..<n {
                    let rowI = i * n
                    // Rows as pointers: unchecked offsets, so that the inner loops are vectorized.
                    let target = base + rowI
                    m[rowI + i] = 1
                    var k = 0
                    while k < i {
                        let (f0, f1) = (l[rowI + k], k + 1 < i ? l[rowI + k + 1] : 0)
                        if f0 != 0, f1 != 0 {
                            let (row0, row1) = (base + k * n, base + (k + 1) * n)
                            for j in 0..<(k + 1) { target[j] = (target[j] - f0 * row0[j]) - f1 * row1[j] }
                            target[k + 1] -= f1 * row1[k + 1]
                            k += 2
                            continue
                        }
                        if f0 != 0 {
                            let rowK = base + k * n
                            for j in 0..<(k + 1) { target[j] -= f0 * rowK[j] }
                        }
                        k += 1
                    }
                    let inverse = 1 / l[rowI + i]
                    for j in 0...i { m[rowI + j] *= inverse }
                }
            }
        }
        m.withUnsafeBufferPointer { m in
            result.withUnsafeMutableBufferPointer { r in
                guard let base = m.baseAddress, let output = r.baseAddress else { return }
                // Each row of A⁻¹ is computed apart: large matrices share the rows among the cores (``Parallel``),
                // each row costing about (a + 1)(n - a) multiply-adds.
                let rows = Parallel.weightedParts(n, minimumWeight: 1_048_576) { Double(($0 + 1) * (n - $0)) }
                let (source, target) = (SharedPointer(base), SharedPointer(output))
                Parallel.forEach(rows) { rows in Self.productRows(rows, source.base, size: n, into: target.mutable) }
                for a in 0..<n {
                    for b in 0..<a { r[b * n + a] = r[a * n + b] }
                }
            }
        }
        return result
    }

    /// Rows `rows` of `Mᵀ M` (lower triangle) for `M` lower triangular `n × n` at `base`, into `output`'s rows.
    private static func productRows(
        _ rows: Range<Int>,
        _ base: UnsafePointer<Double>,
        size n: Int,
        into output: UnsafeMutablePointer<Double>
    ) {
        let m = base
        for a in rows {
            let rowA = a * n
            let target = output + rowA
            var k = a
            while k < n {
                let f0 = m[k * n + a]
                if k + 3 < n {
                    let (f1, f2, f3) = (m[(k + 1) * n + a], m[(k + 2) * n + a], m[(k + 3) * n + a])
                    if f0 != 0, f1 != 0, f2 != 0, f3 != 0 {
                        let row0 = base + k * n
                        let (row1, row2, row3) = (row0 + n, row0 + 2 * n, row0 + 3 * n)
                        for b in 0..<(a + 1) {
                            target[b] =
                                (((target[b] + f0 * row0[b]) + f1 * row1[b]) + f2 * row2[b]) + f3 * row3[b]
                        }
                        k += 4
                        continue
                    }
                }
                if f0 != 0 {
                    let rowK = base + k * n
                    for b in 0..<(a + 1) { target[b] += f0 * rowK[b] }
                }
                k += 1
            }
        }
    }
}

/// The dot products of four rows of `a` (from `a[start]`, `stride` apart) with one of `b`, each computed exactly as
/// ``dot(_:_:_:_:count:)`` computes it (the same four partial sums in the same order), `b`'s entries loaded once for
/// the four.
@inline(__always)
func dot4(
    _ a: UnsafeBufferPointer<Double>,
    _ start: Int,
    _ stride: Int,
    _ b: UnsafeBufferPointer<Double>,
    _ bStart: Int,
    count: Int
) -> (Double, Double, Double, Double) {
    guard count > 0, let aBase = a.baseAddress, let bBase = b.baseAddress else { return (0, 0, 0, 0) }
    let (x0, y) = (aBase + start, bBase + bStart)
    let (x1, x2, x3) = (x0 + stride, x0 + 2 * stride, x0 + 3 * stride)
    var (p0, p1, p2, p3) = (0.0, 0.0, 0.0, 0.0)
    var (q0, q1, q2, q3) = (0.0, 0.0, 0.0, 0.0)
    var (r0, r1, r2, r3) = (0.0, 0.0, 0.0, 0.0)
    var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
    var k = 0
    while k &+ 4 <= count {
        let (y0, y1, y2, y3) = (y[k], y[k &+ 1], y[k &+ 2], y[k &+ 3])
        p0 += x0[k] * y0
        p1 += x0[k &+ 1] * y1
        p2 += x0[k &+ 2] * y2
        p3 += x0[k &+ 3] * y3
        q0 += x1[k] * y0
        q1 += x1[k &+ 1] * y1
        q2 += x1[k &+ 2] * y2
        q3 += x1[k &+ 3] * y3
        r0 += x2[k] * y0
        r1 += x2[k &+ 1] * y1
        r2 += x2[k &+ 2] * y2
        r3 += x2[k &+ 3] * y3
        s0 += x3[k] * y0
        s1 += x3[k &+ 1] * y1
        s2 += x3[k &+ 2] * y2
        s3 += x3[k &+ 3] * y3
        k &+= 4
    }
    while k < count {
        p0 += x0[k] * y[k]
        q0 += x1[k] * y[k]
        r0 += x2[k] * y[k]
        s0 += x3[k] * y[k]
        k &+= 1
    }
    return ((p0 + p1) + (p2 + p3), (q0 + q1) + (q2 + q3), (r0 + r1) + (r2 + r3), (s0 + s1) + (s2 + s3))
}

/// The dot product of `count` entries of two buffers, from `a[aStart]` and `b[bStart]`, with four partial sums so
/// that the compiler can keep several multiply-adds in flight (and use vector registers): about 3× faster than one
/// running sum on the triangular solves and the Cholesky factorization, which are dot products of rows.
///
/// It lives in this file because the factorization is its O(n³) caller: debug builds compile each file on its own,
/// and a function of another file is never inlined.
@inline(__always)
func dot(
    _ a: UnsafeBufferPointer<Double>,
    _ aStart: Int,
    _ b: UnsafeBufferPointer<Double>,
    _ bStart: Int,
    count: Int
) -> Double {
    guard count > 0, let aBase = a.baseAddress, let bBase = b.baseAddress else { return 0 }
    // Pointers and wrapping index arithmetic: no overflow checks, so the four sums go into one vector register.
    let (x, y) = (aBase + aStart, bBase + bStart)
    var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
    var k = 0
    while k &+ 4 <= count {
        s0 += x[k] * y[k]
        s1 += x[k &+ 1] * y[k &+ 1]
        s2 += x[k &+ 2] * y[k &+ 2]
        s3 += x[k &+ 3] * y[k &+ 3]
        k &+= 4
    }
    while k < count {
        s0 += x[k] * y[k]
        k &+= 1
    }
    return (s0 + s1) + (s2 + s3)
}
