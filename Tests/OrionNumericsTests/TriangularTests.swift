import OrionNumerics
import XCTest

final class TriangularTests: XCTestCase {
    private struct LinearAlgebra: Decodable {
        let size: Int
        let lower, b, rhs: [Double]
        let solveLower, solveLowerTransposed, solveUpper, solveLowerMatrix, solveLowerTransposedMatrix: [Double]
        enum CodingKeys: String, CodingKey {
            case size, lower, b, rhs
            case solveLower = "solve_lower"
            case solveLowerTransposed = "solve_lower_transposed"
            case solveUpper = "solve_upper"
            case solveLowerMatrix = "solve_lower_matrix"
            case solveLowerTransposedMatrix = "solve_lower_transposed_matrix"
        }
    }

    func testVectorAndMatrixSolvesMatchNumpy() throws {
        let f = try Fixture.load("linear_algebra.json", as: LinearAlgebra.self)
        let n = f.size
        assertClose(Triangular.solveLower(f.lower, size: n, f.b), f.solveLower, relative: 1e-9)
        assertClose(Triangular.solveLowerTransposed(f.lower, size: n, f.b), f.solveLowerTransposed, relative: 1e-8)
        var upper = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { upper[i * n + j] = f.lower[j * n + i] } }
        assertClose(Triangular.solveUpper(upper, size: n, f.b), f.solveUpper, relative: 1e-8)
        assertClose(Triangular.solveLower(f.lower, size: n, f.rhs, columns: 3), f.solveLowerMatrix, relative: 1e-9)
        assertClose(
            Triangular.solveLowerTransposed(f.lower, size: n, f.rhs, columns: 3),
            f.solveLowerTransposedMatrix,
            relative: 1e-8
        )
    }

    func testMatrixSolveEqualsColumnByColumnSolves() {
        let lower: [Double] = [2, 0, 0, 1, 3, 0, -1, 0.5, 4]
        let rhs: [Double] = [1, 2, 3, 4, 5, 6]  // 3 × 2
        let together = Triangular.solveLower(lower, size: 3, rhs, columns: 2)
        for column in 0..<2 {
            let alone = Triangular.solveLower(lower, size: 3, [rhs[column], rhs[2 + column], rhs[4 + column]])
            assertClose([together[column], together[2 + column], together[4 + column]], alone, relative: 1e-15)
        }
    }

    func testBlockedMatrixSolveIsBitIdenticalToTheRowUpdateOrder() {
        // More columns than one block, and a partial last block: the blocked solve must give each entry the same
        // operations in the same order as one sweep over all columns (an identity, not a tolerance).
        let n = 37
        let m = 139  // two blocks of 64 columns and a partial one
        var generator = SplitMix(seed: 5)
        var lower = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for k in 0..<i { lower[i * n + k] = Double.random(in: -0.2..<0.2, using: &generator) }
            lower[i * n + i] = Double.random(in: 1..<3, using: &generator)
        }
        lower[5 * n + 2] = 0  // a zero factor is skipped in both
        let rhs = (0..<(n * m)).map { _ in Double.random(in: -1..<1, using: &generator) }
        var expected = rhs
        for i in 0..<n {
            for k in 0..<i where lower[i * n + k] != 0 {
                let factor: Double = lower[i * n + k]
                for c in 0..<m { expected[i * m + c] -= factor * expected[k * m + c] }
            }
            let inverse: Double = 1 / lower[i * n + i]
            for c in 0..<m { expected[i * m + c] *= inverse }
        }
        let solved = Triangular.solveLower(lower, size: n, rhs, columns: m)
        XCTAssertEqual(solved.map { $0.bitPattern }, expected.map { $0.bitPattern })
        // And it solves the system.
        for c in [0, m / 2, m - 1] {
            for i in 0..<n {
                var sum = 0.0
                for k in 0...i { sum += lower[i * n + k] * solved[k * m + c] as Double }
                XCTAssertEqual(sum, rhs[i * m + c], accuracy: 1e-9)
            }
        }
    }
}
