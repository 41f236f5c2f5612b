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
                for i in 0..<n {
                    let rowI = i * n
                    for j in 0..<i {
                        let rowJ = j * n
                        let sum = a[rowI + j] - dot(view, rowI, view, rowJ, count: j)
                        l[rowI + j] = sum / l[rowJ + j]
                    }
                    let diagonal = a[rowI + i] + jitter - dot(view, rowI, view, rowI, count: i)
                    guard diagonal > 0, diagonal.isFinite else { return false }
                    l[rowI + i] = diagonal.squareRoot()
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
        // M = L⁻¹ row by row (each row a combination of the rows above: contiguous), then A⁻¹ = Mᵀ M as a sum of
        // rank-one updates, one per row of M; both O(n³/6).
        var m = [Double](repeating: 0, count: n * n)
        var result = [Double](repeating: 0, count: n * n)
        lower.withUnsafeBufferPointer { l in
            m.withUnsafeMutableBufferPointer { m in
                for i in 0..<n {
                    let rowI = i * n
                    m[rowI + i] = 1
                    for k in 0..<i {
                        let factor = l[rowI + k]
                        if factor == 0 { continue }
                        let rowK = k * n
                        for j in 0...k { m[rowI + j] -= factor * m[rowK + j] }
                    }
                    let inverse = 1 / l[rowI + i]
                    for j in 0...i { m[rowI + j] *= inverse }
                }
            }
        }
        m.withUnsafeBufferPointer { m in
            result.withUnsafeMutableBufferPointer { r in
                for k in 0..<n {
                    let rowK = k * n
                    for a in 0...k {
                        let factor = m[rowK + a]
                        if factor == 0 { continue }
                        let rowA = a * n
                        for b in 0...a { r[rowA + b] += factor * m[rowK + b] }
                    }
                }
                for a in 0..<n {
                    for b in 0..<a { r[b * n + a] = r[a * n + b] }
                }
            }
        }
        return result
    }
}
