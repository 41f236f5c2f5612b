import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The thirteenth fresh set (`fresh13`): each problem at its known minimum, the functions at other points against
/// numpy, the characters the set was chosen for, and the set's separation from the others.
final class FreshProblems13Tests: XCTestCase {
    /// The argmin of each problem, as dimension name → value.
    private static let argmins: [String: [String: JSONValue]] = {
        func point(_ values: [Double]) -> [String: JSONValue] {
            Dictionary(uniqueKeysWithValues: values.enumerated().map { ("x\($0.offset + 1)", .double($0.element)) })
        }
        return [
            "freudenstein_roth": point([5, 4]),
            "ripple1": point([0.1, 0.1]),
            "wavy3": point([0, 0, 0]),
            "brown_almost_linear3": point([1, 1, 1]),
            "miele_cantrell4": point([0, 1, 1, 1]),
            "nondquar5": point([0, 0, 0, 0, 0]),
            "biggs_exp6": point([1, 10, 1, 5, 4, 3]),
            "liarwhd8": point([1, 1, 1, 1, 1, 1, 1, 1]),
        ]
    }()

    /// Each problem's value at its argmin is its optimum, the argmin lies in its space, and no draw beats it.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems13.all, Self.argmins)
    }

    /// The functions agree with an independent numpy implementation at off-optimum points.
    func testValuesMatchNumpy() {
        func close(_ value: Double, _ expected: Double, line: UInt = #line) {
            XCTAssertEqual(value, expected, accuracy: 1e-9 * max(1, abs(expected)), line: line)
        }
        close(TestFunctions.freudensteinRoth(0, 0), 1010.0)
        close(TestFunctions.freudensteinRoth(12.5, 1.75), 1096.77392578125)
        close(TestFunctions.ripple1([0.3, 0.7]), -1.5130566712877078)
        close(TestFunctions.ripple1([0.12, 0.95]), -0.8863280967545941)
        close(TestFunctions.wavy([0.5, -1.2, 3.3]), 0.7796595029016211)
        close(TestFunctions.wavy([0.31, 0, 2]), 0.9656779846266048)
        close(TestFunctions.brownAlmostLinear([0, 0, 0]), 33.0)
        close(TestFunctions.brownAlmostLinear([2.5, -1.5, 0.75]), 28.66015625)
        close(TestFunctions.mieleCantrell([0, 0, 0, 0]), 1.0)
        close(TestFunctions.mieleCantrell([0.5, 0.2, -0.1, 1.05]), 25.033934957807816)
        close(TestFunctions.nondquar([1, -1, 1, -1, 1]), 11.0)
        close(TestFunctions.nondquar([0.5, 1.5, -0.25, 2, -1]), 11.3203125)
        close(TestFunctions.biggsExp6([1, 2, 1, 1, 1, 1]), 0.7790700756559701)
        close(TestFunctions.biggsExp6([0.5, 8, 2, 4.5, 3, 2.5]), 11.065601230158967)
        close(TestFunctions.liarwhd([0, 0, 0, 0, 0, 0, 0, 0]), 8.0)
        close(TestFunctions.liarwhd([0.5, -1, 2, 1.5, 0, 3, -2.5, 1]), 508.5)
    }

    /// The characters the set was chosen for: Freudenstein and Roth's local minimum of 48.98, the W-wavy plateau, the
    /// second minima of Brown's almost-linear function and of Biggs's EXP6, and Miele and Cantrell's flatness.
    func testCharacters() {
        XCTAssertEqual(TestFunctions.freudensteinRoth(11.4128, -0.896805), 48.984253679867194, accuracy: 1e-9)
        XCTAssertEqual(TestFunctions.wavy([4, 4, 4]), 1, accuracy: 1e-3)
        let alpha = (1 + 13.0.squareRoot()) / 6
        XCTAssertEqual(TestFunctions.brownAlmostLinear([alpha, alpha, 4 - 3 * alpha]), 0, accuracy: 1e-12)
        XCTAssertEqual(TestFunctions.biggsExp6([4, 10, 3, 5, 1, 1]), 0, accuracy: 1e-12)
        XCTAssertLessThan(TestFunctions.mieleCantrell([0.1, 1, 1, 1]), 1e-4)
    }

    /// `fresh13` names the set (its names are unique across the sets: ``ProblemSetsTests``), and every space is of
    /// reals, of dimension 2 to 8.
    func testTheSetIsNamedAndOfReals() throws {
        XCTAssertEqual(FreshProblems13.all.count, 8)
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh13").map(\.name), FreshProblems13.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("nondquar5").map(\.name), ["nondquar5"])
        for task in FreshProblems13.all {
            let dimensions = try task.space().dimensions
            XCTAssertTrue(dimensions.allSatisfy { $0.kind == .real }, task.name)
            XCTAssertTrue((2...8).contains(dimensions.count), task.name)
        }
    }
}
