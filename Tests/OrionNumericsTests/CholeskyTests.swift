import OrionNumerics
import XCTest

final class CholeskyTests: XCTestCase {
    private struct LinearAlgebra: Decodable {
        let size: Int
        let matrix, lower, b, solve, inverse: [Double]
        let logDeterminant: Double
        enum CodingKeys: String, CodingKey {
            case size, matrix, lower, b, solve, inverse
            case logDeterminant = "log_determinant"
        }
    }

    func testFactorSolveLogDeterminantAndInverseMatchNumpy() throws {
        let fixture = try Fixture.load("linear_algebra.json", as: LinearAlgebra.self)
        let cholesky = try Cholesky(fixture.matrix, size: fixture.size)
        XCTAssertEqual(cholesky.jitter, 0)
        assertClose(cholesky.lower, fixture.lower, relative: 1e-9, absolute: 1e-12)
        assertClose(cholesky.solve(fixture.b), fixture.solve, relative: 1e-7)
        assertClose(cholesky.inverse(), fixture.inverse, relative: 1e-7, absolute: 1e-6)
        XCTAssertEqual(cholesky.logDeterminant, fixture.logDeterminant, accuracy: 1e-8 * abs(fixture.logDeterminant))
    }

    func testInverseIsBitIdenticalToOneRankOneUpdatePerRowAndInverts() throws {
        // The inverse computes each entry with the same terms in the same order as the plain algorithm below (M = L⁻¹
        // one row of L at a time, then A⁻¹ = Mᵀ M as one rank-one update per row of M), only blocked: an identity,
        // not a tolerance. Sizes around the blocking (1, 2, 3, 5, 38), one whose rows are shared among the cores (240),
        // and zeros in the factor, which are skipped.
        var generator = SplitMix(seed: 17)
        for n in [1, 2, 3, 5, 38, 240] {
            var factor = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for k in 0..<i { factor[i * n + k] = Double.random(in: -0.3..<0.3, using: &generator) }
                factor[i * n + i] = Double.random(in: 1..<2, using: &generator)
            }
            // Rows whose leading entries are zero keep them zero in the computed factor: skipped factors.
            if n >= 5 { (factor[4 * n], factor[4 * n + 1]) = (0, 0) }
            if n >= 38 { for k in 0..<3 { factor[(n - 1) * n + k] = 0 } }
            var matrix = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in 0..<n {
                    for k in 0...min(i, j) { matrix[i * n + j] += factor[i * n + k] * factor[j * n + k] }
                }
            }
            let cholesky = try Cholesky(matrix, size: n)
            let l = cholesky.lower
            var m = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                m[i * n + i] = 1
                for k in 0..<i where l[i * n + k] != 0 {
                    for j in 0...k { m[i * n + j] -= l[i * n + k] * m[k * n + j] }
                }
                let inverse = 1 / l[i * n + i]
                for j in 0...i { m[i * n + j] *= inverse }
            }
            var expected = [Double](repeating: 0, count: n * n)
            for k in 0..<n {
                for a in 0...k where m[k * n + a] != 0 {
                    for b in 0...a { expected[a * n + b] += m[k * n + a] * m[k * n + b] }
                }
            }
            for a in 0..<n { for b in 0..<a { expected[b * n + a] = expected[a * n + b] } }
            let inverse = cholesky.inverse()
            XCTAssertEqual(inverse.map(\.bitPattern), expected.map(\.bitPattern), "order \(n)")
            for i in 0..<n {
                for j in 0..<n {
                    var sum = 0.0
                    for k in 0..<n { sum += matrix[i * n + k] * inverse[k * n + j] }
                    XCTAssertEqual(sum, i == j ? 1 : 0, accuracy: 1e-9, "order \(n), entry \(i), \(j)")
                }
            }
        }
    }

    func testFactorIsBitIdenticalToOneRowAtATime() throws {
        // The factor takes two rows per pass; each entry must still be the plain Cholesky–Banachiewicz entry with the
        // dot product's four partial sums (k mod 4, the remainder into the first), combined as (s0 + s1) + (s2 + s3).
        // Odd and even orders, with and without the jitter.
        func dot(_ x: ArraySlice<Double>, _ y: ArraySlice<Double>) -> Double {
            let (x, y) = (Array(x), Array(y))
            var sums = [0.0, 0.0, 0.0, 0.0]
            let whole = x.count / 4 * 4
            for k in 0..<x.count { sums[k < whole ? k % 4 : 0] += x[k] * y[k] }
            return (sums[0] + sums[1]) + (sums[2] + sums[3])
        }
        var generator = SplitMix(seed: 23)
        for n in [1, 2, 3, 4, 7, 10, 41] {
            let points = (0..<n).map { _ in (0..<3).map { _ in Double.random(in: 0..<1, using: &generator) } }
            var matrix = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in 0..<n {
                    let squared = zip(points[i], points[j]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                    matrix[i * n + j] = exp(-squared / 0.3) + (i == j ? 1e-3 : 0)
                }
            }
            for jitter in [0.0, 1e-4] {
                var shifted = matrix
                for i in 0..<n { shifted[i * n + i] += jitter }
                let cholesky = try Cholesky(shifted, size: n)
                XCTAssertEqual(cholesky.jitter, 0)
                var l = [Double](repeating: 0, count: n * n)
                for i in 0..<n {
                    for j in 0..<i {
                        let sum = shifted[i * n + j] - dot(l[(i * n)..<(i * n + j)], l[(j * n)..<(j * n + j)])
                        l[i * n + j] = sum / l[j * n + j]
                    }
                    let diagonal = shifted[i * n + i] - dot(l[(i * n)..<(i * n + i)], l[(i * n)..<(i * n + i)])
                    l[i * n + i] = diagonal.squareRoot()
                }
                XCTAssertEqual(cholesky.lower.map(\.bitPattern), l.map(\.bitPattern), "order \(n)")
            }
        }
    }

    func testJitterRescuesASingularMatrixAndIsReported() throws {
        // Two equal points: a rank-one 2×2 kernel matrix.
        let cholesky = try Cholesky([1, 1, 1, 1], size: 2)
        XCTAssertGreaterThan(cholesky.jitter, 0)
        XCTAssertLessThanOrEqual(cholesky.jitter, 1e-6)
        let l = cholesky.lower
        XCTAssertEqual(l[0] * l[0], 1 + cholesky.jitter, accuracy: 1e-12)
        XCTAssertEqual(l[2] * l[2] + l[3] * l[3], 1 + cholesky.jitter, accuracy: 1e-12)
        XCTAssertEqual(l[1], 0)
    }

    func testRejectsIndefiniteAndMalformedMatrices() {
        XCTAssertThrowsError(try Cholesky([1, 2, 2, 1], size: 2)) { error in
            XCTAssertEqual((error as? NumericsError)?.code, .notPositiveDefinite)
        }
        XCTAssertThrowsError(try Cholesky([1, 2, 3], size: 2)) { error in
            XCTAssertEqual((error as? NumericsError)?.code, .invalidArgument)
        }
        XCTAssertThrowsError(try Cholesky([1, .nan, .nan, 1], size: 2)) { error in
            XCTAssertEqual((error as? NumericsError)?.code, .invalidArgument)
        }
    }

    func testEmptyMatrix() throws {
        let cholesky = try Cholesky([], size: 0)
        XCTAssertEqual(cholesky.solve([]), [])
        XCTAssertEqual(cholesky.logDeterminant, 0)
    }
}
