import Foundation

/// The eigendecomposition of a real symmetric matrix, `A = V · diag(values) · Vᵀ`, by the cyclic Jacobi method.
///
/// Jacobi rotations zero the off-diagonal entries one pair at a time until they are negligible next to the
/// diagonal; each sweep costs O(n³) and the method converges quadratically, in a handful of sweeps for the
/// matrices of CMA-ES (n up to a few hundred). It is slower than Householder tridiagonalization followed by QL
/// for large n, but small, and it finds small eigenvalues to high relative accuracy
/// ([Demmel & Veselić, 1992](https://doi.org/10.1137/0613074)), which matters for an ill-conditioned covariance.
///
/// ```swift
/// let eigen = SymmetricEigen([[2, 1], [1, 2]])   // values [1, 3]
/// ```
public struct SymmetricEigen: Hashable, Sendable {
    /// The eigenvalues, ascending.
    public let values: [Double]
    /// The orthonormal eigenvectors: `vectors[k]` belongs to `values[k]`.
    public let vectors: [[Double]]

    /// The most sweeps before giving up; convergence takes fewer than 15 in practice.
    public static let maximumSweeps = 60

    /// Decomposes `matrix`, read as the symmetric matrix `(A + Aᵀ) / 2`; `nil` when the matrix is not square or
    /// has an entry that is not finite.
    ///
    /// - Parameter matrix: a square matrix, row-major, of finite entries.
    /// - Complexity: O(n³) per sweep for an n × n matrix.
    public init?(_ matrix: [[Double]]) {
        let n = matrix.count
        guard matrix.allSatisfy({ $0.count == n && $0.allSatisfy(\.isFinite) }) else { return nil }
        var a = (0..<n).map { i in (0..<n).map { j in 0.5 * (matrix[i][j] + matrix[j][i]) } }
        var v = (0..<n).map { i in (0..<n).map { j in i == j ? 1.0 : 0.0 } }
        for _ in 0..<Self.maximumSweeps {
            var offDiagonal = 0.0
            var diagonal = 0.0
            for i in 0..<n {
                diagonal += a[i][i] * a[i][i]
                for j in (i + 1)..<max(n, i + 1) { offDiagonal += a[i][j] * a[i][j] }
            }
            if offDiagonal == 0 || offDiagonal <= 1e-30 * diagonal { break }
            for p in 0..<n {
                for q in (p + 1)..<max(n, p + 1) where a[p][q] != 0 {
                    Self.rotate(&a, &v, p, q)
                }
            }
        }
        let order = (0..<n).sorted { a[$0][$0] < a[$1][$1] }
        values = order.map { a[$0][$0] }
        vectors = order.map { k in (0..<n).map { v[$0][k] } }
    }

    /// Applies the rotation in the plane (p, q) that zeroes `a[p][q]`, and accumulates it in `v`'s columns.
    private static func rotate(_ a: inout [[Double]], _ v: inout [[Double]], _ p: Int, _ q: Int) {
        let apq = a[p][q]
        let theta = (a[q][q] - a[p][p]) / (2 * apq)
        // The smaller root of t² + 2θt − 1 = 0, so that the rotation angle is at most π/4.
        let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
        let c = 1 / (t * t + 1).squareRoot()
        let s = t * c
        let n = a.count
        for k in 0..<n {
            let akp = a[k][p]
            let akq = a[k][q]
            a[k][p] = c * akp - s * akq
            a[k][q] = s * akp + c * akq
        }
        for k in 0..<n {
            let apk = a[p][k]
            let aqk = a[q][k]
            a[p][k] = c * apk - s * aqk
            a[q][k] = s * apk + c * aqk
        }
        a[p][q] = 0
        a[q][p] = 0
        for k in 0..<n {
            let vkp = v[k][p]
            let vkq = v[k][q]
            v[k][p] = c * vkp - s * vkq
            v[k][q] = s * vkp + c * vkq
        }
    }

    /// `V · diag(f(values)) · Vᵀ`: a function of the matrix, such as its inverse square root (`1 / √λ`).
    ///
    /// - Parameter transform: applied to each eigenvalue.
    /// - Returns: the n × n symmetric matrix, row-major.
    /// - Complexity: O(n³).
    public func reconstructed(applying transform: (Double) -> Double = { $0 }) -> [[Double]] {
        let n = values.count
        let scaled = values.map(transform)
        var result = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for k in 0..<n {
            let vector = vectors[k]
            for i in 0..<n {
                let factor = scaled[k] * vector[i]
                for j in 0..<n { result[i][j] += factor * vector[j] }
            }
        }
        return result
    }
}
