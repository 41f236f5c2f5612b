import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The twelfth fresh set (`fresh12`): each problem at its known minimum, the functions at other points against numpy,
/// the characters the set was chosen for, and the set's separation from the others.
final class FreshProblems12Tests: XCTestCase {
    /// The argmin of each problem, as dimension name → value.
    private static let argmins: [String: [String: JSONValue]] = {
        func point(_ values: [Double]) -> [String: JSONValue] {
            Dictionary(uniqueKeysWithValues: values.enumerated().map { ("x\($0.offset + 1)", .double($0.element)) })
        }
        return [
            "damavandi": point([2, 2]),
            "periodic": point([0, 0]),
            "gulf_research3": point([50, 25, 1.5]),
            "helical_valley3": point([1, 0, 0]),
            "katsuura4": point([0, 0, 0, 0]),
            "hilbert5": point([0, 0, 0, 0, 0]),
            "trigonometric2_6": point([0.9, 0.9, 0.9, 0.9, 0.9, 0.9]),
            "arwhead8": point([1, 1, 1, 1, 1, 1, 1, 0]),
        ]
    }()

    /// Each problem's value at its argmin is its optimum, the argmin lies in its space, and no draw beats it.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems12.all, Self.argmins)
    }

    /// The functions agree with an independent numpy implementation at off-optimum points.
    func testValuesMatchNumpy() {
        func close(_ value: Double, _ expected: Double, line: UInt = #line) {
            XCTAssertEqual(value, expected, accuracy: 1e-9 * max(1, abs(expected)), line: line)
        }
        close(TestFunctions.damavandi(7, 7), 2.0)
        close(TestFunctions.damavandi(2.5, 11.3), 59.22999989917542)
        close(TestFunctions.periodic(1, -2), 2.5342214340054685)
        close(TestFunctions.periodic(3.1, 9.5), 1.0073766423950565)
        close(TestFunctions.gulfResearch([5, 2.5, 0.15]), 12.11070582556949)
        close(TestFunctions.gulfResearch([80, 20, 3]), 32.29187857149035)
        close(TestFunctions.helicalValley([-1, 0, 0]), 2500.0)
        close(TestFunctions.helicalValley([-2, -3, 4]), 1352.3838524194068)
        close(TestFunctions.katsuura([0.1, -0.2, 0.3, 0.05]), 26.51786443297845)
        close(TestFunctions.katsuura([0.37, 0.01, -0.13, 0.22]), 17.46819469767975)
        close(TestFunctions.hilbertQuadratic([1, 2, 3, -1, -2]), 6.073015873015874)
        close(TestFunctions.hilbertQuadratic([4, -2, 0.5, 3, -1.5]), 13.113095238095235)
        close(TestFunctions.trigonometric2([0, 0, 0, 0, 0, 0]), 53.65183093811944)
        close(TestFunctions.trigonometric2([1, -2, 3.5, 0.5, 4.9, -4.2]), 91.03193459239542)
        close(TestFunctions.arwhead([0, 0, 0, 0, 0, 0, 0, 0]), 21.0)
        close(TestFunctions.arwhead([1.5, -0.5, 2, 0.25, -1, 1, 0.75, 0.5]), 33.4453125)
    }

    /// The characters the set was chosen for: Damavandi's decoy at the box's centre, the periodic function's local
    /// minima of value almost 1, the Gulf problem's plateau (Σ tᵢ²) and Katsuura's other minima at half-integers.
    func testCharacters() {
        XCTAssertEqual(TestFunctions.damavandi(7, 7), 2, accuracy: 1e-12)
        XCTAssertEqual(TestFunctions.periodic(Double.pi, Double.pi), 0.9999999997324712, accuracy: 1e-12)
        XCTAssertEqual(TestFunctions.gulfResearch([0.1, 0, 5]), 32.835, accuracy: 1e-9)
        XCTAssertEqual(TestFunctions.katsuura([0.5, -0.5, 1, 0]), 0, accuracy: 1e-12)
    }

    /// `fresh12` names the set (its names are unique across the sets: ``ProblemSetsTests``), and every space is of
    /// reals, of dimension 2 to 8.
    func testTheSetIsNamedAndOfReals() throws {
        XCTAssertEqual(FreshProblems12.all.count, 8)
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh12").map(\.name), FreshProblems12.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("katsuura4").map(\.name), ["katsuura4"])
        for task in FreshProblems12.all {
            let dimensions = try task.space().dimensions
            XCTAssertTrue(dimensions.allSatisfy { $0.kind == .real }, task.name)
            XCTAssertTrue((2...8).contains(dimensions.count), task.name)
        }
    }
}
