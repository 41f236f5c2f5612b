import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The fifth fresh set (`fresh5`): each function at its known minimum, at other points against numpy, and the set's
/// separation from the others.
final class FreshProblems5Tests: XCTestCase {
    /// The argmin of each problem, as dimension name → value.
    private static let argmins: [String: [String: JSONValue]] = {
        func xs(_ values: [Double]) -> [String: JSONValue] {
            Dictionary(uniqueKeysWithValues: values.enumerated().map { ("x\($0.offset + 1)", .double($0.element)) })
        }
        return [
            "leon": xs([1, 1]),
            "bartels_conn": xs([0, 0]),
            "wolfe": xs([0, 0, 0]),
            "step4": xs([0.3, -0.5, 0, 0.49]),
            "quintic5": xs([-1, 2, 2, -1, 2]),
            "sargan6": xs([0, 0, 0, 0, 0, 0]),
            "stretched_v_sine7": xs([0, 0, 0, 0, 0, 0, 0]),
            "bent_cigar8": xs(TestFunctions.bentCigarShift),
        ]
    }()

    /// Each problem's value at its argmin is its optimum, the argmin lies in its space, and no draw beats it.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems5.all, Self.argmins)
    }

    /// The functions agree with an independent numpy implementation at off-optimum points.
    func testValuesMatchNumpy() {
        func close(_ value: Double, _ expected: Double, line: UInt = #line) {
            XCTAssertEqual(value, expected, accuracy: 1e-9 * max(1, abs(expected)), line: line)
        }
        close(TestFunctions.leon(0.5, -0.3), 18.312499999999996)
        close(TestFunctions.leon(-1.1, 0.9), 502.1461000000001)
        close(TestFunctions.bartelsConn(1.3, -0.4), 3.2146191794200782)
        close(TestFunctions.bartelsConn(-3.2, 5.1), 20.36635188614056)
        close(TestFunctions.wolfe(0.3, 1.7, 0.2), 2.827008340024463)
        close(TestFunctions.wolfe(2, 2, 2), 5.771236166328253)
        close(TestFunctions.step2([0.49, -0.51, 2.3, -2.6]), 14)
        close(TestFunctions.step2([4.9, -3, 0.1, 1.5]), 38)
        close(TestFunctions.quintic([0, 1, -2, 3.5, -0.5]), 334.8125)
        close(TestFunctions.quintic([-1.1, 2.05, 0.3, -2.5, 3.9]), 686.9776640625)
        close(TestFunctions.sargan([1, -2, 0.5, 3, -1, 2]), 16.45)
        close(TestFunctions.sargan([4.5, -0.3, 2.2, -2.9, 0.8, 1.1]), 32.928000000000004)
        close(TestFunctions.stretchedVSineWave([1, -0.5, 2, 0.3, -3, 5.5, 0.01]), 6.3954512288137675)
        close(TestFunctions.stretchedVSineWave([0.1, 0.1, 0, 0, 0, 0, 0]), 0.24768852926850998)
        close(TestFunctions.bentCigar([0, 0, 0, 0, 0, 0, 0, 0]), 24250001)
        close(TestFunctions.bentCigar([1.2, -2, 0.5, 2.5, -1.5, 3, -0.5, 1.5001]), 0.049999999999997775)
    }

    /// The set shares no name with the nine, the held-out, the second, third or fourth fresh set, `fresh5` names it,
    /// and every space is of reals, of dimension 2 to 8.
    func testTheSetIsFreshAndNamed() throws {
        let others = Set(
            BenchmarkProblems.all.map(\.name) + HeldOutProblems.all.map(\.name) + FreshProblems.all.map(\.name)
                + FreshProblems3.all.map(\.name) + FreshProblems4.all.map(\.name) + SklearnTasks.definitions.map(\.name)
        )
        XCTAssertTrue(others.isDisjoint(with: FreshProblems5.all.map(\.name)))
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh5").map(\.name), FreshProblems5.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("sargan6").map(\.name), ["sargan6"])
        for task in FreshProblems5.all {
            let dimensions = try task.space().dimensions
            XCTAssertTrue(dimensions.allSatisfy { $0.kind == .real }, task.name)
            XCTAssertTrue((2...8).contains(dimensions.count), task.name)
        }
        XCTAssertEqual(Set(try FreshProblems5.all.map { try $0.space().dimensions.count }), Set(2...8))
    }
}
