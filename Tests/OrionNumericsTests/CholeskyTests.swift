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
