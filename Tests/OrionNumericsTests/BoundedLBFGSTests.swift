import OrionNumerics
import XCTest

final class BoundedLBFGSTests: XCTestCase {
    private struct Case: Decodable {
        let name: String
        let start, lower, upper, x: [Double]
        let value: Double
    }

    private static func rosenbrock(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        var value = 0.0
        var gradient = [Double](repeating: 0, count: x.count)
        for i in 0..<(x.count - 1) {
            let a = x[i + 1] - x[i] * x[i]
            let b = 1 - x[i]
            value += 100 * a * a + b * b
            gradient[i] += -400 * x[i] * a - 2 * b
            gradient[i + 1] += 200 * a
        }
        return (value, gradient)
    }

    private static func quadratic(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        let centre = [0.3, -0.7, 1.5, 0.1, -2.0]
        let weights = [1.0, 10, 100, 3, 0.5]
        let diff = (0..<5).map { x[$0] - centre[$0] }
        var value = diff[0] * diff[1]
        var gradient = [diff[1], diff[0], 0, 0, 0]
        for i in 0..<5 {
            value += weights[i] * diff[i] * diff[i]
            gradient[i] += 2 * weights[i] * diff[i]
        }
        return (value, gradient)
    }

    func testFindsTheMinimaScipyFinds() throws {
        let minimizer = BoundedLBFGS(maxIterations: 500, gradientTolerance: 1e-9, valueTolerance: 0)
        for reference in try Fixture.load("lbfgsb.json", as: [Case].self) {
            let objective = reference.name.hasPrefix("rosenbrock") ? Self.rosenbrock : Self.quadratic
            let outcome = minimizer.minimize(from: reference.start, lower: reference.lower, upper: reference.upper) {
                objective($0)
            }
            assertClose(outcome.x, reference.x, relative: 1e-5, absolute: 1e-5, reference.name)
            XCTAssertEqual(outcome.value, reference.value, accuracy: 1e-8 + 1e-8 * abs(reference.value), reference.name)
            XCTAssertTrue(outcome.converged, reference.name)
            for i in 0..<outcome.x.count {
                XCTAssertTrue((reference.lower[i]...reference.upper[i]).contains(outcome.x[i]), reference.name)
            }
        }
    }

    func testStartOutsideTheBoxIsClippedAndNonFiniteValuesAreAvoided() {
        // log barrier: infinite outside x > 0.1, minimum at x = 1.
        let outcome = BoundedLBFGS().minimize(from: [5], lower: [-1], upper: [3]) { x in
            x[0] <= 0.1 ? (.infinity, [0]) : (x[0] - log(x[0] - 0.1) * 0.9, [1 - 0.9 / (x[0] - 0.1)])
        }
        XCTAssertEqual(outcome.x[0], 1, accuracy: 1e-5)
        XCTAssertTrue(outcome.value.isFinite)
    }

    func testFixedVariablesStayPut() {
        let outcome = BoundedLBFGS().minimize(from: [0, 0], lower: [-1, 0.5], upper: [1, 0.5]) { x in
            (x[0] * x[0] + x[1] * x[1], [2 * x[0], 2 * x[1]])
        }
        XCTAssertEqual(outcome.x[1], 0.5)
        XCTAssertEqual(outcome.x[0], 0, accuracy: 1e-8)
    }
}
