import Foundation
import OrionNumerics
import XCTest

final class SymmetricEigenTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Case: Decodable {
            var name: String
            var matrix: [[Double]]
            var values: [Double]
            var vectors: [[Double]]
        }
        var cases: [Case]
    }

    /// The reference decompositions computed by numpy's `linalg.eigh` (Fixtures/eigen_cases.json).
    private func fixtures(file: StaticString = #filePath) throws -> [Fixture.Case] {
        let url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
            .appendingPathComponent("Fixtures/eigen_cases.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url)).cases
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    func testEigenvaluesMatchNumpy() throws {
        let cases = try fixtures()
        XCTAssertEqual(cases.count, 11)
        for reference in cases {
            let eigen = try XCTUnwrap(SymmetricEigen(reference.matrix), reference.name)
            let scale = reference.values.map(abs).max() ?? 1
            XCTAssertEqual(eigen.values.count, reference.values.count, reference.name)
            for (value, expected) in zip(eigen.values, reference.values) {
                XCTAssertEqual(value, expected, accuracy: 1e-12 * max(scale, 1), reference.name)
            }
        }
    }

    func testEigenvectorsAreOrthonormalAndMatchNumpyUpToSign() throws {
        for reference in try fixtures() {
            let eigen = try XCTUnwrap(SymmetricEigen(reference.matrix), reference.name)
            let n = reference.values.count
            for i in 0..<n {
                for j in 0..<n {
                    let expected = i == j ? 1.0 : 0.0
                    XCTAssertEqual(dot(eigen.vectors[i], eigen.vectors[j]), expected, accuracy: 1e-12, reference.name)
                }
                // A v = λ v.
                let product = reference.matrix.map { dot($0, eigen.vectors[i]) }
                let scale = max(reference.values.map(abs).max() ?? 1, 1)
                for (entry, vectorEntry) in zip(product, eigen.vectors[i]) {
                    XCTAssertEqual(entry, eigen.values[i] * vectorEntry, accuracy: 1e-11 * scale, reference.name)
                }
                // A simple eigenvalue has one eigenvector up to its sign.
                let simple = reference.values.indices.allSatisfy {
                    $0 == i || abs(reference.values[$0] - reference.values[i]) > 1e-6 * scale
                }
                if simple {
                    XCTAssertEqual(abs(dot(eigen.vectors[i], reference.vectors[i])), 1, accuracy: 1e-9, reference.name)
                }
            }
        }
    }

    func testReconstructionGivesTheMatrixAndItsInverseSquareRoot() throws {
        let matrix: [[Double]] = [[4, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]]
        let eigen = try XCTUnwrap(SymmetricEigen(matrix))
        let back = eigen.reconstructed()
        for i in 0..<3 { for j in 0..<3 { XCTAssertEqual(back[i][j], matrix[i][j], accuracy: 1e-13) } }
        let inverseRoot = eigen.reconstructed { 1 / $0.squareRoot() }
        // (A^-1/2) A (A^-1/2) = I.
        for i in 0..<3 {
            for j in 0..<3 {
                var sum = 0.0
                for k in 0..<3 {
                    for l in 0..<3 { sum += inverseRoot[i][k] * matrix[k][l] * inverseRoot[l][j] }
                }
                XCTAssertEqual(sum, i == j ? 1 : 0, accuracy: 1e-12)
            }
        }
    }

    func testInvalidMatricesAreRefusedAndEmptyIsEmpty() {
        XCTAssertNil(SymmetricEigen([[1, 2]]))
        XCTAssertNil(SymmetricEigen([[1, .nan], [0, 1]]))
        XCTAssertNil(SymmetricEigen([[.infinity]]))
        XCTAssertEqual(SymmetricEigen([])?.values, [])
    }
}
