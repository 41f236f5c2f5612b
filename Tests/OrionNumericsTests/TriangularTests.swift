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
}
